/* config_iface.c - [interface NAME] sections and [host] ntp.
 *
 * An [interface] names one of the host's own links, matched by name (by
 * default the section's NAME) or by MAC address; a link matched by MAC is
 * renamed to NAME by cairnd, so logs, DHCP and the console call it that.
 * Static addresses, default routes, MTU and name servers are applied by
 * cairnd itself (supervisor/net/); DHCP and time are not done in cairnd
 * but by busybox programs run as ordinary services, generated here so they
 * get logs, backoff, `cairnctl list` and re-adoption like any other:
 *   dhcp = yes        ->  [service dhcp-NAME]  busybox udhcpc -f -i LINK ...
 *   [host] ntp = S..  ->  [service ntpd]       chronyd -d 'server S iburst' ...
 * A generated service's canonical text starts with its section's, so a
 * change to the [interface] restarts its DHCP client.
 *
 * dhcp = yes with static addresses: IPv6 addresses and gateway6 may be
 * added next to the lease; IPv4 ones and gateway may not (the lease owns
 * the link's IPv4 side: udhcpc's script replaces it on every renewal). */
#include "config_iface.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "netaddr.h"
#include "strv.h"

#define NTP_SERVICE "ntpd"
#define DHCP_PREFIX "dhcp-"

static int oom(char *msg, size_t size)
{
	snprintf(msg, size, "out of memory");
	return -ENOMEM;
}

const char *cairn_iface_link(const struct cairn_iface *f)
{
	return f->match_name ? f->match_name : f->name;
}

const struct cairn_iface *cairn_config_iface(const struct cairn_config *c, const char *svc)
{
	if (strncmp(svc, DHCP_PREFIX, strlen(DHCP_PREFIX)) != 0)
		return NULL;
	for (size_t i = 0; i < c->n_ifaces; i++)
		if (c->ifaces[i].dhcp && !strcmp(c->ifaces[i].name, svc + strlen(DHCP_PREFIX)))
			return &c->ifaces[i];
	return NULL;
}

int cairn_iface_open(struct cairn_config *c, const char *name, int line, char *msg, size_t size)
{
	struct cairn_iface *n;

	if (!*name)
		return cairn_config_bad(msg, size, "section [interface] needs a name: [interface NAME]");
	if (!cairn_ifname_ok(name))
		return cairn_config_bad(msg, size, "bad interface name '%s': expected 1-15 of a-z A-Z 0-9 _ . - (a Linux link name)",
			   name);
	for (size_t i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i].name, name))
			return cairn_config_bad(msg, size, "duplicate section [interface %s] (first on line %d)",
				   name, c->ifaces[i].line);
	n = cairn_config_grow(c->ifaces, c->n_ifaces, sizeof(*n));
	if (!n)
		return oom(msg, size);
	c->ifaces = n;
	n[c->n_ifaces].line = line;
	n[c->n_ifaces].name = strdup(name);
	c->n_ifaces++;
	if (!n[c->n_ifaces - 1].name)
		return oom(msg, size);
	return 0;
}

/* Split v at blanks into *out (appended), each word passed through check. */
static int words(const char *v, char ***out, int (*check)(const char *w, char *canon, size_t n),
		 const char *what, const char *key, const char *sec, char *msg, size_t size)
{
	char buf[1024], *save = NULL, *w;
	int n = 0;

	if (strlen(v) >= sizeof(buf))
		return cairn_config_bad(msg, size, "value for '%s' in %s is too long", key, sec);
	snprintf(buf, sizeof(buf), "%s", v);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char canon[256];

		if (check(w, canon, sizeof(canon)) < 0)
			return cairn_config_bad(msg, size, "bad value '%.100s' for '%s' in %s: expected %s",
				   w, key, sec, what);
		if (!cairn_strv_contains(*out, canon) && cairn_strv_push_dup(out, canon) < 0)
			return oom(msg, size);
		n++;
	}
	if (!n)
		return cairn_config_bad(msg, size, "empty value for '%s' in %s: expected %s", key, sec, what);
	return 0;
}

static int check_cidr(const char *w, char *canon, size_t n)
{
	struct cairn_ip ip;

	if (cairn_cidr_parse(w, &ip) < 0)
		return -EINVAL;
	cairn_ip_format(&ip, true, canon, n);
	return 0;
}

