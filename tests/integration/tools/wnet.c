/* wnet.c - drives supervisor/net/wnet.h from a shell, for the integration
 * tests (t_net_veth.sh), the way the container and VM kinds call it:
 *   wnet attach PID BRIDGE HOST_IF CT_IF ADDRESS|- GATEWAY|- [MAC]
 *   wnet detach HOST_IF
 *   wnet master IF BRIDGE
 *   wnet up IF
 *   wnet name PREFIX NAME
 * Exit 0, or 1 with cairnd's message on stderr; 100 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "wnet.h"

static const char *opt(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

int main(int argc, char **argv)
{
	struct cairn_err e = { "" };
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret;

	if (!strcmp(cmd, "attach") && (argc == 8 || argc == 9)) {
		uint8_t mac[6];

		if (argc == 9 && cairn_mac_parse(argv[8], mac) < 0) {
			fprintf(stderr, "wnet: bad MAC %s\n", argv[8]);
			return 100;
		}
		ret = net_veth_attach((pid_t)atoi(argv[2]), argv[3], argv[4], argv[5],
				      opt(argv[6]), opt(argv[7]), argc == 9 ? mac : NULL, &e);
	} else if (!strcmp(cmd, "detach") && argc == 3) {
		ret = net_veth_detach(argv[2], &e);
	} else if (!strcmp(cmd, "master") && argc == 4) {
		ret = net_link_set_master(argv[2], argv[3], &e);
	} else if (!strcmp(cmd, "up") && argc == 3) {
		ret = net_link_up(argv[2], &e);
	} else if (!strcmp(cmd, "name") && argc == 4) {
		char name[IF_NAMESIZE];

		ret = net_ifname_for(argv[2], argv[3], name);
		if (ret == 0)
			puts(name);
		else
			snprintf(e.msg, sizeof(e.msg), "no link name for %s%s", argv[2], argv[3]);
	} else {
		fputs("usage: wnet attach PID BRIDGE HOST_IF CT_IF ADDRESS|- GATEWAY|- [MAC]\n"
		      "       wnet detach HOST_IF | master IF BRIDGE | up IF | name PREFIX NAME\n",
		      stderr);
		return 100;
	}
	if (ret < 0) {
		fprintf(stderr, "wnet: %s\n", e.msg);
		return 1;
	}
	return 0;
}
