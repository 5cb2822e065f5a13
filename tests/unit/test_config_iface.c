/* test_config_iface.c - [interface NAME] and [host] ntp: values, errors
 * with their lines, the generated services and their canonical text; the
 * rtnetlink messages cairnd builds; resolv.conf composed from fragments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_test_helpers.h"
#include "net.h"
#include "netaddr.h"
#include "netlink.h"

#define expect_err(text, msg) expect_err_as((text), (msg), 0)

static void test_values(void **state)
{
	struct cairn_config *c;
	const struct cairn_iface *f;

	(void)state;
	c = parse_ok("[interface eth0]\n"
		     "address = 192.0.2.10/24 2001:DB8:0:0::10/64\n"
		     "address = 198.51.100.1/32\n"
		     "gateway = 192.0.2.1\n"
		     "gateway6 = 2001:db8::1\n"
		     "dns = 192.0.2.53\n"
		     "dns = 2001:db8::53 192.0.2.53\n"
		     "mtu = 9000\n"
		     "\n[interface wan]\n"
		     "match_mac = 52:54:00:AB:cd:01\n"
		     "dhcp = yes\n");
	assert_int_equal(c->n_ifaces, 2);
	f = &c->ifaces[0];
	assert_string_equal(f->name, "eth0");
	assert_string_equal(f->match_name, "eth0");    /* the default */
	assert_null(f->match_mac);
	assert_false(f->dhcp);
	assert_string_equal(f->addresses[0], "192.0.2.10/24");
	assert_string_equal(f->addresses[1], "2001:db8::10/64");   /* canonical */
	assert_string_equal(f->addresses[2], "198.51.100.1/32");
	assert_null(f->addresses[3]);
	assert_string_equal(f->gateway, "192.0.2.1");
	assert_string_equal(f->gateway6, "2001:db8::1");
	assert_string_equal(f->dns[0], "192.0.2.53");
	assert_string_equal(f->dns[1], "2001:db8::53");
	assert_null(f->dns[2]);                           /* no duplicate */
	assert_int_equal(f->mtu, 9000);
	assert_string_equal(cairn_iface_link(f), "eth0");
	f = &c->ifaces[1];
	assert_null(f->match_name);                       /* matched by MAC only */
	assert_string_equal(f->match_mac, "52:54:00:ab:cd:01");
	assert_true(f->dhcp);
	assert_string_equal(cairn_iface_link(f), "wan");  /* renamed to NAME */
	assert_int_equal(c->n_services, 1);
	assert_ptr_equal(cairn_config_iface(c, "dhcp-wan"), f);
	assert_null(cairn_config_iface(c, "dhcp-eth0"));
	cairn_config_free(c);
}

static void test_generated(void **state)
{
	struct cairn_config *c;
	const struct cairn_service *s;

	(void)state;
	c = parse_ok("[host]\nntp = pool.ntp.org 192.0.2.123\n"
		     "[service web]\nexec = /bin/true\nafter = dhcp-eth0\n"
		     "[interface eth0]\ndhcp = yes\n"
		     "[interface lan]\nmatch_name = enp1s0\ndhcp = yes\n");
	assert_int_equal(c->n_services, 4);
	assert_string_equal(c->services[0].name, "web");
	s = cairn_config_service(c, "dhcp-eth0");
	assert_non_null(s);
	assert_string_equal(s->argv[0], "/bin/busybox");
	assert_string_equal(s->argv[1], "udhcpc");
	assert_string_equal(s->argv[2], "-f");
	assert_string_equal(s->argv[3], "-i");
	assert_string_equal(s->argv[4], "eth0");
	assert_string_equal(s->argv[5], "-s");
	assert_string_equal(s->argv[6], "/usr/share/cairn/udhcpc.script");
	assert_null(s->argv[7]);
	assert_int_equal(s->restart, CAIRN_RESTART_ALWAYS);
	assert_int_equal(s->line, 6);
	assert_non_null(strstr(s->canon, "[interface eth0]\n"));
	assert_non_null(strstr(s->canon, "[service dhcp-eth0]\n"));
	s = cairn_config_service(c, "dhcp-lan");
	assert_string_equal(s->argv[4], "enp1s0");
	s = cairn_config_service(c, "ntpd");
	assert_non_null(s);
	assert_string_equal(s->argv[0], "/usr/sbin/chronyd");
	assert_string_equal(s->argv[1], "-d");
	assert_string_equal(s->argv[6], "server pool.ntp.org iburst");
	assert_string_equal(s->argv[7], "server 192.0.2.123 iburst");
	assert_null(s->argv[8]);
	assert_int_equal(s->line, 2);
	cairn_config_free(c);

	/* no ntp: no time service */
	c = parse_ok("[host]\nhostname = a\n");
	assert_int_equal(c->n_services, 0);
	assert_null(cairn_config_service(c, "ntpd"));
	cairn_config_free(c);
}

