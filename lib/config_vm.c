/* config_vm.c - [vm NAME]: the vm's own keys (config_kind.h).
 *
 *   memory   = 512M                        whole MiB, at least 16M
 *   cpus     = 1                           1..255
 *   disk     = POOL/FILE[,format=raw|qcow2][,readonly][,size=8G]  (repeatable;
 *              an absolute /var/... path instead of POOL/FILE is accepted)
 *   kernel   = /ABS/PATH  initrd = /ABS/PATH  cmdline = TEXT
 *   firmware = bios | uefi                 uefi: OVMF, a VARS copy per VM
 *   network  = none | bridge:NAME          NAME a [network] section
 *   mac      = 52:54:00:12:34:56           default: derived from the name
 *
 * Only the grammar and what the whole file can tell (pools, networks)
 * live here; files, pools' mounts and the host's memory are cairnd's
 * (supervisor/vm/) checks, at start. */
#include "config_vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "config_kind.h"
#include "netaddr.h"
#include "strv.h"
#include "size.h"

int cairn_vm_new(struct cairn_service *s)
{
	s->vm = calloc(1, sizeof(*s->vm));
	if (!s->vm)
		return -ENOMEM;
	s->vm->memory = 512u << 20;
	s->vm->cpus = 1;
	return 0;
}

/* A path with no "..", "." or empty component and no odd bytes. */
static bool path_ok(const char *p)
{
	const char *c = p;

	if (!*p || strlen(p) > 1024)
		return false;
	for (; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == ',' || *c == 0x7f)
			return false;
	for (c = p; c; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (!strncmp(c, "../", 3) || !strcmp(c, "..") || !strncmp(c, "./", 2) ||
		    !strcmp(c, ".") || *c == '/' || (!*c && c != p))
			return false;
	}
	return true;
}

static int disk_target(struct cairn_vm_disk *d, const char *t, char *msg, size_t size)
{
	const char *slash = strchr(t, '/');

	if (t[0] == '/') {
		if (strncmp(t, "/var/", 5) || !path_ok(t + 1))
			return cairn_config_bad(msg, size, "bad disk '%.200s': an absolute path must be a plain path under /var/", t);
		d->path = strdup(t);
		return d->path ? 0 : cairn_config_bad(msg, size, "out of memory");
	}
	if (!slash || !path_ok(slash + 1))
		return cairn_config_bad(msg, size, "bad disk '%.200s': expected POOL/FILE[,format=raw|qcow2][,readonly][,size=8G]", t);
	d->pool = strndup(t, (size_t)(slash - t));
	d->path = strdup(slash + 1);
	if (!d->pool || !d->path)
		return cairn_config_bad(msg, size, "out of memory");
	if (!cairn_config_name_ok(d->pool))
		return cairn_config_bad(msg, size, "bad disk '%.200s': '%.100s' is not a pool name", t, d->pool);
	return 0;
}

static int disk_option(struct cairn_vm_disk *d, const char *o, char *msg, size_t size)
{
	if (!strcmp(o, "readonly")) {
		d->readonly = true;
	} else if (!strcmp(o, "format=raw")) {
		d->format = CAIRN_VM_RAW;
	} else if (!strcmp(o, "format=qcow2")) {
		d->format = CAIRN_VM_QCOW2;
	} else if (!strncmp(o, "size=", 5)) {
		if (cairn_size_parse(o + 5, &d->size) < 0 || d->size == 0 || d->size % 512)
			return cairn_config_bad(msg, size, "bad disk size '%.100s': expected %s, a multiple of 512",
				   o + 5, CAIRN_SIZE_FORMS);
	} else {
		return cairn_config_bad(msg, size, "bad disk option '%.100s': expected format=raw, format=qcow2, readonly or size=SIZE",
			   o);
	}
	return 0;
}

static void disk_free(struct cairn_vm_disk *d)
{
	free(d->pool);
	free(d->path);
}

static int add_disk(struct cairn_vm *vm, const char *v, int line, char *msg, size_t size)
{
	struct cairn_vm_disk d = { .line = line }, *grown;
	char *copy = strdup(v), *save = NULL, *tok;
	int ret;

	if (!copy)
		return cairn_config_bad(msg, size, "out of memory");
	tok = strtok_r(copy, ",", &save);
	ret = tok ? disk_target(&d, tok, msg, size)
		  : cairn_config_bad(msg, size, "empty disk: expected POOL/FILE[,format=raw|qcow2][,readonly][,size=8G]");
	while (ret == 0 && (tok = strtok_r(NULL, ",", &save)))
		ret = disk_option(&d, tok, msg, size);
	free(copy);
	if (ret == 0 && d.readonly && d.size)
		ret = cairn_config_bad(msg, size, "bad disk '%.200s': a readonly disk cannot be created (size=)", v);
	if (ret == 0 && vm->n_disks >= CAIRN_VM_DISKS_MAX)
		ret = cairn_config_bad(msg, size, "too many disks (at most %d)", CAIRN_VM_DISKS_MAX);
	if (ret == 0) {
		grown = cairn_config_grow(vm->disks, vm->n_disks, sizeof(*grown));
		if (!grown)
			ret = cairn_config_bad(msg, size, "out of memory");
		else {
			vm->disks = grown;
			vm->disks[vm->n_disks++] = d;
			return 0;
		}
	}
	disk_free(&d);
	return ret;
}

