/* slot_stub.c - DELETE AT MERGE: stands in for slot.c */
/* Just enough of slot.h for cairnd to link and for the installer's tests:
 * slot_booted reads cairn.slot= from the given file; slot_install_boot
 * copies kernel and initrd to $CAIRN_STUB_ESP/<slot>/ (when set) with an
 * "entry" file holding version and roothash. */
#include "slot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

const char *slot_state_name(enum slot_state s)
{
	static const char *const n[] = { "empty", "active", "good", "pending", "failed" };

	return (unsigned)s < 5 ? n[s] : "?";
}

int slot_booted(const char *cmdline_path, char *name, struct cairn_err *e)
{
	char *buf, *p;
	size_t len;
	int r = cairn_read_file(cmdline_path, 65536, &buf, &len, e);

	if (r < 0)
		return r;
	p = strstr(buf, "cairn.slot=");
	if (!p || (p[11] != 'a' && p[11] != 'b')) {
		free(buf);
		return cairn_err_set(e, -ENOENT, "%s: no cairn.slot=a|b", cmdline_path);
	}
	*name = p[11];
	free(buf);
	return 0;
}

int slot_partitions(char name, char *root, size_t root_size, char *verity,
		    size_t verity_size, struct cairn_err *e)
{
	return cairn_err_set(e, -ENOENT, "slot %c: no partitions (slot keeper not built yet)",
			     name);
}

int slot_invalidate(char name, struct cairn_err *e)
{
	const char *esp = getenv("CAIRN_STUB_ESP");
	char path[4096];

	if (!esp)
		return 0;
	snprintf(path, sizeof(path), "%s/%c/entry", esp, name);
	if (unlink(path) < 0 && errno != ENOENT)
		return cairn_err_sys(e, -errno, "%s", path);
	return 0;
}

static int copy(const char *from, const char *to, struct cairn_err *e)
{
	char *buf;
	size_t len;
	int r = cairn_read_file(from, 1u << 30, &buf, &len, e);

	if (r < 0)
		return r;
	r = cairn_write_atomic(to, buf, len, 0644, e);
	free(buf);
	return r;
}

int slot_install_boot(char name, const char *kernel, const char *initrd,
		      const char *roothash, const char *version, struct cairn_err *e)
{
	const char *esp = getenv("CAIRN_STUB_ESP");
	char path[4096], entry[512];
	int r, n;

	if (!esp)
		return 0;
	snprintf(path, sizeof(path), "%s/%c/vmlinuz", esp, name);
	if ((r = copy(kernel, path, e)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%c/initrd", esp, name);
	if ((r = copy(initrd, path, e)) < 0)
		return r;
	n = snprintf(entry, sizeof(entry), "version %s\nroothash %s\n", version, roothash);
	snprintf(path, sizeof(path), "%s/%c/entry", esp, name);
	return cairn_write_atomic(path, entry, (size_t)n, 0644, e);
}

int slot_list(struct slot_info info[2], struct cairn_err *e)
{
	memset(info, 0, 2 * sizeof(*info));
	info[0].name = 'a';
	info[1].name = 'b';
	return 0;
}
