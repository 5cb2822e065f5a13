/* tap.c - TUNSETIFF for a non-persistent tap, then the tap under its
 * bridge and up (wnet.h). */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wnet.h"

int tap_name(const char *vm, char out[IF_NAMESIZE])
{
	return net_ifname_for("vm-", vm, out);
}

int tap_open(const char *name, const char *bridge, uid_t uid, struct cairn_err *e)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd, ret;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "/dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0) {
		ret = cairn_err_sys(e, -errno, "tap %s", name);
		goto fail;
	}
	if ((ret = net_link_set_master(name, bridge, e)) < 0 || (ret = net_link_up(name, e)) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return ret;
}
