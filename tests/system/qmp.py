#!/usr/bin/env python3
"""tests/system/qmp.py SOCK COMMAND [JSON-ARGS]: run one QMP command on
QEMU's QMP unix socket and print its "return" as JSON.  Events that arrive
meanwhile are skipped.  Exit 1 on a QMP error or a 10 s timeout."""
import json
import socket
import sys


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit("usage: qmp.py SOCK COMMAND [JSON-ARGS]")
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    f = s.makefile("rw")

    def call(cmd, args=None):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        f.write(json.dumps(msg) + "\n")
        f.flush()
        while True:
            line = f.readline()
            if not line:
                raise SystemExit(f"qmp: connection closed during {cmd}")
            r = json.loads(line)
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise SystemExit(f"qmp: {cmd}: {r['error'].get('desc')}")

    json.loads(f.readline())  # the greeting
    call("qmp_capabilities")
    args = json.loads(sys.argv[3]) if len(sys.argv) == 4 else None
    print(json.dumps(call(sys.argv[2], args)))


if __name__ == "__main__":
    main()
