# cairn - top-level Makefile.  Runs on the build host (Debian 12 or later,
# as root).  The host only drives: it installs what it lacks, makes the
# Debian 13 build root, and compiles and tests inside it.
#
#   make          build cairn-init, libcairn.a, cairnd, cairnctl
#   make image    the bootable image (kernel, initramfs, disk) in build/image
#   make bundle   build/image/update.cairnb, signed with SIGNING_KEY
#   make run      boot the image in QEMU with the demo configuration
#   make check    build everything and run every test (unit, integration, system)
#   make fuzz     run each fuzz target for FUZZ_SECONDS (default 60)
#   make bench    run the benchmarks (figures go in docs/benchmarks.md)

SHELL     := /bin/sh
ROOT      := build/root
OUT       := build/out
IMG       := build/image
INROOT    := mk/inroot.sh
HOST_PKGS := debootstrap qemu-system-x86 qemu-utils ovmf e2fsprogs util-linux dosfstools mtools \
             python3 socat
BR_STAMP  := $(ROOT)/.cairn-stamp

.PHONY: all image bundle run check unit integration system fuzz bench host-deps clean \
        kernel-check check-fast

all: $(BR_STAMP)
	$(INROOT) make -s -f mk/build.mk -j2 all

host-deps:
	@mk/host-deps.sh $(HOST_PKGS)

# Remade only when its package list or its script changes.
$(BR_STAMP): mk/buildroot.packages mk/buildroot.sh | host-deps
	mk/buildroot.sh $(ROOT)

# The demo config's signer (docs/signing.md); a path under this checkout.
SIGNING_KEY ?= build/keys/dev-signer.key
image: all
	$(INROOT) env SIGNING_KEY="$(SIGNING_KEY)" image-build/mkimage.sh $(OUT) $(IMG)

# An update bundle of the image (docs/updates.md); BUNDLE_VERSION=... for
# another version from the same build.
BUNDLE_VERSION ?= $(shell cat VERSION)
bundle: image
	$(INROOT) build/out/cairn-image bundle --key "$(SIGNING_KEY)" --version "$(BUNDLE_VERSION)" \
		--compatible cairn-x86_64 --roothash-file $(IMG)/roothash --root $(IMG)/root.sqfs \
		--verity $(IMG)/root.verity --kernel $(IMG)/vmlinuz --initrd $(IMG)/initramfs.img \
		-o $(IMG)/update.cairnb

run: image
	image-build/run.sh $(IMG)

unit: all
	$(INROOT) make -s -f mk/build.mk -j2 unit-bins
	$(INROOT) tests/unit/run.sh $(OUT)

integration: all
	$(INROOT) make -s -f mk/build.mk -j2 helpers
	$(INROOT) tests/integration/run.sh $(OUT)

system: image
	tests/system/run.sh $(IMG)

kernel-check: $(BR_STAMP)
	$(INROOT) sh -c 'kernel-config/check.sh kernel-config/cairn.fragment /boot/config-*'

# Every level; the summary line of each runner reads "N passed, N failed".
check: host-deps
	$(MAKE) all
	tests/check.sh

fuzz: all
	$(INROOT) make -s -f mk/build.mk -j2 fuzz-bins
	$(INROOT) tests/fuzz/run.sh $(OUT) $${FUZZ_SECONDS:-60}

bench: image
	bench/run.sh

clean:
	rm -rf $(OUT) $(IMG)
