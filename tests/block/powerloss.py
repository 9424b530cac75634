#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Power-loss test for kemu's qcow2 driver.

kill -9 (tests/block/crash.sh) only loses what the process had not yet
handed to the kernel. A power cut also loses what the kernel had not yet
written: anything after the last completed fdatasync, in any order. This
test records every write, truncate, fallocate and flush kemu-io makes to an
image (tests/block/powerloss-shim.c, LD_PRELOAD), then for random cut points
builds the image a power cut there could leave: all operations up to the
last flush before the cut, and a random subset of the 4 KiB pieces of the
writes after it (page-cache writeback has no order). Each such image must:
  - pass `qemu-img check` and `kemu-img check` (exit 0, or 3 for leaks;
    `kemu-img check -r leaks` then leaves it clean for qemu-img),
  - hold every write acknowledged by a flush before the cut, and in every
    other sector an old value or the pattern of a write that was in flight
    (tests/block/crash-verify.py).
Workloads: random writes of up to 128 KiB, 4 in flight, a flush every 16,
on images with 512 B, 4 KiB and 64 KiB clusters and with 32 KiB clusters
of extended L2 entries (1 KiB subclusters), a third of them with an
internal snapshot so that writes copy shared clusters and drop references.

    powerloss.py BUILD_DIR [RUNS] [CUTS_PER_RUN] [SEED]

