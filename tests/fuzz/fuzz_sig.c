/* fuzz_sig.c - libFuzzer target for the signature reader: any bytes as a
 * detached signature over fixed data must be refused with a message (or,
 * for the one real signature over it, accepted), never crash or leak.
 *
 * The trust directory holds a key made once at start-up under /tmp (keys
 * are never committed); the seeds are a valid DER signature by another
 * key, truncated ones and garbage (tests/fuzz/corpus/fuzz_sig/). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char payload[] = "[host]\nhostname = fuzz\ngeneration = 1\n";
static char dir[64], trust[96], key[96], pub[96];

static void cleanup(void)
{
	unlink(pub);
	unlink(key);
	rmdir(trust);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cairn_err e = { "" };
	char priv[96];

	snprintf(dir, sizeof(dir), "/tmp/fuzz_sig.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("fuzz_sig: mkdtemp");
		exit(1);
	}
	snprintf(trust, sizeof(trust), "%s/trust", dir);
	snprintf(key, sizeof(key), "%s/signer.key", dir);
	snprintf(pub, sizeof(pub), "%s/signer.pub", trust);
	snprintf(priv, sizeof(priv), "%s", key);
	if (mkdir(trust, 0755) < 0 || cairn_keygen(priv, pub, &e) < 0) {
		fprintf(stderr, "fuzz_sig: cannot make the trust directory: %s\n", e.msg);
		exit(1);
	}
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cairn_err e = { "" };
	char signer[64] = "";
	int ret;

	ret = cairn_verify_buf(payload, sizeof(payload) - 1, data, size, trust, signer,
			       sizeof(signer), &e);
	if (ret == 0) {
		/* Only the trusted key can have made it. */
		if (strcmp(signer, "signer.pub"))
			__builtin_trap();
		return 0;
	}
	/* Refused: always with a reason, and a reason about the signature. */
	if (!e.msg[0] || (strncmp(e.msg, "not a valid signature (", 23) &&
			  strncmp(e.msg, "no trusted signer matches (", 27)))
		__builtin_trap();
	return 0;
}
