/* iface.c - [interface] sections applied to the host's links (net.h).
 *
 * Each section is matched to a link by name, or by MAC (then the link is
 * renamed to the section's NAME).  Configuring a link is one sequence:
 *   1. rename (MAC match only; the link must be down for it)
 *   2. MTU and up
 *   3. addresses: static ones added; permanent global addresses that are
 *      not in the section removed (IPv4 ones only when dhcp = no: with
 *      DHCP the lease owns IPv4); kernel-made ones (SLAAC, link-local) kept
 *   4. default routes (protocol "static", so a DHCP client's are not ours)
 * It runs for every section that changed, and again when the kernel
 * reports a matching link that is new or has just come up.  Every step is
 * idempotent, so running it twice costs nothing but a few messages. */
#include "net.h"
#include "say.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "bridge.h"
#include "netlink.h"
#include "strv.h"

struct net_if {
	struct cairn_iface def;     /* owned copy */
	int ifindex;                /* 0: no link matched (yet) */
	bool up;
};

struct seen {
	int ifindex;
	struct cairn_ip ip;
};

struct net {
	struct loop *loop;
	struct nl *nl;
	struct nl_events *ev;
	struct bridges *br;         /* [network] sections: bridge.c */
	int ino;                    /* inotify on resolv_dir, or -1 */
	char *resolv_conf, *resolv_dir;
	struct net_if *ifs;
	size_t n;
	struct seen *seen;          /* addresses shown on the console */
	size_t n_seen;
	char buf[NL_BUF_SIZE];
};


/* ---- definitions ---- */

static int def_dup(struct cairn_iface *d, const struct cairn_iface *s)
{
#define DUP(f) (!s->f || (d->f = strdup(s->f)))
#define DUPV(f) (!s->f || (d->f = cairn_strv_dup(s->f)))
	memset(d, 0, sizeof(*d));
	d->line = s->line;
	d->dhcp = s->dhcp;
	d->mtu = s->mtu;
	return DUP(name) && DUP(match_name) && DUP(match_mac) && DUPV(addresses) &&
	       DUP(gateway) && DUP(gateway6) && DUPV(dns) && DUP(canon) ? 0 : -ENOMEM;
#undef DUP
#undef DUPV
}

static void def_free(struct cairn_iface *d)
{
	free(d->name);
	free(d->match_name);
	free(d->match_mac);
	cairn_strv_free(d->addresses);
	free(d->gateway);
	free(d->gateway6);
	cairn_strv_free(d->dns);
	free(d->canon);
}

static bool matches(const struct cairn_iface *d, const struct nl_link *l)
{
	if (d->match_mac) {
		uint8_t mac[6];

		if (!l->has_mac || cairn_mac_parse(d->match_mac, mac) < 0 || memcmp(mac, l->mac, 6))
			return false;
		return !d->match_name || !strcmp(d->match_name, l->name);
	}
	return d->match_name && !strcmp(d->match_name, l->name);
}

/* ---- configuring one link ---- */

static int req(struct net *n, struct nlmsghdr *m, const char *name, const char *what,
	       int ignore)
{
	int ret = nl_request(n->nl, m);

	if (ret < 0 && ret != ignore)
		cairnd_say("%s: %s: %s", name, what, strerror(-ret));
	return ret;
}

static bool wanted(const struct cairn_iface *d, const struct cairn_ip *ip)
{
	for (char **a = d->addresses; a && *a; a++) {
		struct cairn_ip w;

		if (cairn_cidr_parse(*a, &w) == 0 && w.family == ip->family &&
		    w.prefix == ip->prefix && !memcmp(w.addr, ip->addr, cairn_ip_len(ip)))
			return true;
	}
	return false;
}

static void set_routes(struct net *n, const struct cairn_iface *d, int idx, bool add)
{
	const char *gws[2] = { d->gateway, d->gateway6 };
	const int fams[2] = { AF_INET, AF_INET6 };

	for (int k = 0; k < 2; k++) {
		struct cairn_ip gw;
		char what[96];

		if (fams[k] == AF_INET && d->dhcp)
			continue;       /* the lease's route (udhcpc's script) */
		/* the previous static default of this link, whatever its gateway */
		nl_request(n->nl, nlb_route_default(n->buf, nl_seq(n->nl), false, fams[k], idx, NULL));
		if (!add || !gws[k] || cairn_ip_parse(gws[k], &gw) < 0)
			continue;
		snprintf(what, sizeof(what), "default route via %s", gws[k]);
		req(n, nlb_route_default(n->buf, nl_seq(n->nl), true, fams[k], idx, &gw), d->name,
		    what, -EEXIST);
	}
}

