/* caps.c - capabilities inside a container (libcap).
 *
 * App containers keep Docker's default set, and only those in their
 * bounding set, so nothing exec'd later can regain another.  System
 * containers keep nearly everything (a distribution's init needs it, and
 * every capability is only good within the container's user namespace)
 * but, as LXC, the few that only ever act on the host (modules, raw I/O,
 * the clock, the MAC policy): their syscalls are denied anyway, and
 * without them in the bounding set systemd skips the units that need
 * them (systemd-modules-load, sys-kernel-debug.mount...) instead of
 * failing them. */
#include "ct.h"

#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static const int app_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
	CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
	CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};
#define N_APP (sizeof(app_caps) / sizeof(app_caps[0]))
static const int system_drop[] = {
	CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_MAC_ADMIN, CAP_MAC_OVERRIDE,
};

const int *ct_caps_app(size_t *n)
{
	*n = N_APP;
	return app_caps;
}

static bool kept(int c)
{
	for (size_t k = 0; k < N_APP; k++)
		if (app_caps[k] == c)
			return true;
	return false;
}

int ct_caps_apply(enum cairn_ct_type t, struct cairn_err *e)
{
	cap_value_t list[64];
	cap_t caps;
	int n = 0;

	if (t == CAIRN_CT_SYSTEM) {
		for (size_t k = 0; k < sizeof(system_drop) / sizeof(system_drop[0]); k++)
			if (prctl(PR_CAPBSET_DROP, system_drop[k], 0, 0, 0) < 0)
				return cairn_err_sys(e, -errno, "drop capability %d from the bounding set",
						     system_drop[k]);
		return 0;
	}
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (!kept(c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return cairn_err_sys(e, -errno, "drop capability %d from the bounding set", c);
	caps = cap_init();
	if (!caps)
		return cairn_err_sys(e, -errno, "cap_init");
	for (size_t k = 0; k < N_APP; k++)
		list[n++] = app_caps[k];
	if (cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_INHERITABLE, n, list, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0) {
		int ret = -errno;

		cap_free(caps);
		return cairn_err_sys(e, ret, "set capabilities");
	}
	cap_free(caps);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}
