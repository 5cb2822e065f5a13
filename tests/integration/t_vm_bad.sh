#!/bin/sh
# Bad VM input: a missing kernel, a missing disk (no size= to make it), a
# pool that is not mounted, a [network]
# whose name is a host link that is not a bridge (cairnd leaves it alone),
# more memory than the host has.  Each VM fails at
# start with a clear reason, before QEMU runs, and leaves nothing behind:
# no disk made (each has size=), no socket, no tap.  An unknown bridge in
# the file itself is refused with its line.
. "$(dirname "$0")/vm_lib.sh"
guest off
{
	printf '[pool gone]\nsource = %s/nosuchdir\nfs = dir\n' "$VMDISK"
	printf '[network nobr]\n'
	vm_section nokernel off "disk = $VMDISK/a.img,size=16M" "restart = no"
} > "$CONF"
sed -i "s|^kernel = $G/off/vmlinuz|kernel = $VMDISK/none/vmlinuz|" "$CONF"
{
	vm_section nopool off "disk = gone/b.img,size=16M" "restart = no"
	vm_section nobridge off "disk = $VMDISK/c.img,size=16M" "network = bridge:nobr" "restart = no"
	vm_section bigmem off "disk = $VMDISK/d.img,size=16M" "restart = no" "memory = 100000G"
	vm_section nodisk off "disk = $VMDISK/e.img" "restart = no"
} >> "$CONF"
ip link add nobr type veth peer name nobr-peer || fail "cannot make the link nobr (own netns: runner.sh)"
start_cairnd
reason() { sed -n 's/^reason //p' "$RUN/state/$1"; }
for v in nokernel nopool nobridge bigmem nodisk; do
	wait_for 100 state_is $v failed || fail "$v did not fail"
	echo "$v: $(reason $v)"
done
reason nokernel | grep -q "kernel $VMDISK/none/vmlinuz: No such file" || fail "nokernel: unclear reason"
reason nopool | grep -q "pool gone is not mounted" || fail "nopool: unclear reason"
reason nobridge | grep -q "bridge:nobr: nobr is not a bridge" || fail "nobridge: unclear reason"
reason bigmem | grep -q "more than the host has" || fail "bigmem: unclear reason"
reason nodisk | grep -q "disk $VMDISK/e.img (no size= to create it): No such file or directory" ||
	fail "nodisk: unclear reason"
ls "$VMDISK"/*.img 2>/dev/null && fail "a disk was made"
ls "$RUN"/console/* "$RUN"/vm/* 2>/dev/null && fail "sockets left behind"
ip link show vm-nobridge 2>/dev/null && fail "a tap was left"
grep -q "started, pid" "$ERR" && fail "QEMU was started"
# refused at parse time, with the line
printf '[vm x]\nkernel = /k\nnetwork = bridge:nope\n' > "$T/bad.conf"
"$OUT/cairnctl" config check "$T/bad.conf" 2>"$T/check.err" && fail "unknown bridge accepted"
grep -q "bad.conf:3: \[vm x\]: unknown network 'nope'" "$T/check.err" || { cat "$T/check.err"; fail "unclear parse error"; }
echo ok
