/* config_container.c - [container NAME]: the container's own keys (config_kind.h).
 *
 *   type = app | system      image = PATH   sha256 = HEX   storage = POOL
 *   persistent = yes|no      idmap = auto | BASE   network = none | host | bridge:NAME
 *   hostname = NAME          halt_signal = SIG     user = UID[:GID]
 *   memory, memory_swap = SIZE   cpu = FRACTION   cpuset = LIST   pids = N
 *   io = WEIGHT | MAJ:MIN rbps=N wbps=N riops=N wiops=N     volume = POOL/PATH:/target[:ro]
 *
 * Only the grammar and cross-checks that need the whole file (pools,
 * networks, overlapping id ranges) live here; cairnd does the rest. */
#include "config_container.h"

#include <errno.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "config_kind.h"
#include "strv.h"
#include "netaddr.h"
#include "size.h"

#define IMAGES_DIR "/var/lib/cairn/images"

const char *cairn_ct_type_name(enum cairn_ct_type t)
{
	return t == CAIRN_CT_SYSTEM ? "system" : "app";
}

void cairn_ct_cpu_max(uint32_t milli, char *buf, size_t size)
{
	if (!milli)
		snprintf(buf, size, "max 100000\n");
	else
		snprintf(buf, size, "%llu 100000\n", (unsigned long long)milli * 100);
}

int cairn_container_new(struct cairn_service *s)
{
	s->ct = calloc(1, sizeof(*s->ct));
	if (!s->ct)
		return -ENOMEM;
	s->ct->halt_signal = 0;     /* by type, at finish */
	return 0;
}

/* "0.5", "2", "1.25": thousandths of a CPU, 1..1024000. */
static int parse_cpu(const char *v, uint32_t *milli)
{
	uint64_t whole = 0, frac = 0, scale = 1000;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((whole = whole * 10 + (uint64_t)(*p - '0')) > 1024)
			return -ERANGE;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;   /* more than 3 decimals */
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p)
		return -EINVAL;
	whole = whole * 1000 + frac;
	if (whole < 1 || whole > 1024000)
		return -ERANGE;
	*milli = (uint32_t)whole;
	return 0;
}

/* "0-3,5": the grammar of cpuset.cpus. */
static bool cpuset_ok(const char *v)
{
	if (!*v || strlen(v) > 256)
		return false;
	for (const char *p = v; *p;) {
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return false;
	}
	return true;
}

/* SIGRTMIN+N as well as what cairn_config_signal takes. */
static int parse_signal(const char *v, int *sig)
{
	const char *p = v;
	uint64_t n = 0;

	if (!strncasecmp(p, "SIG", 3))
		p += 3;
	if (!strncasecmp(p, "RTMIN", 5)) {
		p += 5;
		if (*p == '+' && cairn_config_uint(p + 1, 0, (uint64_t)(SIGRTMAX - SIGRTMIN), &n) < 0)
			return -EINVAL;
		if (*p && *p != '+')
			return -EINVAL;
		*sig = SIGRTMIN + (int)n;
		return 0;
	}
	return cairn_config_signal(v, sig);
}

