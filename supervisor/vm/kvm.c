/* kvm.c - a KVM probe: KVM_CREATE_VM, one page of guest memory holding a
 * HLT, one vCPU in real mode, KVM_RUN.  It runs in a child so that a hang
 * inside KVM_RUN costs a SIGKILL, not cairnd. */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PROBE_OK, PROBE_NODEV, PROBE_API, PROBE_SETUP, PROBE_RUN, PROBE_EXIT };

static int probe_child(uid_t uid, gid_t gid)
{
	struct kvm_userspace_memory_region r = { .slot = 0, .guest_phys_addr = 0x1000,
						 .memory_size = 0x1000 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	struct kvm_run *run;
	int kvm, vm, cpu, sz;
	unsigned char *mem;

	struct group *g = getgrnam("kvm");
	gid_t groups[2] = { gid, g ? g->gr_gid : gid };

	if (setgroups(2, groups) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		return PROBE_SETUP;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return PROBE_NODEV;
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return PROBE_API;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		return PROBE_SETUP;
	mem[0] = 0xf4;   /* hlt */
	r.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return PROBE_SETUP;
	cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (cpu < 0 || sz <= 0)
		return PROBE_SETUP;
	run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
	if (run == MAP_FAILED || ioctl(cpu, KVM_GET_SREGS, &sregs) < 0)
		return PROBE_SETUP;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(cpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(cpu, KVM_SET_REGS, &regs) < 0)
		return PROBE_SETUP;
	if (ioctl(cpu, KVM_RUN, 0) < 0)
		return PROBE_RUN;
	return run->exit_reason == KVM_EXIT_HLT ? PROBE_OK : PROBE_EXIT;
}

bool kvm_probe(unsigned timeout_ms, uid_t uid, gid_t gid, char *why, size_t size)
{
	static const char *const what[] = {
		[PROBE_OK] = "KVM works",
		[PROBE_NODEV] = "QEMU's user cannot open /dev/kvm",
		[PROBE_API] = "KVM speaks another API version",
		[PROBE_SETUP] = "KVM refused to set up a VM",
		[PROBE_RUN] = "KVM_RUN failed",
		[PROBE_EXIT] = "the probe guest did not reach its HLT",
	};
	struct pollfd p = { .events = POLLIN };
	siginfo_t si = { 0 };
	pid_t pid;

	if (access("/dev/kvm", F_OK) < 0) {
		snprintf(why, size, "no /dev/kvm");
		return false;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "cannot fork the KVM probe: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		_exit(probe_child(uid, gid));
	p.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p.fd < 0 || poll(&p, 1, (int)timeout_ms) <= 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (p.fd >= 0)
			close(p.fd);
		snprintf(why, size, "a KVM guest hung (no HLT within %u ms)", timeout_ms);
		return false;
	}
	close(p.fd);
	if (waitid(P_PID, (id_t)pid, &si, WEXITED) < 0 || si.si_code != CLD_EXITED ||
	    si.si_status < 0 || si.si_status > PROBE_EXIT) {
		snprintf(why, size, "the KVM probe crashed");
		return false;
	}
	snprintf(why, size, "%s", what[si.si_status]);
	return si.si_status == PROBE_OK;
}
