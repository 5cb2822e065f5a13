/* update.c - an install on this host: the image's own files say what it
 * is (/usr/share/cairn/compatible, /usr/share/cairn/version), the kernel
 * command line says which slot booted, and the other slot is written. */
#include "update.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failed.h"
#include "fileio.h"
#include "slot.h"

/* The first line of share_dir/name, without blanks. */
static int read_word(const char *dir, const char *name, char *out, size_t size,
		     struct cairn_err *e)
{
	char path[4096], *buf;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = cairn_read_file(path, 4096, &buf, &len, e);
	if (r < 0)
		return cairn_err_prefix(e, r, "update: this image's %s", name);
	buf[strcspn(buf, " \t\r\n")] = 0;
	if (!buf[0] || strlen(buf) >= size) {
		free(buf);
		return cairn_err_set(e, -EINVAL, "update: %s: empty or too long", path);
	}
	snprintf(out, size, "%s", buf);
	free(buf);
	return 0;
}

/* While the running slot waits for its blessing (the boot loader counted
 * its try and its entry still carries the counter), the other slot may be
 * the only one known to work: it is not overwritten.  Without loader
 * entries to read (no ESP, a direct kernel boot) nothing is kept. */
static void keep_fallback(char booted, char other, char *out, size_t size)
{
	struct slot_info info[2];
	struct cairn_err ignored = { "" };
	const struct slot_info *run = &info[booted - 'a'], *oth = &info[other - 'a'];

	out[0] = 0;
	if (slot_list(info, &ignored) < 0)
		return;
	if (run->blessed || run->tries_done <= 0 || oth->state != SLOT_GOOD)
		return;
	snprintf(out, size, "update: slot %c is running but not blessed yet; slot %c (version "
		 "%s) is the known-good fallback and is kept: install again once slot %c is "
		 "blessed", booted, other, oth->version[0] ? oth->version : "?", booted);
}

int update_plan_make(const struct update_opts *o, struct update_plan *u, struct cairn_err *e)
{
	const char *share = o->share_dir ? o->share_dir : UPDATE_SHARE_DEFAULT;
	const char *state = o->state_dir ? o->state_dir : UPDATE_DIR_DEFAULT;
	char booted = 0;
	int r;

	memset(u, 0, sizeof(*u));
	r = read_word(share, "compatible", u->compatible, sizeof(u->compatible), e);
	if (r < 0)
		return r;
	r = read_word(share, "version", u->running, sizeof(u->running), e);
	if (r < 0)
		return r;
	r = slot_booted(o->cmdline ? o->cmdline : UPDATE_CMDLINE_DEFAULT, &booted, e);
	if (r < 0)
		return cairn_err_prefix(e, r, "update: which slot booted");
	if (booted != 'a' && booted != 'b')
		return cairn_err_set(e, -EINVAL, "update: booted slot '%c' is neither a nor b",
				     booted);
	u->plan.slot = booted == 'a' ? 'b' : 'a';
	keep_fallback(booted, u->plan.slot, u->keep, sizeof(u->keep));
	u->plan.keep = u->keep[0] ? u->keep : NULL;
	if (o->root_target && o->verity_target) {
		snprintf(u->root, sizeof(u->root), "%s", o->root_target);
		snprintf(u->verity, sizeof(u->verity), "%s", o->verity_target);
	} else {
		r = slot_partitions(u->plan.slot, u->root, sizeof(u->root), u->verity,
				    sizeof(u->verity), e);
		if (r < 0)
			return cairn_err_prefix(e, r, "update: slot %c", u->plan.slot);
	}
	snprintf(u->failed, sizeof(u->failed), "%s/" FAILED_VERSIONS, state);
	u->plan.trust_dir = o->trust_dir;
	u->plan.compatible = u->compatible;
	u->plan.running_version = u->running;
	u->plan.failed_path = u->failed;
	u->plan.work_dir = state;
	u->plan.root_target = u->root;
	u->plan.verity_target = u->verity;
	u->plan.invalidate = slot_invalidate;
	u->plan.install_boot = slot_install_boot;
	return 0;
}

static const char *holder;

bool update_claim(const char *who)
{
	if (holder)
		return false;
	holder = who;
	return true;
}

const char *update_holder(void)
{
	return holder;
}

void update_release(void)
{
	holder = NULL;
}