static int parse_io(struct cairn_container *ct, const char *v, char *msg, size_t size)
{
	struct cairn_ct_io io = { 0 };
	char *copy, *save = NULL, *w;
	struct cairn_ct_io *grown;
	int ret = 0;

	if (v[0] >= '0' && v[0] <= '9' && !strpbrk(v, ": ")) {
		if (cairn_config_uint(v, 1, 10000, &io.weight) < 0)
			return cairn_config_bad(msg, size, "bad io weight '%s': 1 to 10000", v);
	} else {
		unsigned maj, min;
		int used = 0;

		copy = strdup(v);
		if (!copy)
			return cairn_config_bad(msg, size, "out of memory");
		w = strtok_r(copy, " \t", &save);
		if (!w || sscanf(w, "%u:%u%n", &maj, &min, &used) != 2 || w[used]) {
			free(copy);
			return cairn_config_bad(msg, size, "bad io '%s': WEIGHT or MAJOR:MINOR rbps=N wbps=N riops=N wiops=N", v);
		}
		io.dev = strdup(w);
		while (!ret && (w = strtok_r(NULL, " \t", &save))) {
			static const char *const names[] = { "rbps=", "wbps=", "riops=", "wiops=" };
			uint64_t *dst[] = { &io.rbps, &io.wbps, &io.riops, &io.wiops };
			size_t k;

			for (k = 0; k < 4; k++)
				if (!strncmp(w, names[k], strlen(names[k])))
					break;
			if (k == 4)
				ret = cairn_config_bad(msg, size, "bad io limit '%s': rbps=, wbps=, riops= or wiops=", w);
			else if (k < 2 ? cairn_size_parse(w + strlen(names[k]), dst[k]) < 0 || !*dst[k]
				       : cairn_config_uint(w + strlen(names[k]), 1, UINT64_MAX, dst[k]) < 0)
				ret = cairn_config_bad(msg, size, "bad io limit '%s': a positive %s", w,
					  k < 2 ? "size (bytes per second)" : "number");
		}
		free(copy);
		if (!ret && !io.rbps && !io.wbps && !io.riops && !io.wiops)
			ret = cairn_config_bad(msg, size, "io '%s' sets no limit (rbps=, wbps=, riops=, wiops=)", v);
		if (ret || !io.dev) {
			free(io.dev);
			return ret ? ret : cairn_config_bad(msg, size, "out of memory");
		}
	}
	grown = cairn_config_grow(ct->io, ct->n_io, sizeof(*grown));
	if (!grown) {
		free(io.dev);
		return cairn_config_bad(msg, size, "out of memory");
	}
	ct->io = grown;
	ct->io[ct->n_io++] = io;
	return 0;
}

/* An absolute path without ".." parts or ':' (the volume separator). */
static bool abs_path_ok(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || n >= 1024 || strchr(p, ':') || strstr(p, "/../"))
		return false;
	return !(n >= 3 && !strcmp(p + n - 3, "/.."));
}

/* POOL/PATH:/target[:ro] */
static int parse_volume(struct cairn_container *ct, const char *v, int line, char *msg, size_t size)
{
	char *copy = strdup(v), *slash, *colon, *opt;
	struct cairn_ct_volume vol = { 0 }, *grown;
	int *lines;

	if (!copy)
		return cairn_config_bad(msg, size, "out of memory");
	slash = strchr(copy, '/');
	colon = strchr(copy, ':');
	if (!slash || !colon || slash > colon)
		goto syntax;
	*slash = *colon = 0;
	opt = strchr(colon + 1, ':');
	if (opt) {
		*opt++ = 0;
		if (strcmp(opt, "ro") && strcmp(opt, "rw"))
			goto syntax;
		vol.ro = !strcmp(opt, "ro");
	}
	if (!cairn_config_name_ok(copy) || !slash[1] || slash[1] == '/' ||
	    !strcmp(slash + 1, "..") || !strncmp(slash + 1, "../", 3) || strstr(slash + 1, "/../") ||
	    !abs_path_ok(colon + 1) || !strcmp(colon + 1, "/"))
		goto syntax;
	vol.pool = strdup(copy);
	vol.path = strdup(slash + 1);
	vol.target = strdup(colon + 1);
	free(copy);
	grown = cairn_config_grow(ct->volumes, ct->n_volumes, sizeof(*grown));
	lines = realloc(ct->volume_lines, (ct->n_volumes + 1) * sizeof(*lines));
	if (lines)
		ct->volume_lines = lines;
	if (!vol.pool || !vol.path || !vol.target || !grown || !lines) {
		if (grown)
			ct->volumes = grown;
		free(vol.pool);
		free(vol.path);
		free(vol.target);
		return cairn_config_bad(msg, size, "out of memory");
	}
	ct->volumes = grown;
	ct->volume_lines[ct->n_volumes] = line;
	ct->volumes[ct->n_volumes++] = vol;
	return 0;
syntax:
	free(copy);
	return cairn_config_bad(msg, size, "bad volume '%s': POOL/PATH:/target or POOL/PATH:/target:ro (no '..', target not /)", v);
}

static int set_str(char **dst, const char *v, char *msg, size_t size)
{
	char *d = strdup(v);

	if (!d)
		return cairn_config_bad(msg, size, "out of memory");
	free(*dst);
	*dst = d;
	return 0;
}

