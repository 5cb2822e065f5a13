/* vm_host.h - where VMs' things are on this host (vm_host.c): set once by
 * cairnd's main from its options, read by the vm kind. */
#ifndef CAIRN_VM_HOST_H
#define CAIRN_VM_HOST_H

#include <stdbool.h>
#include <sys/types.h>

#define VM_DIR_DEFAULT  "/var/lib/cairn/vm"     /* per-VM state: OVMF vars */
#define VM_USER_DEFAULT "cairn-vm"
#define VM_QEMU         "/usr/bin/qemu-system-x86_64"
#define VM_QEMU_IMG     "/usr/bin/qemu-img"
#define VM_OVMF_CODE    "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define VM_OVMF_VARS    "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define VM_KVM_PROBE_MS 2000

struct vm_host {
	const char *pools_dir;   /* [pool] NAME is mounted at pools_dir/NAME */
	const char *vm_dir;
	const char *user;        /* QEMU runs as this user */
};

void vm_host_set(const struct vm_host *h);
const struct vm_host *vm_host(void);

/* KVM or TCG: probed at the first VM start, said once in cairnd's log. */
bool vm_host_kvm(uid_t uid, gid_t gid);

#endif
