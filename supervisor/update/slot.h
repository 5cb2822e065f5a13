/* slot.h - the two host image slots (A and B) and the boot entries that
 * choose between them.  The contract between the installer (install.c:
 * writes a bundle into a slot) and the slot keeper (slot.c: which slot
 * booted, its partitions, the ESP's loader entries, blessing, rollback).
 *
 * Disk (docs/architecture.md): partitions cairn-root-a/-b and
 * cairn-verity-a/-b found by GPT label; the ESP (label ESP) holds
 * /EFI/cairn/<slot>/{vmlinuz,initrd} and loader/entries/cairn-<slot>[+N[-M]].conf.
 * systemd-boot picks the entry that sorts first: entries with tries left
 * before exhausted ones, then the higher `version`; so a fresh install is
 * written with a version above the running one and a +3 counter.
 *
 * Every function fills e on failure ("what: where: why") and returns a
 * negative errno; none exits. */
#ifndef CAIRN_SLOT_H
#define CAIRN_SLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum slot_state {
	SLOT_EMPTY,      /* no loader entry: never installed, or invalidated */
	SLOT_ACTIVE,     /* the one running now */
	SLOT_GOOD,       /* blessed (entry without a counter), not running */
	SLOT_PENDING,    /* installed, tries left, not yet booted/blessed */
	SLOT_FAILED,     /* ran out of tries (counter +0-N), or marked failed */
};

struct slot_info {
	char name;                /* 'a' or 'b' */
	char version[64];         /* from its loader entry, "" if none */
	enum slot_state state;
	bool blessed;             /* its entry has no counter */
	int tries_left, tries_done;   /* -1 when no counter */
	char reason[192];         /* why failed, or "" */
	bool next_boot;           /* systemd-boot picks its entry next (entry_choose) */
};

const char *slot_state_name(enum slot_state s);

/* The slot this boot came from (cairn.slot= on /proc/cmdline; path lets
 * tests give another file).  'a', 'b', or -ENOENT. */
int slot_booted(const char *cmdline_path, char *name, struct cairn_err *e);

/* Block devices of slot name's root and verity partitions ("/dev/vda3"). */
int slot_partitions(char name, char *root, size_t root_size, char *verity,
		    size_t verity_size, struct cairn_err *e);

/* Before a slot is written: remove its loader entries, so that a half-written
 * slot is never booted (power cut during install).  Never on the booted slot. */
int slot_invalidate(char name, struct cairn_err *e);

/* After its root and verity are written and checked: copy kernel and
 * initrd (files) to /EFI/cairn/<name>/ and write a fresh
 * cairn-<name>+3.conf with `version`, title and options
 * ("console=... cairn.slot=<name> cairn.roothash=<hex>"), each file
 * written to a temporary name, synced, renamed. */
int slot_install_boot(char name, const char *kernel, const char *initrd,
		      const char *roothash, const char *version, struct cairn_err *e);

/* Both slots, for status (info[0] is a, info[1] is b). */
int slot_list(struct slot_info info[2], struct cairn_err *e);

#endif
