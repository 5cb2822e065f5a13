#!/usr/bin/env python3
"""tests/system/guestsh.py PIPE TIMEOUT COMMAND: run COMMAND in the guest's
test shell (a non-interactive busybox sh on ttyS1, started by the `shell`
service of tests/system/shell.conf), print its output and exit with its
status; 124 if no answer within TIMEOUT seconds (the shell is not up yet).

ttyS1 is QEMU's `-serial pipe:PIPE`: the FIFOs PIPE.in (to the guest) and
PIPE.out (from it).  FIFOs, not a socket chardev: QEMU holds both ends
open, so nothing is lost or held back between two calls, where a unix
socket's reconnects were seen to delay the guest's output to the next
client.  The command is followed by an echo of a marker split by quotes,
so the marker is only found in the shell's output, never in an echo of
the input.

QEMU's emulated 16550 was seen to keep the last few bytes of an input
burst in its receive FIFO until more input arrived, so while waiting we
nudge it with empty lines, which the shell ignores."""
import os
import re
import select
import sys
import time


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: guestsh.py PIPE TIMEOUT COMMAND")
    pipe, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    tag = "%d%d" % (os.getpid(), int(time.time() * 1000) % 100000)
    done = re.compile(r"__RC=(\d+)__\s*__DONE%s__" % tag)
    rfd = os.open(pipe + ".out", os.O_RDONLY | os.O_NONBLOCK)
    try:  # drop what an earlier, timed-out command left behind
        while os.read(rfd, 65536):
            pass
    except BlockingIOError:
        pass
    wfd = os.open(pipe + ".in", os.O_WRONLY)
    os.write(wfd, ("{ %s\n} 2>&1; echo \"__RC=$?__\"; echo __DO''NE%s__\n"
                   % (cmd, tag)).encode())
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not select.select([rfd], [], [], 0.2)[0]:
            os.write(wfd, b"\n" * 8)
            continue
        try:
            chunk = os.read(rfd, 65536)
        except BlockingIOError:
            continue
        buf += chunk
        text = buf.decode("utf-8", "replace").replace("\r", "")
        m = done.search(text)
        if m:
            sys.stdout.write(text[:m.start()].lstrip("\n"))
            sys.exit(int(m.group(1)))
    sys.stdout.write(buf.decode("utf-8", "replace"))
    sys.exit(124)


if __name__ == "__main__":
    main()
