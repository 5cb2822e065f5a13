/* wnet.h - workload networking: what containers and VMs ask of the host's
 * network.  The bridges themselves ([network NAME] sections) are made and
 * reconciled by cairnd with every configuration (bridge.c, called from
 * net_apply); a workload only joins one.
 *
 * Every call is synchronous (rtnetlink answers at once), opens a netlink
 * socket of its own for the call, and may run on cairnd's loop thread.
 * On failure a call returns -errno, fills e with what failed and where,
 * and leaves no link behind that it made. */
#ifndef CAIRN_WNET_H
#define CAIRN_WNET_H

#include <net/if.h>
#include <sys/types.h>

#include "err.h"

/* A host link name for a workload: PREFIX then NAME ("vc-web"), the
 * whole at most 15 bytes.  prefix: 1-3 characters of a link name ("vc-"
 * for container veths, "vm-" for VM taps); name: the instance's name.
 *   - prefix + name up to 14 bytes: used as it is;
 *   - longer: prefix, the first bytes of name, '-', 8 hex digits of a
 *     hash of the whole name: exactly 15 bytes.
 * So a short form never equals a long one (their lengths differ), two
 * short forms differ when the names do, and two long forms only if both
 * the kept bytes and a 32-bit hash of the names agree.  The same name
 * always gives the same link name (a restarted cairnd finds it again).
 * 0, or -EINVAL (empty name, bad prefix) with out set to "". */
int net_ifname_for(const char *prefix, const char *name, char out[IF_NAMESIZE]);

/* Join a container's network namespace to a bridge with a veth pair:
 *   1. bridge must be an existing bridge link; host_ifname must be free;
 *      netns_pid's /proc/PID/ns/net is opened (a process that is gone is
 *      reported before anything is made);
 *   2. the pair is made: host_ifname in the host, its peer created
 *      straight in that namespace, named ct_ifname (e.g. "eth0"), with
 *      mac when not NULL (else the kernel picks one);
 *   3. host_ifname goes under the bridge and up;
 *   4. inside the namespace (a thread that setns()es there): lo up,
 *      ct_ifname up, address_cidr added ("10.0.3.5/24" or an IPv6 CIDR;
 *      NULL: no address, e.g. dhcp, whose client runs in the container),
 *      and a default route via gateway (NULL: none; same family as the
 *      address).
 * Any failure after step 2 deletes host_ifname, which takes the peer
 * with it.  The pair also goes away by itself when the namespace dies. */
int net_veth_attach(pid_t netns_pid, const char *bridge, const char *host_ifname,
		    const char *ct_ifname, const char *address_cidr, const char *gateway,
		    const unsigned char mac[6], struct cairn_err *e);

/* Delete host_ifname (and so the pair).  A link that is already gone (its
 * namespace died) is not an error: 0. */
int net_veth_detach(const char *host_ifname, struct cairn_err *e);

/* Put ifname (a VM's tap, say) under bridge; bridge must be a bridge. */
int net_link_set_master(const char *ifname, const char *bridge, struct cairn_err *e);

/* Set ifname up. */
int net_link_up(const char *ifname, struct cairn_err *e);

/* 0 when bridge is a link of kind bridge in cairnd's network namespace;
 * else -ENODEV ("no bridge X") or -EINVAL ("X is not a bridge (a link of
 * kind 'veth')"). */
int net_bridge_check(const char *bridge, struct cairn_err *e);

#endif