int cairn_container_key(struct cairn_service *s, const char *key, const char *v,
			int line, char *msg, size_t size)
{
	struct cairn_container *ct = s->ct;
	uint64_t n;

	if (!strcmp(key, "type")) {
		if (!strcmp(v, "app"))
			ct->type = CAIRN_CT_APP;
		else if (!strcmp(v, "system"))
			ct->type = CAIRN_CT_SYSTEM;
		else
			return cairn_config_bad(msg, size, "bad type '%s': app or system", v);
	} else if (!strcmp(key, "image")) {
		char path[1100];

		if (v[0] != '/') {
			if (!cairn_config_name_ok(v))
				return cairn_config_bad(msg, size, "bad image '%s': an absolute path, or a file name in " IMAGES_DIR, v);
			snprintf(path, sizeof(path), IMAGES_DIR "/%s", v);
			v = path;
		} else if (!abs_path_ok(v)) {
			return cairn_config_bad(msg, size, "bad image path '%s'", v);
		}
		ct->image_line = line;
		return set_str(&ct->image, v, msg, size);
	} else if (!strcmp(key, "sha256")) {
		size_t len = strlen(v);

		if (len != 64 || strspn(v, "0123456789abcdefABCDEF") != 64)
			return cairn_config_bad(msg, size, "bad sha256 '%s': 64 hex digits", v);
		for (size_t k = 0; k < 64; k++)
			ct->sha256[k] = (char)(v[k] >= 'A' && v[k] <= 'F' ? v[k] - 'A' + 'a' : v[k]);
		ct->sha256[64] = 0;
	} else if (!strcmp(key, "storage")) {
		if (!cairn_config_name_ok(v))
			return cairn_config_bad(msg, size, "bad storage '%s': a pool's name", v);
		ct->storage_line = line;
		return set_str(&ct->storage, v, msg, size);
	} else if (!strcmp(key, "persistent")) {
		if (cairn_config_bool(v, &ct->persistent) < 0)
			return cairn_config_bad(msg, size, "bad persistent '%s': yes or no", v);
		ct->persistent_set = line;
	} else if (!strcmp(key, "idmap")) {
		ct->idmap_line = line;
		if (!strcmp(v, "auto")) {
			ct->idmap = CAIRN_IDMAP_AUTO;
		} else if (cairn_config_uint(v, CAIRN_IDMAP_SIZE, UINT32_MAX - CAIRN_IDMAP_SIZE + 1, &n) < 0) {
			return cairn_config_bad(msg, size, "bad idmap '%s': auto, or the first host id of the range (%u to %u)",
				   v, CAIRN_IDMAP_SIZE, UINT32_MAX - CAIRN_IDMAP_SIZE + 1);
		} else {
			ct->idmap = (uint32_t)n;
		}
	} else if (!strcmp(key, "network")) {
		ct->network_line = line;
		free(ct->bridge);
		ct->bridge = NULL;
		if (!strcmp(v, "none"))
			ct->net = CAIRN_CT_NET_NONE;
		else if (!strcmp(v, "host"))
			ct->net = CAIRN_CT_NET_HOST;
		else if (!strncmp(v, "bridge:", 7) && cairn_config_name_ok(v + 7)) {
			ct->net = CAIRN_CT_NET_BRIDGE;
			return set_str(&ct->bridge, v + 7, msg, size);
		} else
			return cairn_config_bad(msg, size, "bad network '%s': none, host or bridge:NAME", v);
	} else if (!strcmp(key, "address") || !strcmp(key, "gateway")) {
		struct cairn_ip ip;
		char canon[64];
		bool addr = !strcmp(key, "address");

		if (addr && !strcmp(v, "dhcp")) {
			ct->address_line = line;
			free(ct->address);
			ct->address = NULL;
			return 0;
		}
		if ((addr ? cairn_cidr_parse(v, &ip) : cairn_ip_parse(v, &ip)) < 0 ||
		    ip.family != AF_INET)
			return cairn_config_bad(msg, size, addr ? "bad address '%s': an IPv4 address with its prefix length (10.0.3.10/24), or dhcp"
						   : "bad gateway '%s': an IPv4 address", v);
		cairn_ip_format(&ip, addr, canon, sizeof(canon));
		if (addr)
			ct->address_line = line;
		return set_str(addr ? &ct->address : &ct->gateway, canon, msg, size);
	} else if (!strcmp(key, "hostname")) {
		if (!cairn_config_hostname_ok(v))
			return cairn_config_bad(msg, size, "bad hostname '%s': 1-63 of a-z 0-9 -", v);
		return set_str(&ct->hostname, v, msg, size);
	} else if (!strcmp(key, "halt_signal")) {
		if (parse_signal(v, &ct->halt_signal) < 0)
			return cairn_config_bad(msg, size, "bad halt_signal '%s': a signal name (SIGTERM, SIGRTMIN+3) or number", v);
	} else if (!strcmp(key, "stop_signal")) {
		return cairn_config_bad(msg, size, "a container stops with halt_signal, not stop_signal");
	} else if (!strcmp(key, "user")) {
		unsigned long u, g;
		char *end;

		u = strtoul(v, &end, 10);
		g = u;
		if (*end == ':')
			g = strtoul(end + 1, &end, 10);
		if (v[0] < '0' || v[0] > '9' || *end || u >= CAIRN_IDMAP_SIZE || g >= CAIRN_IDMAP_SIZE)
			return cairn_config_bad(msg, size, "bad user '%s': UID or UID:GID inside the container (0 to 65535)", v);
		ct->uid = (uint32_t)u;
		ct->gid = (uint32_t)g;
	} else if (!strcmp(key, "group")) {
		return cairn_config_bad(msg, size, "a container's group is set with user = UID:GID");
	} else if (!strcmp(key, "memory") || !strcmp(key, "memory_swap")) {
		if (cairn_size_parse(v, &n) < 0 || (key[6] == 0 && n < 1048576))
			return cairn_config_bad(msg, size, "bad %s '%s': %s%s", key, v, CAIRN_SIZE_FORMS,
				   key[6] ? "" : ", at least 1M");
		if (key[6])
			ct->memory_swap = n, ct->memory_swap_set = true;
		else
			ct->memory = n;
	} else if (!strcmp(key, "cpu")) {
		if (parse_cpu(v, &ct->cpu_milli) < 0)
			return cairn_config_bad(msg, size, "bad cpu '%s': a fraction of CPUs, 0.001 to 1024 (0.5 is half a CPU)", v);
	} else if (!strcmp(key, "cpuset")) {
		if (!cpuset_ok(v))
			return cairn_config_bad(msg, size, "bad cpuset '%s': CPU numbers and ranges, such as 0-1,3", v);
		return set_str(&ct->cpuset, v, msg, size);
	} else if (!strcmp(key, "pids")) {
		if (cairn_config_uint(v, 1, 4194304, &ct->pids) < 0)
			return cairn_config_bad(msg, size, "bad pids '%s': 1 to 4194304", v);
	} else if (!strcmp(key, "io")) {
		return parse_io(ct, v, msg, size);
	} else if (!strcmp(key, "volume")) {
		return parse_volume(ct, v, line, msg, size);
	} else {
		return 1;
	}
	return 0;
}

