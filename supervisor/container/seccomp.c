/* seccomp.c - the syscalls a container may not make (libseccomp).
 *
 * A deny list, close to Docker's default profile for app containers:
 * everything else is allowed, these fail with EPERM.  System containers
 * get a lighter one: their init mounts, unshares and reboots (reboot in a
 * pid namespace ends the container), but loads no module and sets no
 * clock.  Foreign architectures (i386 and x32 entry points) are killed,
 * so nobody gets around the list by another syscall table.
 *
 * Each list is compiled to BPF once per process (cairnd: at the first
 * start of that type; every later start, in the child, only loads the
 * cached program). */
#include "ct.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const app_denied[] = {
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
	"delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
	"get_kernel_syms", "init_module", "io_uring_enter", "io_uring_register",
	"io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load",
	"keyctl", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
	"name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree",
	"perf_event_open", "pivot_root", "process_vm_readv", "process_vm_writev",
	"ptrace", "query_module", "quotactl", "quotactl_fd", "reboot", "request_key",
	"setns", "settimeofday", "stime", "swapoff", "swapon", "syslog", "sysfs",
	"_sysctl", "umount", "umount2", "uselib", "userfaultfd", "ustat", "vm86",
	"vm86old", NULL,
};

static const char *const system_denied[] = {
	"create_module", "delete_module", "finit_module", "init_module", "kexec_file_load",
	"kexec_load", "swapon", "swapoff", "settimeofday", "stime", "clock_settime",
	"clock_adjtime", "iopl", "ioperm", "open_by_handle_at", "lookup_dcookie",
	"nfsservctl", "uselib", "vm86", "vm86old", NULL,
};

const char *const *ct_seccomp_denied(enum cairn_ct_type t)
{
	return t == CAIRN_CT_SYSTEM ? system_denied : app_denied;
}

static int build(enum cairn_ct_type t, scmp_filter_ctx *out, struct cairn_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret = 0;

	if (!ctx)
		return cairn_err_set(e, -ENOMEM, "seccomp_init");
	/* loaded by ct_seccomp_apply, which never sets no_new_privs itself */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (const char *const *n = ct_seccomp_denied(t); *n && !ret; n++) {
		int nr = seccomp_syscall_resolve_name(*n);

		if (nr == __NR_SCMP_ERROR)
			continue;  /* not a syscall of this architecture */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (ret < 0)
			cairn_err_set(e, ret, "seccomp rule for %s: %d", *n, ret);
	}
	if (!ret && t == CAIRN_CT_APP) {
		/* no new user namespace: not by unshare, not by clone; clone3
		 * hides its flags in memory, so it is refused with ENOSYS and
		 * the C library falls back to clone */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
		if (!ret)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
		if (!ret)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
		if (ret < 0)
			cairn_err_set(e, ret, "seccomp rule for unshare/clone: %d", ret);
	}
	if (ret < 0) {
		seccomp_release(ctx);
		return ret;
	}
	*out = ctx;
	return 0;
}

int ct_seccomp_check(enum cairn_ct_type t, struct cairn_err *e)
{
	scmp_filter_ctx ctx;
	int ret = build(t, &ctx, e);

	if (ret == 0)
		seccomp_release(ctx);
	return ret;
}

/* The compiled programs, by type. */
static struct {
	struct sock_filter *insns;
	size_t len;
} cache[2];

int ct_seccomp_prepare(enum cairn_ct_type t, struct cairn_err *e)
{
	scmp_filter_ctx ctx;
	size_t len = 0;
	void *buf;
	int ret;

	if (cache[t].insns)
		return 0;
	ret = build(t, &ctx, e);
	if (ret < 0)
		return ret;
	ret = seccomp_export_bpf_mem(ctx, NULL, &len);
	buf = ret == 0 && len ? malloc(len) : NULL;
	if (!buf || seccomp_export_bpf_mem(ctx, buf, &len) < 0) {
		free(buf);
		seccomp_release(ctx);
		return cairn_err_set(e, -ENOMEM, "seccomp: cannot export the filter");
	}
	seccomp_release(ctx);
	cache[t].insns = buf;
	cache[t].len = len / sizeof(struct sock_filter);
	return 0;
}

int ct_seccomp_apply(enum cairn_ct_type t, struct cairn_err *e)
{
	struct sock_fprog prog;
	int ret = ct_seccomp_prepare(t, e);

	if (ret < 0)
		return ret;
	prog.len = (unsigned short)cache[t].len;
	prog.filter = cache[t].insns;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return cairn_err_sys(e, -errno, "load the seccomp filter");
	return 0;
}