static int check_ip(const char *w, char *canon, size_t n)
{
	struct cairn_ip ip;

	if (cairn_ip_parse(w, &ip) < 0)
		return -EINVAL;
	cairn_ip_format(&ip, false, canon, n);
	return 0;
}

/* A server name for ntpd: an address, or a DNS name. */
static int check_server(const char *w, char *canon, size_t n)
{
	size_t len = strlen(w);

	if (check_ip(w, canon, n) == 0)
		return 0;
	if (len < 1 || len > 253 || w[0] == '-' || w[0] == '.' ||
	    strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != len)
		return -EINVAL;
	snprintf(canon, n, "%s", w);
	return 0;
}

static int set_string(char **field, const char *canon, const char *key, const char *sec,
		      char *msg, size_t size)
{
	if (*field)
		return cairn_config_bad(msg, size, "duplicate key '%s' in %s", key, sec);
	if (!(*field = strdup(canon)))
		return oom(msg, size);
	return 0;
}

int cairn_iface_key(struct cairn_config *c, const char *key, const char *v, int line,
		    char *msg, size_t size)
{
	struct cairn_iface *f = &c->ifaces[c->n_ifaces - 1];
	char sec[64], canon[256];
	struct cairn_ip ip;
	uint8_t mac[6];
	uint64_t n;

	snprintf(sec, sizeof(sec), "[interface %s]", f->name);
	if (!strcmp(key, "match_name")) {
		if (!cairn_ifname_ok(v))
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'match_name' in %s: expected a link name, 1-15 of a-z A-Z 0-9 _ . -",
				   v, sec);
		return set_string(&f->match_name, v, key, sec, msg, size);
	}
	if (!strcmp(key, "match_mac")) {
		if (cairn_mac_parse(v, mac) < 0)
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'match_mac' in %s: expected a MAC address such as 52:54:00:12:34:56",
				   v, sec);
		cairn_mac_format(mac, canon);
		return set_string(&f->match_mac, canon, key, sec, msg, size);
	}
	if (!strcmp(key, "dhcp")) {
		if (f->dhcp_line)
			return cairn_config_bad(msg, size, "duplicate key 'dhcp' in %s (first on line %d)", sec, f->dhcp_line);
		if (cairn_config_bool(v, &f->dhcp) < 0)
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'dhcp' in %s: expected yes, no, true or false",
				   v, sec);
		f->dhcp_line = line;
		return 0;
	}
	if (!strcmp(key, "address"))
		return words(v, &f->addresses, check_cidr,
			     "addresses with their prefix length, such as 192.0.2.10/24 or 2001:db8::10/64",
			     key, sec, msg, size);
	if (!strcmp(key, "gateway") || !strcmp(key, "gateway6")) {
		bool six = key[7] == '6';

		if (cairn_ip_parse(v, &ip) < 0 || ip.family != (six ? AF_INET6 : AF_INET))
			return cairn_config_bad(msg, size, "bad value '%.100s' for '%s' in %s: expected an %s address",
				   v, key, sec, six ? "IPv6" : "IPv4");
		cairn_ip_format(&ip, false, canon, sizeof(canon));
		return set_string(six ? &f->gateway6 : &f->gateway, canon, key, sec, msg, size);
	}
	if (!strcmp(key, "dns"))
		return words(v, &f->dns, check_ip, "IPv4 or IPv6 addresses separated by blanks",
			     key, sec, msg, size);
	if (!strcmp(key, "mtu")) {
		if (f->mtu_line)
			return cairn_config_bad(msg, size, "duplicate key 'mtu' in %s (first on line %d)", sec, f->mtu_line);
		if (cairn_config_uint(v, 68, 65535, &n) < 0)
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'mtu' in %s: expected a whole number from 68 to 65535",
				   v, sec);
		f->mtu = (unsigned)n;
		f->mtu_line = line;
		return 0;
	}
	return cairn_config_bad(msg, size, "unknown key '%.100s' in %s", key, sec);
}

int cairn_host_ntp(struct cairn_config *c, const char *v, int line, char *msg, size_t size)
{
	if (!c->host.ntp_line)
		c->host.ntp_line = line;
	return words(v, &c->host.ntp, check_server, "server names or addresses separated by blanks",
		     "ntp", "[host]", msg, size);
}

