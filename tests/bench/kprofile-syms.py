#!/usr/bin/env python3
"""kprofile-syms.py PROFILE SYSTEM_MAP [N]: name the functions of a kernel
profile taken by platform/images/kprofile (`kprofile top`): each busy
counter ("bin INDEX COUNT", 2^shift bytes of kernel text from _stext) goes to
the function of System.map that holds its first byte, functions are added up
and the N (default 20) busiest printed as "samples  % of kernel ticks  name",
after the totals.  A kernel loaded elsewhere than System.map says (KASLR) is
placed by the "stext" line.  Exit 2 on an unreadable input.
"""
import bisect
import sys


def read_map(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return syms


def read_profile(path):
    prof = {"bins": [], "stext": None, "shift": None, "total": 0, "modules": 0, "cpu": None}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "bin" and len(parts) == 3:
                prof["bins"].append((int(parts[1]), int(parts[2])))
            elif parts[0] == "stext" and len(parts) == 2:
                prof["stext"] = int(parts[1], 16)
            elif parts[0] in ("shift", "total", "modules") and len(parts) == 2:
                prof[parts[0]] = int(parts[1])
            elif parts[0] == "cpu":
                prof["cpu"] = line.strip()
    if prof["shift"] is None or prof["stext"] is None:
        raise ValueError("no 'shift' or 'stext' line: not kprofile top output")
    return prof


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        prof = read_profile(argv[1])
        syms = read_map(argv[2])
    except (OSError, ValueError) as e:
        print(f"kprofile-syms: {e}", file=sys.stderr)
        return 2
    n = int(argv[3]) if len(argv) > 3 else 20
    map_stext = dict((name, addr) for addr, name in syms).get("_stext")
    if map_stext is None:
        print("kprofile-syms: no _stext in System.map", file=sys.stderr)
        return 2
    addrs = [a for a, _ in syms]
    by_func = {}
    for index, count in prof["bins"]:
        addr = map_stext + (index << prof["shift"])
        i = bisect.bisect_right(addrs, addr) - 1
        name = syms[i][1] if i >= 0 else "?"
        by_func[name] = by_func.get(name, 0) + count
    total = prof["total"]
    shown = sum(c for _, c in prof["bins"])
    print(f"kernel-mode samples {total} (timer ticks); in the listed counters {shown}, "
          f"in module code {prof['modules']}")
    if prof["stext"] != map_stext:
        print(f"(kernel placed at {prof['stext']:#x}, System.map says {map_stext:#x}: offsets used)")
    rows = sorted(by_func.items(), key=lambda kv: -kv[1])
    if prof["modules"]:
        rows.append(("(module code: cdna.ko, netfront, netback, ...)", prof["modules"]))
        rows.sort(key=lambda kv: -kv[1])
    for name, count in rows[:n]:
        pct = 100.0 * count / total if total else 0.0
        print(f"{count:8d} {pct:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
