/* vm_host.c - the host's VM settings (vm_host.h) and the KVM verdict,
 * probed once: the answer does not change while cairnd runs. */
#include "vm_host.h"

#include "kvm.h"
#include "pool.h"
#include "sup_int.h"

static struct vm_host host = {
	.pools_dir = POOLS_DIR_DEFAULT, .vm_dir = VM_DIR_DEFAULT, .user = VM_USER_DEFAULT,
};

void vm_host_set(const struct vm_host *h)
{
	host = *h;
}

const struct vm_host *vm_host(void)
{
	return &host;
}

bool vm_host_kvm(uid_t uid, gid_t gid)
{
	static int kvm = -1;
	char why[128];

	if (kvm < 0) {
		kvm = kvm_probe(VM_KVM_PROBE_MS, uid, gid, why, sizeof(why));
		sup_msg("vm: %s: %s", why, kvm ? "VMs run with KVM" : "VMs run with TCG (emulated, slow)");
	}
	return kvm;
}
