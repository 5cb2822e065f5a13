/* entry.h - systemd-boot loader entries of cairn's slots, as files: the
 * name (cairn-<slot>[+LEFT[-DONE]].conf, the Boot Loader Specification's
 * boot counting), the few keys cairn writes (title, version, sort-key,
 * linux, initrd, options), and systemd-boot's order among them.
 * Pure functions on strings: no files, no ESP; slot.c and bless.c do I/O. */
#ifndef CAIRN_ENTRY_H
#define CAIRN_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#define ENTRY_SORT_KEY "cairn"
#define ENTRY_TRIES    3      /* a fresh entry: cairn-<slot>+3.conf */

struct boot_entry {
	char fname[64];           /* "cairn-a+2-1.conf" */
	char slot;                /* 'a' or 'b' */
	int tries_left;           /* -1: no counter (blessed) */
	int tries_done;           /* -1: no counter; 0 for "+3" */
	char version[64];         /* "" when the file has none */
	char sort_key[32];
	char options[512];
};

/* Parse a file name.  0, or -EINVAL for anything that is not exactly
 * cairn-[ab].conf, cairn-[ab]+N.conf or cairn-[ab]+N-M.conf (N, M < 1000). */
int entry_parse_name(const char *fname, struct boot_entry *en);

/* The file name for slot with a counter (tries_left < 0: none). */
void entry_format_name(char *buf, size_t size, char slot, int tries_left, int tries_done);

/* Take version, sort-key and options from an entry file's text (other keys
 * are ignored, as systemd-boot ignores unknown ones). */
void entry_parse_body(const char *text, struct boot_entry *en);

/* The text of a fresh entry (title, version, sort-key, linux, initrd,
 * options).  0, or -ENAMETOOLONG when it does not fit. */
int entry_format_body(char *buf, size_t size, char slot, const char *version,
		      const char *options);

/* A version cairn writes into an entry: 1-63 of [A-Za-z0-9.+~^_-]. */
bool entry_version_ok(const char *v);

/* systemd-boot's strverscmp_improved, for the versions cairn writes
 * (runs of digits compare as numbers, '~' sorts before anything, other
 * characters by code): bundle_version_cmp, NULL as "".  <0, 0, >0. */
int entry_vercmp(const char *a, const char *b);

/* systemd-boot's boot_entry_compare: entries with no tries left last;
 * then sort-key; then the higher version first; then the file id (newer
 * first); then more tries left, fewer tries done.  qsort-style. */
int entry_compare(const struct boot_entry *a, const struct boot_entry *b);

/* The entry systemd-boot will boot: the first after sorting, or NULL. */
const struct boot_entry *entry_choose(struct boot_entry *v, size_t n);

#endif
