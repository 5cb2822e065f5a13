#!/bin/sh
# Make the Debian 13 build root under build/root with debootstrap.
# It is cached: remade only when mk/buildroot.packages (or this script) change.
set -eu
ROOT=${1:-build/root}
SUITE=trixie
MIRROR=${CAIRN_MIRROR:-http://deb.debian.org/debian}
here=$(dirname "$0")
pkgs=$(grep -v '^#' "$here/buildroot.packages" | tr '\n' ' ' | tr -s ' ')
stamp=$(cat "$here/buildroot.packages" "$0" | sha256sum | cut -c1-16)

if [ -f "$ROOT/.cairn-stamp" ] && [ "$(cat "$ROOT/.cairn-stamp")" = "$stamp" ]; then
	exit 0
fi
echo "buildroot: making Debian $SUITE build root in $ROOT (stamp $stamp)"
rm -rf "$ROOT.new"
mkdir -p "$(dirname "$ROOT")"
include=$(echo $pkgs | tr ' ' ',')
debootstrap --variant=minbase --include="$include" "$SUITE" "$ROOT.new" "$MIRROR" \
	>"$ROOT.new.log" 2>&1 || {
	tail -30 "$ROOT.new.log" >&2
	echo "buildroot: debootstrap failed (full log: $ROOT.new.log)" >&2
	exit 1
}
# Record the exact package versions the image is made from.
chroot "$ROOT.new" dpkg-query -W -f='${Package} ${Version}\n' >"$ROOT.new/packages.txt"
chroot "$ROOT.new" apt-get clean
rm -rf "$ROOT"
mv "$ROOT.new" "$ROOT"
echo "$stamp" >"$ROOT/.cairn-stamp"
echo "buildroot: ready"