Prints "PASS powerloss (...)" or "FAIL powerloss: ..." (exit 1); the
failing image and log are kept in /tmp/kemu-powerloss-failed/.
"""
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

REC = struct.Struct("<IIQQ")
PIECE = 4096
FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE = 1, 2, 0x10


def read_log(path):
    """The recorded operations: (type, mode, off, len, data) in kernel order."""
    ops = []
    with open(path, "rb") as f:
        d = f.read()
    i = 0
    while i + REC.size <= len(d):
        t, mode, off, ln = REC.unpack_from(d, i)
        i += REC.size
        data = None
        if t in (ord("W"), ord("M")):
            data = d[i:i + ln]
            i += ln
        ops.append((chr(t), mode, off, ln, data))
    return ops


def apply_op(f, op, keep_piece):
    """Apply one operation to the open image file f; keep_piece() decides
    for each 4 KiB piece of a write (and each other change) whether it
    reached the disk."""
    t, mode, off, ln, data = op
    if t == "W":
        pos = off
        while pos < off + ln:
            end = min(off + ln, (pos // PIECE + 1) * PIECE)
            if keep_piece():
                f.seek(pos)
                f.write(data[pos - off:end - off])
            pos = end
    elif t == "T":
        if keep_piece():
            f.truncate(off)
    elif t == "Z":
        if not keep_piece():
            return
        size = os.fstat(f.fileno()).st_size
        end = off + ln
        if mode & FALLOC_FL_KEEP_SIZE:
            end = min(end, size)
        if mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE):
            if end > off:
                f.seek(off)
                f.write(bytes(end - off))
        elif end > size:
            f.truncate(end)
    elif t == "X":
        raise RuntimeError("the process used an operation the replayer cannot model (pwritev or write)")


def preload(binary, shim):
    """LD_PRELOAD for binary: a sanitizer runtime it links must come first."""
    libs = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, text=True).stdout
    first = [p.split("=>")[1].split()[0] for p in libs.splitlines()
             if "=>" in p and ("libasan" in p or "libubsan" in p) and "/" in p.split("=>")[1]]
    return ":".join(first + [shim])


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


class Failure(Exception):
    pass


def check_image(kimg, verify, trial, raw, log0, visible, where):
    """The checks on one power-cut image; returns True if it had leaks."""
    q = run(["qemu-img", "check", "-f", "qcow2", trial])
    if q.returncode not in (0, 3):
        raise Failure(f"{where}: qemu-img check exit {q.returncode}: {q.stdout[:600]}")
    k = run([kimg, "check", "-f", "qcow2", trial])
    if k.returncode not in (0, 3):
        raise Failure(f"{where}: kemu-img check exit {k.returncode}: {k.stdout[:600]}")
    c = run(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", trial, raw])
    if c.returncode != 0:
        raise Failure(f"{where}: qemu-img convert failed: {c.stdout[:400]}")
    # one log: the first generation (all flushed) numbered before the recorded run
    lines = []
    for line in log0.splitlines():
        p = line.split()
        if p and p[0] in ("W", "F"):
            lines.append(line)
    for line in visible.splitlines(keepends=True):
        if not line.endswith("\n"):
            break
        p = line.split()
        if p and p[0] == "W":
            lines.append(f"W {int(p[1]) + 1000000} {p[2]} {p[3]} {p[4]}")
        elif p and p[0] == "F":
            lines.append(f"F {int(p[1]) + 1000000}")
    logf = raw + ".log"
    with open(logf, "w") as f:
        f.write("\n".join(lines) + "\n")
    v = run([sys.executable, verify, logf, raw, "0"])
    if v.returncode != 0:
        raise Failure(f"{where}: data: {v.stdout.strip()}")
    if q.returncode == 3:
        r = run([kimg, "check", "-r", "leaks", "-f", "qcow2", trial])
        q2 = run(["qemu-img", "check", "-f", "qcow2", trial])
        if q2.returncode != 0:
            raise Failure(f"{where}: after kemu-img check -r leaks (exit {r.returncode}), "
                          f"qemu-img check exit {q2.returncode}: {q2.stdout[:400]}")
        return True
    return False


def one_run(build, tmp, r, ncuts, rng):
    kimg = os.path.join(build, "tools", "kemu-img")
    kio = os.path.join(build, "tools", "kemu-io")
    shim = os.path.join(build, "tools", "powerloss-shim.so")
    verify = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crash-verify.py")
    cs, extl2 = ((512, False), (4096, False), (65536, False), (32768, True))[r % 4]
    snapshot = r % 3 == 1	# with r % 4: every pairing within 12 runs
    img, start, log = (os.path.join(tmp, n) for n in ("img.qcow2", "start.qcow2", "ops.log"))
    durable, trial, raw = (os.path.join(tmp, n) for n in ("durable.qcow2", "trial.qcow2", "trial.raw"))
    for p in (img, start, log):
        if os.path.exists(p):
            os.unlink(p)
    opts = f"cluster_size={cs}" + (",extended_l2=on" if extl2 else "")
    c = run([kimg, "create", "-q", "-f", "qcow2", "-o", opts, img, "8M"])
    if c.returncode:
        raise Failure(f"run {r}: create: {c.stdout}")
    g0 = subprocess.run([kio, "-f", "qcow2", "-c", f"randwrite {rng.randrange(1 << 30)} 64 64k 4", img],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if g0.returncode:
        raise Failure(f"run {r}: first generation: {g0.stderr}")
    if snapshot:
        s = run(["qemu-img", "snapshot", "-c", "before", img])
        if s.returncode:
            raise Failure(f"run {r}: snapshot: {s.stdout}")
    shutil.copyfile(img, start)
    env = dict(os.environ, KEMU_POWERLOSS_FILE=img, KEMU_POWERLOSS_LOG=log, LD_PRELOAD=preload(kio, shim))
    rec = subprocess.run([kio, "-f", "qcow2", "-c", f"randwrite {rng.randrange(1 << 30)} 240 128k 4", img],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if rec.returncode:
        raise Failure(f"run {r}: recorded run failed: {rec.stderr}")
    ops = read_log(log)
    flushes = [i for i, op in enumerate(ops) if op[0] == "F"]
    if not flushes or not any(op[0] == "M" for op in ops):
        raise Failure(f"run {r}: nothing recorded (is {shim} preloaded?)")
    cuts = sorted(rng.randrange(len(ops) + 1) for _ in range(ncuts))
    shutil.copyfile(start, durable)
    applied = 0
    leaks = 0
    with open(durable, "r+b") as df:
        for c in cuts:
            last_flush = max([i for i in flushes if i < c], default=-1)
            for op in ops[applied:last_flush + 1]:
                apply_op(df, op, lambda: True)
            applied = max(applied, last_flush + 1)
            df.flush()
            shutil.copyfile(durable, trial)
            keep = rng.choice((0.0, 0.3, 0.5, 0.7, 1.0))
            with open(trial, "r+b") as tf:
                for op in ops[last_flush + 1:c]:
                    apply_op(tf, op, lambda: rng.random() < keep)
            visible = b"".join(op[4] for op in ops[:c] if op[0] == "M").decode()
            where = (f"run {r} (cluster {cs}{', extended L2' if extl2 else ''}"
                     f"{', snapshot' if snapshot else ''}) cut at op {c} of "
                     f"{len(ops)}, {c - last_flush - 1} ops after the last flush kept with p={keep}")
            try:
                leaks += check_image(kimg, verify, trial, raw, g0.stdout, visible, where)
            except Failure:
                keepdir = "/tmp/kemu-powerloss-failed"
                os.makedirs(keepdir, exist_ok=True)
                for p in (trial, start, log):
                    shutil.copy(p, keepdir)
                raise
    return len(ops), leaks


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    build = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    ncuts = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else random.randrange(1 << 30)
    if not shutil.which("qemu-img"):
        print("SKIP powerloss: qemu-img not installed")
        return 0
    if not os.path.exists(os.path.join(build, "tools", "powerloss-shim.so")):
        print(f"FAIL powerloss: {build}/tools/powerloss-shim.so not built")
        return 1
    rng = random.Random(seed)
    total_ops = total_leaks = 0
    with tempfile.TemporaryDirectory(prefix="kemu-powerloss.", dir="/var/tmp") as tmp:
        for r in range(runs):
            try:
                n, leaks = one_run(build, tmp, r, ncuts, rng)
            except (Failure, RuntimeError) as e:
                print(f"FAIL powerloss (seed {seed}): {e}")
                return 1
            total_ops += n
            total_leaks += leaks
    print(f"PASS powerloss ({runs} recorded runs, {total_ops} operations, {runs * ncuts} power cuts, "
          f"{total_leaks} left leaked clusters, all repaired; seed {seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
