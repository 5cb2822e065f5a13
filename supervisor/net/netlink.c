/* netlink.c - see netlink.h.  Everything goes through libmnl; the message
 * layouts are rtnetlink's (linux/rtnetlink.h, linux/if_addr.h). */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct nl {
	struct mnl_socket *sock;
	unsigned portid;
	uint32_t seq;
	char buf[NL_BUF_SIZE];
};

struct nl_events {
	struct mnl_socket *sock;
	char buf[NL_BUF_SIZE];
};

int nl_open(struct nl **out, struct cairn_err *e)
{
	struct nl *n = calloc(1, sizeof(*n));

	if (!n)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	n->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!n->sock || mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = -errno;

		nl_close(n);
		return cairn_err_sys(e, ret, "netlink");
	}
	n->portid = mnl_socket_get_portid(n->sock);
	n->seq = (uint32_t)time(NULL);
	*out = n;
	return 0;
}

void nl_close(struct nl *n)
{
	if (!n)
		return;
	if (n->sock)
		mnl_socket_close(n->sock);
	free(n);
}

uint32_t nl_seq(struct nl *n)
{
	return ++n->seq;
}

/* ---- builders ---- */

static struct nlmsghdr *header(void *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *m = mnl_nlmsg_put_header(buf);

	m->nlmsg_type = type;
	m->nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlmsg_seq = seq;
	return m;
}

/* A link message: the header and an ifinfomsg for ifindex (0: by name or
 * new), whose flags the caller may set through *ifi. */
static struct nlmsghdr *link_msg(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
				 int ifindex, struct ifinfomsg **ifi)
{
	struct nlmsghdr *m = header(buf, type, flags, seq);
	struct ifinfomsg *i = mnl_nlmsg_put_extra_header(m, sizeof(*i));

	i->ifi_family = AF_UNSPEC;
	i->ifi_index = ifindex;
	if (ifi)
		*ifi = i;
	return m;
}

struct nlmsghdr *nlb_link_set(void *buf, uint32_t seq, int ifindex, bool up, unsigned mtu,
			      const char *name)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *m = link_msg(buf, RTM_NEWLINK, 0, seq, ifindex, &ifi);

	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (mtu)
		mnl_attr_put_u32(m, IFLA_MTU, mtu);
	if (name)
		mnl_attr_put_strz(m, IFLA_IFNAME, name);
	return m;
}

struct nlmsghdr *nlb_link_down(void *buf, uint32_t seq, int ifindex)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *m = link_msg(buf, RTM_NEWLINK, 0, seq, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	return m;
}

struct nlmsghdr *nlb_addr(void *buf, uint32_t seq, bool add, int ifindex,
			  const struct cairn_ip *ip)
{
	struct nlmsghdr *m = header(buf, add ? RTM_NEWADDR : RTM_DELADDR,
				    add ? NLM_F_CREATE | NLM_F_EXCL : 0, seq);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(m, sizeof(*ifa));

	ifa->ifa_family = (unsigned char)ip->family;
	ifa->ifa_prefixlen = (unsigned char)ip->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(m, IFA_LOCAL, cairn_ip_len(ip), ip->addr);
	mnl_attr_put(m, IFA_ADDRESS, cairn_ip_len(ip), ip->addr);
	if (ip->family == AF_INET && ip->prefix < 31) {
		uint8_t bcast[4];
		uint32_t host = ip->prefix ? 0xffffffffu >> ip->prefix : 0xffffffffu;

		for (int i = 0; i < 4; i++)
			bcast[i] = ip->addr[i] | (uint8_t)(host >> (24 - 8 * i));
		mnl_attr_put(m, IFA_BROADCAST, 4, bcast);
	}
	return m;
}

