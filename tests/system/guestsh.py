#!/usr/bin/env python3
"""tests/system/guestsh.py SOCK TIMEOUT COMMAND: run COMMAND in the guest's
test shell (a non-interactive busybox sh on ttyS1, started by the `shell`
service of tests/system/shell.conf, reached through QEMU's unix socket
chardev), print its output and exit with its status.  Exit 124 if no
answer within TIMEOUT seconds (e.g. the shell is not up yet).

The command is followed by an echo of a marker split by quotes, so the
marker is only found in the shell's output, never in a terminal echo of
the input."""
import os
import re
import socket
import sys
import time


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: guestsh.py SOCK TIMEOUT COMMAND")
    path, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    tag = "%d%d" % (os.getpid(), int(time.time() * 1000) % 100000)
    done = re.compile(r"__RC=(\d+)__\s*__DONE%s__" % tag)
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(0.2)
    s.sendall(("{ %s\n} 2>&1; echo \"__RC=$?__\"; echo __DO''NE%s__\n"
               % (cmd, tag)).encode())
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        buf += chunk
        text = buf.decode("utf-8", "replace").replace("\r", "")
        m = done.search(text)
        if m:
            out = text[:m.start()]
            # Drop a terminal echo of the command, if the tty echoed it.
            echo = out.rfind("__DO''NE%s__\n" % tag)
            if echo >= 0:
                out = out[echo + len("__DO''NE%s__\n" % tag):]
            sys.stdout.write(out)
            sys.exit(int(m.group(1)))
    sys.stdout.write(buf.decode("utf-8", "replace"))
    sys.exit(124)


if __name__ == "__main__":
    main()
