#!/usr/bin/env python3
"""image-build/gpt.py DISK [LABEL]: list a GPT disk image's partitions as
"LABEL OFFSET SIZE" (bytes), or print "OFFSET SIZE" of the one named LABEL
(exit 1 if absent).  Runs on the host, where sfdisk may be missing, so that
run.sh and the system tests can reach one partition of a disk image file
without loop devices."""
import struct
import sys


def partitions(path):
    with open(path, "rb") as f:
        f.seek(512)
        hdr = f.read(92)
        if hdr[:8] != b"EFI PART":
            raise SystemExit(f"gpt.py: {path}: no GPT header")
        lba, count, esize = struct.unpack_from("<QII", hdr, 72)
        f.seek(lba * 512)
        table = f.read(count * esize)
    for i in range(count):
        e = table[i * esize:(i + 1) * esize]
        if e[:16] == bytes(16):
            continue
        first, last = struct.unpack_from("<QQ", e, 32)
        name = e[56:128].decode("utf-16-le").rstrip("\0")
        yield name, first * 512, (last - first + 1) * 512


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: gpt.py DISK [LABEL]")
    parts = list(partitions(sys.argv[1]))
    if len(sys.argv) == 2:
        for p in parts:
            print(*p)
        return
    for name, off, size in parts:
        if name == sys.argv[2]:
            print(off, size)
            return
    sys.exit(1)


if __name__ == "__main__":
    main()
