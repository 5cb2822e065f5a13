/* tap.c - TUNSETIFF for a non-persistent tap, then one RTM_NEWLINK that
 * sets its master (the bridge) and IFF_UP (libmnl, netlink.c). */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "netlink.h"

void tap_name(const char *vm, char out[IF_NAMESIZE])
{
	uint32_t h = 2166136261u;

	if (strlen(vm) + 3 < IF_NAMESIZE) {
		snprintf(out, IF_NAMESIZE, "vm-%s", vm);
		return;
	}
	for (const char *c = vm; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	snprintf(out, IF_NAMESIZE, "vm-%08x", h);
}

int tap_open(const char *name, const char *bridge, uid_t uid, struct cairn_err *e)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	unsigned br = if_nametoindex(bridge);
	char buf[4096];
	struct nlmsghdr *m;
	struct nl *nl = NULL;
	int fd, ret, idx;

	if (!br)
		return cairn_err_set(e, -ENODEV, "bridge %s does not exist on the host", bridge);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "/dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0) {
		ret = cairn_err_sys(e, -errno, "tap %s", name);
		goto fail;
	}
	idx = (int)if_nametoindex(name);
	ret = nl_open(&nl, e);
	if (ret < 0)
		goto fail;
	m = nlb_link_set(buf, nl_seq(nl), idx, true, 0, NULL);
	mnl_attr_put_u32(m, IFLA_MASTER, br);
	ret = nl_request(nl, m);
	nl_close(nl);
	if (ret < 0) {
		cairn_err_sys(e, ret, "attaching %s to bridge %s", name, bridge);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return ret;
}
