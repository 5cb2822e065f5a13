/* test_config_pool.c - [pool NAME]: values and defaults, every error with
 * its line; libblkid's blank test on files (blank, a swap signature); the
 * pool table of cairnctl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_test_helpers.h"
#include "format_pool.h"
#include "pool.h"

#define expect_err(text, msg) expect_err_as((text), (msg), 0)

static void test_values(void **state)
{
	struct cairn_config *c;
	const struct cairn_pool *p;

	(void)state;
	c = parse_ok("[pool data]\nsource = /dev/sdb\n"
		     "\n[pool fast]\nsource = LABEL=fast disk\nfs = xfs\nformat = if-blank\n"
		     "[pool b]\nsource = UUID=0b1f-22\nfs = btrfs\nformat = never\n"
		     "[pool p]\nsource = PARTLABEL=vm-store\n"
		     "[pool home]\nsource = /var/home\nfs = dir\n"
		     "[service s]\nexec = /bin/true\n");
	assert_int_equal(c->n_pools, 5);
	p = &c->pools[0];
	assert_string_equal(p->name, "data");
	assert_int_equal(p->line, 1);
	assert_string_equal(p->source, "/dev/sdb");
	assert_int_equal(p->fs, CAIRN_POOL_EXT4);                  /* defaults */
	assert_int_equal(p->format, CAIRN_POOL_FORMAT_NEVER);
	assert_int_equal(cairn_pool_source_kind(p->source), CAIRN_POOL_SRC_DEVICE);
	p = &c->pools[1];
	assert_string_equal(p->source, "LABEL=fast disk");
	assert_int_equal(p->fs, CAIRN_POOL_XFS);
	assert_int_equal(p->format, CAIRN_POOL_FORMAT_IF_BLANK);
	assert_int_equal(cairn_pool_source_kind(p->source), CAIRN_POOL_SRC_TAG);
	assert_int_equal(c->pools[2].fs, CAIRN_POOL_BTRFS);
	assert_int_equal(c->pools[2].format, CAIRN_POOL_FORMAT_NEVER);
	assert_int_equal(cairn_pool_source_kind(c->pools[3].source), CAIRN_POOL_SRC_TAG);
	p = &c->pools[4];
	assert_int_equal(p->fs, CAIRN_POOL_DIR);
	assert_int_equal(cairn_pool_source_kind(p->source), CAIRN_POOL_SRC_DIR);
	assert_string_equal(cairn_pool_fs_name(p->fs), "dir");
	assert_string_equal(cairn_pool_fs_name(CAIRN_POOL_EXT4), "ext4");
	assert_int_equal(c->n_services, 1);
	cairn_config_free(c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("[pool]\n", "t.conf:1: section [pool] needs a name: [pool NAME]");
	expect_err("[pool a/b]\n",
		   "t.conf:1: bad pool name 'a/b': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[pool ..]\n",
		   "t.conf:1: bad pool name '..': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[pool a]\nsource = /dev/sda\n[pool a]\n",
		   "t.conf:3: duplicate section [pool a] (first on line 1)");
	expect_err("[pool a]\nfs = ext4\n",
		   "t.conf:1: [pool a] has no source (a device, LABEL=, UUID=, PARTLABEL= or a directory)");
	expect_err("[pool a]\nsource = sdb\n",
		   "t.conf:2: bad value 'sdb' for 'source' in [pool a]: expected a device (/dev/...), LABEL=x, UUID=x, PARTLABEL=x or an absolute directory (fs = dir)");
	expect_err("[pool a]\nsource = /dev/../etc\n",
		   "t.conf:2: bad value '/dev/../etc' for 'source' in [pool a]: expected a device (/dev/...), LABEL=x, UUID=x, PARTLABEL=x or an absolute directory (fs = dir)");
	expect_err("[pool a]\nsource = /\nfs = dir\n",
		   "t.conf:2: bad value '/' for 'source' in [pool a]: expected a device (/dev/...), LABEL=x, UUID=x, PARTLABEL=x or an absolute directory (fs = dir)");
	expect_err("[pool a]\nsource = LABEL=\n",
		   "t.conf:2: bad value 'LABEL=' for 'source' in [pool a]: empty LABEL");
	expect_err("[pool a]\nsource = UUID=a/b\n",
		   "t.conf:2: bad value 'UUID=a/b' for 'source' in [pool a]: a label or UUID has no '/'");
	expect_err("[pool a]\nsource = /dev/sdb\nsource = /dev/sdc\n",
		   "t.conf:3: duplicate key 'source' in [pool a] (first on line 2)");
	expect_err("[pool a]\nsource = /dev/sdb\nfs = zfs\n",
		   "t.conf:3: bad value 'zfs' for 'fs' in [pool a]: expected ext4, xfs, btrfs or dir");
	expect_err("[pool a]\nsource = /dev/sdb\nfs = xfs\nfs = xfs\n",
		   "t.conf:4: duplicate key 'fs' in [pool a] (first on line 3)");
	expect_err("[pool a]\nsource = /dev/sdb\nformat = always\n",
		   "t.conf:3: bad value 'always' for 'format' in [pool a]: expected never or if-blank");
	expect_err("[pool a]\nformat = never\nformat = if-blank\n",
		   "t.conf:3: duplicate key 'format' in [pool a] (first on line 2)");
	expect_err("[pool a]\nsource = /dev/sdb\nsize = 10G\n",
		   "t.conf:3: unknown key 'size' in [pool a] (expected source, fs, format)");
	expect_err("[pool a]\nsource = /dev/sdb\nfs = dir\n",
		   "t.conf:3: [pool a]: fs = dir needs a directory as source, not '/dev/sdb'");
	expect_err("[pool a]\nfs = dir\nsource = LABEL=x\n",
		   "t.conf:3: [pool a]: fs = dir needs a directory as source, not 'LABEL=x'");
	expect_err("[pool a]\nsource = /srv/a\n",
		   "t.conf:2: [pool a]: source '/srv/a' is a directory: say fs = dir (devices are /dev/..., LABEL=, UUID=, PARTLABEL=)");
	expect_err("[pool a]\nsource = /srv/a\nfs = dir\nformat = if-blank\n",
		   "t.conf:4: [pool a]: format = if-blank makes no sense with fs = dir");
	expect_err("[pool a]\nsource = LABEL=x\n[pool b]\nsource = LABEL=x\n",
		   "t.conf:4: [pool b] has the same source as [pool a] (line 2)");
	expect_err("[service s]\nexec = /bin/true\nsource = /dev/sdb\n",
		   "t.conf:3: unknown key 'source' in [service s]");
}

