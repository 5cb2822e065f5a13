/* nethook.c - a container's network.
 *
 * network = none and bridge:NAME get a net namespace of their own (made
 * with the others); init brings its loopback up.  network = host shares
 * the host's.  For bridge:NAME, ct_net_attach() runs in cairnd with the
 * container's init pid before init runs anything: a veth pair, the host
 * end "vc-NAME" on the bridge, the other end eth0 inside with the
 * configured address and default route (supervisor/net/wnet.h).  The pair
 * dies with the container's net namespace; cleanup removes the host end
 * too, for the case where something still holds the namespace. */
#include "ct.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config_container.h"
#include "wnet.h"

int ct_net_attach(pid_t pid, const struct cairn_service *s, const struct cairn_config *c,
		  struct cairn_err *e)
{
	const struct cairn_container *ct = s->ct;
	char host[IF_NAMESIZE];
	int ret;

	(void)c;
	if (ct->net != CAIRN_CT_NET_BRIDGE)
		return 0;
	if ((ret = net_ifname_for("vc-", s->name, host)) < 0)
		return cairn_err_set(e, ret, "network: no link name for %s", s->name);
	ret = net_veth_attach(pid, ct->bridge, host, "eth0", ct->address, ct->gateway, NULL, e);
	return ret < 0 ? cairn_err_prefix(e, ret, "network bridge:%s", ct->bridge) : 0;
}

void ct_net_detach(const char *name)
{
	char host[IF_NAMESIZE];
	struct cairn_err e = { "" };

	/* by name first, without netlink: a RTM_GETLINK waits for the
	 * rtnl lock, which a dying net namespace (every container's, at
	 * its exit) holds for milliseconds */
	if (net_ifname_for("vc-", name, host) == 0 && if_nametoindex(host) > 0)
		net_veth_detach(host, &e);   /* already gone with the namespace: fine */
}

int ct_net_loopback_up(struct cairn_err *e)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return cairn_err_sys(e, -errno, "socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = cairn_err_sys(e, -errno, "lo");
	else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = cairn_err_sys(e, -errno, "lo up");
	}
	close(fd);
	return ret;
}