static char *canon_of(const char *text, const char *svc)
{
	struct cairn_config *c = parse_ok(text);
	char *s = strdup(svc ? cairn_config_service(c, svc)->canon : c->ifaces[0].canon);

	cairn_config_free(c);
	return s;
}

static void test_canon(void **state)
{
	char *a, *b;

	(void)state;
	/* same meaning, other spelling: equal */
	a = canon_of("[interface eth0]\naddress = 2001:db8:0::1/64\ndns = 192.0.2.1\n", NULL);
	b = canon_of("# x\n[interface eth0]\ndns=192.0.2.1\naddress   =   2001:db8::1/64\n", NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* a change in the section restarts its DHCP client */
	a = canon_of("[interface eth0]\ndhcp = yes\n", "dhcp-eth0");
	b = canon_of("[interface eth0]\ndhcp = yes\nmtu = 1400\n", "dhcp-eth0");
	assert_string_not_equal(a, b);
	free(b);
	b = canon_of("[interface eth0]\ndhcp = yes\n[interface eth1]\nmtu = 1400\n", "dhcp-eth0");
	assert_string_equal(a, b);   /* another section: no restart */
	free(a);
	free(b);
	a = canon_of("[host]\nntp = a.example\n", "ntpd");
	b = canon_of("[host]\nntp = b.example\n", "ntpd");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("[interface]\n", "t.conf:1: section [interface] needs a name: [interface NAME]");
	expect_err("[interface averyveryverylongname]\n",
		   "t.conf:1: bad interface name 'averyveryverylongname': expected 1-15 of a-z A-Z 0-9 _ . - (a Linux link name)");
	expect_err("[interface a]\n[interface a]\n",
		   "t.conf:2: duplicate section [interface a] (first on line 1)");
	expect_err("[interface a]\nadress = 192.0.2.1/24\n", "t.conf:2: unknown key 'adress' in [interface a]");
	expect_err("[interface a]\n\naddress = 192.0.2.1\n",
		   "t.conf:3: bad value '192.0.2.1' for 'address' in [interface a]: expected addresses with their prefix length, such as 192.0.2.10/24 or 2001:db8::10/64");
	expect_err("[interface a]\naddress = 192.0.2.1/33\n",
		   "t.conf:2: bad value '192.0.2.1/33' for 'address' in [interface a]: expected addresses with their prefix length, such as 192.0.2.10/24 or 2001:db8::10/64");
	expect_err("[interface a]\naddress = 10.0.0.256/8\n",
		   "t.conf:2: bad value '10.0.0.256/8' for 'address' in [interface a]: expected addresses with their prefix length, such as 192.0.2.10/24 or 2001:db8::10/64");
	expect_err("[interface a]\naddress =\n",
		   "t.conf:2: empty value for 'address' in [interface a]: expected addresses with their prefix length, such as 192.0.2.10/24 or 2001:db8::10/64");
	expect_err("[interface a]\nmatch_mac = 52:54:00:12:34\n",
		   "t.conf:2: bad value '52:54:00:12:34' for 'match_mac' in [interface a]: expected a MAC address such as 52:54:00:12:34:56");
	expect_err("[interface a]\nmatch_mac = 52-54-00-12-34-56\n",
		   "t.conf:2: bad value '52-54-00-12-34-56' for 'match_mac' in [interface a]: expected a MAC address such as 52:54:00:12:34:56");
	expect_err("[interface a]\nmatch_mac = 52:54:00:12:34:zz\n",
		   "t.conf:2: bad value '52:54:00:12:34:zz' for 'match_mac' in [interface a]: expected a MAC address such as 52:54:00:12:34:56");
	expect_err("[interface a]\ngateway = 2001:db8::1\n",
		   "t.conf:2: bad value '2001:db8::1' for 'gateway' in [interface a]: expected an IPv4 address");
	expect_err("[interface a]\ngateway6 = 192.0.2.1\n",
		   "t.conf:2: bad value '192.0.2.1' for 'gateway6' in [interface a]: expected an IPv6 address");
	expect_err("[interface a]\ngateway6 = 2001:db8::1\ngateway6 = 2001:db8::2\n",
		   "t.conf:3: duplicate key 'gateway6' in [interface a]");
	expect_err("[interface a]\ndhcp = maybe\n",
		   "t.conf:2: bad value 'maybe' for 'dhcp' in [interface a]: expected yes, no, true or false");
	expect_err("[interface a]\ndhcp = yes\ndhcp = no\n",
		   "t.conf:3: duplicate key 'dhcp' in [interface a] (first on line 2)");
	expect_err("[interface a]\nmtu = 67\n",
		   "t.conf:2: bad value '67' for 'mtu' in [interface a]: expected a whole number from 68 to 65535");
	expect_err("[interface a]\ndns = 192.0.2.1 ns.example\n",
		   "t.conf:2: bad value 'ns.example' for 'dns' in [interface a]: expected IPv4 or IPv6 addresses separated by blanks");
	expect_err("[interface a]\nmatch_name = a/b\n",
		   "t.conf:2: bad value 'a/b' for 'match_name' in [interface a]: expected a link name, 1-15 of a-z A-Z 0-9 _ . -");
	/* whole-section checks: the header's line */
	expect_err("[interface a]\ndhcp = yes\naddress = 192.0.2.1/24\n",
		   "t.conf:1: [interface a]: address 192.0.2.1/24 with dhcp = yes: the lease owns IPv4 (only IPv6 addresses may be added)");
	expect_err("[interface a]\ndhcp = yes\ngateway = 192.0.2.1\n",
		   "t.conf:1: [interface a]: gateway with dhcp = yes: the lease gives the IPv4 route");
	expect_err("[interface a]\ngateway = 192.0.2.1\n",
		   "t.conf:1: [interface a]: gateway 192.0.2.1 needs an IPv4 address on the link");
	expect_err("[interface a]\nmatch_name = eth0\n[interface eth0]\n",
		   "t.conf:3: [interface eth0] names link eth0 like [interface a] (line 1)");
	expect_err("[interface a]\nmatch_mac = 02:00:00:00:00:01\n[interface b]\nmatch_mac = 02:00:00:00:00:01\n",
		   "t.conf:3: [interface b] matches MAC 02:00:00:00:00:01 like [interface a] (line 1)");
	expect_err("[service dhcp-eth0]\nexec = /bin/true\n[interface eth0]\ndhcp = yes\n",
		   "t.conf:1: [service dhcp-eth0] has the name of the service made for [interface eth0] dhcp: rename it");
	expect_err("[host]\nntp = pool.ntp.org\n[service ntpd]\nexec = /bin/true\n",
		   "t.conf:3: [service ntpd] has the name of the service made for [host] ntp: rename it");
	expect_err("[host]\nntp = -bad\n",
		   "t.conf:2: bad value '-bad' for 'ntp' in [host]: expected server names or addresses separated by blanks");
	expect_err("[host]\nntp =\n",
		   "t.conf:2: empty value for 'ntp' in [host]: expected server names or addresses separated by blanks");
}

static void test_netaddr(void **state)
{
	struct cairn_ip ip;
	uint8_t mac[6];
	char buf[64];

	(void)state;
	assert_int_equal(cairn_cidr_parse("10.0.2.15/24", &ip), 0);
	assert_int_equal(ip.family, AF_INET);
	assert_int_equal(ip.prefix, 24);
	cairn_ip_format(&ip, true, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.2.15/24");
	assert_int_equal(cairn_cidr_parse("fe80::1/128", &ip), 0);
	assert_int_equal(cairn_cidr_parse("fe80::1/129", &ip), -EINVAL);
	assert_int_equal(cairn_cidr_parse("fe80::1/", &ip), -EINVAL);
	assert_int_equal(cairn_cidr_parse("fe80::1", &ip), -EINVAL);
	assert_int_equal(cairn_cidr_parse("1.2.3.4/+8", &ip), -EINVAL);
	assert_int_equal(cairn_ip_parse("1.2.3", &ip), -EINVAL);
	assert_int_equal(cairn_mac_parse("02:AA:bb:00:00:ff", mac), 0);
	cairn_mac_format(mac, buf);
	assert_string_equal(buf, "02:aa:bb:00:00:ff");
	assert_true(cairn_ifname_ok("eth0"));
	assert_true(cairn_ifname_ok("enp0s31f6.100"));
	assert_false(cairn_ifname_ok(".."));
	assert_false(cairn_ifname_ok("sixteen-chars-xx"));
	assert_false(cairn_ifname_ok("a b"));
}

/* ---- netlink messages ---- */

static const struct nlattr *find_attr(const struct nlmsghdr *m, size_t hdr, int type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, m, hdr)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void test_nl_messages(void **state)
{
	static char buf[NL_BUF_SIZE];
	struct nlmsghdr *m;
	struct cairn_ip ip;
	const struct ifinfomsg *ifi;
	const struct ifaddrmsg *ifa;
	const struct rtmsg *rt;
	const struct nlattr *a;
	struct nl_addr back;

	(void)state;
	m = nlb_link_set(buf, 7, 3, true, 1400, "lan");
	assert_int_equal(m->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(m->nlmsg_seq, 7);
	assert_true(m->nlmsg_flags & NLM_F_REQUEST);
	ifi = mnl_nlmsg_get_payload(m);
	assert_int_equal(ifi->ifi_index, 3);
	assert_int_equal(ifi->ifi_flags & IFF_UP, IFF_UP);
	assert_int_equal(ifi->ifi_change & IFF_UP, IFF_UP);
	a = find_attr(m, sizeof(*ifi), IFLA_MTU);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_u32(a), 1400);
	a = find_attr(m, sizeof(*ifi), IFLA_IFNAME);
	assert_string_equal(mnl_attr_get_str(a), "lan");

	m = nlb_link_set(buf, 8, 3, false, 0, NULL);
	ifi = mnl_nlmsg_get_payload(m);
	assert_int_equal(ifi->ifi_change, 0);
	assert_null(find_attr(m, sizeof(*ifi), IFLA_MTU));

	m = nlb_link_down(buf, 9, 3);
	ifi = mnl_nlmsg_get_payload(m);
	assert_int_equal(ifi->ifi_flags & IFF_UP, 0);
	assert_int_equal(ifi->ifi_change & IFF_UP, IFF_UP);

	assert_int_equal(cairn_cidr_parse("192.0.2.10/24", &ip), 0);
	m = nlb_addr(buf, 10, true, 4, &ip);
	assert_int_equal(m->nlmsg_type, RTM_NEWADDR);
	assert_true(m->nlmsg_flags & NLM_F_CREATE);
	assert_true(m->nlmsg_flags & NLM_F_EXCL);
	ifa = mnl_nlmsg_get_payload(m);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_index, 4);
	a = find_attr(m, sizeof(*ifa), IFA_BROADCAST);
	assert_non_null(a);
	assert_memory_equal(mnl_attr_get_payload(a), "\xc0\x00\x02\xff", 4);
	/* the decoder reads back what the builder wrote */
	assert_int_equal(nl_parse_addr(m, &back), 0);
	assert_int_equal(back.ifindex, 4);
	assert_int_equal(back.ip.prefix, 24);
	assert_memory_equal(back.ip.addr, ip.addr, 4);

	assert_int_equal(cairn_cidr_parse("2001:db8::10/64", &ip), 0);
	m = nlb_addr(buf, 11, false, 4, &ip);
	assert_int_equal(m->nlmsg_type, RTM_DELADDR);
	ifa = mnl_nlmsg_get_payload(m);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_null(find_attr(m, sizeof(*ifa), IFA_BROADCAST));
	a = find_attr(m, sizeof(*ifa), IFA_LOCAL);
	assert_int_equal(mnl_attr_get_payload_len(a), 16);

	assert_int_equal(cairn_ip_parse("192.0.2.1", &ip), 0);
	m = nlb_route_default(buf, 12, true, AF_INET, 4, &ip);
	assert_int_equal(m->nlmsg_type, RTM_NEWROUTE);
	rt = mnl_nlmsg_get_payload(m);
	assert_int_equal(rt->rtm_family, AF_INET);
	assert_int_equal(rt->rtm_dst_len, 0);
	assert_int_equal(rt->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rt->rtm_protocol, RTPROT_STATIC);
	assert_int_equal(rt->rtm_type, RTN_UNICAST);
	a = find_attr(m, sizeof(*rt), RTA_GATEWAY);
	assert_memory_equal(mnl_attr_get_payload(a), ip.addr, 4);
	a = find_attr(m, sizeof(*rt), RTA_OIF);
	assert_int_equal(mnl_attr_get_u32(a), 4);

	m = nlb_route_default(buf, 13, false, AF_INET6, 4, NULL);
	assert_int_equal(m->nlmsg_type, RTM_DELROUTE);
	rt = mnl_nlmsg_get_payload(m);
	assert_int_equal(rt->rtm_family, AF_INET6);
	assert_null(find_attr(m, sizeof(*rt), RTA_GATEWAY));

	/* not an address message */
	m = nlb_link_down(buf, 14, 1);
	assert_int_equal(nl_parse_addr(m, &back), -EINVAL);
}

/* ---- resolv.conf ---- */

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_resolv(void **state)
{
	char dir[] = "/tmp/test_resolv.XXXXXX", path[512], *text;
	struct cairn_config *c;
	struct cairn_err e = { "" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(resolv_compose(dir, &text), 0);
	assert_string_equal(text, "# written by cairnd: [interface] dns first, then DHCP leases\n");
	free(text);

	put(dir, "dhcp-eth1", "search b.example\nnameserver 10.0.3.3\n");
	put(dir, "dhcp-eth0", "search a.example\nnameserver 10.0.2.3\n");
	put(dir, ".dhcp-eth2.123", "nameserver 9.9.9.9\n");   /* a temp file: ignored */
	c = parse_ok("[interface lan]\naddress = 192.0.2.2/24\ndns = 192.0.2.53 2001:db8::53\n");
	assert_int_equal(resolv_set_static(dir, c, &e), 1);
	assert_int_equal(resolv_set_static(dir, c, &e), 0);   /* unchanged */
	assert_int_equal(resolv_compose(dir, &text), 0);
	assert_string_equal(text, "# written by cairnd: [interface] dns first, then DHCP leases\n"
				  "nameserver 192.0.2.53\n"
				  "nameserver 2001:db8::53\n"
				  "nameserver 10.0.2.3\n"
				  "nameserver 10.0.3.3\n"
				  "search a.example b.example\n");
	free(text);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	assert_int_equal(resolv_write(dir, path, &e), 0);
	assert_int_equal(access(path, R_OK), 0);
	cairn_config_free(c);

	c = parse_ok("[interface lan]\naddress = 192.0.2.2/24\n");
	assert_int_equal(resolv_set_static(dir, c, &e), 1);   /* removed */
	snprintf(path, sizeof(path), "%s/static", dir);
	assert_int_equal(access(path, F_OK), -1);
	cairn_config_free(c);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_netaddr),
		cmocka_unit_test(test_nl_messages),
		cmocka_unit_test(test_resolv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
