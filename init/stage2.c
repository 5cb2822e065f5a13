/* stage2.c - the real root comes up, then PID 1 supervises:
 *
 *   1. signals blocked into a signalfd first, so a SIGTERM during boot
 *      waits in the queue instead of being lost
 *   2. /proc /sys /dev if missing, /run, /tmp, /dev/pts, /dev/shm,
 *      cgroup2 on /sys/fs/cgroup (unified only)
 *   3. /var from the partition labelled cairn-data (ext4), first made
 *      ready by `cairnd --prepare-data` (grown, formatted if blank); a
 *      tmpfs if there is none, so the host still comes up
 *   4. /run/cairn, /run/cairn/pids, /var/log/cairn, /var/lib/cairn
 *   5. hostname, loopback, stage 2 modules, fd limit
 *   6. supervise (loop.c): cairnd, reaping, init socket, shutdown
 *
 * Nothing here is fatal: a missing piece is logged and boot goes on,
 * because a running host can be repaired remotely and a dead one cannot.
 * --container skips the hardware: /var partition, modules, power button,
 * ctrl-alt-del. */
#include "stages.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "console.h"
#include "host.h"
#include "initproto.h"
#include "loop.h"
#include "modules.h"
#include "mounts.h"
#include "partition.h"
#include "signals.h"
#include "util.h"

#define DATA_LABEL    "cairn-data"
#define DATA_WAIT_MS  5000
#define PREPARE_WAIT_MS 120000 /* mkfs of a large disk under emulation */
#define NOFILE_WANTED 65536 /* the fd store alone may hold 4096 */

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

static void mount_base(void)
{
	static const struct mount_spec base[] = {
		{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", 0 },
		{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 0 },
		{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "gid=5,mode=0620,ptmxmode=0666", DEVPTS_SUPER_MAGIC },
		{ "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", TMPFS_MAGIC },
	};
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		mount_one(&base[i]);

	struct mount_spec cg = { "cgroup2", "/sys/fs/cgroup", "cgroup2",
				 MS_NOSUID | MS_NODEV | MS_NOEXEC, "nsdelegate",
				 CGROUP2_SUPER_MAGIC };
	if (mount_one(&cg) < 0) {
		cg.data = NULL; /* older kernels, or a namespace that refuses it */
		mount_one(&cg);
	}
}

/* cairnd --prepare-data grows cairn-data to the end of the disk and gives
 * a blank one its ext4 (first boot), or grows an ext4 that no longer
 * fills it.  Bounded: a stuck tool costs a boot two minutes, never the
 * boot; its lines go to the console. */
static int prepare_data(const char *cairnd)
{
	int64_t deadline = now_ms() + PREPARE_WAIT_MS;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return say_err(-errno, "fork for %s --prepare-data", cairnd);
	if (pid == 0) {
		signals_reset_child();
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0)
			dup2(null, 0);
		char *const argv[] = { (char *)cairnd, "--prepare-data", NULL };
		execv(argv[0], argv);
		say_err(-errno, "exec %s", argv[0]);
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return say_err(-errno, "waiting for %s --prepare-data", cairnd);
		if (now_ms() >= deadline) {
			say("%s --prepare-data still running after %d s: killed", cairnd,
			    PREPARE_WAIT_MS / 1000);
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		sleep_ms(100);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		say("%s --prepare-data exited with status %d", cairnd, WEXITSTATUS(status));
	else
		say("%s --prepare-data killed by signal %d", cairnd, WTERMSIG(status));
	return -EIO;
}

static void mount_var(const struct init_opts *o)
{
	char dev[128];
	const struct mount_spec fallback = { "tmpfs", "/var", "tmpfs", MS_NOSUID | MS_NODEV,
					     "mode=0755", 0 };
	int r = partition_wait(DATA_LABEL, DATA_WAIT_MS, dev, sizeof(dev));
	if (r == 0) {
		/* Its failure is reported; the mount is tried all the same, an
		 * ext4 that could not be grown is still worth mounting. */
		prepare_data(o->cairnd);
		const struct mount_spec var = { dev, "/var", "ext4", MS_NOSUID | MS_NODEV, NULL, 0 };
		if (mount_one(&var) == 0) {
			say("mounted %s (%s) on /var", dev, DATA_LABEL);
			return;
		}
	}
	say("WARNING: no usable \"%s\" partition: /var is a tmpfs, nothing will persist",
	    DATA_LABEL);
	mount_one(&fallback);
}

static void make_dirs(void)
{
	static const struct { const char *path; mode_t mode; } dirs[] = {
		{ CAIRN_RUN_DIR, 0755 },
		{ CAIRN_PIDS_DIR, 0700 },
		{ "/var/log/cairn", 0755 },
		{ "/var/lib/cairn", 0755 },
	};
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int r = mkdir_p(dirs[i].path, dirs[i].mode);
		if (r < 0)
			say_err(r, "mkdir %s", dirs[i].path);
	}
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	rlim_t hard = rl.rlim_max;
	if (rl.rlim_max < NOFILE_WANTED)
		rl.rlim_max = NOFILE_WANTED;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		return;
	/* No CAP_SYS_RESOURCE (some containers): the hard limit will do. */
	rl.rlim_cur = rl.rlim_max = hard;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		say_err(-errno, "raising the open file limit");
	else if (hard < NOFILE_WANTED)
		say("open file limit %llu (wanted %d)", (unsigned long long)hard, NOFILE_WANTED);
}

_Noreturn void stage2_run(struct init_opts *o)
{
	/* 1 */
	int sigfd = signals_setup();
	if (sigfd < 0) {
		/* Without it no child would ever be reaped: keep trying. */
		while ((sigfd = signals_setup()) < 0)
			sleep(1);
	}
	if (o->container) {
		/* Our unmounts must never propagate to the host's namespace. */
		mounts_make_private();
	} else {
		mount_api_filesystems();
		console_attach();
		reboot(RB_DISABLE_CAD); /* ctrl-alt-del arrives as SIGINT */
		cmdline_read(o);
		console_set_debug(o->debug);
	}
	say("stage 2%s", o->container ? " (container mode)" : "");

	/* 2, 3, 4 */
	mount_base();
	if (!o->container)
		mount_var(o);
	make_dirs();

	/* 5 */
	hostname_setup(o->container);
	loopback_up();
	if (!o->container)
		modules_load_list(MODULES_LIST);
	raise_nofile();
	if (!getenv("PATH"))
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	/* cairnd owns host-wide settings (the hostname from [host]) only on a
	 * real machine, never in a test namespace that shares the host's. */
	if (!o->container)
		setenv("CAIRN_MANAGE_HOST", "1", 1);

	/* 6 */
	supervise(o, sigfd);
}
