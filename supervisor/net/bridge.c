/* bridge.c - [network NAME] bridges and their NAT (bridge.h).
 *
 * Applying a configuration is one sequence:
 *   1. bridges of sections that went away are deleted;
 *   2. new and changed sections: bridge made (or found), address set,
 *      other permanent IPv4 addresses taken off, link up;
 *   3. the cairn nftables table rewritten when its text changed;
 *   4. IPv4 forwarding on while some network has nat.
 * Unchanged sections are left alone, so workloads on them notice nothing. */
#include "say.h"
#include "bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkexec.h"
#include "netaddr.h"
#include "netlink.h"

/* What a section in force was, to tell a changed one (canon). */
struct net_def {
	char *name, *canon;
};

struct bridges {
	struct nl *nl;
	char *nft, *ip_forward;
	struct net_def *defs;      /* the sections in force */
	size_t n;
	char *ruleset;             /* last written, NULL: not known */
	bool forward_ours;         /* we switched forwarding on */
	char buf[4096] __attribute__((aligned(4)));
};


/* ---- the nft script (pure) ---- */

/* "10.0.3.1/24" -> "10.0.3.0/24" */
static int subnet_of(const char *cidr, char *out, size_t size)
{
	struct cairn_ip ip;

	if (!cidr || cairn_cidr_parse(cidr, &ip) < 0 || ip.family != AF_INET)
		return -EINVAL;
	for (unsigned bit = ip.prefix; bit < 32; bit++)
		ip.addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	cairn_ip_format(&ip, true, out, size);
	return 0;
}

bool bridge_nft_wanted(const struct cairn_network *nets, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (nets[k].nat && nets[k].address)
			return true;
	return false;
}

int bridge_nft_ruleset(const struct cairn_network *nets, size_t n, char **out)
{
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);
	int ret = 0;

	*out = NULL;
	if (!f)
		return -ENOMEM;
	fputs("# cairnd: NAT for the [network] sections with nat = yes.  Generated\n"
	      "# and replaced as a whole on every change; no other table is touched.\n"
	      "table ip cairn\n"
	      "delete table ip cairn\n", f);
	if (bridge_nft_wanted(nets, n)) {
		fputs("table ip cairn {\n"
		      "\tchain postrouting {\n"
		      "\t\ttype nat hook postrouting priority srcnat; policy accept;\n", f);
		for (size_t k = 0; k < n; k++) {
			char sub[64];

			if (!nets[k].nat || !nets[k].address)
				continue;
			if (subnet_of(nets[k].address, sub, sizeof(sub)) < 0 ||
			    !cairn_ifname_ok(nets[k].name)) {
				ret = -EINVAL;
				break;
			}
			fprintf(f, "\t\tip saddr %s oifname != \"%s\" masquerade comment \"network %s\"\n",
				sub, nets[k].name, nets[k].name);
		}
		fputs("\t}\n}\n", f);
	}
	if (fclose(f) != 0 && ret == 0)
		ret = -ENOMEM;
	if (ret < 0) {
		free(text);
		return ret;
	}
	*out = text;
	return 0;
}

/* ---- nft ---- */

struct nft_child {
	char **argv;
	int in, out;
};

static void nft_child(void *arg, int st)
{
	const struct nft_child *c = arg;

	/* cairnd blocks its signals for signalfd and ignores SIGPIPE: nft
	 * gets the defaults */
	child_reset();
	if (dup2(c->in, 0) < 0 || dup2(c->out, 1) < 0 || dup2(c->out, 2) < 0)
		child_fail(st, "dup2");
	execv(c->argv[0], c->argv);
	child_fail(st, "exec");
}

/* Run nft with args, text on its standard input (may be NULL); 0 when it
 * exits 0, else -EIO with what it said in e. */
static int run_nft(struct bridges *b, const char *const args[], const char *text,
		   struct cairn_err *e)
{
	int in[2] = { -1, -1 }, err[2] = { -1, -1 };
	char msg[400] = "";
	size_t got = 0, k;
	struct nft_child c;
	char step[FORKEXEC_STEP];
	pid_t pid;
	int ret = 0, status, pidfd;
	char *argv[8];

