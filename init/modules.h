/* modules.h - loading kernel modules by name, dependencies first.
 *
 * The list of wanted modules is a file with one module name per line
 * ('#' starts a comment): /etc/cairn/modules in the initramfs for stage 1,
 * the same path in the real root for stage 2. */
#ifndef CAIRN_INIT_MODULES_H
#define CAIRN_INIT_MODULES_H

#define MODULES_LIST "/etc/cairn/modules"

/* Load every module named in list_path, each after its dependencies from
 * /lib/modules/$(uname -r)/modules.dep.  A missing list is not an error.
 * Failures are logged per module; returns the number that failed, or
 * -errno if modules.dep cannot be read at all. */
int modules_load_list(const char *list_path);

#endif
