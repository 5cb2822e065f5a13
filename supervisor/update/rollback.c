/* rollback.c - a failed update seen from the slot that took over
 * (bless.h: rollback_check).  systemd-boot falls back by itself once the
 * new slot's entry has no tries left; this tells the operator, and keeps
 * the version from being installed again. */
#include "bless.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failed.h"
#include "fileio.h"
#include "slot.h"
#include "slot_env.h"

/* The reason the failed boot left, when it was slot name's. */
static void note_reason(char name, char *why, size_t size)
{
	char path[512], *text = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/" BLESS_UNBLESSED, slot_env()->update_dir);
	if (cairn_read_file(path, 4096, &text, &len, NULL) < 0)
		return;
	if (text[0] == name && text[1] == ' ') {
		const char *r = strchr(text + 2, ' ');   /* past the version */

		if (r)
			snprintf(why, size, "%.*s", (int)strcspn(r + 1, "\n"), r + 1);
	}
	free(text);
}

int rollback_check(struct cairn_err *e)
{
	struct boot_entry v[SLOT_MAX_ENTRIES];
	const struct boot_entry *other;
	char booted, name, why[300], running[64], path[512];
	bool known;
	size_t n;
	int ret;

	if (slot_booted(NULL, &booted, NULL) < 0)
		return 0;
	ret = slot_entries(v, SLOT_MAX_ENTRIES, &n, e);
	if (ret < 0)
		return ret;
	name = booted == 'a' ? 'b' : 'a';
	other = slot_entry_of(v, n, name);
	if (!other || other->tries_left != 0)
		return 0;
	snprintf(why, sizeof(why), "no boot tries left (%d tried), never blessed",
		 other->tries_done);
	note_reason(name, why, sizeof(why));
	/* seen at an earlier boot: the reason recorded then */
	known = other->version[0] &&
		failed_version_find(other->version, why, sizeof(why), NULL) == 1;
	slot_running_version(running, sizeof(running));
	fprintf(stderr, "cairnd: UPDATE FAILED: slot %c (version %s) did not come up: %s; "
		"back on slot %c (version %s)\n", name, other->version[0] ? other->version : "?",
		why, booted, running[0] ? running : "?");
	if (other->version[0] && !known) {
		ret = failed_version_add(other->version, why, e);
		if (ret < 0)
			return ret;
	}
	snprintf(path, sizeof(path), "%s/" BLESS_UNBLESSED, slot_env()->update_dir);
	unlink(path);   /* its reason is in failed-versions now */
	return 1;
}
