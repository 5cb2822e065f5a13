/* netaddr.c - see netaddr.h. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

int cairn_ip_parse(const char *s, struct cairn_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->addr) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->addr) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int cairn_cidr_parse(const char *s, struct cairn_ip *ip)
{
	const char *slash = strchr(s, '/');
	char a[INET6_ADDRSTRLEN + 1];
	uint64_t len;

	if (!slash || (size_t)(slash - s) >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	if (cairn_ip_parse(a, ip) < 0)
		return -EINVAL;
	if (cairn_config_uint(slash + 1, 0, ip->family == AF_INET ? 32 : 128, &len) < 0)
		return -EINVAL;
	ip->prefix = (unsigned)len;
	return 0;
}

size_t cairn_ip_len(const struct cairn_ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}

void cairn_ip_format(const struct cairn_ip *ip, bool cidr, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(ip->family, ip->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (cidr)
		snprintf(buf, size, "%s/%u", a, ip->prefix);
	else
		snprintf(buf, size, "%s", a);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cairn_mac_parse(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void cairn_mac_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

bool cairn_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}
