/* remote.h - cairnctl's remotes: named cairnd hosts reached over mutual
 * TLS, kept in remotes.ini ($CAIRN_CONFIG_DIR, or ~/.config/cairn/):
 *
 *   [remote edge-1]
 *   url = https://10.0.0.5:8443
 *   cert = /home/op/.config/cairn/op.crt
 *   key = /home/op/.config/cairn/op.key
 *   fingerprint = 3f2a...   (the server certificate's SHA-256, pinned)
 */
#ifndef CAIRN_CLI_REMOTE_H
#define CAIRN_CLI_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define CTL_REMOTE_NAME_MAX 64

struct ctl_remote {
	char name[CTL_REMOTE_NAME_MAX + 1];
	char url[300];
	char host[256];        /* from url: name or address, no brackets */
	char port[8];
	char cert[4096];
	char key[4096];
	char fingerprint[65];
};

/* The file remotes live in. */
const char *ctl_remotes_path(char *buf, size_t size);

/* All remotes (a missing file is none); *out freed by the caller. */
int ctl_remotes_load(struct ctl_remote **out, size_t *n, struct cairn_err *e);
/* Written atomically, mode 0600. */
int ctl_remotes_save(const struct ctl_remote *r, size_t n, struct cairn_err *e);
/* One by name; -ENOENT with "no remote NAME (see cairnctl remote list)". */
int ctl_remote_find(const char *name, struct ctl_remote *out, struct cairn_err *e);

/* "https://HOST[:PORT][/]" with HOST a name, IPv4 or [IPv6]; port 8443
 * when absent. */
int ctl_remote_parse_url(const char *url, char *host, size_t hsize, char *port,
			 size_t psize, struct cairn_err *e);

/* cairnctl remote add|list|remove ...: exit status 0, 1 or 2. */
int ctl_remote_command(int nargs, char **args, bool json);

#endif
