/* bridge.h - [network NAME] bridges on the host (bridge.c), reconciled by
 * net_apply() with every configuration that comes into force:
 *   - a section that is new: its bridge link NAME is made (or an existing
 *     bridge of that name taken over), given its address, set up;
 *   - a section that changed (canon): the same bridge, its address
 *     replaced (ports stay attached);
 *   - a section that went away: its bridge deleted;
 *   - nat = yes on any section: IPv4 forwarding on, and the one nftables
 *     table of cairn ("table ip cairn") written as a whole, atomically, by
 *     `nft -f -` from bridge_nft_ruleset(); with no nat left the table is
 *     deleted and forwarding set back off if cairnd turned it on.  No other
 *     table is ever read or written.
 * Failures are said on stderr and touch only the section they concern. */
#ifndef CAIRN_BRIDGE_H
#define CAIRN_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "err.h"

#define BRIDGE_NFT_DEFAULT "/usr/sbin/nft"
#define BRIDGE_IP_FORWARD_DEFAULT "/proc/sys/net/ipv4/ip_forward"

struct bridge_opts {
	const char *nft;          /* the nft program (default BRIDGE_NFT_DEFAULT) */
	const char *ip_forward;   /* the sysctl file (default BRIDGE_IP_FORWARD_DEFAULT) */
};

struct bridges;

int bridges_new(struct bridges **out, const struct bridge_opts *o, struct cairn_err *e);
void bridges_apply(struct bridges *b, const struct cairn_config *c);
void bridges_free(struct bridges *b);

/* The nft script for these networks, into a new string: it declares and
 * deletes "table ip cairn" (so it works whether the table exists or not),
 * then, when a network has nat = yes and an address, makes it again with
 * one masquerade rule per such network: its subnet leaving through any
 * link but its bridge.  0 or -ENOMEM/-EINVAL (a bad address). */
int bridge_nft_ruleset(const struct cairn_network *nets, size_t n, char **out);
/* Does the ruleset make a table (some network has nat)? */
bool bridge_nft_wanted(const struct cairn_network *nets, size_t n);

#endif
