/* wnet.c - workload networking (wnet.h): link names for workloads, veth
 * pairs into a container's network namespace, a tap or any link under a
 * bridge.
 *
 * The part inside the container's namespace runs on a short-lived thread
 * that setns()es there: the namespace is per thread, so cairnd itself never
 * leaves the host's, and the thread's netlink socket speaks to the
 * container's kernel view.  No fork: cairnd's SIGCHLD handling never sees
 * a child it did not start. */
#include "wnet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netaddr.h"
#include "netlink.h"

/* ---- names ---- */

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

int net_ifname_for(const char *prefix, const char *name, char out[IF_NAMESIZE])
{
	size_t p = prefix ? strlen(prefix) : 0, n = name ? strlen(name) : 0;
	const size_t max = IF_NAMESIZE - 1;   /* 15 */

	out[0] = 0;
	if (p < 1 || p > 3 || n < 1)
		return -EINVAL;
	if (p + n < max)
		snprintf(out, IF_NAMESIZE, "%s%s", prefix, name);
	else
		snprintf(out, IF_NAMESIZE, "%s%.*s-%08x", prefix, (int)(max - p - 9), name,
			 fnv1a(name));
	if (!cairn_ifname_ok(out)) {
		out[0] = 0;
		return -EINVAL;
	}
	return 0;
}

/* ---- small steps on one socket ---- */

static int get_link(struct nl *n, const char *name, struct nl_link *l, struct cairn_err *e)
{
	int ret = nl_link_get(n, name, l);

	if (ret == -ENODEV)
		return cairn_err_set(e, ret, "no link %s", name);
	if (ret < 0)
		return cairn_err_sys(e, ret, "link %s", name);
	return 0;
}

static int get_bridge(struct nl *n, const char *bridge, struct nl_link *l, struct cairn_err *e)
{
	int ret = nl_link_get(n, bridge, l);

	if (ret == -ENODEV)
		return cairn_err_set(e, ret, "no bridge %s (is there a [network %s]?)", bridge,
				     bridge);
	if (ret < 0)
		return cairn_err_sys(e, ret, "bridge %s", bridge);
	if (strcmp(l->kind, "bridge"))
		return cairn_err_set(e, -EINVAL, "%s is not a bridge (a link of kind '%s')", bridge,
				     l->kind[0] ? l->kind : "none");
	return 0;
}

int net_bridge_check(const char *bridge, struct cairn_err *e)
{
	struct nl *n;
	struct nl_link l;
	int ret = nl_open(&n, e);

	if (ret < 0)
		return ret;
	ret = get_bridge(n, bridge, &l, e);
	nl_close(n);
	return ret;
}

static int link_up(struct nl *n, int ifindex, const char *name, struct cairn_err *e)
{
	char buf[512] __attribute__((aligned(4)));
	int ret = nl_request(n, nlb_link_set(buf, nl_seq(n), ifindex, true, 0, NULL));

	return ret < 0 ? cairn_err_sys(e, ret, "%s: set up", name) : 0;
}

static int set_master(struct nl *n, const struct nl_link *l, const struct nl_link *br,
		      struct cairn_err *e)
{
	char buf[512] __attribute__((aligned(4)));
	int ret = nl_request(n, nlb_link_master(buf, nl_seq(n), l->ifindex, br->ifindex));

	return ret < 0 ? cairn_err_sys(e, ret, "%s: join bridge %s", l->name, br->name) : 0;
}

static int del_link(struct nl *n, const char *name)
{
	char buf[512] __attribute__((aligned(4)));
	struct nl_link l;
	int ret = nl_link_get(n, name, &l);

	if (ret < 0)
		return ret;
	return nl_request(n, nlb_link_del(buf, nl_seq(n), l.ifindex));
}

/* ---- inside the namespace ---- */

struct in_ns {
	int nsfd;
	const char *ifname;
	const struct cairn_ip *ip, *gw;   /* NULL: none */
	int ret;
	struct cairn_err e;
};

