/* drop.c - the last steps before a process inside runs: the container's
 * init and every `cairnctl exec` take the same ones, in this order:
 * no_new_privs (app), bounding set and capabilities, ids, seccomp last
 * (its list denies what the steps before it need). */
#include "ct.h"

#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

int ct_drop(enum cairn_ct_type t, uint32_t uid, uint32_t gid, struct cairn_err *e)
{
	gid_t g = gid;
	int ret;

	if (t == CAIRN_CT_APP && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cairn_err_sys(e, -errno, "no_new_privs");
	ret = ct_caps_apply(t, e);
	if (ret < 0)
		return ret;
	if (setgroups(1, &g) < 0)
		return cairn_err_sys(e, -errno, "setgroups");
	if (setresgid(gid, gid, gid) < 0)
		return cairn_err_sys(e, -errno, "setgid %u", gid);
	/* a uid other than 0 loses every capability here */
	if (setresuid(uid, uid, uid) < 0)
		return cairn_err_sys(e, -errno, "setuid %u", uid);
	/* without CAP_SYS_ADMIN the kernel takes a filter only with
	 * no_new_privs: so a system container's non-root process has it */
	if (t == CAIRN_CT_SYSTEM && uid != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cairn_err_sys(e, -errno, "no_new_privs");
	return ct_seccomp_apply(t, e);
}
