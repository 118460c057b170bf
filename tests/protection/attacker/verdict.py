#!/usr/bin/env python3
"""verdict.py - the DMA-protection suite's verdicts and its joint table
(tests/protection/attacker/README.md).

  verdict.py system OUT NAME [qemu=yes|no] [console=LOG] [secs=S]
        one attack of the system tier: cdna-attack's output (OUT) -> one
        TSV line (below)
  verdict.py final OUT     after every attack: "ok DETAIL" or "FAIL DETAIL"
  verdict.py fast OUT      cdna-protect's output -> TSV lines (tier fast)
  verdict.py table [--partial] TSV...
        one table over the lines of every TSV file (--partial: a run of
        some attacks only; else an attack missing from a tier fails)

TSV: name, tier, pass (ok|FAIL), refused (yes|NO), counter (moved),
victim bytes changed, leaked references, victim traffic (intact|BROKEN),
Xen/QEMU/dom0 alive, why.
"""
import json
import re
import sys

# The counter that must move for each attack, as the fast tier names it
# (tests/protection/attacks.c), and how the system tier reads it: hypervisor
# refusals (hv) and NIC refusals (nic) of the attacker's context from
# cdnactl stats --json, or refusals the attacker itself saw from Xen's MMU
# (mmu: mappings and stores refused).
COUNTERS = {
    "foreign_page": ("hv NOT_OWNED", [("hv", "not_owned")]),
    "dom0_page": ("hv NOT_OWNED", [("hv", "not_owned")]),
    "hypervisor_page": ("hv NOT_RAM", [("hv", "not_ram")]),
    "read_only_page_as_rx_target": ("hv NOT_WRITABLE", [("hv", "not_writable")]),
    "page_table_page_as_rx_target": ("hv NOT_WRITABLE", [("hv", "not_writable")]),
    "granted_in_page_as_rx_target": ("hv NOT_OWNED", [("hv", "not_owned")]),
    "buffer_crossing_a_page": ("hv CROSSES_PAGE", [("hv", "crosses_page")]),
    "zero_and_over_mtu_lengths": ("hv BAD_LEN", [("hv", "bad_len")]),
    "ring_overflow": ("hv RING_FULL", [("hv", "ring_full")]),
    "forged_producer_index": ("nic BAD_SEQ+RANGE",
                              [("nic", "bad_seq"), ("nic", "doorbell_range")]),
    "replayed_and_stale_descriptors": ("nic BAD_SEQ+RANGE",
                                       [("nic", "bad_seq"), ("nic", "doorbell_range")]),
    "doorbell_to_another_context": ("mmu mappings", [("mmu", "refused")]),
    "store_to_a_ring": ("mmu maps+stores", [("mmu", "refused")]),
    "context_used_after_revoke": ("hv NOT_OWNER+nic",
                                  [("hv", "not_owner"), ("nic", "not_enabled")]),
    "page_freed_while_in_flight": ("hv NOT_OWNED", [("hv", "not_owned")]),
    "flood_to_starve_others": ("hv RING_FULL", [("hv", "ring_full")]),
    "doorbell_storm_during_revoke": ("nic NOT_ENABLED+hv",
                                     [("nic", "not_enabled"), ("hv", "not_owner")]),
    # Not in the fast tier (whose MMU withdraws mappings at revoke).
    # Refused when dom0's handover of the attacker's last context to the
    # victim is refused and none of the victim's counters moved.
    "kept_doorbell_mapping_after_reassign": (
        "handover refused",
        [("vicn", "bad_seq"), ("vicn", "doorbell_range")]),
}
SYSTEM_ONLY = {"kept_doorbell_mapping_after_reassign"}
# Under flooding, the victim's iperf3 must keep this share of its baseline.
FLOOD_MIN_SHARE = 0.10


