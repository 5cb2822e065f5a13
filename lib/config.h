/* config.h - cairn's configuration: one INI-like file, a section per object.
 *
 * Parsing (cairn_config_parse) checks grammar and every value, and reports
 * the first error as "FILE:LINE: message".  Validation against a host
 * (cairn_config_validate) checks what depends on the machine: executables
 * exist, users and groups resolve.  Neither changes anything; the caller
 * applies a config only after both succeed (signatures plug in before them).
 */
#ifndef CAIRN_CONFIG_H
#define CAIRN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

enum cairn_restart {
	CAIRN_RESTART_NO,
	CAIRN_RESTART_ON_FAILURE,
	CAIRN_RESTART_ALWAYS,
};

/* What an instance is.  Every kind is a struct cairn_service (the
 * supervision keys: restart, after, stop_timeout, logs...) and, for
 * containers and VMs, a kind part owned by it (config_container.h,
 * config_vm.h), parsed from the same section. */
enum cairn_kind {
	CAIRN_KIND_SERVICE,    /* [service NAME] */
	CAIRN_KIND_CONTAINER,  /* [container NAME] */
	CAIRN_KIND_VM,         /* [vm NAME] */
};

struct cairn_container;       /* lib/config_container.h */
struct cairn_vm;              /* lib/config_vm.h */

struct cairn_service {
	char *name;
	int line;                 /* line of the section header */
	enum cairn_kind kind;
	struct cairn_container *ct;   /* kind CONTAINER: its own keys, else NULL */
	struct cairn_vm *vm;          /* kind VM: its own keys, else NULL */
	char **argv;              /* exec = ..., split with shell-like quoting */
	char **env;               /* environment = K=V K2="v 2" (NULL-terminated) */
	char *user;               /* NULL: root */
	char *group;              /* NULL: the user's primary group */
	char *workdir;            /* NULL: / */
	enum cairn_restart restart;
	unsigned restart_delay_ms;     /* first backoff step (default 1000) */
	unsigned restart_delay_max_ms; /* backoff ceiling (default 60000) */
	unsigned burst;                /* starts allowed per burst_interval (5) */
	unsigned burst_interval_ms;    /* (default 60000) */
	char **after;             /* names this one starts after (NULL-terminated) */
	int stop_signal;          /* default SIGTERM */
	unsigned stop_timeout_ms; /* then SIGKILL (default 10000) */
	uint64_t log_max_bytes;   /* rotate past this (default 1 MiB) */
	unsigned log_keep;        /* rotated files kept (default 3) */
	bool essential;           /* counts for blessing a boot (later issue) */
	char *canon;              /* canonical text of the section: equal canon
	                             means unchanged, for reconciling */
	int exec_line;            /* lines of these keys (0: not set), so that */
	int user_line;            /* cairn_config_validate() can point at them */
	int group_line;
};

/* [interface NAME]: one of the host's own links (lib/config_iface.c). */
struct cairn_iface {
	char *name;               /* NAME: the link's name on the host */
	int line;                 /* line of the [interface NAME] header */
	char *match_name;         /* link name to match; NAME unless match_mac */
	char *match_mac;          /* aa:bb:cc:dd:ee:ff (lower case) or NULL */
	bool dhcp;                /* a generated service dhcp-NAME runs udhcpc */
	char **addresses;         /* static CIDRs, v4 or v6, canonical form */
	char *gateway;            /* IPv4 default route, or NULL */
	char *gateway6;           /* IPv6 default route, or NULL */
	char **dns;               /* name servers, canonical form */
	unsigned mtu;             /* 0: left as it is */
	char *canon;              /* canonical text: equal means unchanged */
	int dhcp_line, mtu_line;  /* 0: not set */
};

/* [pool NAME]: storage cairnd mounts under its pools root (lib/config_pool.c,
 * supervisor/storage/). */
enum cairn_pool_fs { CAIRN_POOL_EXT4, CAIRN_POOL_XFS, CAIRN_POOL_BTRFS, CAIRN_POOL_DIR };
enum cairn_pool_format { CAIRN_POOL_FORMAT_NEVER, CAIRN_POOL_FORMAT_IF_BLANK };
enum cairn_pool_source {
	CAIRN_POOL_SRC_NONE, CAIRN_POOL_SRC_DEVICE, CAIRN_POOL_SRC_TAG, CAIRN_POOL_SRC_DIR,
};
struct cairn_pool {
	char *name;
	int line;                 /* line of the [pool NAME] header */
	char *source;             /* /dev/..., LABEL=x, UUID=x, PARTLABEL=x or a dir */
	enum cairn_pool_fs fs;    /* default ext4 */
	enum cairn_pool_format format;   /* default never */
	int source_line, fs_line, format_line;   /* 0: not set */
};

