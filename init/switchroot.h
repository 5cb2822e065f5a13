/* switchroot.h - leave the initramfs for the real root. */
#ifndef CAIRN_INIT_SWITCHROOT_H
#define CAIRN_INIT_SWITCHROOT_H

/* Move /proc, /sys, /dev under newroot, free the initramfs, make newroot
 * "/" and exec argv[0] there.  Returns only on failure, with -errno. */
int switch_root(const char *newroot, char *const argv[]);

#endif