def sections(text):
    out, cur, buf = {}, None, []
    for line in text.splitlines():
        m = re.match(r"^@@BEGIN (\S+)", line)
        if m:
            cur, buf = m.group(1), []
            continue
        if cur and re.match(r"^@@END " + re.escape(cur), line):
            out[cur] = "\n".join(buf)
            cur = None
            continue
        if cur:
            buf.append(line)
    return out


def ctx_stats(js):
    """The first context of a cdnactl stats --json --ctx N answer."""
    try:
        d = json.loads(js.strip().splitlines()[-1])
        return d["contexts"][0]
    except (ValueError, KeyError, IndexError, AttributeError):
        return None


def counter(c, kind, key):
    if c is None:
        return 0
    if kind == "hv":
        return c["refused"].get(key, 0)
    return c["nic"]["refused"].get(key, 0)


def mbps(text):
    m = re.findall(r"([0-9.]+) Mbits/sec.*receiver", text or "")
    return float(m[-1]) if m else None


def victim_changed(text):
    m = re.findall(r"^total changed (\d+)", text or "", re.M)
    return int(m[-1]) if m else None


def system(path, name, opts):
    raw = open(path, errors="replace").read()
    s = sections(raw)
    why = []
    label, keys = COUNTERS.get(name, ("?", []))

    # The attacker's own account, phase by phase.
    atk = s.get("attacker", "")
    lines = [l for l in atk.splitlines() if l.startswith("ATK ")]
    errs = [l for l in atk.splitlines() if l.startswith("ERR")]
    tot = {"forbidden": 0, "refused": 0, "expected": 0, "accepted": 0}
    for l in lines:
        for k in tot:
            m = re.search(r"\b%s=(\d+)" % k, l)
            tot[k] += int(m.group(1)) if m else 0
    if errs:
        why.append(errs[0][:160])
    if not lines:
        why.append("the attacker reported nothing")

    before = ctx_stats(s.get("atk.before.json", ""))
    after = ctx_stats(s.get("atk.after.json", ""))
    revoked = ctx_stats(s.get("atk.revoked.json", ""))
    vbn = ctx_stats(s.get("vicn.before.json", ""))
    van = ctx_stats(s.get("vicn.after.json", ""))
    moved = 0
    for kind, key in keys:
        if kind == "mmu":
            moved += tot["refused"]
        elif kind == "vicn":
            moved += max(0, counter(van, "nic", key) - counter(vbn, "nic", key))
        else:
            moved += max(0, counter(after, kind, key) - counter(before, kind, key))
    if before is None or after is None:
        why.append("no cdnactl stats of the attacker's context")

    # Doorbell attacks make no forbidden call: the NIC's counter says.
    refused = bool(tot["accepted"] == 0 and
                   tot["expected"] == tot["refused"] and moved > 0 and
                   not errs and lines)
    if name == "kept_doorbell_mapping_after_reassign":
        handover_refused = "HANDOVER REFUSED" in s.get("dom0-actions", "")
        refused = bool(tot["accepted"] == 0 and tot["refused"] > 0 and
                       tot["expected"] == tot["refused"] and
                       handover_refused and moved == 0 and
                       not errs and lines)
        if not handover_refused:
            why.append("dom0 handed the attacker's last context to the "
                       "victim")
        if moved:
            why.append("the victim's refusal counters moved by %d" % moved)
        moved = 1 if refused else 0
    if tot["accepted"]:
        what = [p for l in lines for p in l.split("; ")[1:]
                if re.search(r"ACCEPTED|WENT|MAPPED|HANDED|CHANGED|reached|"
                             r"did not go|never filled", p)]
        why.append("%d forbidden action(s) went through: %s"
                   % (tot["accepted"], "; ".join(what)))
    if tot["expected"] != tot["refused"]:
        why.append("%d refused for another reason than expected"
                   % (tot["refused"] - tot["expected"]))
    if not moved:
        why.append("%s did not move" % label)

    # Secret pages: the victim's (domU) and dom0's, after the attack.
    vb = victim_changed(s.get("victim.after"))
    db = victim_changed(s.get("dom0.after"))
    changed = (vb if vb is not None else 0) + (db if db is not None else 0)
    if vb is None or db is None:
        why.append("a victim's pages could not be read")
        changed_s = "?"
    else:
        changed_s = str(changed)

    # References: none left on the attacker's context once revoked.
    leaked = revoked["refs_held"] if revoked else None
    if leaked is None:
        why.append("no stats after the revoke")
    if name == "doorbell_storm_during_revoke":
        pre = ctx_stats(s.get("atk.prerevoke.json", ""))
        m = re.search(r"(\d+) page references returned", s.get("revoke", ""))
        if pre is None or not m or int(m.group(1)) != pre["refs_held"]:
            why.append("revoke under the storm returned %s of %s references"
                       % (m.group(1) if m else "?",
                          pre["refs_held"] if pre else "?"))
            leaked = (leaked or 0) + 1

    # The victim's traffic during the attack.
    va = s.get("victim.after", "")
    ping = re.search(r"(\d+) packets transmitted, (\d+) packets received", va)
    rate = mbps(va)
    intact = bool(ping and ping.group(1) == ping.group(2) and
                  int(ping.group(1)) > 0 and rate and rate > 0 and
                  "rc=0" in va and len(re.findall(r"^rc=0", va, re.M)) == 2)
    if not intact:
        why.append("victim traffic: %s, iperf3 %s Mbit/s"
                   % (ping.group(0) if ping else "no ping summary", rate))
    share = None
    if name == "flood_to_starve_others":
        base = None
        for o in opts:
            if o.startswith("baseline="):
                base = float(o.split("=", 1)[1] or 0) or None
        if base and rate:
            share = rate / base
            why.append("victim's iperf3 under the flood %.1f Mbit/s, "
                       "%.0f%% of its baseline" % (rate, 100 * share))
            if share < FLOOD_MIN_SHARE:
                intact = False

    # Alive: QEMU (the host), dom0 (it answered: the sections are there),
    # Xen (no panic on the console), the NIC's firmware running.
    qemu = "qemu=yes" in opts
    dom0 = "nic" in s
    console = next((o.split("=", 1)[1] for o in opts
                    if o.startswith("console=")), None)
    xen = True
    if console:
        try:
            con = open(console, errors="replace").read()
            xen = not re.search(r"Panic on CPU|FATAL|Assertion '", con)
        except OSError:
            pass
    fw = "running" in s.get("nic", "")
    alive = "yes" if (qemu and dom0 and xen and fw) else \
        "NO(%s)" % ",".join(w for w, ok in (("xen", xen), ("qemu", qemu),
                                            ("dom0", dom0), ("nic", fw))
                            if not ok)

    ok = (refused and changed_s == "0" and leaked == 0 and intact and
          alive == "yes")
    secs = next((o.split("=", 1)[1] for o in opts if o.startswith("secs=")),
                "")
    detail = "; ".join(why) if why else \
        "%d forbidden calls, all refused as expected" % tot["forbidden"]
    if ping and name != "flood_to_starve_others":
        detail += "; victim: %s/%s pings, iperf3 %s Mbit/s" % (
            ping.group(2), ping.group(1), rate)
    # What reached the attacker's context meanwhile (dom0's frames).
    if before and after:
        rx = after["nic"]["rx_frames"] - before["nic"]["rx_frames"]
        nobuf = (after["nic"]["dropped"].get("rx_no_buf", 0) -
                 before["nic"]["dropped"].get("rx_no_buf", 0))
        detail += "; attacker's context: %d frames received, %d dropped " \
            "(no buffer)" % (rx, nobuf)
    if secs:
        detail += " (%s s)" % secs
    return "\t".join([name, "system", "ok" if ok else "FAIL",
                      "yes" if refused else "NO",
                      "%s (%d)" % (label, moved), changed_s,
                      "?" if leaked is None else str(leaked),
                      "intact" if intact else "BROKEN", alive,
                      detail.replace("\t", " ")])


