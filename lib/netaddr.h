/* netaddr.h - IP addresses, prefixes and link-layer addresses as the
 * config writes them ("192.0.2.10/24", "2001:db8::1", "52:54:00:12:34:56"),
 * parsed into bytes and printed back in one canonical form, so that the
 * parser (canonical text) and cairnd (netlink) agree on what a value is. */
#ifndef CAIRN_NETADDR_H
#define CAIRN_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cairn_ip {
	int family;           /* AF_INET or AF_INET6 */
	uint8_t addr[16];     /* 4 or 16 bytes used */
	unsigned prefix;      /* only for CIDR forms */
};

/* "ADDR" (v4 or v6).  0 or -EINVAL. */
int cairn_ip_parse(const char *s, struct cairn_ip *ip);
/* "ADDR/LEN": LEN required, at most 32 or 128.  0 or -EINVAL. */
int cairn_cidr_parse(const char *s, struct cairn_ip *ip);
/* Canonical text: inet_ntop form, plus "/LEN" when cidr. */
void cairn_ip_format(const struct cairn_ip *ip, bool cidr, char *buf, size_t size);
size_t cairn_ip_len(const struct cairn_ip *ip);   /* 4 or 16 */

/* "aa:bb:cc:dd:ee:ff" (either case).  0 or -EINVAL. */
int cairn_mac_parse(const char *s, uint8_t mac[6]);
void cairn_mac_format(const uint8_t mac[6], char buf[18]);

/* A kernel link name: 1-15 of a-z A-Z 0-9 _ . -, not "." or "..". */
bool cairn_ifname_ok(const char *s);

#endif
