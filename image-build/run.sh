#!/bin/sh
# image-build/run.sh [IMG] - boot the image in IMG (default build/image) in
# QEMU on the serial console, the way `make run` does.  Runs on the host.
#
# State: the guest writes to IMG/run-disk.img, made from disk.img the first
# time, so /var (configs, logs) survives between runs and the built image
# stays pristine.  After a rebuild, only the root partitions of run-disk.img
# are refreshed from disk.img; cairn-data is kept.  Remove run-disk.img for
# a factory-fresh disk.
#
# Environment:
#   CAIRN_HTTP_PORT  host port forwarded to the guest's 8080 (demo web)
#   CAIRN_API_PORT   host port forwarded to the guest's 8443 (API)
#   CAIRN_APPEND     extra kernel command line words (e.g. cairn.debug); the
#                    image's own (slot, root hash) come from IMG/cmdline
#   CAIRN_CONF       a signed config (FILE + FILE.sig) to install as /var/lib/cairn/config/current.conf
#   CAIRN_SHELL      a unix socket path: a second serial port (ttyS1) is
#                    served there, for a config's console shell service
#   CAIRN_KVM=1      use KVM (off by default: TCG is what is known to work here)
#   CAIRN_QEMU_ARGS  extra QEMU arguments
set -eu
IMG=${1:-build/image}
HERE=$(dirname "$0")
HTTP_PORT=${CAIRN_HTTP_PORT:-8080}
API_PORT=${CAIRN_API_PORT:-8443}
QMP=build/qmp.sock
DISK=$IMG/run-disk.img

for f in vmlinuz initramfs.img disk.img; do
	[ -f "$IMG/$f" ] || { echo "run: $IMG/$f missing (make image)" >&2; exit 1; }
done

# Keep /var, take the new root: copy every partition but cairn-data from
# disk.img when it is newer, or the whole disk if the layouts differ.
if [ ! -f "$DISK" ]; then
	cp --sparse=always "$IMG/disk.img" "$DISK"
elif [ "$IMG/disk.img" -nt "$DISK" ]; then
	if [ "$("$HERE/gpt.py" "$IMG/disk.img")" = "$("$HERE/gpt.py" "$DISK")" ]; then
		"$HERE/gpt.py" "$IMG/disk.img" | while read -r label off size; do
			[ "$label" = cairn-data ] && continue
			dd if="$IMG/disk.img" of="$DISK" bs=1M iflag=skip_bytes,count_bytes \
				oflag=seek_bytes skip="$off" seek="$off" count="$size" \
				conv=notrunc,sparse status=none
		done
		touch "$DISK"
		echo "run: root partitions refreshed from disk.img; /var kept"
	else
		echo "run: disk layout changed: fresh $DISK (old /var discarded)"
		cp --sparse=always "$IMG/disk.img" "$DISK"
	fi
fi
if [ -n "${CAIRN_CONF:-}" ]; then
	"$HERE/putconf.sh" "$DISK" "$CAIRN_CONF"
fi

# The image's kernel command line, made by mkimage.sh (slot, root hash).
cmdline=cairn.slot=a
[ ! -f "$IMG/cmdline" ] || cmdline=$(cat "$IMG/cmdline")

accel=tcg,thread=single  # MTTCG + kernel text patching: rare int3 oopses
if [ "${CAIRN_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then accel=kvm; fi

extra=""
if [ -n "${CAIRN_SHELL:-}" ]; then
	extra="-serial unix:$CAIRN_SHELL,server=on,wait=off"
fi

mkdir -p build
cat <<EOF
run: booting $IMG (accel $accel).  No login on this console: it shows the
     kernel's, cairn-init's and cairnd's lines, then "cairnd: ready".
     Try from another terminal:
       curl http://localhost:$HTTP_PORT/     the demo web service
     QMP: $QMP (e.g. system_powerdown).  A shell: see docs/run.md.
     To get out: Ctrl-a x (QEMU quits at once), or Ctrl-a c then
     "system_powerdown" for an orderly power-off.
EOF
# shellcheck disable=SC2086 # $extra and CAIRN_QEMU_ARGS are word lists
# -serial mon:stdio is explicit: -nographic gives the console to stdio only
# when no other -serial is named (CAIRN_SHELL adds one).
exec qemu-system-x86_64 -nographic -serial mon:stdio -machine q35 -accel "$accel" -cpu max \
	-m 1G -smp 2 \
	-kernel "$IMG/vmlinuz" -initrd "$IMG/initramfs.img" \
	-append "console=ttyS0 panic=-1 quiet $cmdline ${CAIRN_APPEND:-}" \
	-drive "file=$DISK,format=raw,if=virtio,discard=unmap" \
	-netdev "user,id=n0,hostfwd=tcp::$API_PORT-:8443,hostfwd=tcp::$HTTP_PORT-:8080" \
	-device virtio-net-pci,netdev=n0,romfile= \
	-device virtio-rng-pci \
	-qmp "unix:$QMP,server=on,wait=off" \
	$extra ${CAIRN_QEMU_ARGS:-}