def final(path):
    s = sections(open(path, errors="replace").read())
    try:
        d = json.loads(s.get("stats-final", "").strip().splitlines()[-1])
    except (ValueError, IndexError):
        return "FAIL no final stats"
    held = {c["ctx"]: c["refs_held"] for c in d["contexts"]
            if c.get("refs_held")}
    owners = {c["ctx"]: c.get("domid") for c in d["contexts"]}
    others = {k: v for k, v in held.items() if owners.get(k) != 0}
    rev = s.get("victim-revoke", "").strip().splitlines()
    detail = "total %d, held by context(s) %s; victim revoke: %s" % (
        d.get("refs_held_total", -1), held or "none",
        rev[-1] if rev else "?")
    return ("ok " if not others else "FAIL ") + detail


def fast(path):
    """cdna-protect's table and TAP lines -> TSV (tier fast)."""
    text = open(path, errors="replace").read()
    verdict = {}
    for m in re.finditer(r"^(ok|not ok) - (\S+): (.*)$", text, re.M):
        verdict[m.group(2)] = (m.group(1) == "ok", m.group(3))
    rows = []
    for line in text.splitlines():
        f = line.split()
        if len(f) < 6 or f[0] not in verdict:
            continue
        name, refused = f[0], f[1]
        bytes_, leaked, intact = f[-3], f[-2], f[-1]
        counter_ = " ".join(f[2:-3])
        ok, why = verdict[name]
        rows.append("\t".join([name, "fast", "ok" if ok else "FAIL",
                               refused, counter_, bytes_, leaked, intact,
                               "n/a (model)", why]))
    return "\n".join(rows)


