/* stick.h - updates for air-gapped sites: a signed bundle on a USB stick.
 *
 * A partition (or a whole superfloppy disk) with the FAT label
 * CAIRNUPDATE holding /cairn/update.cairnb is looked for once at boot
 * and again each time the kernel announces a new block device (a
 * NETLINK_KOBJECT_UEVENT socket in cairnd's loop).  It is mounted
 * read-only, nosuid, nodev, noexec; the bundle goes through exactly the
 * checks and the installer of POST /1.0/update (install.h): nothing on
 * the stick is run, and an unsigned or foreign bundle is refused.  A
 * bundle not newer than the running version is skipped with one console
 * line, so a stick left plugged in does not loop.  Once installed, cairnd
 * says so on the console and reboots into the new slot. */
#ifndef CAIRN_STICK_H
#define CAIRN_STICK_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "loop.h"
#include "update.h"

#define STICK_LABEL_DEFAULT "CAIRNUPDATE"
/* The GPT partition name looked for too: the CAIRN-UPDATE, which
 * does not fit a FAT label. */
#define STICK_PARTLABEL     "CAIRN-UPDATE"
#define STICK_BUNDLE_PATH   "cairn/update.cairnb"

struct supervisor;
struct stick;

/* Watch for sticks labelled label (NULL or "": off, *out is NULL).  The
 * first look is queued on the loop (it runs once the loop does); without
 * a uevent socket the stick is looked for at boot only (said on stderr).
 * run_dir holds the temporary mount point. */
int stick_new(struct stick **out, struct loop *l, struct supervisor *sup,
	      const struct update_opts *o, const char *label, const char *run_dir,
	      struct cairn_err *e);
/* Waits for an install that is running. */
void stick_free(struct stick *s);
/* Look for a stick again now (a struct stick *, or NULL: nothing). */
void stick_look_again(void *stick);

/* One kernel uevent datagram ("add@/devices/...\0ACTION=add\0...", NUL
 * separated): true when it announces a block device being added. */
bool stick_uevent_block_add(const char *buf, size_t len);

#endif