	argv[0] = b->nft;
	for (k = 0; args[k] && k < 6; k++)
		argv[k + 1] = (char *)args[k];
	argv[k + 1] = NULL;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		ret = cairn_err_sys(e, -errno, "pipe");
		goto out;
	}
	c = (struct nft_child){ .argv = argv, .in = in[0], .out = err[1] };
	ret = fork_exec(nft_child, &c, &pid, &pidfd, step);
	if (ret < 0) {
		cairn_err_set(e, ret, "%s: %s: %s", b->nft, step, strerror(-ret));
		goto out;
	}
	close(pidfd);
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	/* the script is a few hundred bytes: the pipe holds it all */
	if (text && write(in[1], text, strlen(text)) != (ssize_t)strlen(text))
		ret = -EIO;
	close(in[1]);
	in[1] = -1;
	for (;;) {
		ssize_t r = read(err[0], msg + got, sizeof(msg) - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == sizeof(msg) - 1) {
			char sink[256];

			while (read(err[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	msg[got] = 0;
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			ret = cairn_err_sys(e, -errno, "nft: waitpid");
			goto out;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || ret < 0)
		ret = cairn_err_set(e, -EIO, "nft %s failed%s%s", args[0], msg[0] ? ": " : "",
				    msg);
out:
	for (k = 0; k < 2; k++) {
		if (in[k] >= 0)
			close(in[k]);
		if (err[k] >= 0)
			close(err[k]);
	}
	return ret;
}

static void sync_nft(struct bridges *b, const struct cairn_config *c)
{
	bool want = bridge_nft_wanted(c->networks, c->n_networks);
	struct cairn_err e;
	char *text;
	int ret;

	if (bridge_nft_ruleset(c->networks, c->n_networks, &text) < 0) {
		cairnd_say("network: cannot make the NAT rules (out of memory or a bad address)");
		return;
	}
	if (b->ruleset && !strcmp(b->ruleset, text)) {
		free(text);
		return;
	}
	if (!want && !b->ruleset) {
		/* Nothing to masquerade and nothing written by this cairnd:
		 * remove a table only if one is there (a previous cairnd's),
		 * so a host without NAT never has nft change anything (and
		 * without nf_tables loaded, there is no table to look for). */
		static const char *const list[] = { "list", "table", "ip", "cairn", NULL };

		if (access("/sys/module/nf_tables", F_OK) < 0 || access(b->nft, X_OK) < 0 ||
		    run_nft(b, list, NULL, NULL) < 0) {
			b->ruleset = text;
			return;
		}
	}
	{
		static const char *const apply[] = { "-f", "-", NULL };

		if (access(b->nft, X_OK) < 0)
			ret = cairn_err_sys(&e, -errno, "%s (nftables is not in this image?)",
					    b->nft);
		else
			ret = run_nft(b, apply, text, &e);
		if (ret < 0) {
			cairnd_say("network: NAT rules not applied: %s", e.msg);
			free(text);
			free(b->ruleset);
			b->ruleset = NULL;   /* try again with the next config */
			return;
		}
	}
	cairnd_say(want ? "network: NAT rules set (nft table ip cairn)"
		 : "network: NAT rules removed (nft table ip cairn)");
	free(b->ruleset);
	b->ruleset = text;
}

/* ---- forwarding ---- */

static void sync_forward(struct bridges *b, bool want)
{
	char now = 0;
	int fd = open(b->ip_forward, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (want)
			cairnd_say("network: %s: %s: NAT will not forward", b->ip_forward, strerror(errno));
		return;
	}
	if (read(fd, &now, 1) != 1)
		now = 0;
	if (want && now != '1') {
		if (pwrite(fd, "1\n", 2, 0) != 2)
			cairnd_say("network: %s: %s: NAT will not forward", b->ip_forward, strerror(errno));
		else {
			b->forward_ours = true;
			cairnd_say("network: IPv4 forwarding on");
		}
	} else if (!want && b->forward_ours) {
		if (pwrite(fd, "0\n", 2, 0) == 2) {
			b->forward_ours = false;
			cairnd_say("network: IPv4 forwarding off (no network has nat any more)");
		}
	}
	close(fd);
}

/* ---- links ---- */

/* The bridge link NAME, made if missing.  0, or -errno (said). */
static int find_or_make(struct bridges *b, const char *name, struct nl_link *l, bool *made)
{
	int ret = nl_link_get(b->nl, name, l);

	*made = false;
	if (ret == -ENODEV) {
		ret = nl_request(b->nl, nlb_bridge_new(b->buf, nl_seq(b->nl), name));
		if (ret < 0 && ret != -EEXIST) {
			cairnd_say("network %s: cannot make the bridge: %s", name, strerror(-ret));
			return ret;
		}
		*made = ret == 0;
		ret = nl_link_get(b->nl, name, l);
	}
	if (ret < 0) {
		cairnd_say("network %s: %s", name, strerror(-ret));
		return ret;
	}
	if (strcmp(l->kind, "bridge")) {
		cairnd_say("network %s: a link %s exists and is not a bridge (kind '%s'): left alone",
		    name, name, l->kind[0] ? l->kind : "none");
		return -EEXIST;
	}
	return 0;
}

static void set_address(struct bridges *b, const struct cairn_network *net, int ifindex)
{
	struct nl_addr *addrs = NULL;
	struct cairn_ip want;
	bool has = net->address && cairn_cidr_parse(net->address, &want) == 0;
	size_t na = 0;
	struct cairn_err e;
	int ret;

	if (nl_addrs(b->nl, &addrs, &na, &e) < 0)
		cairnd_say("network %s: %s", net->name, e.msg);
	for (size_t k = 0; k < na; k++) {
		const struct nl_addr *a = &addrs[k];
		char txt[64];

		if (a->ifindex != ifindex || a->ip.family != AF_INET ||
		    a->scope != RT_SCOPE_UNIVERSE || !(a->flags & IFA_F_PERMANENT))
			continue;
		if (has && a->ip.prefix == want.prefix && !memcmp(a->ip.addr, want.addr, 4))
			continue;
		cairn_ip_format(&a->ip, true, txt, sizeof(txt));
		ret = nl_request(b->nl, nlb_addr(b->buf, nl_seq(b->nl), false, ifindex, &a->ip));
		if (ret < 0 && ret != -EADDRNOTAVAIL)
			cairnd_say("network %s: remove %s: %s", net->name, txt, strerror(-ret));
	}
	free(addrs);
	if (!has)
		return;
	ret = nl_request(b->nl, nlb_addr(b->buf, nl_seq(b->nl), true, ifindex, &want));
	if (ret < 0 && ret != -EEXIST)
		cairnd_say("network %s: add %s: %s", net->name, net->address, strerror(-ret));
}

static void bring_up(struct bridges *b, const struct cairn_network *net)
{
	struct nl_link l;
	bool made;
	int ret;

	if (find_or_make(b, net->name, &l, &made) < 0)
		return;
	set_address(b, net, l.ifindex);
	ret = nl_request(b->nl, nlb_link_set(b->buf, nl_seq(b->nl), l.ifindex, true, 0, NULL));
	if (ret < 0)
		cairnd_say("network %s: set up: %s", net->name, strerror(-ret));
	cairnd_say("network %s: bridge %s%s%s%s", net->name, made ? "made" : "configured",
	    net->address ? ", address " : "", net->address ? net->address : "",
	    net->nat ? ", nat" : "");
}

static void take_down(struct bridges *b, const char *name)
{
	struct nl_link l;
	int ret = nl_link_get(b->nl, name, &l);

	if (ret == -ENODEV)
		return;
	if (ret < 0 || strcmp(l.kind, "bridge")) {
		cairnd_say("network %s: not deleted: %s", name,
		    ret < 0 ? strerror(-ret) : "the link is no longer a bridge");
		return;
	}
	ret = nl_request(b->nl, nlb_link_del(b->buf, nl_seq(b->nl), l.ifindex));
	if (ret < 0 && ret != -ENODEV)
		cairnd_say("network %s: delete the bridge: %s", name, strerror(-ret));
	else
		cairnd_say("network %s: bridge deleted", name);
}

/* ---- applying a config ---- */

static void def_free(struct net_def *d)
{
	free(d->name);
	free(d->canon);
}

static const struct net_def *old_def(const struct bridges *b, const char *name)
{
	for (size_t k = 0; k < b->n; k++)
		if (!strcmp(b->defs[k].name, name))
			return &b->defs[k];
	return NULL;
}

void bridges_apply(struct bridges *b, const struct cairn_config *c)
{
	struct net_def *defs = calloc(c->n_networks ? c->n_networks : 1, sizeof(*defs));

	if (!defs) {
		cairnd_say("network: out of memory: [network] sections not applied");
		return;
	}
	/* 1. gone */
	for (size_t k = 0; k < b->n; k++)
		if (!cairn_config_network(c, b->defs[k].name))
			take_down(b, b->defs[k].name);
	/* 2. new or changed */
	for (size_t k = 0; k < c->n_networks; k++) {
		const struct cairn_network *net = &c->networks[k];
		const struct net_def *old = old_def(b, net->name);
		struct net_def *d = &defs[k];

		if (!old || !old->canon || !net->canon || strcmp(old->canon, net->canon))
			bring_up(b, net);
		if (!(d->name = strdup(net->name)) ||
		    (net->canon && !(d->canon = strdup(net->canon))))
			cairnd_say("network %s: out of memory", net->name);
	}
	for (size_t k = 0; k < b->n; k++)
		def_free(&b->defs[k]);
	free(b->defs);
	b->defs = defs;
	b->n = c->n_networks;
	/* 3, 4. NAT; forwarding before the rules would let nothing through
	 * unmasqueraded: the rules first */
	sync_nft(b, c);
	sync_forward(b, bridge_nft_wanted(c->networks, c->n_networks));
}

/* ---- life cycle ---- */

int bridges_new(struct bridges **out, const struct bridge_opts *o, struct cairn_err *e)
{
	struct bridges *b = calloc(1, sizeof(*b));
	int ret;

	*out = NULL;
	if (!b)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	b->nft = strdup(o && o->nft ? o->nft : BRIDGE_NFT_DEFAULT);
	b->ip_forward = strdup(o && o->ip_forward ? o->ip_forward : BRIDGE_IP_FORWARD_DEFAULT);
	if (!b->nft || !b->ip_forward) {
		bridges_free(b);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	if ((ret = nl_open(&b->nl, e)) < 0) {
		bridges_free(b);
		return ret;
	}
	*out = b;
	return 0;
}

/* The bridges stay: workloads a next cairnd adopts are still on them. */
void bridges_free(struct bridges *b)
{
	if (!b)
		return;
	nl_close(b->nl);
	for (size_t k = 0; k < b->n; k++)
		def_free(&b->defs[k]);
	free(b->defs);
	free(b->ruleset);
	free(b->nft);
	free(b->ip_forward);
	free(b);
}