static bool has_pool(const struct cairn_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_pools; i++)
		if (!strcmp(c->pools[i].name, name))
			return true;
	return false;
}

int cairn_container_finish(const struct cairn_config *c, struct cairn_service *s,
			   const char *file, struct cairn_err *e)
{
	struct cairn_container *ct = s->ct;

	if (!ct->image)
		return cairn_config_error(e, -EINVAL, file, s->line,
					  "[container %s] has no image (image = PATH of a squashfs or erofs file)", s->name);
	if (!ct->sha256[0])
		return cairn_config_error(e, -EINVAL, file, ct->image_line,
					  "[container %s]: image without sha256 = HEX (the image is pinned by its hash; `cairnctl image import FILE` prints it)",
					  s->name);
	if (ct->type == CAIRN_CT_APP && !s->argv)
		return cairn_config_error(e, -EINVAL, file, s->line,
					  "[container %s] is type = app and has no exec (the program inside its root)", s->name);
	if (!s->argv) {
		s->argv = calloc(2, sizeof(char *));
		if (!s->argv || !(s->argv[0] = strdup("/sbin/init")))
			return cairn_config_error(e, -ENOMEM, file, s->line, "out of memory");
	}
	if (s->argv[0][0] != '/')
		return cairn_config_error(e, -EINVAL, file, s->exec_line ? s->exec_line : s->line,
					  "[container %s]: exec must name the program by its absolute path inside the container",
					  s->name);
	if (!ct->persistent_set)
		ct->persistent = ct->type == CAIRN_CT_SYSTEM;
	if (!ct->halt_signal)
		ct->halt_signal = ct->type == CAIRN_CT_SYSTEM ? SIGRTMIN + 3 : SIGTERM;
	if (!ct->hostname && (!cairn_config_hostname_ok(s->name) ||
			      !(ct->hostname = strdup(s->name)))) {
		if (cairn_config_hostname_ok(s->name))
			return cairn_config_error(e, -ENOMEM, file, s->line, "out of memory");
		ct->hostname = strdup("container");
		if (!ct->hostname)
			return cairn_config_error(e, -ENOMEM, file, s->line, "out of memory");
	}
	if (ct->storage && !has_pool(c, ct->storage))
		return cairn_config_error(e, -EINVAL, file, ct->storage_line,
					  "[container %s]: storage = %s: no [pool %s] in this config",
					  s->name, ct->storage, ct->storage);
	for (size_t k = 0; k < ct->n_volumes; k++)
		if (!has_pool(c, ct->volumes[k].pool))
			return cairn_config_error(e, -EINVAL, file, ct->volume_lines[k],
						  "[container %s]: volume from unknown pool '%s' (no [pool %s] in this config)",
						  s->name, ct->volumes[k].pool, ct->volumes[k].pool);
	if (ct->net == CAIRN_CT_NET_BRIDGE && !cairn_config_network(c, ct->bridge))
		return cairn_config_error(e, -EINVAL, file, ct->network_line,
					  "[container %s]: network = bridge:%s: no [network %s] in this config",
					  s->name, ct->bridge, ct->bridge);
	if ((ct->address_line || ct->gateway) && ct->net != CAIRN_CT_NET_BRIDGE)
		return cairn_config_error(e, -EINVAL, file, ct->address_line ? ct->address_line : s->line,
					  "[container %s]: address and gateway need network = bridge:NAME", s->name);
	if (ct->address && !ct->gateway) {   /* the bridge's own address, when it has one */
		const struct cairn_network *n = cairn_config_network(c, ct->bridge);

		if (n && n->address) {
			ct->gateway = strndup(n->address, strcspn(n->address, "/"));
			if (!ct->gateway)
				return cairn_config_error(e, -ENOMEM, file, s->line, "out of memory");
		}
	}
	if (ct->memory_swap_set && !ct->memory)
		return cairn_config_error(e, -EINVAL, file, s->line,
					  "[container %s]: memory_swap needs memory as well", s->name);
	/* Explicit id ranges: none may overlap another's (auto ones are
	 * placed around them by cairnd). */
	for (const struct cairn_service *o = c->services; ct->idmap && o < s; o++) {
		const struct cairn_container *oc = o->ct;

		if (o->kind != CAIRN_KIND_CONTAINER || !oc || !oc->idmap)
			continue;
		if ((uint64_t)ct->idmap < (uint64_t)oc->idmap + CAIRN_IDMAP_SIZE &&
		    (uint64_t)oc->idmap < (uint64_t)ct->idmap + CAIRN_IDMAP_SIZE)
			return cairn_config_error(e, -EINVAL, file, ct->idmap_line,
						  "[container %s]: idmap %u-%u overlaps [container %s] (line %d, idmap %u-%u)",
						  s->name, ct->idmap, ct->idmap + CAIRN_IDMAP_SIZE - 1, o->name,
						  oc->idmap_line, oc->idmap, oc->idmap + CAIRN_IDMAP_SIZE - 1);
	}
	return 0;
}

