/* config_network.c - [network NAME]: a bridge on the host that containers
 * (network = bridge:NAME) and VMs attach to.
 *
 *   type    = bridge (the only type, and the default)
 *   address = 10.0.3.1/24   the host's address on the bridge (IPv4 CIDR)
 *   nat     = yes | no      masquerade what leaves through other links
 *
 * The bridge's link on the host is named NAME, so NAME must fit a link
 * name (15 bytes).  Only the grammar lives here; cairnd makes the bridge. */
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "config_iface.h"
#include "config_kind.h"
#include "netaddr.h"

const struct cairn_network *cairn_config_network(const struct cairn_config *c,
						 const char *name)
{
	for (size_t i = 0; c && name && i < c->n_networks; i++)
		if (!strcmp(c->networks[i].name, name))
			return &c->networks[i];
	return NULL;
}

int cairn_network_open(struct cairn_config *c, const char *name, int line, char *msg, size_t size)
{
	struct cairn_network *n;

	if (!*name)
		return cairn_config_bad(msg, size, "section [network] needs a name: [network NAME]");
	if (!cairn_config_name_ok(name) || strlen(name) > 15)
		return cairn_config_bad(msg, size, "bad network name '%s': it names the bridge link, so 1-15 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'",
			   name);
	if (cairn_config_network(c, name))
		return cairn_config_bad(msg, size, "duplicate section [network %s] (first on line %d)",
			   name, cairn_config_network(c, name)->line);
	n = cairn_config_grow(c->networks, c->n_networks, sizeof(*n));
	if (!n)
		return cairn_config_bad(msg, size, "out of memory");
	c->networks = n;
	n[c->n_networks].line = line;
	n[c->n_networks].name = strdup(name);
	c->n_networks++;
	if (!n[c->n_networks - 1].name)
		return cairn_config_bad(msg, size, "out of memory");
	return 0;
}

int cairn_network_key(struct cairn_config *c, const char *key, const char *v, int line,
		      char *msg, size_t size)
{
	struct cairn_network *n = &c->networks[c->n_networks - 1];
	struct cairn_ip ip;
	char canon[64];

	if (!strcmp(key, "type")) {
		if (strcmp(v, "bridge"))
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'type' in [network %s]: expected bridge",
				   v, n->name);
		return 0;
	}
	if (!strcmp(key, "address")) {
		if (n->address_line)
			return cairn_config_bad(msg, size, "duplicate key 'address' in [network %s] (first on line %d)",
				   n->name, n->address_line);
		if (cairn_cidr_parse(v, &ip) < 0 || ip.family != AF_INET)
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'address' in [network %s]: expected an IPv4 address with a prefix length, such as 10.0.3.1/24",
				   v, n->name);
		cairn_ip_format(&ip, true, canon, sizeof(canon));
		n->address_line = line;
		if (!(n->address = strdup(canon)))
			return cairn_config_bad(msg, size, "out of memory");
		return 0;
	}
	if (!strcmp(key, "nat")) {
		if (n->nat_line)
			return cairn_config_bad(msg, size, "duplicate key 'nat' in [network %s] (first on line %d)",
				   n->name, n->nat_line);
		if (cairn_config_bool(v, &n->nat) < 0)
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'nat' in [network %s]: expected yes, no, true or false",
				   v, n->name);
		n->nat_line = line;
		return 0;
	}
	return cairn_config_bad(msg, size, "unknown key '%.100s' in [network %s]", key, n->name);
}

int cairn_network_finish(struct cairn_config *c, const char *file, struct cairn_err *e)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		struct cairn_network *n = &c->networks[i];
		size_t size;
		FILE *f;

		if (n->nat && !n->address)
			return cairn_config_error(e, -EINVAL, file, n->nat_line,
						  "[network %s]: nat = yes needs an address (the gateway the workloads route through)",
						  n->name);
		for (size_t j = 0; j < c->n_ifaces; j++)
			if (!strcmp(cairn_iface_link(&c->ifaces[j]), n->name))
				return cairn_config_error(e, -EINVAL, file, n->line,
							  "[network %s]: a link of that name is [interface %s] (line %d)",
							  n->name, c->ifaces[j].name, c->ifaces[j].line);
		f = open_memstream(&n->canon, &size);
		if (!f)
			return cairn_config_error(e, -ENOMEM, file, n->line, "out of memory");
		fprintf(f, "[network %s]\ntype = bridge\naddress = %s\nnat = %s\n", n->name,
			n->address ? n->address : "", n->nat ? "yes" : "no");
		if (fclose(f) != 0)
			return cairn_config_error(e, -ENOMEM, file, n->line, "out of memory");
	}
	return 0;
}

void cairn_network_free(struct cairn_config *c)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		free(c->networks[i].name);
		free(c->networks[i].address);
		free(c->networks[i].canon);
	}
	free(c->networks);
}
