#!/bin/sh
# Install the Debian packages the build host needs, only those missing.
# Usage: mk/host-deps.sh PKG...   (runs as root on Debian 12 or later)
set -eu
missing=""
for p in "$@"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "host-deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "host-deps: need root to install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have stale or no package lists: update once, then retry.
apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
	apt-get update -q >/dev/null
	apt-get install -y --no-install-recommends $missing
}