void cairn_container_canon(FILE *f, const struct cairn_container *ct)
{
	fprintf(f, "type = %s\nimage = %s\nsha256 = %s\nstorage = %s\npersistent = %s\n",
		cairn_ct_type_name(ct->type), ct->image ? ct->image : "", ct->sha256,
		ct->storage ? ct->storage : "", ct->persistent ? "yes" : "no");
	if (ct->idmap)
		fprintf(f, "idmap = %u\n", ct->idmap);
	else
		fprintf(f, "idmap = auto\n");
	fprintf(f, "network = %s%s\naddress = %s\ngateway = %s\nhostname = %s\nhalt_signal = ",
		ct->net == CAIRN_CT_NET_HOST ? "host" : ct->net == CAIRN_CT_NET_BRIDGE ? "bridge:" : "none",
		ct->bridge ? ct->bridge : "", ct->address ? ct->address : "dhcp",
		ct->gateway ? ct->gateway : "", ct->hostname ? ct->hostname : "");
	cairn_config_print_signal(f, ct->halt_signal);
	fprintf(f, "\nuser = %u:%u\nmemory = %llu\nmemory_swap = %s%llu\ncpu = %u\ncpuset = %s\npids = %llu\n",
		ct->uid, ct->gid, (unsigned long long)ct->memory, ct->memory_swap_set ? "" : "unset ",
		(unsigned long long)ct->memory_swap, ct->cpu_milli, ct->cpuset ? ct->cpuset : "",
		(unsigned long long)ct->pids);
	for (size_t k = 0; k < ct->n_io; k++)
		fprintf(f, "io = %s %llu %llu %llu %llu %llu\n", ct->io[k].dev ? ct->io[k].dev : "weight",
			(unsigned long long)ct->io[k].weight, (unsigned long long)ct->io[k].rbps,
			(unsigned long long)ct->io[k].wbps, (unsigned long long)ct->io[k].riops,
			(unsigned long long)ct->io[k].wiops);
	for (size_t k = 0; k < ct->n_volumes; k++)
		fprintf(f, "volume = %s/%s:%s:%s\n", ct->volumes[k].pool, ct->volumes[k].path,
			ct->volumes[k].target, ct->volumes[k].ro ? "ro" : "rw");
}

