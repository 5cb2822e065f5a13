/* cmdline.h - the kernel command line keys cairn-init understands:
 *
 *   cairn.slot=a|b          which slot to boot (default a)
 *   cairn.root=LABEL        GPT label of the root partition (overrides slot)
 *   cairn.roothash=HEX      dm-verity root hash of the slot (verity.h)
 *   cairn.insecure          boot a root without cairn.roothash (warns)
 *   cairn.stop_timeout=SEC  bound for cairnd to stop workloads at shutdown
 *   cairn.debug             verbose log, emergency shell on stage 1 failure
 *
 * Unknown words are ignored: the command line belongs to many readers. */
#ifndef CAIRN_INIT_CMDLINE_H
#define CAIRN_INIT_CMDLINE_H

#include "opts.h"

/* Parse text (modified in place) into o.  Bad values are logged and left
 * at their defaults; never fails. */
void cmdline_parse(char *text, struct init_opts *o);

/* Read /proc/cmdline and parse it.  0 or -errno (unreadable). */
int cmdline_read(struct init_opts *o);

#endif
