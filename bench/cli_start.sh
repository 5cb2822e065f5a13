#!/bin/sh
# bench/cli_start.sh [OUT] [N] - how long a cairnctl command takes to
# start and end when it has nothing to do (no cairnd: it fails at
# connect), against /bin/true, the floor of starting a process; median of
# N (400) each, inside the build root (the image's libraries).  Every
# `cairnctl` command pays this first.
set -eu
exec mk/inroot.sh python3 - "${1:-build/out}" "${2:-400}" <<'P'
import statistics, subprocess, sys, time
out, n = sys.argv[1], int(sys.argv[2])
def median_ms(cmd):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1000
ctl = median_ms([out + "/cairnctl", "--socket", "/nonexistent", "list"])
floor = median_ms(["/bin/true"])
print(f"process start to end, median of {n} (ms, Python's fork+exec+wait included):")
print(f"  cairnctl (fails at connect)  {ctl:6.2f}")
print(f"  /bin/true (the floor)        {floor:6.2f}")
print(f"  cairnctl adds {ctl - floor:.2f} ms")
P
