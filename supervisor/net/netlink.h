/* netlink.h - the few rtnetlink requests cairnd makes for the host's own
 * links (libmnl): list links and addresses, set a link up / its MTU / its
 * name / its master, add and delete addresses and default routes, create
 * bridges and veth pairs, delete links, and decode the RTM_NEWLINK /
 * RTM_*ADDR messages the event socket receives.
 *
 * Message building (nlb_*) is separate from sending so tests can check
 * the bytes without a kernel.  Requests are synchronous on a socket of
 * their own: the kernel answers rtnetlink at once, nothing waits on the
 * network. */
#ifndef CAIRN_NETLINK_H
#define CAIRN_NETLINK_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "netaddr.h"

#define NL_BUF_SIZE 32768

struct nl;

struct nl_link {
	int ifindex;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	bool has_mac;
	unsigned flags;          /* IFF_* */
	unsigned mtu;
	int master;              /* ifindex of its bridge, 0: none */
	char kind[16];           /* IFLA_INFO_KIND ("bridge", "veth"...), or "" */
};

struct nl_addr {
	int ifindex;
	struct cairn_ip ip;      /* with prefix */
	unsigned char scope;     /* RT_SCOPE_* */
	uint32_t flags;          /* IFA_F_* */
	char label[IF_NAMESIZE]; /* IPv4 only, else "" */
};

int nl_open(struct nl **out, struct cairn_err *e);
void nl_close(struct nl *n);

/* Builders: fill buf (at least NL_BUF_SIZE... a page is plenty) and
 * return the message.  up: set IFF_UP; mtu 0: unchanged; name NULL:
 * unchanged. */
struct nlmsghdr *nlb_link_set(void *buf, uint32_t seq, int ifindex, bool up, unsigned mtu,
			      const char *name);
struct nlmsghdr *nlb_link_down(void *buf, uint32_t seq, int ifindex);
struct nlmsghdr *nlb_addr(void *buf, uint32_t seq, bool add, int ifindex,
			  const struct cairn_ip *ip);
/* A default route via gw out of ifindex (add: create, fail if present);
 * del with gw NULL: every default route of the family out of ifindex. */
struct nlmsghdr *nlb_route_default(void *buf, uint32_t seq, bool add, int family,
				   int ifindex, const struct cairn_ip *gw);

/* A new bridge link (create, fail if present). */
struct nlmsghdr *nlb_bridge_new(void *buf, uint32_t seq, const char *name);
/* A new veth pair name <-> peer (create, fail if present); the peer is
 * made in the network namespace of netns_fd (-1: this one), with mac when
 * not NULL. */
struct nlmsghdr *nlb_veth_new(void *buf, uint32_t seq, const char *name, const char *peer,
			      int netns_fd, const uint8_t *mac);
/* Put ifindex under the bridge master (0: out of any bridge). */
struct nlmsghdr *nlb_link_master(void *buf, uint32_t seq, int ifindex, int master);
struct nlmsghdr *nlb_link_del(void *buf, uint32_t seq, int ifindex);

/* Send a built message with NLM_F_ACK and wait for the answer: 0 or the
 * kernel's -errno. */
int nl_request(struct nl *n, struct nlmsghdr *m);
uint32_t nl_seq(struct nl *n);

/* One link by name: 0, -ENODEV when there is none, or -errno. */
int nl_link_get(struct nl *n, const char *name, struct nl_link *out);

/* Dumps, into new arrays freed by the caller. */
int nl_links(struct nl *n, struct nl_link **out, size_t *count, struct cairn_err *e);
int nl_addrs(struct nl *n, struct nl_addr **out, size_t *count, struct cairn_err *e);

/* Decoders for one message (dump answers and events): 0, or -EINVAL when
 * it is not one or is malformed. */
int nl_parse_link(const struct nlmsghdr *m, struct nl_link *l);
int nl_parse_addr(const struct nlmsghdr *m, struct nl_addr *a);

/* An event socket subscribed to links and IPv4/IPv6 addresses,
 * non-blocking: its fd goes on the loop; nl_events_read calls cb for each
 * message until nothing is left.  -ENOBUFS: events were lost (resync). */
struct nl_events;
int nl_events_open(struct nl_events **out, struct cairn_err *e);
int nl_events_fd(const struct nl_events *ev);
int nl_events_read(struct nl_events *ev, void (*cb)(const struct nlmsghdr *m, void *data),
		   void *data);
void nl_events_close(struct nl_events *ev);

#endif
