#!/bin/sh
# bench/install-inroot.sh OUT [MB] - install throughput of an MB-megabyte
# root image into a file-backed slot (on disk, build/bench), each target
# synced before the clock stops:
#   floor  zstd -d < root.zst | dd of=target conv=fsync (no hashing, no
#          signature: what the disk and zstd alone allow)
#   cairn  cairnctl update over the Unix socket: verify, decompress,
#          SHA-256, write, fsync, in cairnd (the real path, API included)
#   rauc   rauc install of a bundle with the same image into a slot of the
#          same kind (system.conf with file-backed slots, a test CA)
# The root image is half random, half zeros (about 2:1 like a squashfs).
# MB/s are of the uncompressed image; ratios are against the floor.
set -eu
OUT=${1:-build/out}
MB=${2:-300}
if [ -z "${INSTALL_BENCH_INNER:-}" ]; then
	mkdir -p build/bench
	exec env INSTALL_BENCH_INNER=1 unshare --net --pid --fork --mount-proc -- "$0" "$@"
fi
OUT=$(cd "$OUT" && pwd)
W=$(mktemp -d "$(pwd)/build/bench/install.XXXXXX")
CAIRND_PID=
cleanup() {
	[ -n "$CAIRND_PID" ] && kill "$CAIRND_PID" 2>/dev/null && wait "$CAIRND_PID" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT INT TERM
now() { date +%s%N; }
rate() { echo "$MB $1 $2" | awk '{ printf "%.0f", $1 * 1048576 / 1e6 / (($3 - $2) / 1e9) }'; }

mkdir -p "$W/art" "$W/trust" "$W/image" "$W/esp/loader/entries" "$W/slot"
half=$((MB / 2))
{ head -c "$((half * 1048576))" /dev/urandom; head -c "$(((MB - half) * 1048576))" /dev/zero; } \
	> "$W/art/root.sqfs"
head -c 1048576 /dev/urandom > "$W/art/root.verity"
head -c 1048576 /dev/urandom > "$W/art/vmlinuz"
head -c 1048576 /dev/urandom > "$W/art/initramfs"
"$OUT/cairnctl" keygen --out "$W/signer" >/dev/null
cp "$W/signer.pub" "$W/trust/"
"$OUT/cairn-image" bundle --key "$W/signer.key" --version 2.0 --compatible bench \
	--roothash "$(printf '%064d' 1)" --root "$W/art/root.sqfs" --verity "$W/art/root.verity" \
	--kernel "$W/art/vmlinuz" --initrd "$W/art/initramfs" -o "$W/b.cairnb" 2>/dev/null
zstd -q -3 -T2 "$W/art/root.sqfs" -o "$W/root.zst"
echo bench > "$W/image/compatible"; echo 1.0 > "$W/image/version"
echo "cairn.slot=a" > "$W/cmdline"
truncate -s "$((MB + 16))M" "$W/slot/root" "$W/slot/floor" "$W/slot/rauc"
truncate -s 8M "$W/slot/verity"
echo "install: $MB MB root image, bundle $(($(stat -c %s "$W/b.cairnb") / 1048576)) MB"

# -- floor
sync; t0=$(now)
zstd -q -d -c "$W/root.zst" | dd of="$W/slot/floor" bs=1M conv=fsync,notrunc status=none
t1=$(now); floor=$(rate "$t0" "$t1")

# -- cairn
"$OUT/cairnd" --esp-dir "$W/esp" --version-file "$W/image/version" --no-tls --demo= --seed-label= --seed-dir "$W/seed" \
	--config-dir "$W/store" --trust-dir "$W/trust" --run-dir "$W/run" --log-dir "$W/log" \
	--update-dir "$W/upd" --image-info "$W/image" --cmdline "$W/cmdline" \
	--update-root "$W/slot/root" --update-verity "$W/slot/verity" 2>"$W/cairnd.err" &
CAIRND_PID=$!
i=0; until grep -q "cairnd: ready" "$W/cairnd.err"; do
	sleep 0.1; i=$((i + 1))
	[ $i -lt 100 ] || { echo "install: cairnd not ready after 10 s:" >&2; cat "$W/cairnd.err" >&2; exit 1; }
done
sync; t0=$(now)
"$OUT/cairnctl" --socket "$W/run/api.sock" update "$W/b.cairnb" >/dev/null 2>"$W/ctl.err" ||
	{ cat "$W/ctl.err" >&2; exit 1; }
t1=$(now); cairn=$(rate "$t0" "$t1")
cmp -n "$((MB * 1048576))" "$W/art/root.sqfs" "$W/slot/root" || { echo "cairn wrote wrong bytes" >&2; exit 1; }

# -- rauc
rauc_rate=
rauc_why=
if command -v rauc >/dev/null && command -v mksquashfs >/dev/null; then
	R=$W/rauc; mkdir -p "$R/in"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3 \
		-subj /CN=bench -keyout "$R/key.pem" -out "$R/cert.pem" >/dev/null 2>&1
	cp "$W/art/root.sqfs" "$R/in/root.img"
	cat > "$R/in/manifest.raucm" <<M
[update]
compatible=bench
version=2.0
[bundle]
format=plain
[image.rootfs]
filename=root.img
M
	cat > "$R/system.conf" <<M
[system]
compatible=bench
bootloader=noop
bundle-formats=plain
[keyring]
path=$R/cert.pem
[slot.rootfs.0]
device=$W/slot/rauc-a
type=raw
bootname=A
[slot.rootfs.1]
device=$W/slot/rauc
type=raw
bootname=B
M
	truncate -s "$((MB + 16))M" "$W/slot/rauc-a"
	if rauc bundle --cert "$R/cert.pem" --key "$R/key.pem" "$R/in" "$R/b.raucb" >"$R/log" 2>&1; then
		# `rauc install` is a D-Bus client of `rauc service`; both on a
		# private session bus (rauc reads DBUS_STARTER_BUS_TYPE), the
		# service started before the clock and ready when it answers.
		cat > "$R/run.sh" <<M
#!/bin/sh
export DBUS_STARTER_BUS_TYPE=session
rauc --conf="$R/system.conf" --override-boot-slot=A service >>"$R/log" 2>&1 &
svc=\$!
i=0; until rauc status >/dev/null 2>&1; do sleep 0.1; i=\$((i + 1)); [ \$i -lt 100 ] || exit 1; done
sync; date +%s%N > "$R/t0"
rauc install "$R/b.raucb" >>"$R/log" 2>&1 || exit 1
sync; date +%s%N > "$R/t1"
kill \$svc
M
		chmod +x "$R/run.sh"
		if dbus-run-session -- "$R/run.sh" >>"$R/log" 2>&1; then
			rauc_rate=$(rate "$(cat "$R/t0")" "$(cat "$R/t1")")
			cmp -n "$((MB * 1048576))" "$W/art/root.sqfs" "$W/slot/rauc" ||
				{ echo "rauc wrote wrong bytes" >&2; exit 1; }
		else
			rauc_why="rauc install: $(grep -v '^ *$' "$R/log" | tail -1)"
		fi
	else
		rauc_why="rauc bundle: $(tail -1 "$R/log")"
	fi
else
	rauc_why="rauc or mksquashfs missing"
fi

printf '%-8s %8s %s\n' "" "MB/s" "vs floor"
printf '%-8s %8s %s\n' floor "$floor" "1.00"
printf '%-8s %8s %s\n' cairn "$cairn" "$(echo "$cairn $floor" | awk '{printf "%.2f", $1/$2}')"
if [ -n "$rauc_rate" ]; then
	printf '%-8s %8s %s\n' rauc "$rauc_rate" "$(echo "$rauc_rate $floor" | awk '{printf "%.2f", $1/$2}')"
	echo "cairn/rauc: $(echo "$cairn $rauc_rate" | awk '{printf "%.2f", $1/$2}')"
else
	echo "rauc: not measured: $rauc_why"
fi