struct cairn_container *cairn_container_dup(const struct cairn_container *x)
{
	struct cairn_container *d = calloc(1, sizeof(*d));
	bool oom = false;

	if (!d)
		return NULL;
	*d = *x;
	d->image = cairn_strdup_or_null(x->image, &oom);
	d->storage = cairn_strdup_or_null(x->storage, &oom);
	d->bridge = cairn_strdup_or_null(x->bridge, &oom);
	d->address = cairn_strdup_or_null(x->address, &oom);
	d->gateway = cairn_strdup_or_null(x->gateway, &oom);
	d->hostname = cairn_strdup_or_null(x->hostname, &oom);
	d->cpuset = cairn_strdup_or_null(x->cpuset, &oom);
	d->io = NULL;
	d->volumes = NULL;
	d->volume_lines = NULL;
	d->n_io = d->n_volumes = 0;
	if (x->n_io && (d->io = calloc(x->n_io, sizeof(*d->io)))) {
		for (size_t k = 0; k < x->n_io; k++) {
			d->io[k] = x->io[k];
			d->io[k].dev = cairn_strdup_or_null(x->io[k].dev, &oom);
		}
		d->n_io = x->n_io;
	} else if (x->n_io) {
		oom = true;
	}
	if (x->n_volumes && (d->volumes = calloc(x->n_volumes, sizeof(*d->volumes))) &&
	    (d->volume_lines = calloc(x->n_volumes, sizeof(int)))) {
		for (size_t k = 0; k < x->n_volumes; k++) {
			d->volumes[k].pool = cairn_strdup_or_null(x->volumes[k].pool, &oom);
			d->volumes[k].path = cairn_strdup_or_null(x->volumes[k].path, &oom);
			d->volumes[k].target = cairn_strdup_or_null(x->volumes[k].target, &oom);
			d->volumes[k].ro = x->volumes[k].ro;
			d->volume_lines[k] = x->volume_lines[k];
		}
		d->n_volumes = x->n_volumes;
	} else if (x->n_volumes) {
		oom = true;
	}
	if (oom) {
		cairn_container_free(d);
		return NULL;
	}
	return d;
}

void cairn_container_free(struct cairn_container *x)
{
	if (!x)
		return;
	free(x->image);
	free(x->storage);
	free(x->bridge);
	free(x->address);
	free(x->gateway);
	free(x->hostname);
	free(x->cpuset);
	for (size_t k = 0; k < x->n_io; k++)
		free(x->io[k].dev);
	free(x->io);
	for (size_t k = 0; x->volumes && k < x->n_volumes; k++) {
		free(x->volumes[k].pool);
		free(x->volumes[k].path);
		free(x->volumes[k].target);
	}
	free(x->volumes);
	free(x->volume_lines);
	free(x);
}
