/* kvm.h - does KVM really work here? (kvm.c) */
#ifndef CAIRN_VM_KVM_H
#define CAIRN_VM_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Run a few guest instructions under /dev/kvm in a child process, with a
 * timeout: a /dev/kvm can exist and still hang a guest (nested virt gone
 * wrong).  true if the guest reached its HLT; why says what happened.
 * The child runs as uid:gid (plus the kvm group if there is one): what
 * counts is whether QEMU, as that user, can use KVM.  Blocks up to
 * timeout_ms. */
bool kvm_probe(unsigned timeout_ms, uid_t uid, gid_t gid, char *why, size_t size);

#endif
