/* ct.h - what the container files share (supervisor/container/).
 *
 * Starting a container (spawn.c) runs in three processes:
 *   cairnd  checks the image's hash, picks the id range, makes the cgroup
 *           and the host directories, then forks
 *   stage   (host root, its own private mount namespace) attaches the
 *           image to a loop device, mounts it id-mapped, the overlay,
 *           volumes and /dev under a staging directory nobody else sees;
 *           joins the container's user namespace and unshares the others;
 *           clones the container's init as cairnd's child (CLONE_PARENT)
 *           into a new pid namespace, and exits
 *   init    waits for cairnd's go, mounts /proc and /sys with the masks,
 *           pivots into the root, drops what it must, and execs exec=.
 * Every mount lives in namespaces that die with the container, and the
 * loop device is auto-cleared, so cleanup is the cgroup and directories:
 * derived from the name alone, it works for an adopted container too. */
#ifndef CAIRN_CT_H
#define CAIRN_CT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "config_container.h"
#include "err.h"

#define CT_LIB_DIR      "/var/lib/cairn/containers"
#define CT_IMAGES_DIR   "/var/lib/cairn/images"
#define CT_HASH_CACHE   "/var/lib/cairn/images/.sha256"
#define CT_POOLS_DIR    "/var/lib/cairn/pools"
#define CT_CGROUP_ROOT  "/sys/fs/cgroup"
#define CT_CGROUP_DIR   "cairn"
#define CT_RUN_DIR      "/run/cairn/containers"
#define CT_IMAGE_MNT    "/run/cairn/images"
#define CT_CONSOLE_DIR  "/run/cairn/console"

/* ---- rootfs.c: the image ------------------------------------------- */
/* Open the image read-only and check its sha256 (cached by dev/ino/
 * size/mtime).  *fd is the file to hand to the loop device: the one that
 * was hashed, so a file swapped after the check is not the one mounted. */
int ct_image_open(const struct cairn_service *s, int *fd, struct cairn_err *e);
/* "squashfs" or "erofs" by the file's magic, or NULL. */
const char *ct_image_fstype(int fd);
/* A read-only, auto-clearing loop device over fd: its open fd and path. */
int ct_loop_attach(int img_fd, int *loop_fd, char *dev, size_t size, struct cairn_err *e);
/* The image of s mounted read-only at CT_IMAGE_MNT/SHA (dir), once for
 * every container of it; a mount already there is reused. */
int ct_image_mount(const struct cairn_service *s, int img_fd, char *dir, size_t size,
		   struct cairn_err *e);
/* Unmount the images no container of c uses (c NULL: all). */
void ct_image_sweep(const struct cairn_config *c);

/* ---- untar.c: image = FILE.tar or FILE.tar.zst ------------------------ */
bool ct_image_is_tar(int fd);
/* Where s's archive is unpacked: CT_LIB_DIR/NAME/rootfs (cairnd's own
 * disk, never a pool other containers' volumes share). */
int ct_tar_root(const struct cairn_service *s, char *buf, size_t size);
/* Unpack fd there (dir) unless it holds this image for this range already. */
int ct_tar_unpack(const struct cairn_service *s, int img_fd, uint32_t base, char *dir, size_t size,
		  struct cairn_err *e);

/* ---- idmap.c: 65536 host ids per container --------------------------- */
/* The first free block (a multiple of 65536 above CAIRN_IDMAP_MIN) that
 * overlaps none of used[0..n) (bases of 65536-id ranges). */
int ct_idmap_pick(const uint32_t *used, size_t n, uint32_t *base);
/* The range of s: its explicit idmap, or the one kept in
 * CT_LIB_DIR/NAME/idmap, or a new one picked around every other
 * container's (explicit in c, or kept) and then kept. */
int ct_idmap_get(const struct cairn_config *c, const struct cairn_service *s,
		 uint32_t *base, struct cairn_err *e);

/* ---- userns.c -------------------------------------------------------- */
/* A new user namespace mapping 0..65535 to base..: an fd of it. */
int ct_userns_new(uint32_t base, int *userns_fd, struct cairn_err *e);
/* Join it as its root (uid/gid 0 inside, no supplementary groups). */
int ct_userns_enter(int userns_fd, struct cairn_err *e);

/* ---- mounts.c -------------------------------------------------------- */
struct ct_stage {
	const struct cairn_service *s;
	const struct cairn_container *ct;
	uint32_t base;
	int userns_fd;
	char image[300];      /* the image's shared host mount, or the unpacked tar */
	bool tar;             /* image is an unpacked archive, owners shifted already */
	char console[64];     /* system: the pty slave for /dev/console, or "" */
	char dir[256];        /* staging dir; the root is dir/root */
	char root[300];
};
/* In the stage process: the image, overlay, volumes and /dev under st->root. */
int ct_rootfs_build(struct ct_stage *st, struct cairn_err *e);
/* In the container's init, before pivot: /proc, /sys, masks, devpts;
 * then pivot_root into root. */
