/* slot_env.h - where the slot keeper looks: the ESP, the kernel command
 * line, sysfs, the update state on /var, the image's version.  cairnd's
 * options set them (supervisor/main.c), so tests run the same code on a
 * fake ESP directory, a fake cmdline and fake sysfs. */
#ifndef CAIRN_SLOT_ENV_H
#define CAIRN_SLOT_ENV_H

#include <stddef.h>

#include "entry.h"
#include "err.h"

#define SLOT_ESP_MOUNT     "/run/cairn/esp"
#define SLOT_ESP_LABEL     "ESP"
#define SLOT_CMDLINE       "/proc/cmdline"
#define SLOT_SYS_BLOCK     "/sys/class/block"
#define SLOT_DEV_DIR       "/dev"
#define SLOT_UPDATE_DIR    "/var/lib/cairn/update"
#define SLOT_VERSION_FILE  "/usr/share/cairn/version"
#define SLOT_MAX_ENTRIES   16

struct slot_env {
	const char *esp_dir;      /* a directory standing for the ESP; NULL:
	                             mount the partition labelled esp_label */
	const char *esp_mount;    /* where it is mounted (SLOT_ESP_MOUNT) */
	const char *esp_label;
	const char *cmdline;
	const char *sys_block;    /* GPT labels: <sys_block>/<dev>/uevent PARTNAME= */
	const char *dev_dir;
	const char *update_dir;   /* failed-versions, unblessed */
	const char *version_file;
};

/* Replace the paths (NULL fields: the defaults above).  Pointers are kept. */
void slot_env_set(const struct slot_env *env);
const struct slot_env *slot_env(void);

/* The ESP's root directory into dir; mounts it (vfat, once, kept mounted
 * for cairnd's life) when it is not yet. */
int slot_esp(char *dir, size_t size, struct cairn_err *e);

/* The cairn-* entries in the ESP's loader/entries, with their keys, in
 * systemd-boot's order (the one it will boot first at [0]). */
int slot_entries(struct boot_entry *v, size_t max, size_t *n, struct cairn_err *e);

/* The entry of slot name (the first in boot order) or NULL. */
const struct boot_entry *slot_entry_of(const struct boot_entry *v, size_t n, char name);

/* The running image's version (version_file), or "" when unknown. */
void slot_running_version(char *buf, size_t size);

/* The block device whose GPT partition label is label ("/dev/vda3"). */
int slot_find_partlabel(const char *label, char *dev, size_t size, struct cairn_err *e);

/* cairnd --install-boot SLOT KERNEL INITRD ROOTHASH VERSION: slot_install_boot
 * from the command line (recovery, system tests); exit status. */
int slot_install_boot_main(int argc, char **argv);

#endif
