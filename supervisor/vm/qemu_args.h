/* qemu_args.h - the command line cairnd gives QEMU for a [vm] (qemu_args.c).
 * Pure: everything host-dependent (paths resolved, KVM or not, which
 * descriptors the child holds) comes in through the plan, so a unit test
 * can hold the argv against what it expects. */
#ifndef CAIRN_VM_QEMU_ARGS_H
#define CAIRN_VM_QEMU_ARGS_H

#include <stdbool.h>

#include "config_vm.h"
#include "err.h"

/* The descriptors QEMU is given, at these numbers in the child. */
#define QEMU_FD_QMP     3   /* listening unix socket: QMP */
#define QEMU_FD_CONSOLE 4   /* listening unix socket: the serial console */
#define QEMU_FD_TAP     5   /* the tap device, when the VM has a NIC (else unused) */
#define QEMU_FD_LOG     6   /* the log pipe again (stdout): the console log */

struct qemu_plan {
	const char *qemu;               /* the binary */
	const char *name;               /* the VM's name */
	const struct cairn_vm *vm;
	bool kvm;
	bool tap;                       /* QEMU_FD_TAP is a tap device */
	const char *mac;                /* its MAC */
	const char *const *disks;       /* vm->n_disks resolved paths */
	const char *ovmf_code, *ovmf_vars;   /* firmware = uefi */
};

/* A NULL-terminated argv (a strv: free with cairn_strv_free), or -ENOMEM. */
int qemu_args_build(const struct qemu_plan *p, char ***argv, struct cairn_err *e);

#endif