int ct_rootfs_enter(const struct cairn_container *ct, const char *root, struct cairn_err *e);

/* ---- devices.c ------------------------------------------------------- */
/* A tmpfs /dev under root with the host's harmless nodes bound in, and
 * console (a pty slave's path, or NULL: /dev/null) at /dev/console. */
int ct_dev_populate(const char *root, uint32_t base, const char *console, struct cairn_err *e);

/* ---- console.c: a system container's console ------------------------- */
/* A host pty whose slave (path in slave) the container's root owns. */
int ct_console_open(uint32_t base, int *master, char *slave, size_t size, struct cairn_err *e);
/* Fork the keeper of master for container name (init pid): console
 * output to out_fd (the log) and CT_CONSOLE_DIR/NAME.sock. */
int ct_console_serve(const char *name, int master, int out_fd, pid_t pid, struct cairn_err *e);
/* devpts and shm inside (from the container's user namespace). */
int ct_dev_mount_inner(const char *root, struct cairn_err *e);

/* ---- caps.c, seccomp.c: what a process inside may do ------------------ */
/* Bounding, permitted, effective, inheritable: Docker's default set for
 * app containers, everything (within the user namespace) for system ones.
 * uid != 0 keeps none (as exec would drop them). */
int ct_caps_apply(enum cairn_ct_type t, struct cairn_err *e);
/* Capability numbers kept by an app container (for tests). */
const int *ct_caps_app(size_t *n);
/* Compile t's deny list once per process (before forking: the child only
 * loads it). */
int ct_seccomp_prepare(enum cairn_ct_type t, struct cairn_err *e);
/* Load the deny list of t (app: no_new_privs must be set; system: the
 * caller has CAP_SYS_ADMIN in its user namespace). */
int ct_seccomp_apply(enum cairn_ct_type t, struct cairn_err *e);
/* The syscalls denied for t, by name; NULL-terminated (for tests). */
const char *const *ct_seccomp_denied(enum cairn_ct_type t);
/* Build t's filter without loading it: 0 or -errno (for tests). */
int ct_seccomp_check(enum cairn_ct_type t, struct cairn_err *e);
/* nnp, caps, ids, seccomp: the common tail of init and `cairnctl exec`. */
int ct_drop(enum cairn_ct_type t, uint32_t uid, uint32_t gid, struct cairn_err *e);

/* ---- cgroup.c -------------------------------------------------------- */
/* Make CT_CGROUP_ROOT/cairn/NAME with the limits written; an open fd of
 * the directory (for CLONE_INTO_CGROUP).  A limit whose controller is
 * missing is an error.  owner (not -1): the host uid the cgroup is
 * delegated to (a system container's root). */
int ct_cgroup_create(const struct cairn_service *s, uid_t owner, int *dir_fd, struct cairn_err *e);
/* Remove CT_CGROUP_ROOT/cairn/NAME and the cgroups its container made. */
void ct_cgroup_remove(const char *name);
/* The io.max line of one io = DEV... entry ("8:0 rbps=1 wbps=max..."). */
void ct_cgroup_io_max(const struct cairn_ct_io *io, char *buf, size_t size);

/* ---- nethook.c ------------------------------------------------------- */
/* Called with the container's init pid once its namespaces exist and
 * before it runs anything: network = bridge:NAME attaches the veth here
 * (the network functions land with the bridge work; for now it does
 * nothing beyond what init does: loopback up). */
int ct_net_attach(pid_t pid, const struct cairn_service *s, const struct cairn_config *c,
		  struct cairn_err *e);
/* Remove the host end of name's veth pair, if it is still there. */
void ct_net_detach(const char *name);
/* lo up in the current net namespace. */
int ct_net_loopback_up(struct cairn_err *e);

/* ---- paths ----------------------------------------------------------- */
/* dir is the root of a mount (a pool that is mounted, an image). */
bool ct_is_mount_root(const char *dir);
/* rm -rf path, on its own file system, following no symlink. */
void ct_rmtree(const char *path);
/* mkdir -p with mode and, for new directories, owner uid:gid (-1: leave). */
int ct_mkdirs(const char *path, mode_t mode, uid_t uid, gid_t gid, struct cairn_err *e);
/* The exec= settings cairnctl exec repeats: RUN/NAME.exec. */
int ct_exec_info_write(const struct cairn_service *s, uint32_t base, struct cairn_err *e);

#endif
