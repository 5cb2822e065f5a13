/* qemu_args.c - QEMU's command line for one VM (qemu_args.h).
 *
 * -nodefaults and nothing implicit: every device is named here.  Sockets
 * and the tap come as descriptors cairnd made (fd=), so QEMU, running as
 * an unprivileged user under -sandbox, creates no file of its own; the
 * serial console's output is also logged to QEMU's stdout, which is the
 * instance's log pipe.  A guest panic (pvpanic) makes QEMU exit non-zero:
 * a failure for the restart policy. */
#include "qemu_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

struct args {
	char **v;
	bool oom;
};

static void add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->oom)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0 || cairn_strv_push(&a->v, s) < 0)
		a->oom = true;
	va_end(ap);
}

int qemu_args_build(const struct qemu_plan *p, char ***argv, struct cairn_err *e)
{
	const struct cairn_vm *vm = p->vm;
	struct args a = { 0 };

	add(&a, "%s", p->qemu);
	add(&a, "-name");
	add(&a, "%s", p->name);
	add(&a, "-nodefaults");
	add(&a, "-no-user-config");
	add(&a, "-display");
	add(&a, "none");
	add(&a, "-machine");
	add(&a, "q35");
	add(&a, "-accel");
	add(&a, "%s", p->kvm ? "kvm" : "tcg,thread=single");
	add(&a, "-cpu");
	add(&a, "%s", p->kvm ? "host" : "max");
	add(&a, "-m");
	add(&a, "%lluM", (unsigned long long)(vm->memory >> 20));
	add(&a, "-smp");
	add(&a, "%u", vm->cpus);
	add(&a, "-sandbox");
	add(&a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	add(&a, "-msg");
	add(&a, "timestamp=off");
	add(&a, "-chardev");
	add(&a, "socket,id=qmp,fd=%d,server=on,wait=off", QEMU_FD_QMP);
	add(&a, "-mon");
	add(&a, "chardev=qmp,mode=control");
	/* the log pipe as an fd set: reopening /proc/self/fd/1 is refused to
	 * QEMU's user (the pipe is cairnd's) */
	add(&a, "-add-fd");
	add(&a, "fd=%d,set=1,opaque=log", QEMU_FD_LOG);
	add(&a, "-chardev");
	add(&a, "socket,id=console,fd=%d,server=on,wait=off,logfile=/dev/fdset/1,logappend=on",
	    QEMU_FD_CONSOLE);
	add(&a, "-serial");
	add(&a, "chardev:console");
	add(&a, "-device");
	add(&a, "pvpanic");
	add(&a, "-action");
	add(&a, "panic=exit-failure");
	if (vm->firmware == CAIRN_VM_UEFI) {
		add(&a, "-drive");
		add(&a, "if=pflash,format=raw,unit=0,readonly=on,file=%s", p->ovmf_code);
		add(&a, "-drive");
		add(&a, "if=pflash,format=raw,unit=1,file=%s", p->ovmf_vars);
	}
	if (vm->kernel) {
		add(&a, "-kernel");
		add(&a, "%s", vm->kernel);
		if (vm->initrd) {
			add(&a, "-initrd");
			add(&a, "%s", vm->initrd);
		}
		add(&a, "-append");
		add(&a, "%s", vm->cmdline ? vm->cmdline : "console=ttyS0");
	}
	for (size_t k = 0; k < vm->n_disks; k++) {
		/* the config refuses commas in paths: nothing to escape */
		/* a drive and its device apart: bootindex is the device's
		 * (QEMU refuses it on -drive if=virtio) */
		add(&a, "-drive");
		add(&a, "file=%s,format=%s,if=none,id=disk%zu%s", p->disks[k],
		    vm->disks[k].format == CAIRN_VM_QCOW2 ? "qcow2" : "raw", k,
		    vm->disks[k].readonly ? ",readonly=on" : ",discard=unmap");
		add(&a, "-device");
		add(&a, "virtio-blk-pci,drive=disk%zu%s", k,
		    k == 0 && !vm->kernel ? ",bootindex=0" : "");
	}
	if (p->tap) {
		add(&a, "-netdev");
		add(&a, "tap,id=net0,fd=%d", QEMU_FD_TAP);
		add(&a, "-device");
		add(&a, "virtio-net-pci,netdev=net0,mac=%s,romfile=", p->mac);
	}
	if (a.oom) {
		cairn_strv_free(a.v);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	*argv = a.v;
	return 0;
}
