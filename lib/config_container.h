/* config_container.h - the keys of a [container NAME] section (config_container.c).
 * The supervision keys (restart, after, stop_timeout...) are the
 * service's, in struct cairn_service; exec, environment and workdir too
 * (they name things inside the container's root).  This is the
 * container's own part; docs/config.md documents every key. */
#ifndef CAIRN_CONFIG_CONTAINER_H
#define CAIRN_CONFIG_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

enum cairn_ct_type { CAIRN_CT_APP, CAIRN_CT_SYSTEM };
enum cairn_ct_net { CAIRN_CT_NET_NONE, CAIRN_CT_NET_HOST, CAIRN_CT_NET_BRIDGE };

#define CAIRN_IDMAP_SIZE 65536u        /* ids per container */
#define CAIRN_IDMAP_AUTO 0u            /* idmap = auto */
#define CAIRN_IDMAP_MIN 100000u        /* auto ranges start above this */

/* volume = POOL/PATH:/target[:ro] */
struct cairn_ct_volume {
	char *pool, *path, *target;
	bool ro;
};

/* io = WEIGHT, or io = MAJ:MIN rbps=N wbps=N riops=N wiops=N (repeatable) */
struct cairn_ct_io {
	char *dev;          /* "8:0"; NULL for the weight form */
	uint64_t weight;    /* 1..10000, weight form only */
	uint64_t rbps, wbps, riops, wiops;   /* 0: not limited */
};

struct cairn_container {
	enum cairn_ct_type type;     /* default app */
	char *image;                 /* absolute path of the image file */
	char sha256[65];             /* pinned hash, lowercase hex ("" if none) */
	char *storage;               /* pool for the overlay upper, or NULL */
	bool persistent;             /* keep the upper (default: system yes, app no) */
	uint32_t idmap;              /* first host id of the range, or AUTO */
	enum cairn_ct_net net;       /* default none */
	char *bridge;                /* network = bridge:NAME */
	char *address;               /* eth0's IPv4 CIDR on the bridge, or NULL:
	                                the container configures eth0 itself (DHCP) */
	char *gateway;               /* default route; default the bridge's address */
	char *hostname;              /* default NAME */
	int halt_signal;             /* default SIGRTMIN+3 (system), SIGTERM (app) */
	uint32_t uid, gid;           /* user = UID[:GID] inside (default 0:0) */
	uint64_t memory, memory_swap;    /* bytes; 0: not limited */
	bool memory_swap_set;        /* memory_swap = 0 means no swap at all */
	uint32_t cpu_milli;          /* cpu = 0.5 -> 500; 0: not limited */
	char *cpuset;                /* "0-1,3" or NULL */
	uint64_t pids;               /* 0: not limited */
	struct cairn_ct_io *io;
	size_t n_io;
	struct cairn_ct_volume *volumes;
	size_t n_volumes;
	int persistent_set, idmap_line, storage_line, network_line, image_line, address_line;
	int *volume_lines;
};

/* cpu.max text for a fraction in thousandths ("50000 100000\n" for 500),
 * into buf.  "max 100000\n" for 0. */
void cairn_ct_cpu_max(uint32_t milli, char *buf, size_t size);

const char *cairn_ct_type_name(enum cairn_ct_type t);

#endif
