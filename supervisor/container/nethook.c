/* nethook.c - a container's network.
 *
 * network = none and bridge:NAME get a net namespace of their own (made
 * with the others); init brings its loopback up.  network = host shares
 * the host's.  For bridge:NAME the veth pair is attached in
 * ct_net_attach(), which runs in cairnd with the container's init pid
 * before init runs anything: THE HOOK for the bridge work
 * (supervisor/net/), which is not there yet, so it does nothing and the
 * container has loopback only. */
#include "ct.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int ct_net_attach(pid_t pid, const struct cairn_service *s, const struct cairn_config *c,
		  struct cairn_err *e)
{
	(void)pid;
	(void)s;
	(void)c;
	(void)e;
	return 0;
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
