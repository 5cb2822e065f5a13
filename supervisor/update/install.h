/* install.h - write an update bundle into a slot, as a stream.
 *
 * The sequence (install_bundle), in this order because the order is the
 * safety argument:
 *   1. read and verify the manifest (signature against the trust dir)
 *   2. refuse: wrong compatible, version not newer than the running one
 *      (unless the signed manifest allows a downgrade), a version listed
 *      in failed-versions, an artifact larger than its target
 *   3. invalidate the target slot (its loader entry goes first, so a
 *      half-written slot is never booted)
 *   4. stream each artifact through zstd and SHA-256 into its target:
 *      root and verity straight to the slot's partitions, kernel and
 *      initramfs to temporary files in work_dir
 *   5. every hash and size checked, the stream ended, targets fsynced
 *   6. install_boot: the slot's kernel, initramfs and a fresh loader entry
 * Nothing before step 3 writes anything; nothing touches the active slot.
 * The targets are paths, and invalidate/install_boot are hooks, so tests
 * and benchmarks run it against files. */
#ifndef CAIRN_INSTALL_H
#define CAIRN_INSTALL_H

#include <stdint.h>

#include "bundle.h"
#include "err.h"

struct install_plan {
	const char *trust_dir;        /* *.pub signers */
	const char *compatible;       /* this machine's compatible string */
	const char *running_version;  /* "" or NULL: no anti-rollback check */
	const char *failed_path;      /* failed-versions (one a line), may be absent */
	const char *work_dir;         /* kernel/initramfs temporaries */
	char slot;                    /* the slot written: 'a' or 'b' */
	const char *keep;             /* non-NULL: why that slot is kept (the known-good
	                               * fallback): refused after the version checks */
	const char *root_target;      /* its partitions (block devices or files) */
	const char *verity_target;
	/* NULL hooks are skipped (benchmarks, --check) */
	int (*invalidate)(char slot, struct cairn_err *e);
	int (*install_boot)(char slot, const char *kernel, const char *initrd,
			    const char *roothash, const char *version, struct cairn_err *e);
};

struct install_result {
	char slot;
	char version[BUNDLE_VERSION_MAX + 1];
	char signer[256];
	uint64_t bytes;               /* uncompressed bytes written */
};

int install_bundle(bundle_read_fn rd, void *rctx, const struct install_plan *p,
		   struct install_result *res, struct cairn_err *e);

/* Steps 1-2 alone, for a manifest already read: 0 or why it is refused. */
int install_check_manifest(const struct bundle_manifest *m, const struct install_plan *p,
			   struct cairn_err *e);

#endif
