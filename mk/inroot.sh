#!/bin/sh
# mk/inroot.sh CMD [ARG...]: run CMD inside the build root (build/root) with
# this source tree bound at /src, in a private mount namespace so nothing of
# the host's mount table changes.  /proc, /sys, /dev and a fresh /tmp are
# provided because tests and sanitizers need them.
set -eu
ROOT=${CAIRN_ROOT:-build/root}
[ -d "$ROOT/usr" ] || { echo "inroot: no build root at $ROOT (run make)" >&2; exit 1; }
mkdir -p "$ROOT/src"
exec unshare --mount --propagation private -- sh -eu -c '
	R=$1; shift
	# The root must be a mount point, or unshare --mount inside fails to
	# make "/" private.
	mount --bind "$R" "$R"
	mount --bind "$PWD" "$R/src"
	mount -t proc proc "$R/proc"
	mount -t sysfs sysfs "$R/sys"
	mount --rbind /dev "$R/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
	mkdir -p "$R/run"; mount -t tmpfs -o mode=755 tmpfs "$R/run"
	# pivot_root, not only chroot: the kernel refuses a user namespace to
	# a chrooted process, and container tests need them.
	cd "$R"; pivot_root . mnt
	exec chroot . /bin/sh -c "umount -l /mnt && exec \"\$@\"" sh /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		TERM="${TERM:-dumb}" CI="${CI:-}" sh -c "cd /src && exec \"\$@\"" sh "$@"
' sh "$ROOT" "$@"