static int configure_in_ns(struct in_ns *a)
{
	char buf[1024] __attribute__((aligned(4)));
	struct nl *n = NULL;
	struct nl_link lo, l;
	int ret;

	if (setns(a->nsfd, CLONE_NEWNET) < 0)
		return cairn_err_sys(&a->e, -errno, "enter the network namespace");
	if ((ret = nl_open(&n, &a->e)) < 0)
		return ret;
	if ((ret = get_link(n, "lo", &lo, &a->e)) < 0 ||
	    (ret = link_up(n, lo.ifindex, "lo", &a->e)) < 0 ||
	    (ret = get_link(n, a->ifname, &l, &a->e)) < 0 ||
	    (ret = link_up(n, l.ifindex, a->ifname, &a->e)) < 0)
		goto out;
	if (a->ip) {
		char txt[64];

		ret = nl_request(n, nlb_addr(buf, nl_seq(n), true, l.ifindex, a->ip));
		if (ret < 0 && ret != -EEXIST) {
			cairn_ip_format(a->ip, true, txt, sizeof(txt));
			cairn_err_sys(&a->e, ret, "%s: add %s", a->ifname, txt);
			goto out;
		}
		ret = 0;
	}
	if (a->gw) {
		char txt[64];

		ret = nl_request(n, nlb_route_default(buf, nl_seq(n), true, a->gw->family,
						      l.ifindex, a->gw));
		if (ret < 0) {
			cairn_ip_format(a->gw, false, txt, sizeof(txt));
			cairn_err_sys(&a->e, ret, "%s: default route via %s", a->ifname, txt);
			goto out;
		}
	}
out:
	nl_close(n);
	return ret;
}

static void *in_ns_thread(void *data)
{
	struct in_ns *a = data;

	a->ret = configure_in_ns(a);
	return NULL;
}

/* ---- the calls ---- */