struct nlmsghdr *nlb_route_default(void *buf, uint32_t seq, bool add, int family,
				   int ifindex, const struct cairn_ip *gw)
{
	struct nlmsghdr *m = header(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
				    add ? NLM_F_CREATE | NLM_F_EXCL : 0, seq);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(m, sizeof(*rt));

	rt->rtm_family = (unsigned char)family;
	rt->rtm_dst_len = 0;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
	rt->rtm_type = add ? RTN_UNICAST : RTN_UNSPEC;
	if (gw)
		mnl_attr_put(m, RTA_GATEWAY, cairn_ip_len(gw), gw->addr);
	mnl_attr_put_u32(m, RTA_OIF, (uint32_t)ifindex);
	return m;
}

struct nlmsghdr *nlb_bridge_new(void *buf, uint32_t seq, const char *name)
{
	struct nlmsghdr *m = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq, 0, NULL);
	struct nlattr *info;

	mnl_attr_put_strz(m, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(m, IFLA_LINKINFO);
	mnl_attr_put_strz(m, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(m, info);
	return m;
}

struct nlmsghdr *nlb_veth_new(void *buf, uint32_t seq, const char *name, const char *peer,
			      int netns_fd, const uint8_t *mac)
{
	struct nlmsghdr *m = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq, 0, NULL);
	struct nlattr *info, *data, *p;

	mnl_attr_put_strz(m, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(m, IFLA_LINKINFO);
	mnl_attr_put_strz(m, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(m, IFLA_INFO_DATA);
	/* the peer is a whole link description: an ifinfomsg, then attributes */
	p = mnl_attr_nest_start(m, VETH_INFO_PEER);
	((struct ifinfomsg *)mnl_nlmsg_put_extra_header(m, sizeof(struct ifinfomsg)))->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(m, IFLA_IFNAME, peer);
	if (netns_fd >= 0)
		mnl_attr_put_u32(m, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	if (mac)
		mnl_attr_put(m, IFLA_ADDRESS, 6, mac);
	mnl_attr_nest_end(m, p);
	mnl_attr_nest_end(m, data);
	mnl_attr_nest_end(m, info);
	return m;
}

struct nlmsghdr *nlb_link_master(void *buf, uint32_t seq, int ifindex, int master)
{
	struct nlmsghdr *m = link_msg(buf, RTM_NEWLINK, 0, seq, ifindex, NULL);

	mnl_attr_put_u32(m, IFLA_MASTER, (uint32_t)master);
	return m;
}

struct nlmsghdr *nlb_link_del(void *buf, uint32_t seq, int ifindex)
{
	return link_msg(buf, RTM_DELLINK, 0, seq, ifindex, NULL);
}

/* ---- requests ---- */

/* Send m with NLM_F_ACK and run cb (may be NULL) on each answer until
 * the ACK: 0 or the kernel's -errno. */
static int transact(struct nl *n, struct nlmsghdr *m, mnl_cb_t cb, void *data)
{
	ssize_t len;
	int ret;

	m->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(n->sock, m, m->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(n->buf, (size_t)len, m->nlmsg_seq, n->portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

int nl_request(struct nl *n, struct nlmsghdr *m)
{
	return transact(n, m, NULL, NULL);
}

struct get_one {
	struct nl_link *l;
	bool found;
};

static int get_one_cb(const struct nlmsghdr *m, void *data)
{
	struct get_one *g = data;

	if (nl_parse_link(m, g->l) == 0)
		g->found = true;
	return MNL_CB_OK;
}

int nl_link_get(struct nl *n, const char *name, struct nl_link *out)
{
	char req[256] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *m;
	struct get_one g = { out, false };
	int ret;

	if (!name || !*name || strlen(name) >= IF_NAMESIZE)
		return -EINVAL;
	m = link_msg(req, RTM_GETLINK, 0, nl_seq(n), 0, NULL);
	mnl_attr_put_strz(m, IFLA_IFNAME, name);
	ret = transact(n, m, get_one_cb, &g);
	if (ret < 0)
		return ret;
	return g.found ? 0 : -ENODEV;
}

struct collect {
	void *items;
	size_t n, cap, size;
	int (*parse)(const struct nlmsghdr *m, void *item);
	int err;
};

static int collect_cb(const struct nlmsghdr *m, void *data)
{
	struct collect *c = data;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		void *g = realloc(c->items, cap * c->size);

		if (!g) {
			c->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		c->items = g;
		c->cap = cap;
	}
	if (c->parse(m, (char *)c->items + c->n * c->size) == 0)
		c->n++;
	return MNL_CB_OK;
}

static int dump(struct nl *n, uint16_t type, size_t hdr, struct collect *c, struct cairn_err *e)
{
	struct nlmsghdr *m = header(n->buf, type, NLM_F_DUMP, nl_seq(n));
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(m, hdr);
	uint32_t seq = m->nlmsg_seq;
	ssize_t len;
	int ret;

	g->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(n->sock, m, m->nlmsg_len) < 0)
		return cairn_err_sys(e, -errno, "netlink dump");
	do {
		len = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (len < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(n->buf, (size_t)len, seq, n->portid, collect_cb, c);
		if (ret < 0)
			ret = c->err ? c->err : -errno;
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		free(c->items);
		c->items = NULL;
		return cairn_err_sys(e, ret, "netlink dump");
	}
	return 0;
}

static int parse_link_v(const struct nlmsghdr *m, void *item)
{
	return nl_parse_link(m, item);
}

static int parse_addr_v(const struct nlmsghdr *m, void *item)
{
	return nl_parse_addr(m, item);
}

int nl_links(struct nl *n, struct nl_link **out, size_t *count, struct cairn_err *e)
{
	struct collect c = { .size = sizeof(struct nl_link), .parse = parse_link_v };
	int ret = dump(n, RTM_GETLINK, sizeof(struct ifinfomsg), &c, e);

	if (ret < 0)
		return ret;
	*out = c.items;
	*count = c.n;
	return 0;
}

int nl_addrs(struct nl *n, struct nl_addr **out, size_t *count, struct cairn_err *e)
{
	struct collect c = { .size = sizeof(struct nl_addr), .parse = parse_addr_v };
	int ret = dump(n, RTM_GETADDR, sizeof(struct ifaddrmsg), &c, e);

	if (ret < 0)
		return ret;
	*out = c.items;
	*count = c.n;
	return 0;
}

/* ---- decoders ---- */

struct attrs {
	const struct nlattr *tb[IFLA_MAX + IFA_MAX + 2];
	int max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

int nl_parse_link(const struct nlmsghdr *m, struct nl_link *l)
{
	struct attrs t = { .max = IFLA_MAX };
	const struct ifinfomsg *ifi;

	if ((m->nlmsg_type != RTM_NEWLINK && m->nlmsg_type != RTM_DELLINK) ||
	    m->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(m);
	if (mnl_attr_parse(m, sizeof(*ifi), attr_cb, &t) < 0)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (t.tb[IFLA_IFNAME] && mnl_attr_validate(t.tb[IFLA_IFNAME], MNL_TYPE_STRING) == 0)
		snprintf(l->name, sizeof(l->name), "%.*s",   /* maybe not NUL-terminated */
			 (int)mnl_attr_get_payload_len(t.tb[IFLA_IFNAME]),
			 mnl_attr_get_str(t.tb[IFLA_IFNAME]));
	if (t.tb[IFLA_MTU] && mnl_attr_validate(t.tb[IFLA_MTU], MNL_TYPE_U32) == 0)
		l->mtu = mnl_attr_get_u32(t.tb[IFLA_MTU]);
	if (t.tb[IFLA_MASTER] && mnl_attr_validate(t.tb[IFLA_MASTER], MNL_TYPE_U32) == 0)
		l->master = (int)mnl_attr_get_u32(t.tb[IFLA_MASTER]);
	if (t.tb[IFLA_LINKINFO] && mnl_attr_validate(t.tb[IFLA_LINKINFO], MNL_TYPE_NESTED) == 0) {
		const struct nlattr *a;

		mnl_attr_for_each_nested(a, t.tb[IFLA_LINKINFO])
			if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
			    mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
				snprintf(l->kind, sizeof(l->kind), "%.*s",
					 (int)mnl_attr_get_payload_len(a), mnl_attr_get_str(a));
	}
	if (t.tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(t.tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, mnl_attr_get_payload(t.tb[IFLA_ADDRESS]), 6);
		l->has_mac = true;
	}
	return 0;
}

int nl_parse_addr(const struct nlmsghdr *m, struct nl_addr *a)
{
	struct attrs t = { .max = IFA_MAX };
	const struct ifaddrmsg *ifa;
	const struct nlattr *at;
	size_t alen;

	if ((m->nlmsg_type != RTM_NEWADDR && m->nlmsg_type != RTM_DELADDR) ||
	    m->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return -EINVAL;
	ifa = mnl_nlmsg_get_payload(m);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EINVAL;
	if (mnl_attr_parse(m, sizeof(*ifa), attr_cb, &t) < 0)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->ifindex = (int)ifa->ifa_index;
	a->ip.family = ifa->ifa_family;
	a->ip.prefix = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	alen = cairn_ip_len(&a->ip);
	/* IFA_LOCAL is the address itself (IFA_ADDRESS the peer on p-t-p) */
	at = t.tb[IFA_LOCAL] ? t.tb[IFA_LOCAL] : t.tb[IFA_ADDRESS];
	if (!at || mnl_attr_get_payload_len(at) != alen)
		return -EINVAL;
	memcpy(a->ip.addr, mnl_attr_get_payload(at), alen);
	if (t.tb[IFA_FLAGS] && mnl_attr_validate(t.tb[IFA_FLAGS], MNL_TYPE_U32) == 0)
		a->flags = mnl_attr_get_u32(t.tb[IFA_FLAGS]);
	if (t.tb[IFA_LABEL] && mnl_attr_validate(t.tb[IFA_LABEL], MNL_TYPE_STRING) == 0)
		snprintf(a->label, sizeof(a->label), "%.*s",
			 (int)mnl_attr_get_payload_len(t.tb[IFA_LABEL]),
			 mnl_attr_get_str(t.tb[IFA_LABEL]));
	return 0;
}

/* ---- events ---- */

int nl_events_open(struct nl_events **out, struct cairn_err *e)
{
	struct nl_events *ev = calloc(1, sizeof(*ev));
	int size = 1 << 20;

	if (!ev)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	ev->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!ev->sock ||
	    mnl_socket_bind(ev->sock, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0) {
		int ret = -errno;

		nl_events_close(ev);
		return cairn_err_sys(e, ret, "netlink events");
	}
	/* a burst of events (many links appearing) should not overrun */
	setsockopt(mnl_socket_get_fd(ev->sock), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	*out = ev;
	return 0;
}

int nl_events_fd(const struct nl_events *ev)
{
	return mnl_socket_get_fd(ev->sock);
}

struct ev_call {
	void (*cb)(const struct nlmsghdr *m, void *data);
	void *data;
};

static int ev_cb(const struct nlmsghdr *m, void *data)
{
	struct ev_call *c = data;

	c->cb(m, c->data);
	return MNL_CB_OK;
}

int nl_events_read(struct nl_events *ev, void (*cb)(const struct nlmsghdr *m, void *data),
		   void *data)
{
	struct ev_call c = { cb, data };

	for (;;) {
		ssize_t len = mnl_socket_recvfrom(ev->sock, ev->buf, sizeof(ev->buf));

		if (len < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (mnl_cb_run(ev->buf, (size_t)len, 0, 0, ev_cb, &c) < 0 && errno == ENOBUFS)
			return -ENOBUFS;
	}
}

void nl_events_close(struct nl_events *ev)
{
	if (!ev)
		return;
	if (ev->sock)
		mnl_socket_close(ev->sock);
	free(ev);
}
