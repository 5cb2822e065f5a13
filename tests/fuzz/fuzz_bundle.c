/* fuzz_bundle.c - libFuzzer target for update bundles (lib/bundle.c,
 * lib/bundle_read.c): any bytes as a bundle stream must be refused with a
 * message, never crash, leak or over-read.
 *
 * The input goes through the header parser and, from byte 24 on, the
 * manifest parser (the signature check is skipped: a fuzzer cannot sign),
 * and whatever follows the manifest's declared length is fed to the
 * artifact reader as the first artifact, through zstd and SHA-256, in
 * small reads as from a socket.  Seeds: tests/fuzz/corpus/fuzz_bundle/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
	const uint8_t *p;
	size_t len, off;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct mem *m = ctx;
	size_t n = m->len - m->off;

	if (n > len)
		n = len;
	if (n > 1000)
		n = 1000;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_header h = { 0 };
	struct bundle_manifest m;
	struct cairn_err e;
	struct mem in;
	size_t mlen;

	bundle_header_parse(data, size, &h, &e);
	if (size < BUNDLE_HEADER_SIZE)
		return 0;
	/* the manifest: the header's length if it makes sense, else the rest */
	mlen = size - BUNDLE_HEADER_SIZE;
	if (h.manifest_len <= mlen && h.manifest_len)
		mlen = h.manifest_len;
	if (bundle_manifest_parse((const char *)data + BUNDLE_HEADER_SIZE, mlen, &m, &e) == 0) {
		char out[BUNDLE_MANIFEST_MAX];

		bundle_manifest_format(&m, out, sizeof(out));
		bundle_version_cmp(m.version, "1.0");
	}
	/* the bytes after it, as the first artifact */
	in = (struct mem){ data + BUNDLE_HEADER_SIZE + mlen, size - BUNDLE_HEADER_SIZE - mlen, 0 };
	if (m.n == 0) {
		m.n = 1;
		strcpy(m.a[0].name, "root.sqfs");
		m.a[0].size = 1u << 20;
	}
	m.a[0].compressed = in.len;
	bundle_read_artifact(mem_read, &in, &m.a[0], NULL, NULL, &e);
	bundle_read_end(mem_read, &in, &e);
	return 0;
}