static int set_path(char **dst, const char *key, const char *v, char *msg, size_t size)
{
	if (v[0] != '/' || !path_ok(v + 1))
		return cairn_config_bad(msg, size, "bad %s '%.200s': expected an absolute path", key, v);
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : cairn_config_bad(msg, size, "out of memory");
}

/* A unicast MAC, in canonical (lower case) form. */
static int parse_mac(const char *v, char out[18])
{
	uint8_t b[6];

	if (cairn_mac_parse(v, b) < 0 || (b[0] & 1))
		return -EINVAL;
	cairn_mac_format(b, out);
	return 0;
}

int cairn_vm_key(struct cairn_service *s, const char *key, const char *v,
		 int line, char *msg, size_t size)
{
	struct cairn_vm *vm = s->vm;
	uint64_t n;

	if (!strcmp(key, "memory")) {
		if (cairn_size_parse(v, &n) < 0 || n % (1u << 20) || n < CAIRN_VM_MEMORY_MIN ||
		    n > (1ull << 50))
			return cairn_config_bad(msg, size, "bad memory '%.100s': expected a whole number of MiB, at least 16M, such as 512M or 2G",
				   v);
		vm->memory = n;
	} else if (!strcmp(key, "cpus")) {
		if (cairn_config_uint(v, 1, CAIRN_VM_CPUS_MAX, &n) < 0)
			return cairn_config_bad(msg, size, "bad cpus '%.100s': expected 1 to %u", v, CAIRN_VM_CPUS_MAX);
		vm->cpus = (unsigned)n;
	} else if (!strcmp(key, "disk")) {
		return add_disk(vm, v, line, msg, size);
	} else if (!strcmp(key, "kernel")) {
		return set_path(&vm->kernel, key, v, msg, size);
	} else if (!strcmp(key, "initrd")) {
		vm->line_initrd = line;
		return set_path(&vm->initrd, key, v, msg, size);
	} else if (!strcmp(key, "cmdline")) {
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return cairn_config_bad(msg, size, "bad cmdline: control characters are not allowed");
		if (strlen(v) > 2048)
			return cairn_config_bad(msg, size, "bad cmdline: longer than 2048 bytes");
		free(vm->cmdline);
		vm->cmdline = strdup(v);
		return vm->cmdline ? 0 : cairn_config_bad(msg, size, "out of memory");
	} else if (!strcmp(key, "firmware")) {
		if (!strcmp(v, "bios"))
			vm->firmware = CAIRN_VM_BIOS;
		else if (!strcmp(v, "uefi"))
			vm->firmware = CAIRN_VM_UEFI;
		else
			return cairn_config_bad(msg, size, "bad firmware '%.100s': expected bios or uefi", v);
	} else if (!strcmp(key, "network")) {
		free(vm->bridge);
		vm->bridge = NULL;
		vm->line_network = line;
		if (!strcmp(v, "none"))
			return 0;
		if (strncmp(v, "bridge:", 7) || !cairn_config_name_ok(v + 7) || strlen(v + 7) > 15)
			return cairn_config_bad(msg, size, "bad network '%.100s': expected none or bridge:NAME", v);
		vm->bridge = strdup(v + 7);
		return vm->bridge ? 0 : cairn_config_bad(msg, size, "out of memory");
	} else if (!strcmp(key, "mac")) {
		if (parse_mac(v, vm->mac) < 0)
			return cairn_config_bad(msg, size, "bad mac '%.100s': expected a unicast address such as 52:54:00:12:34:56",
				   v);
	} else {
		return 1;
	}
	return 0;
}

static bool has_pool(const struct cairn_config *c, const char *name)
{
	for (size_t k = 0; k < c->n_pools; k++)
		if (!strcmp(c->pools[k].name, name))
			return true;
	return false;
}

