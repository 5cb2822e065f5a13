# mk/build.mk - compiles cairn.  Runs inside the Debian 13 build root
# (mk/inroot.sh), with the source tree at /src, so that every binary matches
# the libraries the image carries.  The top-level Makefile drives it.

O        ?= build/out
CC       := gcc
MUSLCC   := musl-gcc
WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
HARDEN   := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
CFLAGS   := -std=c17 -O2 -g -D_GNU_SOURCE $(WARN) $(HARDEN) -Ilib -Isupervisor -Isupervisor/workload -Isupervisor/api -Isupervisor/net -Isupervisor/storage -Isupervisor/container -Isupervisor/vm -Isupervisor/update -Icli
VERSION  := $(shell cat VERSION)
CFLAGS   += -DCAIRN_VERSION=\"$(VERSION)\"
LDFLAGS  := -pie -Wl,-z,relro,-z,now
SANFLAGS := -std=c17 -O1 -g -D_GNU_SOURCE $(WARN) -fno-omit-frame-pointer \
            -fsanitize=address,undefined -fno-sanitize-recover=undefined -Ilib -Isupervisor -Isupervisor/workload -Isupervisor/api -Isupervisor/net -Isupervisor/storage -Isupervisor/container -Isupervisor/vm -Isupervisor/update -Icli

SUP_LIBS := -linih -lcjson -lllhttp -lmbedtls -lmbedx509 -lmbedcrypto -lblkid -lfdisk -lmnl -lseccomp -lcap -lzstd -lpthread
# cairnctl starts for every command: its libraries are linked in (the
# image is rebuilt as a whole, so nothing is lost at update time), which
# takes its start from 1.4 to 0.8 ms; cJSON has no static archive.
CLI_LIBS := -Wl,-Bstatic -linih -lllhttp -lmbedtls -lmbedx509 -lmbedcrypto -lseccomp -lcap -lzstd \
            -Wl,-Bdynamic -lcjson
IMG_LIBS := -linih -lmbedtls -lmbedx509 -lmbedcrypto -lzstd -lcrypto -lfdisk   # disk.c: MD5 for stable UUIDs

