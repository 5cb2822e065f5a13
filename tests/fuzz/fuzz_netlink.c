/* fuzz_netlink.c - cairnd's decoders of rtnetlink messages (netlink.h):
 * RTM_NEWLINK (with its nested link kind) and RTM_*ADDR, as the event
 * socket and the dumps hand them over.  Whatever the bytes, a decoder
 * stays inside the message and returns 0 or -EINVAL. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *m;
	struct nl_link l;
	struct nl_addr a;
	uint16_t types[] = { RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR };

	if (size < sizeof(*m) || size > 65536)
		return 0;
	/* the socket layer gives an aligned buffer, a length that fits, and
	 * room up to the next 4-byte boundary (libmnl walks aligned lengths) */
	m = calloc(1, (size + 3) & ~(size_t)3);
	if (!m)
		return 0;
	memcpy(m, data, size);
	if (m->nlmsg_len > size || m->nlmsg_len < sizeof(*m))
		m->nlmsg_len = (uint32_t)size;
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		int r1, r2;

		m->nlmsg_type = types[k];
		r1 = nl_parse_link(m, &l);
		r2 = nl_parse_addr(m, &a);
		if ((r1 && r1 != -EINVAL) || (r2 && r2 != -EINVAL))
			__builtin_trap();
		if (r1 == 0 && (memchr(l.name, 0, sizeof(l.name)) == NULL ||
				memchr(l.kind, 0, sizeof(l.kind)) == NULL))
			__builtin_trap();
	}
	free(m);
	return 0;
}