static void configure(struct net *n, struct net_if *f, const struct nl_link *l)
{
	const struct cairn_iface *d = &f->def;
	struct nl_addr *addrs = NULL;
	size_t na = 0;
	struct cairn_err e;
	const char *name = l->name;

	f->ifindex = l->ifindex;
	f->up = true;
	/* 1. a link matched by MAC takes the section's name */
	if (d->match_mac && !d->match_name && strcmp(l->name, d->name)) {
		char what[64];

		snprintf(what, sizeof(what), "rename %s to %s", l->name, d->name);
		if (l->flags & IFF_UP)
			nl_request(n->nl, nlb_link_down(n->buf, nl_seq(n->nl), l->ifindex));
		if (req(n, nlb_link_set(n->buf, nl_seq(n->nl), l->ifindex, false, 0, d->name),
			l->name, what, 0) == 0)
			name = d->name;
	}
	/* 2. MTU, up */
	req(n, nlb_link_set(n->buf, nl_seq(n->nl), l->ifindex, true, d->mtu, NULL), name,
	    d->mtu ? "set MTU and up" : "set up", 0);
	/* 3. addresses */
	if (nl_addrs(n->nl, &addrs, &na, &e) < 0)
		cairnd_say("%s: %s", name, e.msg);
	for (size_t k = 0; k < na; k++) {
		const struct nl_addr *a = &addrs[k];
		char what[96], txt[64];

		if (a->ifindex != l->ifindex || a->scope != RT_SCOPE_UNIVERSE ||
		    !(a->flags & IFA_F_PERMANENT) || wanted(d, &a->ip) ||
		    (a->ip.family == AF_INET && d->dhcp))
			continue;
		cairn_ip_format(&a->ip, true, txt, sizeof(txt));
		snprintf(what, sizeof(what), "remove %s", txt);
		req(n, nlb_addr(n->buf, nl_seq(n->nl), false, l->ifindex, &a->ip), name, what,
		    -EADDRNOTAVAIL);
	}
	free(addrs);
	for (char **a = d->addresses; a && *a; a++) {
		struct cairn_ip ip;
		char what[96];

		if (cairn_cidr_parse(*a, &ip) < 0)
			continue;
		snprintf(what, sizeof(what), "add %s", *a);
		req(n, nlb_addr(n->buf, nl_seq(n->nl), true, l->ifindex, &ip), name, what, -EEXIST);
	}
	/* 4. routes */
	set_routes(n, d, l->ifindex, true);
}

/* A section went away or changed: take back its static addresses and
 * routes (the link itself stays up). */
static void unconfigure(struct net *n, const struct net_if *f)
{
	if (!f->ifindex)
		return;
	set_routes(n, &f->def, f->ifindex, false);
	for (char **a = f->def.addresses; a && *a; a++) {
		struct cairn_ip ip;

		if (cairn_cidr_parse(*a, &ip) == 0)
			nl_request(n->nl, nlb_addr(n->buf, nl_seq(n->nl), false, f->ifindex, &ip));
	}
}

/* Sections whose link changed (missed events): configure them again. */
static void match_links(struct net *n)
{
	struct nl_link *links = NULL;
	size_t nl = 0;
	struct cairn_err e;

	if (nl_links(n->nl, &links, &nl, &e) < 0) {
		cairnd_say("network: %s", e.msg);
		return;
	}
	for (size_t k = 0; k < n->n; k++) {
		struct net_if *f = &n->ifs[k];
		bool found = false;

		for (size_t j = 0; j < nl && !found; j++) {
			if (!matches(&f->def, &links[j]))
				continue;
			found = true;
			if (f->ifindex != links[j].ifindex)
				configure(n, f, &links[j]);
		}
	}
	free(links);
}

/* ---- resolv.conf ---- */

static void write_resolv(struct net *n)
{
	struct cairn_err e;

	if (resolv_write(n->resolv_dir, n->resolv_conf, &e) < 0)
		cairnd_say("resolv.conf: %s", e.msg);
}

/* DHCP fragments of links no [interface] runs DHCP on any more. */
static bool drop_stale_leases(struct net *n)
{
	DIR *d = opendir(n->resolv_dir);
	struct dirent *de;
	bool dropped = false;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		bool keep = false;

		if (strncmp(de->d_name, "dhcp-", 5))
			continue;
		for (size_t k = 0; k < n->n && !keep; k++)
			keep = n->ifs[k].def.dhcp &&
			       !strcmp(cairn_iface_link(&n->ifs[k].def), de->d_name + 5);
		if (!keep && unlinkat(dirfd(d), de->d_name, 0) == 0)
			dropped = true;
	}
	closedir(d);
	return dropped;
}

