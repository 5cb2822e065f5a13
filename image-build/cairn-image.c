/* cairn-image.c - the build host's tool for what goes onto a cairn host.
 *
 *   cairn-image bundle --key KEY --version V --compatible C --roothash HEX
 *                      --root F --verity F --kernel F --initrd F
 *                      [--allow-downgrade] [--level N] -o OUT
 *
 * writes an update bundle (lib/bundle.h, docs/updates.md).  Each artifact
 * is compressed once into a temporary file next to OUT while its SHA-256
 * and sizes are taken (the manifest, which comes first in the bundle,
 * needs them); then header, manifest, signature and the compressed
 * artifacts go to OUT.tmp, which is synced and renamed over OUT. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "bundle.h"
#include "cmd_disk.h"
#include "err.h"
#include "fileio.h"
#include "sha256.h"
#include "sign.h"

#define CHUNK (1u << 20)

static void usage(FILE *f)
{
	fputs("usage: cairn-image bundle --key KEY --version V --compatible C\n"
	      "           (--roothash HEX | --roothash-file F)\n"
	      "           --root root.sqfs --verity root.verity --kernel vmlinuz --initrd initramfs\n"
	      "           [--allow-downgrade] [--level N] -o OUT\n"
	      "  writes an update bundle signed with KEY (a cairnctl keygen signer key)\n"
	      "usage: cairn-image disk OUT LAYOUT\n"
	      "  writes a GPT disk image: LAYOUT lines \"LABEL TYPE-GUID SIZE-MIB FILE|-\"\n", f);
}

static int write_all(int fd, const void *buf, size_t len, const char *path,
		     struct cairn_err *e)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cairn_err_sys(e, -errno, "writing %s", path);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Compress src into the open file tmpfd, filling a's sizes and hash. */
static bool zstd_checksum = true;

static int compress_artifact(const char *src, int tmpfd, const char *tmp, int level,
			     struct bundle_artifact *a, struct cairn_err *e)
{
	size_t out_size = ZSTD_CStreamOutSize();
	char *inb = malloc(CHUNK), *outb = malloc(out_size);
	ZSTD_CCtx *z = ZSTD_createCCtx();
	struct cairn_sha256 *sha = cairn_sha256_new();
	int fd = -1, r = 0;
	bool last = false;

	a->size = a->compressed = 0;
	if (!inb || !outb || !z || !sha) {
		r = cairn_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, zstd_checksum);
	ZSTD_CCtx_setParameter(z, ZSTD_c_nbWorkers, 2);   /* ignored without MT */
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = cairn_err_sys(e, -errno, "%s", src);
		goto out;
	}
	while (!last) {
		ssize_t n = read(fd, inb, CHUNK);
		ZSTD_inBuffer in;
		size_t rem;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = cairn_err_sys(e, -errno, "reading %s", src);
			goto out;
		}
		last = n == 0;
		a->size += (uint64_t)n;
		if (cairn_sha256_update(sha, inb, (size_t)n) < 0) {
			r = cairn_err_set(e, -EIO, "sha256 of %s failed", src);
			goto out;
		}
		in = (ZSTD_inBuffer){ inb, (size_t)n, 0 };
		do {
			ZSTD_outBuffer out = { outb, out_size, 0 };

			rem = ZSTD_compressStream2(z, &out, &in, last ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(rem)) {
				r = cairn_err_set(e, -EIO, "zstd: %s: %s", src, ZSTD_getErrorName(rem));
				goto out;
			}
			r = write_all(tmpfd, outb, out.pos, tmp, e);
			if (r < 0)
				goto out;
			a->compressed += out.pos;
		} while (last ? rem != 0 : in.pos < in.size);
	}
	if (cairn_sha256_final(sha, a->sha256) < 0)
		r = cairn_err_set(e, -EIO, "sha256 of %s failed", src);
out:
	if (fd >= 0)
		close(fd);
	cairn_sha256_free(sha);
	ZSTD_freeCCtx(z);
	free(inb);
	free(outb);
	return r;
}

