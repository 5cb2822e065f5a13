/* stage1.c - from the initramfs to the real root, as one sequence:
 *
 *   1. mount /proc, /sys, /dev; attach the console; read the command line
 *   2. load the modules listed in the initramfs's /etc/cairn/modules
 *   3. wait for the root partition: cairn.root=LABEL, else cairn-root-<slot>
 *   4. verity_setup(): wait for cairn-verity-<slot>, set up dm-verity with
 *      cairn.roothash (verity.h), prove it by reading the first block
 *   5. mount the squashfs read-only on /newroot
 *   6. switch_root and exec stage 2 (/usr/sbin/cairn-init --stage2)
 *
 * A failure says why on the console, then opens an emergency shell if
 * cairn.debug is set, else reboots after 10 s.  PID 1 never exits. */
#include "stages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "console.h"
#include "modules.h"
#include "mounts.h"
#include "partition.h"
#include "shutdown.h"
#include "switchroot.h"
#include "verity.h"

#define NEWROOT          "/newroot"
#define ROOT_WAIT_MS     30000
#define FAIL_REBOOT_MS   10000
#define EMERGENCY_SHELL  "/bin/sh"

/* Run the busybox shell on the console until it exits. */
static void emergency_shell(void)
{
	say("starting an emergency shell (%s); exit it to reboot", EMERGENCY_SHELL);
	pid_t pid = fork();
	if (pid < 0) {
		say_err(-errno, "fork for the emergency shell");
		return;
	}
	if (pid == 0) {
		setsid();
		ioctl(0, TIOCSCTTY, 1); /* job control needs a controlling tty */
		execl(EMERGENCY_SHELL, "sh", (char *)NULL);
		say_err(-errno, "exec %s", EMERGENCY_SHELL);
		_exit(127);
	}
	/* Reap whatever the shell leaves behind until the shell itself ends. */
	for (;;) {
		int status;
		pid_t p = wait(&status);
		if (p == pid || (p < 0 && errno == ECHILD))
			return;
	}
}

static _Noreturn void fail(const struct init_opts *o, const char *why)
{
	say("stage 1 failed: %s", why);
	if (o->debug)
		emergency_shell();
	else
		say("rebooting in %d s (add cairn.debug to the kernel command line for a shell)",
		    FAIL_REBOOT_MS / 1000);
	sleep(FAIL_REBOOT_MS / 1000);
	power_final(POWER_REBOOT, false);
}

_Noreturn void stage1_run(struct init_opts *o)
{
	char why[256], label[96], raw[128], dev[128];

	/* 1 */
	int r = mount_api_filesystems();
	console_attach();
	say("stage 1 (initramfs)");
	if (r < 0)
		fail(o, "cannot mount /proc, /sys or /dev");
	reboot(RB_DISABLE_CAD);
	cmdline_read(o);
	console_set_debug(o->debug);

	/* 2 */
	if (modules_load_list(MODULES_LIST) != 0)
		say("some modules failed to load; trying to go on");

	/* 3 */
	if (o->root_label[0])
		snprintf(label, sizeof(label), "%s", o->root_label);
	else
		snprintf(label, sizeof(label), "cairn-root-%s", o->slot);
	r = partition_wait(label, ROOT_WAIT_MS, raw, sizeof(raw));
	if (r < 0) {
		snprintf(why, sizeof(why), "root partition \"%s\" not found", label);
		fail(o, why);
	}

	/* 4 */
	if (verity_setup(o, raw, dev, sizeof(dev), why, sizeof(why)) < 0)
		fail(o, why);

	/* 5 */
	if (mkdir(NEWROOT, 0755) < 0 && errno != EEXIST)
		fail(o, "cannot create " NEWROOT);
	if (mount(dev, NEWROOT, "squashfs", MS_RDONLY, NULL) < 0) {
		/* Through dm-verity, EIO is what a block that fails its hash
		 * reads as: say so, the kernel's line above names the block. */
		bool verity = strcmp(dev, raw) != 0 && errno == EIO;
		snprintf(why, sizeof(why), "mounting %s (squashfs) on " NEWROOT ": %s%s", dev,
			 strerror(errno),
			 verity ? " (dm-verity: a block of the root did not verify)" : "");
		fail(o, why);
	}
	say("mounted %s read-only on " NEWROOT, dev);
	if (access(NEWROOT STAGE2_PATH, X_OK) < 0) {
		umount(NEWROOT);
		fail(o, "the root image has no executable " STAGE2_PATH);
	}

	/* 6 */
	char *const argv[] = { STAGE2_PATH, "--stage2", NULL };
	switch_root(NEWROOT, argv);
	/* The initramfs may be half gone now; the shell may be gone too. */
	fail(o, "switch_root failed");
}