static void on_resolv_dir(struct loop *l, int fd, uint32_t events, void *data)
{
	struct net *n = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t len;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && ev->name[0] != '.' && strcmp(ev->name, "static") &&
			    !strstr(ev->name, ".tmp."))
				changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed)
		write_resolv(n);
}

/* ---- applying a config ---- */

void net_apply(struct net *n, const struct cairn_config *c)
{
	struct net_if *ifs = calloc(c->n_ifaces ? c->n_ifaces : 1, sizeof(*ifs));
	bool *kept = calloc(n->n ? n->n : 1, sizeof(*kept));
	struct cairn_err e;
	int ret;

	if (!ifs || !kept) {
		cairnd_say("network: out of memory: configuration not applied");
		free(ifs);
		free(kept);
		return;
	}
	for (size_t k = 0; k < c->n_ifaces; k++) {
		if (def_dup(&ifs[k].def, &c->ifaces[k]) < 0)
			cairnd_say("%s: out of memory", c->ifaces[k].name);
		for (size_t j = 0; j < n->n; j++) {
			if (kept[j] || !n->ifs[j].def.canon || !ifs[k].def.canon ||
			    strcmp(n->ifs[j].def.canon, ifs[k].def.canon))
				continue;
			kept[j] = true;   /* unchanged: same link, left alone */
			ifs[k].ifindex = n->ifs[j].ifindex;
			ifs[k].up = n->ifs[j].up;
			break;
		}
	}
	for (size_t j = 0; j < n->n; j++) {
		if (!kept[j])
			unconfigure(n, &n->ifs[j]);
		def_free(&n->ifs[j].def);
	}
	free(n->ifs);
	free(kept);
	n->ifs = ifs;
	n->n = c->n_ifaces;
	for (size_t k = 0; k < n->n; k++)
		if (!ifs[k].ifindex)
			ifs[k].ifindex = -1;   /* to be matched now */
	{
		/* configure the changed and new ones; the report of missing
		 * links is for those only */
		struct nl_link *links = NULL;
		size_t nl = 0;

		if (nl_links(n->nl, &links, &nl, &e) < 0) {
			cairnd_say("network: %s", e.msg);
		} else {
			for (size_t k = 0; k < n->n; k++) {
				struct net_if *f = &ifs[k];
				bool found = false;

				if (f->ifindex != -1)
					continue;
				f->ifindex = 0;
				for (size_t j = 0; j < nl && !found; j++)
					if (matches(&f->def, &links[j])) {
						found = true;
						configure(n, f, &links[j]);
					}
				if (!found)
					cairnd_say("%s: no such link yet (configured when it appears)",
					    f->def.name);
			}
			free(links);
		}
	}
	for (size_t k = 0; k < n->n; k++)
		if (ifs[k].ifindex < 0)
			ifs[k].ifindex = 0;
	ret = resolv_set_static(n->resolv_dir, c, &e);
	if (ret < 0)
		cairnd_say("resolv.conf: %s", e.msg);
	if (drop_stale_leases(n) || ret > 0)
		write_resolv(n);
	if (n->br)
		bridges_apply(n->br, c);
}

/* ---- kernel events ---- */

static void show_addr(struct net *n, const struct nl_addr *a, bool add)
{
	char name[IF_NAMESIZE], txt[64];
	size_t k;

	for (k = 0; k < n->n_seen; k++)
		if (n->seen[k].ifindex == a->ifindex && n->seen[k].ip.family == a->ip.family &&
		    n->seen[k].ip.prefix == a->ip.prefix &&
		    !memcmp(n->seen[k].ip.addr, a->ip.addr, cairn_ip_len(&a->ip)))
			break;
	if (add == (k < n->n_seen))
		return;   /* already shown, or never was */
	if (add) {
		struct seen *g;

		if (a->scope != RT_SCOPE_UNIVERSE)
			return;   /* loopback, link-local: not where to connect */
		g = realloc(n->seen, (n->n_seen + 1) * sizeof(*g));
		if (!g)
			return;
		n->seen = g;
		g[n->n_seen].ifindex = a->ifindex;
		g[n->n_seen].ip = a->ip;
		n->n_seen++;
	} else {
		n->seen[k] = n->seen[--n->n_seen];
	}
	if (!if_indextoname((unsigned)a->ifindex, name))
		snprintf(name, sizeof(name), "%s", a->label[0] ? a->label : "?");
	cairn_ip_format(&a->ip, true, txt, sizeof(txt));
	cairnd_say("%s: %s%s", name, txt, add ? "" : " removed");
}