LIB_SRCS  := $(wildcard lib/*.c)
SUP_SRCS  := $(filter-out supervisor/main.c,$(wildcard supervisor/*.c supervisor/*/*.c))
CLI_SRCS  := $(filter-out cli/main.c,$(wildcard cli/*.c))
INIT_SRCS := $(wildcard init/*.c)
INIT_HDRS := $(wildcard init/*.h) lib/initproto.h
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

# Object lists for the normal (n) and sanitizer (s) variants.
objs = $(patsubst %.c,$(O)/$(1)/%.o,$(2))

.PHONY: all unit-bins
all: $(O)/cairn-init $(O)/cairnd $(O)/cairnctl $(O)/cairn-image $(O)/libcairn.a

$(O)/n/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/s/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) -MMD -MP -c -o $@ $<

# An archive from scratch: a deleted source leaves no member behind.
AR_NEW = rm -f $@; ar rcs $@ $^

$(O)/libcairn.a: $(call objs,n,$(LIB_SRCS))
	$(AR_NEW)
$(O)/libcairn-san.a: $(call objs,s,$(LIB_SRCS))
	$(AR_NEW)
$(O)/libsup.a: $(call objs,n,$(SUP_SRCS))
	$(AR_NEW)
$(O)/libsup-san.a: $(call objs,s,$(SUP_SRCS))
	$(AR_NEW)
$(O)/libcli.a: $(call objs,n,$(CLI_SRCS))
	$(AR_NEW)
$(O)/libcli-san.a: $(call objs,s,$(CLI_SRCS))
	$(AR_NEW)

$(O)/cairnd: $(O)/n/supervisor/main.o $(O)/libsup.a $(O)/libcairn.a
	$(CC) $(LDFLAGS) -o $@ $^ $(SUP_LIBS)
# cairnctl exec drops privileges exactly as a container's init does;
# image import checks an image as cairnd does
CLI_CT_OBJS := $(call objs,n,$(addprefix supervisor/container/,drop.c caps.c seccomp.c rootfs.c paths.c untar.c tarhdr.c))
$(O)/cairnctl: $(O)/n/cli/main.o $(O)/libcli.a $(CLI_CT_OBJS) $(O)/libcairn.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CLI_LIBS)
# The build host's tool: update bundles (image-build/cairn-image.c) and the
# GPT disk image (image-build/disk.c).
$(O)/cairn-image: $(O)/n/image-build/cairn-image.o $(O)/n/image-build/disk.o $(O)/libcairn.a
	$(CC) $(LDFLAGS) -o $@ $^ $(IMG_LIBS)

# PID 1: static, musl, libc only.
# musl's headers do not carry the kernel's: point it at linux-libc-dev's.
$(O)/musl-inc/.done:
	@mkdir -p $(O)/musl-inc
	ln -sfn /usr/include/linux $(O)/musl-inc/linux
	ln -sfn /usr/include/asm-generic $(O)/musl-inc/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(O)/musl-inc/asm
	touch $@

$(O)/cairn-init: $(INIT_SRCS) $(INIT_HDRS) $(O)/musl-inc/.done
	$(MUSLCC) -std=c17 -Os -static -D_GNU_SOURCE $(WARN) -fstack-protector-strong \
		-isystem $(O)/musl-inc -Ilib -Iinit -o $@ $(INIT_SRCS)

# Unit tests: every tests/unit/test_X.c links against everything but mains,
# once normally and once with ASan+UBSan.
UNIT_N := $(patsubst tests/unit/%.c,$(O)/unit/%,$(UNIT_SRCS))
UNIT_S := $(patsubst tests/unit/%.c,$(O)/unit-san/%,$(UNIT_SRCS))
TEST_LIBS := $(SUP_LIBS) -lcmocka

$(O)/unit/%: $(O)/n/tests/unit/%.o $(O)/libsup.a $(O)/libcli.a $(O)/libcairn.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(O)/unit-san/%: $(O)/s/tests/unit/%.o $(O)/libsup-san.a $(O)/libcli-san.a $(O)/libcairn-san.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=address,undefined -o $@ $^ $(TEST_LIBS)

unit-bins: $(UNIT_N) $(UNIT_S)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Small programs the integration tests drive (orphan makers, stragglers...).
HELPER_SRCS := $(wildcard tests/integration/helpers/*.c)
HELPERS     := $(patsubst tests/integration/helpers/%.c,$(O)/helpers/%,$(HELPER_SRCS))
$(O)/helpers/%: tests/integration/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
# Test programs that drive supervisor code itself (tests/integration/tools/
# X.c -> $(O)/tools/X, linked like cairnd).
TOOL_SRCS := $(wildcard tests/integration/tools/*.c)
TOOLS     := $(patsubst tests/integration/tools/%.c,$(O)/tools/%,$(TOOL_SRCS))
$(O)/tools/%: $(O)/n/tests/integration/tools/%.o $(O)/libsup.a $(O)/libcairn.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(SUP_LIBS)
.PHONY: helpers fuzz-bins
helpers: $(HELPERS) $(TOOLS)

# libFuzzer targets: tests/fuzz/fuzz_X.c against the whole of lib/,
# supervisor/ and cli/ (but their mains), with ASan+UBSan.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRCS))
$(O)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(SUP_SRCS) $(CLI_SRCS)
	@mkdir -p $(dir $@)
	clang -std=c17 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-Ilib -Isupervisor -Isupervisor/workload -Isupervisor/api -Isupervisor/net -Isupervisor/storage -Isupervisor/container -Isupervisor/vm -Isupervisor/update -Icli -o $@ $< $(LIB_SRCS) $(SUP_SRCS) $(CLI_SRCS) $(SUP_LIBS)
fuzz-bins: $(FUZZ_BINS)

# cairn-init's parsers are fuzzed against init/ alone (it links nothing of
# lib/, and its file names clash with the supervisor's).
FUZZ_INIT_SRCS := $(filter-out init/main.c,$(wildcard init/*.c))
$(O)/fuzz/fuzz_verity_sb: tests/fuzz/fuzz_verity_sb.c $(FUZZ_INIT_SRCS)
	@mkdir -p $(dir $@)
	clang -std=c17 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-Iinit -Ilib -o $@ $< $(FUZZ_INIT_SRCS)
