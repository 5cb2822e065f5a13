/* host.c - hostname and loopback, the two bits of network state PID 1
 * owns; every other link is cairnd's. */
#include "host.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

/* The kernel gives its initial namespaces fixed inode numbers
 * (PROC_UTS_INIT_INO in linux/proc_ns.h); later ones get others. */
#define UTS_INIT_INO 0xEFFFFFFEU

int hostname_setup(bool only_own_ns)
{
	struct stat st;
	if (only_own_ns && (stat("/proc/self/ns/uts", &st) < 0 || st.st_ino == UTS_INIT_INO)) {
		say("not in a UTS namespace of its own: leaving the hostname alone");
		return 0;
	}

	char buf[256];
	const char *name = HOST_DEFAULT_NAME;
	ssize_t n = read_file("/etc/hostname", buf, sizeof(buf));
	if (n > 0) {
		char *nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
		char *t = trim(buf);
		if (*t && strlen(t) <= 64)
			name = t;
		else if (*t)
			say("/etc/hostname: name too long, using \"%s\"", HOST_DEFAULT_NAME);
	}
	if (sethostname(name, strlen(name)) < 0)
		return say_err(-errno, "sethostname %s", name);
	say("hostname %s", name);
	return 0;
}

int loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return say_err(-errno, "loopback: socket");
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	int r = 0;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = say_err(-errno, "loopback: SIOCGIFFLAGS lo");
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			r = say_err(-errno, "loopback: SIOCSIFFLAGS lo up");
	}
	close(fd);
	return r;
}