int cairn_vm_finish(const struct cairn_config *c, struct cairn_service *s,
		    const char *file, struct cairn_err *e)
{
	const struct cairn_vm *vm = s->vm;

	if (!vm->kernel && vm->firmware != CAIRN_VM_UEFI && vm->n_disks == 0)
		return cairn_config_error(e, -EINVAL, file, s->line,
					  "[vm %s] has nothing to boot: set kernel = PATH, or a disk (with firmware = uefi or bios)",
					  s->name);
	if ((vm->initrd || vm->cmdline) && !vm->kernel)
		return cairn_config_error(e, -EINVAL, file, vm->line_initrd ? vm->line_initrd : s->line,
					  "[vm %s]: initrd and cmdline need kernel = PATH", s->name);
	if (vm->bridge && !cairn_config_network(c, vm->bridge))
		return cairn_config_error(e, -EINVAL, file, vm->line_network,
					  "[vm %s]: unknown network '%s' (no [network %s] section)",
					  s->name, vm->bridge, vm->bridge);
	for (size_t k = 0; k < vm->n_disks; k++) {
		const struct cairn_vm_disk *d = &vm->disks[k];

		if (d->pool && !has_pool(c, d->pool))
			return cairn_config_error(e, -EINVAL, file, d->line,
						  "[vm %s]: unknown pool '%s' (no [pool %s] section)",
						  s->name, d->pool, d->pool);
		for (size_t j = 0; j < k; j++)
			if (!strcmp(vm->disks[j].path, d->path) &&
			    !!vm->disks[j].pool == !!d->pool &&
			    (!d->pool || !strcmp(vm->disks[j].pool, d->pool)))
				return cairn_config_error(e, -EINVAL, file, d->line,
							  "[vm %s]: the same disk twice (first on line %d)",
							  s->name, vm->disks[j].line);
	}
	return 0;
}

void cairn_vm_canon(FILE *f, const struct cairn_vm *vm)
{
	fprintf(f, "memory = %llu\ncpus = %u\n", (unsigned long long)vm->memory, vm->cpus);
	for (size_t k = 0; k < vm->n_disks; k++) {
		const struct cairn_vm_disk *d = &vm->disks[k];

		fprintf(f, "disk = %s%s%s,format=%s%s", d->pool ? d->pool : "", d->pool ? "/" : "",
			d->path, d->format == CAIRN_VM_QCOW2 ? "qcow2" : "raw",
			d->readonly ? ",readonly" : "");
		if (d->size)
			fprintf(f, ",size=%llu", (unsigned long long)d->size);
		fputc('\n', f);
	}
	fprintf(f, "kernel = %s\ninitrd = %s\ncmdline = %s\n", vm->kernel ? vm->kernel : "",
		vm->initrd ? vm->initrd : "", vm->cmdline ? vm->cmdline : "");
	fprintf(f, "firmware = %s\n", vm->firmware == CAIRN_VM_UEFI ? "uefi" : "bios");
	fprintf(f, "network = %s%s\nmac = %s\n", vm->bridge ? "bridge:" : "none",
		vm->bridge ? vm->bridge : "", vm->mac);
}

struct cairn_vm *cairn_vm_dup(const struct cairn_vm *x)
{
	struct cairn_vm *d = calloc(1, sizeof(*d));
	bool fail = false;

	if (!d)
		return NULL;
	*d = *x;
	d->disks = NULL;
	d->n_disks = 0;
	d->kernel = cairn_strdup_or_null(x->kernel, &fail);
	d->initrd = cairn_strdup_or_null(x->initrd, &fail);
	d->cmdline = cairn_strdup_or_null(x->cmdline, &fail);
	d->bridge = cairn_strdup_or_null(x->bridge, &fail);
	if (x->n_disks) {
		d->disks = calloc(x->n_disks, sizeof(*d->disks));
		if (!d->disks)
			fail = true;
		for (size_t k = 0; d->disks && k < x->n_disks; k++, d->n_disks++) {
			d->disks[k] = x->disks[k];
			d->disks[k].pool = cairn_strdup_or_null(x->disks[k].pool, &fail);
			d->disks[k].path = cairn_strdup_or_null(x->disks[k].path, &fail);
		}
	}
	if (fail) {
		cairn_vm_free(d);
		return NULL;
	}
	return d;
}

void cairn_vm_free(struct cairn_vm *x)
{
	if (!x)
		return;
	for (size_t k = 0; k < x->n_disks; k++)
		disk_free(&x->disks[k]);
	free(x->disks);
	free(x->kernel);
	free(x->initrd);
	free(x->cmdline);
	free(x->bridge);
	free(x);
}

void cairn_vm_mac(const char *name, const struct cairn_vm *vm, char out[18])
{
	uint32_t h = 2166136261u;   /* FNV-1a: stable, and good enough to spread */

	if (vm->mac[0]) {
		memcpy(out, vm->mac, 18);
		return;
	}
	for (const char *c = name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	snprintf(out, 18, "52:54:00:%02x:%02x:%02x", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
}