static int open_netns(pid_t pid, struct cairn_err *e)
{
	char path[64];
	int fd;

	if (pid <= 0)
		return cairn_err_set(e, -EINVAL, "bad pid %d", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return cairn_err_set(e, -ESRCH, "process %d is gone: no network namespace to join",
				     (int)pid);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	return fd;
}

static int check_args(const char *bridge, const char *host_ifname, const char *ct_ifname,
		      const char *address_cidr, const char *gateway, struct cairn_ip *ip,
		      struct cairn_ip *gw, struct cairn_err *e)
{
	if (!bridge || !cairn_ifname_ok(bridge))
		return cairn_err_set(e, -EINVAL, "bad bridge name '%s'", bridge ? bridge : "");
	if (!host_ifname || !cairn_ifname_ok(host_ifname))
		return cairn_err_set(e, -EINVAL, "bad host link name '%s'",
				     host_ifname ? host_ifname : "");
	if (!ct_ifname || !cairn_ifname_ok(ct_ifname))
		return cairn_err_set(e, -EINVAL, "bad container link name '%s'",
				     ct_ifname ? ct_ifname : "");
	if (address_cidr && cairn_cidr_parse(address_cidr, ip) < 0)
		return cairn_err_set(e, -EINVAL, "bad address '%s': expected ADDRESS/PREFIX",
				     address_cidr);
	if (gateway && cairn_ip_parse(gateway, gw) < 0)
		return cairn_err_set(e, -EINVAL, "bad gateway '%s'", gateway);
	if (gateway && address_cidr && gw->family != ip->family)
		return cairn_err_set(e, -EINVAL, "gateway %s and address %s are not of one family",
				     gateway, address_cidr);
	return 0;
}

int net_veth_attach(pid_t netns_pid, const char *bridge, const char *host_ifname,
		    const char *ct_ifname, const char *address_cidr, const char *gateway,
		    const unsigned char mac[6], struct cairn_err *e)
{
	char buf[1024] __attribute__((aligned(4)));
	struct cairn_ip ip, gw;
	struct nl_link br, host;
	struct in_ns a = { .nsfd = -1 };
	struct nl *n = NULL;
	bool made = false;
	pthread_t t;
	int ret;

	/* 1. everything that can be checked before a link is made */
	if ((ret = check_args(bridge, host_ifname, ct_ifname, address_cidr, gateway, &ip, &gw,
			      e)) < 0)
		return ret;
	if ((ret = nl_open(&n, e)) < 0)
		return ret;
	if ((ret = get_bridge(n, bridge, &br, e)) < 0)
		goto out;
	ret = nl_link_get(n, host_ifname, &host);
	if (ret == 0) {
		ret = cairn_err_set(e, -EEXIST, "link %s exists already", host_ifname);
		goto out;
	}
	if (ret != -ENODEV) {
		cairn_err_sys(e, ret, "link %s", host_ifname);
		goto out;
	}
	if ((ret = a.nsfd = open_netns(netns_pid, e)) < 0)
		goto out;
	/* 2. the pair, its peer born in the namespace */
	ret = nl_request(n, nlb_veth_new(buf, nl_seq(n), host_ifname, ct_ifname, a.nsfd, mac));
	if (ret < 0) {
		cairn_err_sys(e, ret, "veth %s <-> %s in process %d's namespace", host_ifname,
			      ct_ifname, (int)netns_pid);
		goto out;
	}
	made = true;
	/* 3. the host end under the bridge, up */
	if ((ret = get_link(n, host_ifname, &host, e)) < 0 ||
	    (ret = set_master(n, &host, &br, e)) < 0 ||
	    (ret = link_up(n, host.ifindex, host_ifname, e)) < 0)
		goto out;
	/* 4. the container's end, from inside */
	a.ifname = ct_ifname;
	a.ip = address_cidr ? &ip : NULL;
	a.gw = gateway ? &gw : NULL;
	if ((ret = -pthread_create(&t, NULL, in_ns_thread, &a)) < 0) {
		cairn_err_sys(e, ret, "thread");
		goto out;
	}
	pthread_join(t, NULL);
	if ((ret = a.ret) < 0)
		cairn_err_set(e, ret, "in process %d's namespace: %s", (int)netns_pid, a.e.msg);
out:
	if (ret < 0 && made)
		del_link(n, host_ifname);   /* takes the peer with it */
	if (a.nsfd >= 0)
		close(a.nsfd);
	nl_close(n);
	return ret < 0 ? ret : 0;
}

int net_veth_detach(const char *host_ifname, struct cairn_err *e)
{
	struct nl *n = NULL;
	int ret;

	if (!host_ifname || !cairn_ifname_ok(host_ifname))
		return cairn_err_set(e, -EINVAL, "bad link name '%s'", host_ifname ? host_ifname : "");
	if ((ret = nl_open(&n, e)) < 0)
		return ret;
	ret = del_link(n, host_ifname);
	nl_close(n);
	if (ret == -ENODEV)
		return 0;   /* gone with its namespace */
	return ret < 0 ? cairn_err_sys(e, ret, "delete link %s", host_ifname) : 0;
}

int net_link_set_master(const char *ifname, const char *bridge, struct cairn_err *e)
{
	struct nl_link l, br;
	struct nl *n = NULL;
	int ret;

	if (!ifname || !cairn_ifname_ok(ifname))
		return cairn_err_set(e, -EINVAL, "bad link name '%s'", ifname ? ifname : "");
	if (!bridge || !cairn_ifname_ok(bridge))
		return cairn_err_set(e, -EINVAL, "bad bridge name '%s'", bridge ? bridge : "");
	if ((ret = nl_open(&n, e)) < 0)
		return ret;
	if ((ret = get_bridge(n, bridge, &br, e)) == 0 && (ret = get_link(n, ifname, &l, e)) == 0)
		ret = set_master(n, &l, &br, e);
	nl_close(n);
	return ret;
}

int net_link_up(const char *ifname, struct cairn_err *e)
{
	struct nl_link l;
	struct nl *n = NULL;
	int ret;

	if (!ifname || !cairn_ifname_ok(ifname))
		return cairn_err_set(e, -EINVAL, "bad link name '%s'", ifname ? ifname : "");
	if ((ret = nl_open(&n, e)) < 0)
		return ret;
	if ((ret = get_link(n, ifname, &l, e)) == 0)
		ret = link_up(n, l.ifindex, ifname, e);
	nl_close(n);
	return ret;
}