static void on_link(struct net *n, const struct nl_link *l, bool gone)
{
	for (size_t k = 0; k < n->n; k++) {
		struct net_if *f = &n->ifs[k];
		bool was_up = f->up;

		if (gone) {
			if (f->ifindex == l->ifindex) {
				f->ifindex = 0;
				f->up = false;
			}
			continue;
		}
		if (!matches(&f->def, l))
			continue;
		if (f->ifindex != l->ifindex) {
			cairnd_say("%s: link %s appeared", f->def.name, l->name);
			configure(n, f, l);
			return;
		}
		f->up = l->flags & IFF_UP;
		if (!was_up && f->up)
			configure(n, f, l);   /* routes went with the link */
		return;
	}
	if (!gone)
		return;
	for (size_t k = 0; k < n->n_seen;) {
		if (n->seen[k].ifindex == l->ifindex)
			n->seen[k] = n->seen[--n->n_seen];
		else
			k++;
	}
}

static void on_message(const struct nlmsghdr *m, void *data)
{
	struct net *n = data;
	struct nl_link l;
	struct nl_addr a;

	switch (m->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nl_parse_link(m, &l) == 0)
			on_link(n, &l, m->nlmsg_type == RTM_DELLINK);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nl_parse_addr(m, &a) == 0)
			show_addr(n, &a, m->nlmsg_type == RTM_NEWADDR);
		break;
	}
}

static void show_all(struct net *n)
{
	struct nl_addr *addrs = NULL;
	size_t na = 0;
	struct cairn_err e;

	if (nl_addrs(n->nl, &addrs, &na, &e) < 0) {
		cairnd_say("network: %s", e.msg);
		return;
	}
	for (size_t k = 0; k < na; k++)
		show_addr(n, &addrs[k], true);
	free(addrs);
}

static void on_events(struct loop *l, int fd, uint32_t events, void *data)
{
	struct net *n = data;

	if (nl_events_read(n->ev, on_message, n) == -ENOBUFS) {
		/* the kernel dropped events: look at everything again */
		match_links(n);
		show_all(n);
	}
}

/* ---- life cycle ---- */

static void mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

int net_new(struct net **out, struct loop *l, const struct net_opts *o, struct cairn_err *e)
{
	struct net *n = calloc(1, sizeof(*n));
	struct cairn_err be;
	int ret;

	*out = NULL;
	if (!n)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	n->loop = l;
	n->ino = -1;
	n->resolv_conf = strdup(o->resolv_conf ? o->resolv_conf : NET_RESOLV_CONF_DEFAULT);
	n->resolv_dir = strdup(o->resolv_dir);
	if (!n->resolv_conf || !n->resolv_dir) {
		net_free(n);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	if ((ret = nl_open(&n->nl, e)) < 0 || (ret = nl_events_open(&n->ev, e)) < 0) {
		net_free(n);
		return ret;
	}
	if ((ret = loop_add_fd(l, nl_events_fd(n->ev), EPOLLIN, on_events, n)) < 0) {
		net_free(n);
		return cairn_err_sys(e, ret, "network events");
	}
	if (bridges_new(&n->br, NULL, &be) < 0)
		cairnd_say("network: %s: [network] bridges will not be made", be.msg);
	mkdirs(n->resolv_dir);
	n->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (n->ino < 0 ||
	    inotify_add_watch(n->ino, n->resolv_dir,
			      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE) < 0 ||
	    loop_add_fd(l, n->ino, EPOLLIN, on_resolv_dir, n) < 0) {
		cairnd_say("%s: cannot watch: %s (DHCP name servers will not reach %s)", n->resolv_dir,
		    strerror(errno), n->resolv_conf);
		if (n->ino >= 0)
			close(n->ino);
		n->ino = -1;
	}
	show_all(n);
	*out = n;
	return 0;
}

void net_free(struct net *n)
{
	if (!n)
		return;
	if (n->ev) {
		loop_del_fd(n->loop, nl_events_fd(n->ev));
		nl_events_close(n->ev);
	}
	if (n->ino >= 0) {
		loop_del_fd(n->loop, n->ino);
		close(n->ino);
	}
	nl_close(n->nl);
	bridges_free(n->br);
	for (size_t k = 0; k < n->n; k++)
		def_free(&n->ifs[k].def);
	free(n->ifs);
	free(n->seen);
	free(n->resolv_conf);
	free(n->resolv_dir);
	free(n);
}