def table(paths):
    partial = "--partial" in paths
    paths = [p for p in paths if p != "--partial"]
    rows = []
    for p in paths:
        try:
            for line in open(p):
                f = line.rstrip("\n").split("\t")
                if len(f) >= 10:
                    rows.append(f)
        except OSError:
            pass
    order = list(COUNTERS)
    # Every attack in every tier that ran: a missing row is a failure.
    tiers = {f[1] for f in rows}
    have = {(f[0], f[1]) for f in rows}
    for name in order:
        for tier in sorted(tiers):
            if partial or (tier == "fast" and name in SYSTEM_ONLY):
                continue
            if (name, tier) not in have:
                rows.append([name, tier, "FAIL", "-", "-", "-", "-", "-",
                             "-", "not run in this tier"])
    rows.sort(key=lambda f: (order.index(f[0]) if f[0] in order else 99,
                             f[1] != "fast"))
    hdr = ("attack", "tier", "refused", "counter (moved)", "victim",
           "leaked", "victim", "Xen/QEMU/", "")
    hdr2 = ("", "", "", "", "bytes", "refs", "traffic", "dom0 alive", "")
    fmt = "%-36s %-6s %-7s %-32s %6s %6s %-8s %-11s %s"
    print(fmt % hdr)
    print(fmt % hdr2)
    for f in rows:
        print(fmt % (f[0], f[1], f[3], f[4][:32], f[5], f[6], f[7], f[8],
                     "" if f[2] == "ok" else "FAIL"))
    bad = [f for f in rows if f[2] != "ok"]
    tiers = sorted({f[1] for f in rows})
    print("protection: %d rows (%s), %d refused with nothing changed, "
          "%d failed" % (len(rows), "+".join(tiers), len(rows) - len(bad),
                         len(bad)))
    for f in bad:
        print("  FAIL %s (%s): %s" % (f[0], f[1], f[9]))
    return 1 if bad else 0


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    mode = argv[1]
    if mode == "system":
        print(system(argv[2], argv[3], argv[4:]))
    elif mode == "final":
        print(final(argv[2]))
    elif mode == "fast":
        print(fast(argv[2]))
    elif mode == "table":
        return table(argv[2:])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
