/* test_wnet.c - the pure parts of workload networking: link names for
 * workloads (wnet.h), the nft script made from [network] sections
 * (bridge.h), and the rtnetlink messages for bridges and veths decoded
 * back (netlink.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "config_test_helpers.h"
#include "netlink.h"
#include "wnet.h"

#define HEAD "# cairnd: NAT for the [network] sections with nat = yes.  Generated\n" \
	     "# and replaced as a whole on every change; no other table is touched.\n" \
	     "table ip cairn\n" \
	     "delete table ip cairn\n"

static void test_names(void **state)
{
	char a[IF_NAMESIZE], b[IF_NAMESIZE];

	(void)state;
	assert_int_equal(net_ifname_for("vc-", "web", a), 0);
	assert_string_equal(a, "vc-web");
	/* 3 + 11 = 14 bytes: as it is */
	assert_int_equal(net_ifname_for("vc-", "abcdefghijk", a), 0);
	assert_string_equal(a, "vc-abcdefghijk");
	/* 3 + 12 = 15: the long form, 15 bytes, not the name itself */
	assert_int_equal(net_ifname_for("vc-", "abcdefghijkl", a), 0);
	assert_int_equal(strlen(a), 15);
	assert_string_not_equal(a, "vc-abcdefghijkl");
	assert_memory_equal(a, "vc-abc-", 7);
	/* same start, different names: different links; same name: same link */
	assert_int_equal(net_ifname_for("vc-", "database-primary", a), 0);
	assert_int_equal(net_ifname_for("vc-", "database-replica", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(b), 15);
	assert_int_equal(net_ifname_for("vc-", "database-replica", a), 0);
	assert_string_equal(a, b);
	/* other prefixes */
	assert_int_equal(net_ifname_for("vt-", "vm1", a), 0);
	assert_string_equal(a, "vt-vm1");
	assert_int_equal(net_ifname_for("v", "a-name-of-twenty-bytes", a), 0);
	assert_int_equal(strlen(a), 15);
	assert_int_equal(a[0], 'v');
	/* refused */
	assert_int_equal(net_ifname_for("vc-", "", a), -EINVAL);
	assert_string_equal(a, "");
	assert_int_equal(net_ifname_for("", "web", a), -EINVAL);
	assert_int_equal(net_ifname_for("vcxx", "web", a), -EINVAL);
	assert_int_equal(net_ifname_for(NULL, "web", a), -EINVAL);
	assert_int_equal(net_ifname_for("vc-", NULL, a), -EINVAL);
	assert_int_equal(net_ifname_for("vc-", "a/b", a), -EINVAL);
	assert_string_equal(a, "");
}

static char *ruleset_of(const char *conf)
{
	struct cairn_config *c = parse_ok(conf);
	char *text = NULL;

	assert_int_equal(bridge_nft_ruleset(c->networks, c->n_networks, &text), 0);
	assert_non_null(text);
	cairn_config_free(c);
	return text;
}

static void test_ruleset(void **state)
{
	char *t;

	(void)state;
	/* no network, or none with nat: the table only goes */
	t = ruleset_of("[host]\ngeneration = 1\n");
	assert_string_equal(t, HEAD);
	free(t);
	t = ruleset_of("[network br0]\naddress = 10.0.3.1/24\n"
		       "[network br1]\n");
	assert_string_equal(t, HEAD);
	free(t);
	/* one with nat: its subnet, out of anything but its bridge */
	t = ruleset_of("[network br0]\naddress = 10.0.3.1/24\nnat = yes\n");
	assert_string_equal(t, HEAD
			    "table ip cairn {\n"
			    "\tchain postrouting {\n"
			    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			    "\t\tip saddr 10.0.3.0/24 oifname != \"br0\" masquerade comment \"network br0\"\n"
			    "\t}\n"
			    "}\n");
	free(t);
	/* several, in config order; host bits cleared; nat = no skipped */
	t = ruleset_of("[network lab]\naddress = 192.168.77.129/25\nnat = yes\n"
		       "[network plain]\naddress = 10.9.0.1/16\nnat = no\n"
		       "[network one]\naddress = 172.16.5.5/32\nnat = yes\n");
	assert_string_equal(t, HEAD
			    "table ip cairn {\n"
			    "\tchain postrouting {\n"
			    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			    "\t\tip saddr 192.168.77.128/25 oifname != \"lab\" masquerade comment \"network lab\"\n"
			    "\t\tip saddr 172.16.5.5/32 oifname != \"one\" masquerade comment \"network one\"\n"
			    "\t}\n"
			    "}\n");
	free(t);
}

static void test_ruleset_direct(void **state)
{
	struct cairn_network nets[2] = {
		{ .name = "br0", .address = "10.0.3.1/24", .nat = true },
		{ .name = "br1", .address = NULL, .nat = true },   /* no address: no rule */
	};
	char *t = NULL;

	(void)state;
	assert_true(bridge_nft_wanted(nets, 2));
	assert_false(bridge_nft_wanted(nets + 1, 1));
	assert_false(bridge_nft_wanted(NULL, 0));
	assert_int_equal(bridge_nft_ruleset(nets, 2, &t), 0);
	assert_non_null(strstr(t, "ip saddr 10.0.3.0/24 oifname != \"br0\""));
	assert_null(strstr(t, "br1"));
	free(t);
	/* what the parser never lets through is refused, not written */
	nets[0].address = "2001:db8::1/64";
	assert_int_equal(bridge_nft_ruleset(nets, 1, &t), -EINVAL);
	assert_null(t);
	nets[0].address = "10.0.3.1/24";
	nets[0].name = "br\"0";
	assert_int_equal(bridge_nft_ruleset(nets, 1, &t), -EINVAL);
	assert_null(t);
}

/* A builder's RTM_NEWLINK, as the kernel would echo it, decodes back. */
static void test_messages(void **state)
{
	char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *m;
	struct nl_link l;
	const uint8_t mac[6] = { 2, 0, 0, 0, 3, 10 };

	(void)state;
	m = nlb_bridge_new(buf, 7, "br0");
	assert_int_equal(m->nlmsg_type, RTM_NEWLINK);
	assert_true(m->nlmsg_flags & NLM_F_CREATE);
	assert_true(m->nlmsg_flags & NLM_F_EXCL);
	assert_int_equal(nl_parse_link(m, &l), 0);
	assert_string_equal(l.name, "br0");
	assert_string_equal(l.kind, "bridge");
	assert_int_equal(l.master, 0);

	m = nlb_veth_new(buf, 8, "vc-web", "eth0", 5, mac);
	assert_int_equal(nl_parse_link(m, &l), 0);
	assert_string_equal(l.name, "vc-web");
	assert_string_equal(l.kind, "veth");
	assert_false(l.has_mac);   /* the MAC is the peer's, nested */
	assert_non_null(memmem(buf, m->nlmsg_len, "eth0", 5));
	assert_non_null(memmem(buf, m->nlmsg_len, mac, 6));

	m = nlb_link_master(buf, 9, 4, 3);
	assert_int_equal(nl_parse_link(m, &l), 0);
	assert_int_equal(l.ifindex, 4);
	assert_int_equal(l.master, 3);

	m = nlb_link_del(buf, 10, 4);
	assert_int_equal(m->nlmsg_type, RTM_DELLINK);
	assert_int_equal(nl_parse_link(m, &l), 0);
	assert_int_equal(l.ifindex, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ruleset),
		cmocka_unit_test(test_ruleset_direct),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