/* A sparse file of n bytes, written at off with len bytes of data. */
static void make_file(const char *path, off_t n, off_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, n), 0);
	if (len)
		assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
	close(fd);
}

static void test_probe(void **state)
{
	char dir[] = "/tmp/test_pool.XXXXXX", path[64], type[64], what[128];
	unsigned char hdr[1024 + 12] = { 0 };
	char *dev = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/blank", dir);
	make_file(path, 8 << 20, 0, NULL, 0);
	assert_int_equal(pool_probe(path, type, sizeof(type), what, sizeof(what)), 1);

	/* a swap area: a signature, not a file system; never blank */
	hdr[1024] = 1;                  /* version 1 */
	hdr[1028] = 0xff;               /* last_page */
	make_file(path, 8 << 20, 0, hdr, sizeof(hdr));
	{
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		assert_int_equal(pwrite(fd, "SWAPSPACE2", 10, 4096 - 10), 10);
		close(fd);
	}
	assert_int_equal(pool_probe(path, type, sizeof(type), what, sizeof(what)), 0);
	assert_string_equal(type, "");
	assert_string_equal(what, "swap (other)");

	/* resolving: a regular file is not a device; nothing is missing */
	assert_int_equal(pool_resolve(path, &dev), -ENOTBLK);
	assert_null(dev);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(pool_resolve(path, &dev), -ENOENT);
	assert_int_equal(pool_resolve("LABEL=cairn-test-no-such-label-4f1c", &dev), -ENOENT);
	assert_int_equal(pool_probe(path, type, sizeof(type), what, sizeof(what)) < 0, 1);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void test_table(void **state)
{
	const char *json =
		"[{\"name\":\"data\",\"source\":\"LABEL=d\",\"fs\":\"ext4\",\"state\":\"ready\","
		"\"reason\":\"\",\"size\":1073741824,\"used\":1536},"
		"{\"name\":\"usb\",\"source\":\"/dev/sdz\",\"fs\":\"xfs\",\"state\":\"missing\","
		"\"reason\":\"no device /dev/sdz\",\"size\":0,\"used\":0}]";
	cJSON *o = cJSON_Parse(json);
	char *buf = NULL, b[16];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(fmt_pools(f, o), 0);
	fclose(f);
	assert_string_equal(buf,
		"NAME  STATE    FS    SIZE  USED  SOURCE    REASON\n"
		"data  ready    ext4  1.0G  1.5K  LABEL=d   -\n"
		"usb   missing  xfs   -     -     /dev/sdz  no device /dev/sdz\n");
	free(buf);
	cJSON_Delete(o);
	o = cJSON_Parse("{}");
	assert_int_equal(fmt_pools(stdout, o), -EINVAL);
	cJSON_Delete(o);
	fmt_bytes(b, sizeof(b), 0);
	assert_string_equal(b, "0");
	fmt_bytes(b, sizeof(b), 1023);
	assert_string_equal(b, "1023");
	fmt_bytes(b, sizeof(b), 10737418240.0);
	assert_string_equal(b, "10.0G");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
