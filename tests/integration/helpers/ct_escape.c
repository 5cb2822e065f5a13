/* ct_escape.c - escape attempts made from inside a container, one per
 * argument; each prints "blocked NAME (errno text)" when the kernel or the
 * container refused it, "ESCAPED NAME" when it worked.  Exit status: the
 * number of escapes.  Raw syscalls, so no library wrapper hides a result. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

static int escapes;

static void judge(const char *name, long r)
{
	if (r < 0)
		printf("blocked %s (%s)\n", name, strerror(errno));
	else {
		printf("ESCAPED %s\n", name);
		escapes++;
	}
}

static long try(const char *what)
{
	if (!strcmp(what, "mount"))
		return mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	if (!strcmp(what, "remount-root"))
		return mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL);
	if (!strcmp(what, "module"))
		return syscall(SYS_init_module, "", 0, "");
	if (!strcmp(what, "finit_module")) {
		int fd = open("/bin/busybox", O_RDONLY);

		return syscall(SYS_finit_module, fd, "", 0);
	}
	if (!strcmp(what, "mknod-block"))
		return mknod("/tmp/sda", S_IFBLK | 0600, makedev(8, 0));
	if (!strcmp(what, "mknod-mem"))
		return mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1));
	if (!strcmp(what, "ptrace"))
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	if (!strcmp(what, "userns"))
		return unshare(CLONE_NEWUSER);
	if (!strcmp(what, "keyctl"))
		return syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "escape");
	if (!strcmp(what, "add_key"))
		return syscall(SYS_add_key, "user", "k", "v", 1, KEY_SPEC_PROCESS_KEYRING);
	if (!strcmp(what, "bpf")) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 1;
		return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	}
	if (!strcmp(what, "reboot"))
		return syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			       LINUX_REBOOT_CMD_CAD_OFF, NULL);
	if (!strcmp(what, "sethostname"))
		return sethostname("escaped", 7);
	if (!strcmp(what, "settimeofday")) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		return settimeofday(&tv, NULL);
	}
	if (!strcmp(what, "sysrq")) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY);

		return fd < 0 ? -1 : write(fd, "h", 1);
	}
	if (!strcmp(what, "kcore")) {
		char b[16];
		int fd = open("/proc/kcore", O_RDONLY);
		long n = fd < 0 ? -1 : read(fd, b, sizeof(b));

		if (n == 0)
			errno = ENODATA;   /* masked: /dev/null reads empty */
		return n > 0 ? n : -1;
	}
	if (!strcmp(what, "proc-sys")) {
		int fd = open("/proc/sys/kernel/hostname", O_WRONLY);

		return fd < 0 ? -1 : write(fd, "escaped", 7);
	}
	if (!strcmp(what, "setns")) {
		int fd = open("/proc/1/ns/mnt", O_RDONLY);

		return fd < 0 ? -1 : setns(fd, 0);
	}
	if (!strcmp(what, "open_by_handle")) {
		char buf[sizeof(struct file_handle) + 128];
		struct file_handle *fh = (struct file_handle *)buf;

		fh->handle_bytes = 8;
		fh->handle_type = 1;
		memset(fh->f_handle, 0, 8);
		return syscall(SYS_open_by_handle_at, AT_FDCWD, fh, O_RDONLY);
	}
	if (!strcmp(what, "perf"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(what, "chroot-escape")) {
		/* the classic: a chroot below us, then .. past it */
		if (mkdir("/tmp/jail", 0700) < 0 && errno != EEXIST)
			return -1;
		if (chroot("/tmp/jail") < 0)
			return -1;
		for (int k = 0; k < 64; k++)
			if (chdir("..") < 0)
				return -1;
		if (chroot(".") < 0)
			return -1;
		/* out only if the host's /etc/cairn or cairnd is visible */
		if (access("/var/lib/cairn/config/current.conf", F_OK) == 0)
			return 0;
		errno = ENOENT;
		return -1;
	}
	errno = EINVAL;
	fprintf(stderr, "unknown attempt %s\n", what);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "ids")) {
		printf("euid=%d egid=%d\n", (int)geteuid(), (int)getegid());
		return 0;
	}
	for (int k = 1; k < argc; k++) {
		errno = 0;
		judge(argv[k], try(argv[k]));
		fflush(stdout);
	}
	return escapes;
}
