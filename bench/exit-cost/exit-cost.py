#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Exit-cost benchmark (a benchmark, not a test: it prints figures, never fails
on them): nanoseconds per KVM exit for

  floor  the bare minimum: ../shared/tools/kvm-exit-floor.c (compiled here,
         not copied) running the firmware image itself (-m fw)
  qemu   Debian's qemu-system-x86_64 -accel kvm -machine pc -bios IMAGE
  kemu   build/kemu with the same command line
  kemu-accel  kemu's KVM accelerator and memory core alone, in-process like
         the floor (kemu-accel-exits.c, built against build/libkemu-core.a):
         what kemu's exit path costs before the CLI and board exist

on the same tiny guest: a 64 KiB firmware image (written by kvm-exit-floor
-b) that does N port writes (16-bit real mode, `out dx,al` to 0x3333) or N
MMIO writes to an unassigned address (flat 32-bit protected mode,
`mov [0xE0000000],al`), then leaves through isa-debug-exit; the script
patches the value written there to 0x2a, so exit status 85 proves that
the guest ran to its end (status 1 is also a VMM's user-error status).

QEMU and kemu are timed as whole processes with N and with N=0; the cost
per exit is (t(N) - t(0)) / N, which removes start-up and shut-down.
Each figure is the median of --runs runs (default 5); ratios are to the floor.

  bench/exit-cost/exit-cost.py [--build build] [-n 100000] [--runs 5]
                               [--floor-src PATH] [--only floor,qemu,kemu]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KINDS = ("pio", "mmio")
EXIT_VALUE = 0x2a
EXIT_STATUS = (EXIT_VALUE << 1) | 1


def compile_floor(src, outdir):
    exe = os.path.join(outdir, "kvm-exit-floor")
    subprocess.run(["cc", "-O2", "-Wall", "-o", exe, src], check=True)
    return exe


def kemu_link_args(build):
    """The link line meson uses for build/kemu (whatever libraries the core needs now)."""
    with open(os.path.join(build, "build.ninja")) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        if line.startswith("build kemu:") and i + 1 < len(lines):
            args = lines[i + 1].strip()
            if args.startswith("LINK_ARGS = "):
                return args[len("LINK_ARGS = "):].split()
    return None


def compile_accel_helper(build, outdir):
    """kemu-accel-exits.c against build/libkemu-core.a: kemu's KVM accelerator alone."""
    link = kemu_link_args(build)
    if not link or not os.path.exists(os.path.join(build, "libkemu-core.a")):
        return None
    exe = os.path.join(outdir, "kemu-accel-exits")
    glib = subprocess.run(["pkg-config", "--cflags", "glib-2.0"], check=True,
                          capture_output=True, text=True).stdout.split()
    obj = os.path.join(outdir, "kemu-accel-exits.o")
    subprocess.run(["cc", "-O2", "-D_GNU_SOURCE", "-I" + os.path.join(ROOT, "include"),
                    "-I" + ROOT, "-I" + build] + glib +
                   ["-c", os.path.join(HERE, "kemu-accel-exits.c"), "-o", obj], check=True)
    # meson's link line names libkemu-core.a relative to the build directory
    subprocess.run(["cc", "-o", exe, obj] + link, check=True, cwd=build)
    return exe


def summary_median(out, what):
    m = re.search(r"median ([0-9.]+) ns/iter", out)
    if not m:
        raise RuntimeError("%s: no SUMMARY line:\n%s" % (what, out))
    return float(m.group(1))


def accel_ns(exe, image, n, runs):
    out = subprocess.run([exe, "-b", image, "-n", str(n), "-r", str(runs)],
                         check=True, capture_output=True, text=True).stdout
    return summary_median(out, "kemu-accel-exits")


def floor_ns(exe, kind, n, runs):
    out = subprocess.run([exe, "-m", "fw", "-e", kind, "-n", str(n), "-r", str(runs)],
                         check=True, capture_output=True, text=True).stdout
    return summary_median(out, "kvm-exit-floor")


def vmm_cmd(binary, image):
    return [binary, "-accel", "kvm", "-machine", "pc", "-m", "16", "-bios", image,
            "-display", "none", "-nodefaults",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def time_process(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != EXIT_STATUS:
        raise RuntimeError("%s: exit status %d, expected %d (isa-debug-exit)\n%s"
                           % (" ".join(cmd), p.returncode, EXIT_STATUS, p.stderr.strip()))
    return dt


def patch_exit_value(img):
    """
    The image leaves with "mov al,0; out 0xf4,al" (status 1, which is also
    what a VMM exits with on a user error). Make it write EXIT_VALUE so that
    status (EXIT_VALUE << 1) | 1 proves the guest ran to its end.
    """
    with open(img, "r+b") as f:
        data = bytearray(f.read())
        pos = data.rfind(bytes([0xB0, 0x00, 0xE6, 0xF4]))
        if pos < 0:
            raise RuntimeError("%s: exit sequence not found" % img)
        data[pos + 1] = EXIT_VALUE
        f.seek(0)
        f.write(data)


def vmm_ns(binary, images, kind, n, runs):
    """Median over runs of (t(N) - t(0)) / N, runs interleaved."""
    per_exit = []
    for _ in range(runs):
        t_n = time_process(vmm_cmd(binary, images[(kind, n)]))
        t_0 = time_process(vmm_cmd(binary, images[(kind, 0)]))
        per_exit.append((t_n - t_0) / n * 1e9)
    return statistics.median(per_exit)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--floor-src",
                    default=os.path.join(ROOT, "..", "shared", "tools", "kvm-exit-floor.c"))
    ap.add_argument("--qemu", default=shutil.which("qemu-system-x86_64") or "")
    ap.add_argument("--only", default="floor,accel,qemu,kemu")
    args = ap.parse_args()
    only = set(args.only.split(","))

    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("SKIP: no /dev/kvm: the exit-cost benchmark needs KVM")
        return 0
    if not os.path.exists(args.floor_src):
        print("SKIP: %s not found (pass --floor-src)" % args.floor_src)
        return 0

    results = {}
    with tempfile.TemporaryDirectory(prefix="kemu-exit-cost-") as tmp:
        floor = compile_floor(args.floor_src, tmp)
        images = {}
        for kind in KINDS:
            for n in (args.n, 0):
                img = os.path.join(tmp, "bios-%s-%d.bin" % (kind, n))
                subprocess.run([floor, "-b", img, "-e", kind, "-n", str(n)], check=True)
                patch_exit_value(img)
                images[(kind, n)] = img
        kemu = os.path.join(args.build, "kemu")
        accel = compile_accel_helper(args.build, tmp) if "accel" in only else None
        # One run of every contender per round, rounds repeated: load on a
        # shared machine then spreads over all of them alike.
        samples = {kind: {} for kind in KINDS}
        for _ in range(args.runs):
            for kind in KINDS:
                row = samples[kind]
                if "floor" in only:
                    row.setdefault("floor", []).append(floor_ns(floor, kind, args.n, 1))
                if accel:
                    row.setdefault("accel", []).append(
                        accel_ns(accel, images[(kind, args.n)], args.n, 1))
                for name, binary in (("qemu", args.qemu), ("kemu", kemu)):
                    if name not in only or row.get(name) in ("missing", "failed"):
                        continue
                    if not binary or not os.path.exists(binary):
                        row[name] = "missing"
                        continue
                    try:
                        row.setdefault(name, []).append(vmm_ns(binary, images, kind, args.n, 1))
                    except RuntimeError as e:
                        row[name] = "failed"
                        print("%s %s: %s" % (name, kind, str(e).splitlines()[0]),
                              file=sys.stderr)
        for kind in KINDS:
            for name, v in samples[kind].items():
                results.setdefault(kind, {})[name] = (
                    statistics.median(v) if isinstance(v, list) else v)
                if isinstance(v, list):
                    results[kind][name + "_min"] = min(v)

    print("exit cost, ns per exit (median of %d runs, N=%d; guest: firmware image from "
          "kvm-exit-floor -b)" % (args.runs, args.n))
    print("%-5s %12s %12s %12s %12s %11s %11s %11s" % (
        "exit", "floor", "kemu-accel", "qemu", "kemu", "accel/floor", "qemu/floor",
        "kemu/floor"))

    def fmt(v):
        return "%12.1f" % v if isinstance(v, float) else "%12s" % v

    def ratio(v, f):
        if isinstance(v, float) and isinstance(f, float) and f > 0:
            return "%+10.1f%%" % ((v / f - 1) * 100)
        return "%11s" % "-"

    for kind in KINDS:
        r = results.get(kind, {})
        f = r.get("floor", "-")
        print("%-5s %s %s %s %s %s %s %s" % (
            kind, fmt(f), fmt(r.get("accel", "-")), fmt(r.get("qemu", "-")),
            fmt(r.get("kemu", "-")), ratio(r.get("accel"), f), ratio(r.get("qemu"), f),
            ratio(r.get("kemu"), f)))
    print("minimum over the runs: " + "; ".join(
        "%s %s" % (kind, " ".join("%s=%.1f" % (k[:-4], v) for k, v in sorted(results[kind].items())
                                   if k.endswith("_min")))
        for kind in KINDS))
    print("floor: kvm-exit-floor -m fw (in-process loop); kemu-accel: kemu's accelerator "
          "and memory core in-process (kemu-accel-exits.c);\nqemu/kemu: whole processes, "
          "(t(N) - t(0)) / N")
    return 0


if __name__ == "__main__":
    sys.exit(main())