/* ---- after the whole file ---- */

static void print_list(FILE *f, const char *key, char *const *v)
{
	fprintf(f, "%s =", key);
	for (; v && *v; v++)
		fprintf(f, " %s", *v);
	fputc('\n', f);
}

static int iface_canon(struct cairn_iface *f)
{
	size_t size;
	FILE *m;

	free(f->canon);
	f->canon = NULL;
	m = open_memstream(&f->canon, &size);
	if (!m)
		return -ENOMEM;
	fprintf(m, "[interface %s]\nmatch_name = %s\nmatch_mac = %s\ndhcp = %s\n", f->name,
		f->match_name ? f->match_name : "", f->match_mac ? f->match_mac : "",
		f->dhcp ? "yes" : "no");
	print_list(m, "address", f->addresses);
	fprintf(m, "gateway = %s\ngateway6 = %s\n", f->gateway ? f->gateway : "",
		f->gateway6 ? f->gateway6 : "");
	print_list(m, "dns", f->dns);
	fprintf(m, "mtu = %u\n", f->mtu);
	if (fclose(m) != 0) {
		free(f->canon);
		f->canon = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int check_iface(struct cairn_config *c, size_t k, const char *file, struct cairn_err *e)
{
	struct cairn_iface *f = &c->ifaces[k];
	bool v4 = false;

	if (!f->match_mac && !f->match_name && !(f->match_name = strdup(f->name)))
		return cairn_config_error(e, -ENOMEM, file, f->line, "out of memory");
	for (char **a = f->addresses; a && *a; a++) {
		if (!strchr(*a, ':'))
			v4 = true;
		if (!strchr(*a, ':') && f->dhcp)
			return cairn_config_error(e, -EINVAL, file, f->line,
						  "[interface %s]: address %s with dhcp = yes: the lease owns IPv4 (only IPv6 addresses may be added)",
						  f->name, *a);
	}
	if (f->gateway && f->dhcp)
		return cairn_config_error(e, -EINVAL, file, f->line,
					  "[interface %s]: gateway with dhcp = yes: the lease gives the IPv4 route",
					  f->name);
	if (f->gateway && !v4)
		return cairn_config_error(e, -EINVAL, file, f->line,
					  "[interface %s]: gateway %s needs an IPv4 address on the link",
					  f->name, f->gateway);
	for (size_t j = 0; j < k; j++) {
		const struct cairn_iface *o = &c->ifaces[j];

		if (f->match_mac && o->match_mac && !strcmp(f->match_mac, o->match_mac) &&
		    (!f->match_name || !o->match_name || !strcmp(f->match_name, o->match_name)))
			return cairn_config_error(e, -EINVAL, file, f->line,
						  "[interface %s] matches MAC %s like [interface %s] (line %d)",
						  f->name, f->match_mac, o->name, o->line);
		if (!strcmp(cairn_iface_link(f), cairn_iface_link(o)))
			return cairn_config_error(e, -EINVAL, file, f->line,
						  "[interface %s] names link %s like [interface %s] (line %d)",
						  f->name, cairn_iface_link(f), o->name, o->line);
	}
	if (iface_canon(f) < 0)
		return cairn_config_error(e, -ENOMEM, file, f->line, "out of memory");
	return 0;
}

/* Append a generated service: argv (owned), canon prefixed with prefix. */
static int add_service(struct cairn_config *c, const char *name, int line, char **argv,
		       const char *prefix, const char *why, const char *file, struct cairn_err *e)
{
	struct cairn_service *ns, *s;
	char *canon;

	for (size_t i = 0; i < c->n_services; i++)
		if (!strcmp(c->services[i].name, name)) {
			cairn_strv_free(argv);
			return cairn_config_error(e, -EINVAL, file, c->services[i].line,
						  "[service %s] has the name of the service made for %s: rename it",
						  name, why);
		}
	ns = cairn_config_grow(c->services, c->n_services, sizeof(*ns));
	if (!ns) {
		cairn_strv_free(argv);
		return cairn_config_error(e, -ENOMEM, file, line, "out of memory");
	}
	c->services = ns;
	s = &ns[c->n_services++];
	cairn_service_defaults(s);
	s->argv = argv;
	s->name = strdup(name);
	s->line = line;
	s->exec_line = line;
	/* A link's DHCP client or the clock must come back whatever ended it,
	 * quickly, and their chatter needs little log. */
	s->restart = CAIRN_RESTART_ALWAYS;
	s->restart_delay_ms = 2000;
	s->restart_delay_max_ms = 30000;
	s->stop_timeout_ms = 5000;
	s->log_max_bytes = 256 * 1024;
	s->log_keep = 1;
	if (!s->name || cairn_service_make_canon(s) < 0)
		return cairn_config_error(e, -ENOMEM, file, line, "out of memory");
	if (asprintf(&canon, "%s%s", prefix, s->canon) < 0)
		return cairn_config_error(e, -ENOMEM, file, line, "out of memory");
	free(s->canon);
	s->canon = canon;
	return 0;
}

/* fixed, then one chronyd directive "server S iburst" per server. */
static char **argv_of(const char *const *fixed, char *const *servers)
{
	char **v = NULL;
	char buf[300];

	for (; *fixed; fixed++)
		if (cairn_strv_push_dup(&v, *fixed) < 0)
			goto fail;
	for (; servers && *servers; servers++) {
		snprintf(buf, sizeof(buf), "server %s iburst", *servers);
		if (cairn_strv_push_dup(&v, buf) < 0)
			goto fail;
	}
	return v;
fail:
	cairn_strv_free(v);
	return NULL;
}

int cairn_net_finish(struct cairn_config *c, const char *file, struct cairn_err *e)
{
	int ret;

	for (size_t k = 0; k < c->n_ifaces; k++)
		if ((ret = check_iface(c, k, file, e)) < 0)
			return ret;
	for (size_t k = 0; k < c->n_ifaces; k++) {
		const struct cairn_iface *f = &c->ifaces[k];
		const char *fixed[] = { CAIRN_BUSYBOX, "udhcpc", "-f", "-i", cairn_iface_link(f),
					"-s", CAIRN_UDHCPC_SCRIPT, NULL };
		char name[64], why[64];
		char **argv;

		if (!f->dhcp)
			continue;
		snprintf(name, sizeof(name), DHCP_PREFIX "%s", f->name);
		snprintf(why, sizeof(why), "[interface %s] dhcp", f->name);
		if (!(argv = argv_of(fixed, NULL)))
			return cairn_config_error(e, -ENOMEM, file, f->line, "out of memory");
		if ((ret = add_service(c, name, f->line, argv, f->canon, why, file, e)) < 0)
			return ret;
	}
	if (c->host.ntp) {
		/* chronyd takes its directives as arguments (then it reads no
		 * config file): stay in the foreground, no command socket, step
		 * the clock at start since certificates need a sane one. */
		const char *fixed[] = { CAIRN_CHRONYD, "-d", "-u", "root", "cmdport 0",
					"makestep 1 3", NULL };
		char *prefix = NULL;
		size_t size;
		FILE *m = open_memstream(&prefix, &size);
		char **argv;

		if (!m)
			return cairn_config_error(e, -ENOMEM, file, c->host.ntp_line, "out of memory");
		fputs("[host]\n", m);
		print_list(m, "ntp", c->host.ntp);
		if (fclose(m) != 0 || !(argv = argv_of(fixed, c->host.ntp))) {
			free(prefix);
			return cairn_config_error(e, -ENOMEM, file, c->host.ntp_line, "out of memory");
		}
		ret = add_service(c, NTP_SERVICE, c->host.ntp_line, argv, prefix, "[host] ntp", file, e);
		free(prefix);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void cairn_net_free(struct cairn_config *c)
{
	for (size_t k = 0; k < c->n_ifaces; k++) {
		struct cairn_iface *f = &c->ifaces[k];

		free(f->name);
		free(f->match_name);
		free(f->match_mac);
		cairn_strv_free(f->addresses);
		free(f->gateway);
		free(f->gateway6);
		cairn_strv_free(f->dns);
		free(f->canon);
	}
	free(c->ifaces);
	c->ifaces = NULL;
	c->n_ifaces = 0;
	cairn_strv_free(c->host.ntp);
	c->host.ntp = NULL;
}