static int copy_fd(int from, int to, const char *path, struct cairn_err *e)
{
	char *buf = malloc(CHUNK);
	int r = 0;

	if (!buf)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	if (lseek(from, 0, SEEK_SET) < 0)
		r = cairn_err_sys(e, -errno, "seek");
	while (!r) {
		ssize_t n = read(from, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = cairn_err_sys(e, -errno, "reading back");
		if (n <= 0)
			break;
		r = write_all(to, buf, (size_t)n, path, e);
	}
	free(buf);
	return r;
}

struct bundle_args {
	const char *key, *out, *src[BUNDLE_ARTIFACTS];
	int level;
	struct bundle_manifest m;
};

static int make_bundle(struct bundle_args *b, struct cairn_err *e)
{
	static const char *const names[BUNDLE_ARTIFACTS] = {
		BUNDLE_ROOT, BUNDLE_VERITY, BUNDLE_KERNEL, BUNDLE_INITRD,
	};
	char tmp[BUNDLE_ARTIFACTS][4096], outtmp[4096], *manifest = NULL;
	unsigned char head[BUNDLE_HEADER_SIZE], sig[CAIRN_SIG_MAX];
	int tfd[BUNDLE_ARTIFACTS] = { -1, -1, -1, -1 }, ofd = -1, r = 0, len;
	size_t siglen, i;

	b->m.n = BUNDLE_ARTIFACTS;
	for (i = 0; i < BUNDLE_ARTIFACTS; i++) {
		snprintf(b->m.a[i].name, sizeof(b->m.a[i].name), "%s", names[i]);
		snprintf(tmp[i], sizeof(tmp[i]), "%s.%s.XXXXXX", b->out, names[i]);
		tfd[i] = mkstemp(tmp[i]);
		if (tfd[i] < 0) {
			r = cairn_err_sys(e, -errno, "%s", tmp[i]);
			goto out;
		}
		unlink(tmp[i]);   /* only the descriptor is needed */
		r = compress_artifact(b->src[i], tfd[i], tmp[i], b->level, &b->m.a[i], e);
		if (r < 0)
			goto out;
	}
	manifest = malloc(BUNDLE_MANIFEST_MAX);
	if (!manifest) {
		r = cairn_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	len = bundle_manifest_format(&b->m, manifest, BUNDLE_MANIFEST_MAX);
	if (len < 0) {
		r = cairn_err_set(e, -ENOSPC, "manifest too large");
		goto out;
	}
	{   /* what cairnd will parse must parse here first */
		struct bundle_manifest check;

		r = bundle_manifest_parse(manifest, (size_t)len, &check, e);
		if (r < 0)
			goto out;
	}
	r = cairn_sign_buf(b->key, manifest, (size_t)len, sig, &siglen, e);
	if (r < 0)
		goto out;
	snprintf(outtmp, sizeof(outtmp), "%s.tmp", b->out);
	ofd = open(outtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ofd < 0) {
		r = cairn_err_sys(e, -errno, "%s", outtmp);
		goto out;
	}
	bundle_header_write(head, (uint32_t)len, (uint32_t)siglen);
	r = write_all(ofd, head, sizeof(head), outtmp, e);
	if (!r)
		r = write_all(ofd, manifest, (size_t)len, outtmp, e);
	if (!r)
		r = write_all(ofd, sig, siglen, outtmp, e);
	for (i = 0; !r && i < BUNDLE_ARTIFACTS; i++)
		r = copy_fd(tfd[i], ofd, outtmp, e);
	if (!r && fsync(ofd) < 0)
		r = cairn_err_sys(e, -errno, "fsync %s", outtmp);
	if (!r && rename(outtmp, b->out) < 0)
		r = cairn_err_sys(e, -errno, "rename %s", b->out);
	if (r < 0)
		unlink(outtmp);
out:
	for (i = 0; i < BUNDLE_ARTIFACTS; i++)
		if (tfd[i] >= 0)
			close(tfd[i]);
	if (ofd >= 0)
		close(ofd);
	free(manifest);
	return r;
}

static int read_roothash(const char *path, char *out, size_t size, struct cairn_err *e)
{
	char *buf;
	size_t len;
	int r = cairn_read_file(path, 4096, &buf, &len, e);

	if (r < 0)
		return r;
	buf[strcspn(buf, " \t\r\n")] = 0;
	snprintf(out, size, "%s", buf);
	free(buf);
	return 0;
}

static int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "version", required_argument, NULL, 'v' },
		{ "compatible", required_argument, NULL, 'c' },
		{ "roothash", required_argument, NULL, 'H' },
		{ "roothash-file", required_argument, NULL, 'F' },
		{ "root", required_argument, NULL, 'r' },
		{ "verity", required_argument, NULL, 'V' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "allow-downgrade", no_argument, NULL, 'd' },
		{ "level", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-zstd-checksum", no_argument, NULL, 'X' },   /* tests: SHA-256 alone */
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bundle_args b = { .level = 3 };
	struct cairn_err e = { "" };
	const char *version = NULL, *compat = NULL, *rh = NULL, *rhfile = NULL;
	char hash[256];
	int c;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': b.key = optarg; break;
		case 'v': version = optarg; break;
		case 'c': compat = optarg; break;
		case 'H': rh = optarg; break;
		case 'F': rhfile = optarg; break;
		case 'r': b.src[0] = optarg; break;
		case 'V': b.src[1] = optarg; break;
		case 'K': b.src[2] = optarg; break;
		case 'I': b.src[3] = optarg; break;
		case 'd': b.m.allow_downgrade = true; break;
		case 'l': b.level = atoi(optarg); break;
		case 'o': b.out = optarg; break;
		case 'X': zstd_checksum = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !b.key || !version || !compat || !(rh || rhfile) || !b.out ||
	    !b.src[0] || !b.src[1] || !b.src[2] || !b.src[3]) {
		usage(stderr);
		return 2;
	}
	if (rhfile) {
		if (read_roothash(rhfile, hash, sizeof(hash), &e) < 0) {
			fprintf(stderr, "cairn-image: %s\n", e.msg);
			return 1;
		}
		rh = hash;
	}
	if (!bundle_version_valid(version) || strlen(rh) >= sizeof(b.m.roothash) ||
	    strlen(compat) >= sizeof(b.m.compatible)) {
		fprintf(stderr, "cairn-image: bad --version, --roothash or --compatible\n");
		return 2;
	}
	memcpy(b.m.version, version, strlen(version) + 1);
	memcpy(b.m.compatible, compat, strlen(compat) + 1);
	memcpy(b.m.roothash, rh, strlen(rh) + 1);
	if (make_bundle(&b, &e) < 0) {
		fprintf(stderr, "cairn-image: bundle %s: %s\n", b.out, e.msg);
		return 1;
	}
	for (size_t i = 0; i < b.m.n; i++)
		fprintf(stderr, "cairn-image: %-12s %12" PRIu64 " bytes -> %12" PRIu64 "\n",
			b.m.a[i].name, b.m.a[i].size, b.m.a[i].compressed);
	fprintf(stderr, "cairn-image: wrote %s (version %s, %s)\n", b.out, version, compat);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "bundle"))
		return cmd_bundle(argc - 1, argv + 1);
	if (!strcmp(argv[1], "disk"))
		return cmd_disk(argc - 1, argv + 1);
	fprintf(stderr, "cairn-image: unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
