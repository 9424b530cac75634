#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check an image after kemu-io's randwrite was killed.

Usage: crash-verify.py LOG RAWIMAGE BASEBYTE

LOG is randwrite's stdout: "W idx off len pat" when a write is submitted,
"F idx" when every write up to idx is flushed. RAWIMAGE is the image
converted to raw. Every 512-byte sector must hold the value the flushed
writes left there (BASEBYTE where none wrote) or the pattern of one of the
writes submitted after the last flush that covers it (those may or may
not have landed). Prints one line and exits 1 on the first bad sector.
"""
import sys

log, raw, base = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
writes, flushed = [], 0
with open(log) as f:
    for line in f:
        if not line.endswith("\n"):
            break           # torn last line: the process died mid-write(2)
        p = line.split()
        if p[0] == "W":
            writes.append(tuple(int(x) for x in p[1:5]))
        elif p[0] == "F":
            flushed = int(p[1])

data = open(raw, "rb").read()
nsec = len(data) // 512
durable = bytearray([base]) * nsec
maybe = {}
for idx, off, ln, pat in writes:
    for s in range(off // 512, (off + ln) // 512):
        if idx <= flushed:
            durable[s] = pat
        else:
            maybe.setdefault(s, set()).add(pat)

for s in range(nsec):
    sec = data[s * 512:(s + 1) * 512]
    want = {durable[s]} | maybe.get(s, set())
    vals = set(sec)
    if len(vals) != 1 or not vals <= want:
        print(f"sector {s} (offset {s * 512}) holds {sorted(vals)[:4]}, expected one of "
              f"{sorted(want)} (flushed up to write {flushed} of {len(writes)})")
        sys.exit(1)
print(f"ok: {len(writes)} writes, flushed up to {flushed}")