/* [network NAME]: a bridge on the host for containers and VMs
 * (lib/config_network.c).  The bridge's link is named NAME. */
struct cairn_network {
	char *name;
	int line;                 /* line of the [network NAME] header */
	char *address;            /* the host's CIDR on the bridge, or NULL */
	bool nat;                 /* masquerade outbound traffic (default no) */
	char *canon;              /* canonical text: equal means unchanged */
	int address_line, nat_line;   /* 0: not set */
};

struct cairn_host {
	char *hostname;           /* default "cairn" */
	uint64_t generation;      /* must grow with every accepted config */
	int line;
	char **ntp;               /* ntp = servers: a generated service ntpd */
	int ntp_line;
	/* Blessing a boot (supervisor/update/bless.c, docs/slots.md). */
	unsigned bless_after_ms;    /* essential instances up this long (30 s) */
	unsigned health_timeout_ms; /* unblessed this long: reboot (5 min) */
	char **health_command;      /* must exit 0, or NULL */
	char *health_address;       /* HOST:PORT that must accept TCP, or NULL */
};

struct cairn_config {
	char *path;
	struct cairn_host host;
	/* [trust]: who may use the remote API (docs/config.md).  Without the
	 * section (trust_line 0) the image's list applies. */
	char **trust_clients;     /* SHA-256 fingerprints, 64 lowercase hex
	                             digits each (NULL-terminated, or NULL) */
	char *trust_client_ca;    /* client_ca = PATH, or NULL */
	int trust_line;           /* line of the [trust] header, 0 if none */
	struct cairn_service *services;
	size_t n_services;
	struct cairn_iface *ifaces;   /* [interface NAME] sections, in order */
	size_t n_ifaces;
	struct cairn_pool *pools;     /* [pool NAME] sections, in order */
	size_t n_pools;
	struct cairn_network *networks;   /* [network NAME] sections, in order */
	size_t n_networks;
};

/* Parse len bytes of buf; name is used in messages ("FILE:LINE: ...").
 * On success *out is a new config to free with cairn_config_free(). */
int cairn_config_parse(const char *buf, size_t len, const char *name,
		       struct cairn_config **out, struct cairn_err *e);

/* Read and parse the file at path. */
int cairn_config_load(const char *path, struct cairn_config **out,
		      struct cairn_err *e);

/* Check what depends on the host: executables (looked up under root,
 * "/" for the running system) and users/groups (from root's /etc/passwd
 * and /etc/group).  Fills uid/gid through cairn_service_ids(). */
int cairn_config_validate(const struct cairn_config *c, const char *root,
			  struct cairn_err *e);

/* The ids a service runs as, resolved from root's passwd/group files. */
int cairn_service_ids(const struct cairn_service *s, const char *root,
		      uid_t *uid, gid_t *gid, struct cairn_err *e);

/* The program exec runs, as an absolute path inside root: argv[0] itself
 * when absolute, else the first executable argv[0] in /usr/sbin, /usr/bin,
 * /sbin, /bin (symlinks resolved inside root).  -ENOENT, -EACCES (not an
 * executable regular file), -ENAMETOOLONG. */
int cairn_service_exec_path(const struct cairn_service *s, const char *root,
			    char *buf, size_t size, struct cairn_err *e);

const struct cairn_service *cairn_config_service(const struct cairn_config *c,
						 const char *name);
const struct cairn_network *cairn_config_network(const struct cairn_config *c,
						 const char *name);
/* "service", "container", "vm". */
const char *cairn_kind_name(enum cairn_kind k);

void cairn_config_free(struct cairn_config *c);

const char *cairn_restart_name(enum cairn_restart r);

/* The name the link of f has on the host (match_name, or NAME when it is
 * matched by MAC and renamed), and the [interface] section for a generated
 * service dhcp-NAME, or NULL. */
const char *cairn_iface_link(const struct cairn_iface *f);
const struct cairn_iface *cairn_config_iface(const struct cairn_config *c,
					     const char *name);

/* [pool]: "ext4", "xfs", "btrfs", "dir"; what kind of source s is. */
const char *cairn_pool_fs_name(enum cairn_pool_fs fs);
enum cairn_pool_source cairn_pool_source_kind(const char *source);

/* "AB:cd:.." or "abcd..": a SHA-256 fingerprint (64 hex digits, any case,
 * colons ignored) to 64 lowercase hex digits.  -EINVAL if it is not one. */
int cairn_config_fingerprint(const char *s, char out[65]);

#endif
