#!/usr/bin/env python3
"""bench-report.py - the reporting half of `make bench` (issue 19).

Usage: tests/bench/bench-report.py RAW_FILE OUT_DIR [--title TEXT]

Reads the raw file the measuring script wrote (CDNA vs native vs
netfront/netback, N guests) and writes
  stdout and OUT_DIR/table.txt   the same table: figures per N, ratios, goals
  OUT_DIR/results.csv            one row per (config, N)
  OUT_DIR/ratios.csv             n, metric, cdna_over_native, cdna_over_netback
  OUT_DIR/*.png                  plots made by gnuplot (package gnuplot-nox)
  OUT_DIR/plot-data/*.dat, *.gp  the plots' data and scripts, to re-plot:
                                 cd OUT_DIR && gnuplot plot-data/NAME.gp
Exit status: 0 all written; 1 table and CSV written but no plots (gnuplot
missing or failed); 2 the raw file is missing or malformed (the message names
the line and what is wrong) or the usage is wrong.

Raw file format (the contract with the measuring script)
--------------------------------------------------------
One measurement per line, whitespace-separated:  CONFIG N KEY VALUE
A line starting with `#` is a comment; blank lines are ignored.
  meta KEY VALUE...   run description printed in the table's header; the
                      value is the rest of the line (meta commit abc123,
                      meta accel tcg,thread=single, meta command make bench,
                      meta started 2026-11-25T12:00:00Z)
CONFIG  native   Linux without Xen, N parallel flows from one OS
        cdna     N PV domUs, each on its own NIC context
        netback  N PV domUs through netfront/netback and a bridge in dom0
N       integer >= 1
VALUE   a number, or FAILED (the measurement broke: FAILED in the table,
        empty in the CSV, left out of the plots, "-" in ratios)
KEY (TEST is tcp_tx, tcp_rx, udp_tx, udp_rx or small_tx)
  TEST.flow.I        flow/guest I (1..N): Mbit/s for tcp_* and udp_*,
                     packets/s the receiver got for small_tx
  TEST.total         aggregate (optional): without it the aggregate is the
                     sum of the N flows, FAILED if one is missing or FAILED
  TEST.cpu.xen, TEST.cpu.dom0, TEST.cpu.guests, TEST.cpu.idle
                     CPU seconds of the emulated machine in each part during
                     the test's window (native: xen = dom0 = 0, guests = the
                     OS's busy time)
  TEST.cpu.window    seconds of that window
  TEST.cpu.skew      the longer of the sampler's two reads (s), the window's
                     uncertainty (kept in the CSV)
  TEST.cpu.pcpus     physical CPUs
  TEST.host.NAME     host CPU seconds of QEMU thread class NAME (optional)
  rtt.avg_ms         ping round trip: mean over guests of each one's average
  rtt.max_ms, rtt.min_ms   the max of the maxima, the min of the minima
  hv.ns_per_desc     hypervisor ns per descriptor (cdna), hv.descs counted
  TEST.late_answer   1: the answer came after the timeout (noted)
  anything else      kept in results.csv as it is, not in the table
Derived here: the aggregate per test; Jain's fairness index per test
(sum x)^2 / (N * sum x^2) over the N flows; CPU ns per byte for tcp_tx and
tcp_rx = (xen + dom0 + guests CPU s) / (total Mbit/s * 1e6/8 * window); the
CPU split in % of window * pcpus.
"""

import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys

PROG = "bench-report"
CONFIGS = ("native", "cdna", "netback")
LEGEND = {"native": "native", "cdna": "CDNA", "netback": "netback"}
TESTS = ("tcp_tx", "tcp_rx", "udp_tx", "udp_rx", "small_tx")
CPU_PARTS = ("xen", "dom0", "guests", "idle")
CPU_TESTS = ("tcp_tx", "tcp_rx")
FAILED = "FAILED"  # a value that was measured and broke; None = not measured

# Goals of issue 19 (TCP): CDNA/native >= 0.90, CDNA/netback >= 2.5.
GOALS = (("native", 0.90), ("netback", 2.5))

TEST_RE = "|".join(TESTS)
FLOW_RE = re.compile(r"^(%s)\.flow\.(.*)$" % TEST_RE)
KNOWN_RE = re.compile(
    r"^(?:(?:%s)\.(?:flow\.\d+|total|cpu\.(?:xen|dom0|guests|idle|window|pcpus)"
    r"|host\.\S+)|rtt\.(?:avg|max|min)_ms|hv\.(?:ns_per_desc|descs))$" % TEST_RE)
# Raw keys that have a column of their own among the derived metrics.
COVERED = {"%s.total" % t for t in TESTS} | {
    "rtt.avg_ms", "rtt.min_ms", "rtt.max_ms", "hv.ns_per_desc"}


class InputError(Exception):
    """The raw file is missing or malformed: exit 2."""


# --- reading the raw file -------------------------------------------------

class Raw:
    def __init__(self):
        self.meta = []      # (key, value) in file order
        self.values = {}    # (config, n) -> {key: float or FAILED}
        self.texts = {}     # (config, n) -> {key: the value as written}


def parse_value(text):
    """A finite float, FAILED, or None when the text is neither."""
    if text == FAILED:
        return FAILED
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def parse_line(fields):
    """Check one measurement line; return (config, n, key, value) or raise
    ValueError saying what is wrong (the caller adds where)."""
    if len(fields) != 4:
        raise ValueError("want 4 fields CONFIG N KEY VALUE, got %d" % len(fields))
    config, ntext, key, vtext = fields
    if config not in CONFIGS:
        raise ValueError("unknown config %r (want native, cdna or netback)" % config)
    if not re.fullmatch(r"[0-9]+", ntext) or int(ntext) < 1:
        raise ValueError("N must be an integer >= 1, got %r" % ntext)
    n = int(ntext)
    m = FLOW_RE.match(key)
    if m and not (re.fullmatch(r"[0-9]+", m.group(2)) and 1 <= int(m.group(2)) <= n):
        raise ValueError("flow index of %s must be 1..%d (N)" % (key, n))
    value = parse_value(vtext)
    if value is None:
        raise ValueError("value %r of %s is not a number or FAILED" % (vtext, key))
    # Every known quantity is a rate, a time or a count: never negative.
    if value is not FAILED and value < 0 and KNOWN_RE.match(key):
        raise ValueError("value %s of %s is negative" % (vtext, key))
    return config, n, key, value


def read_raw(path):
    raw = Raw()
    first = {}  # (config, n, key) -> line it was first given on
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror or e))
    for lineno, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split()
        if fields[0] == "meta":
            if len(fields) < 2:
                raise InputError("%s:%d: meta line without a KEY (want meta KEY VALUE...)"
                                 % (path, lineno))
            parts = text.split(None, 2)
            raw.meta.append((fields[1], parts[2] if len(parts) > 2 else ""))
            continue
        try:
            config, n, key, value = parse_line(fields)
        except ValueError as e:
            raise InputError("%s:%d: %s: %s" % (path, lineno, e, text))
        # A key given twice is a bug in the measuring script: which one is right?
        where = (config, n, key)
        if where in first:
            raise InputError("%s:%d: %s N=%d %s given twice (first on line %d)"
                             % (path, lineno, config, n, key, first[where]))
        first[where] = lineno
        raw.values.setdefault((config, n), {})[key] = value
        raw.texts.setdefault((config, n), {})[key] = fields[3]
    if not raw.values:
        raise InputError("%s: no measurements (want lines CONFIG N KEY VALUE)" % path)
    return raw


# --- derived figures ------------------------------------------------------

def is_num(v):
    return v is not None and v is not FAILED


def combine(fn, *args):
    """fn(*args) when every argument is a number; None (not measured) if one
    is missing, else FAILED if one is FAILED.  Missing wins: CPU figures never
    taken are "-" even when the throughput beside them FAILED."""
    if any(a is None for a in args):
        return None
    if any(a is FAILED for a in args):
        return FAILED
    return fn(*args)


def flows(cell, test, n):
    """The N per-flow figures: a list of numbers, FAILED if one is FAILED or
    missing, None if the test has no flow at all."""
    vals = [cell.get("%s.flow.%d" % (test, i)) for i in range(1, n + 1)]
    if all(v is None for v in vals):
        return None
    if any(not is_num(v) for v in vals):
        return FAILED
    return vals


def aggregate(cell, test, n):
    total = "%s.total" % test
    if total in cell:
        return cell[total]
    fl = flows(cell, test, n)
    return fl if not isinstance(fl, list) else sum(fl)


def jain(values):
    """Jain's fairness index: 1 when all flows are equal, 1/N when one flow
    gets everything.  All-zero flows have no fairness: FAILED."""
    squares = sum(v * v for v in values)
    if squares == 0:
        return FAILED
    return sum(values) ** 2 / (len(values) * squares)


def ns_per_byte(cpu_s, mbps, window):
    """CPU seconds spent per byte moved, in ns; nothing moved is a failure."""
    moved = mbps * 1e6 / 8 * window
    return cpu_s / moved * 1e9 if moved > 0 else FAILED


def percent(part, window, pcpus):
    capacity = window * pcpus
    return 100.0 * part / capacity if capacity > 0 else FAILED


def derive(cell, n):
    """Every aggregate and derived metric of one (config, N)."""
    d = {}
    for test in TESTS:
        unit = "pps" if test == "small_tx" else "mbps"
        d["%s_%s" % (test, unit)] = aggregate(cell, test, n)
        fl = flows(cell, test, n)
        d["jain_" + test] = jain(fl) if isinstance(fl, list) else fl
    for what in ("avg", "min", "max"):
        d["rtt_%s_ms" % what] = cell.get("rtt.%s_ms" % what)
    for test in CPU_TESTS:
        cpu = {p: cell.get("%s.cpu.%s" % (test, p)) for p in CPU_PARTS}
        window = cell.get(test + ".cpu.window")
        pcpus = cell.get(test + ".cpu.pcpus")
        d["cpu_ns_per_byte_" + test] = combine(
            lambda x, d0, g, m, w: ns_per_byte(x + d0 + g, m, w),
            cpu["xen"], cpu["dom0"], cpu["guests"], d[test + "_mbps"], window)
        for p in CPU_PARTS:
            d["cpu_pct_%s_%s" % (p, test)] = combine(percent, cpu[p], window, pcpus)
    d["hv_ns_per_desc"] = cell.get("hv.ns_per_desc")
    return d


METRICS = (["tcp_tx_mbps", "tcp_rx_mbps", "udp_tx_mbps", "udp_rx_mbps",
            "small_tx_pps", "rtt_avg_ms", "rtt_min_ms", "rtt_max_ms"]
           + ["jain_" + t for t in TESTS]
           + ["cpu_ns_per_byte_" + t for t in CPU_TESTS]
           + ["cpu_pct_%s_%s" % (p, t) for t in CPU_TESTS for p in CPU_PARTS]
           + ["hv_ns_per_desc"])


def ratio(a, b):
    """a/b, or None ("-") when either is not a number or b is 0."""
    if not (is_num(a) and is_num(b)) or b == 0:
        return None
    return a / b


def notes_for(raw):
    """Why an aggregate is FAILED although no line said FAILED: missing
    flows; and an answer that came after the timeout (TEST.late_answer)."""
    notes = []
    for (config, n), cell in sorted(raw.values.items(), key=order):
        for test in TESTS:
            if is_num(cell.get("%s.late_answer" % test)):
                notes.append("%s N=%d %s: the guests' answer came after the timeout "
                             "(the figures are the flows' own)" % (config, n, test))
            if "%s.total" % test in cell:
                continue
            missing = [str(i) for i in range(1, n + 1)
                       if "%s.flow.%d" % (test, i) not in cell]
            if missing and len(missing) < n:
                notes.append("%s N=%d %s: flow %s missing, aggregate FAILED"
                             % (config, n, test, ",".join(missing)))
    return notes


def order(item):
    (config, n), _ = item
    return CONFIGS.index(config), n


class Report:
    def __init__(self, raw):
        self.raw = raw
        self.derived = {k: derive(cell, k[1]) for k, cell in raw.values.items()}
        self.ns = sorted({n for _, n in raw.values})

    def get(self, config, n, metric):
        return self.derived.get((config, n), {}).get(metric)

    def ratio(self, n, metric, other):
        return ratio(self.get("cdna", n, metric), self.get(other, n, metric))


# --- the table ------------------------------------------------------------

# (title, metric, number format, lower is better)
BLOCKS = (
    ("TCP TX aggregate Mbit/s", "tcp_tx_mbps", "{:.1f}", False),
    ("TCP RX aggregate Mbit/s", "tcp_rx_mbps", "{:.1f}", False),
    ("UDP TX aggregate Mbit/s", "udp_tx_mbps", "{:.1f}", False),
    ("UDP RX aggregate Mbit/s", "udp_rx_mbps", "{:.1f}", False),
    ("small-frame TX packets/s (received)", "small_tx_pps", "{:.0f}", False),
    ("RTT avg ms", "rtt_avg_ms", "{:.3f}", True),
    ("Jain fairness TCP TX", "jain_tcp_tx", "{:.3f}", False),
    ("Jain fairness TCP RX", "jain_tcp_rx", "{:.3f}", False),
    ("CPU ns/byte TCP TX", "cpu_ns_per_byte_tcp_tx", "{:.2f}", True),
    ("CPU ns/byte TCP RX", "cpu_ns_per_byte_tcp_rx", "{:.2f}", True),
)
RATIO_METRICS = [b[1] for b in BLOCKS]


def show(v, fmt):
    if v is None:
        return "-"
    if v is FAILED:
        return FAILED
    return fmt.format(v)


def header_lines(report, title):
    out = ["CDNA benchmark report" + (": " + title if title else "")]
    for key, value in report.raw.meta:
        out.append("  %-10s %s" % (key, value))
    return out


def metric_block(report, title, metric, fmt, lower):
    out = ["", title + ("  (lower is better)" if lower else "")]
    out.append("%4s %12s %12s %12s %13s %13s"
               % ("N", "native", "cdna", "netback", "cdna/native", "cdna/netback"))
    for n in report.ns:
        vals = [show(report.get(c, n, metric), fmt) for c in CONFIGS]
        rats = [show(report.ratio(n, metric, o), "{:.2f}") for o in ("native", "netback")]
        out.append("%4d %12s %12s %12s %13s %13s" % tuple([n] + vals + rats))
    return out


def cpu_split_block(report, test="tcp_tx"):
    out = ["", "CPU split during %s (%% of window x pcpus)" % test.replace("_", " ").upper()]
    out.append("%4s  %-8s %8s %8s %8s %8s" % ("N", "config", "xen%", "dom0%", "guests%", "idle%"))
    for n in report.ns:
        for c in CONFIGS:
            if (c, n) not in report.derived:
                continue
            pcts = [report.get(c, n, "cpu_pct_%s_%s" % (p, test)) for p in CPU_PARTS]
            if all(v is None for v in pcts):
                continue  # no CPU figures for this run: no row of dashes
            vals = [show(v, "{:.1f}") for v in pcts]
            out.append("%4d  %-8s %8s %8s %8s %8s" % tuple([n, c] + vals))
    return out


def hv_block(report):
    out = ["", "hypervisor ns/descriptor (cdna)", "%4s %12s %12s" % ("N", "ns/desc", "descs")]
    for n in report.ns:
        if ("cdna", n) in report.derived:
            out.append("%4d %12s %12s" % (
                n, show(report.get("cdna", n, "hv_ns_per_desc"), "{:.1f}"),
                show(report.raw.values[("cdna", n)].get("hv.descs"), "{:.0f}")))
    return out


def goal_cell(r, goal):
    if r is None:
        return "-"
    # Compared unrounded: 0.899 is short of 0.90 even though it prints 0.90.
    return "%.2f %s" % (r, "met" if r >= goal else "short")


def goals_block(report):
    out = ["", "goals (TCP): cdna/native >= %.2f, cdna/netback >= %.1f"
           % (GOALS[0][1], GOALS[1][1])]
    out.append("%4s %16s %16s %16s %16s" % ("N", "cdna/native TX", "cdna/native RX",
                                            "cdna/netback TX", "cdna/netback RX"))
    for n in report.ns:
        cells = [goal_cell(report.ratio(n, m, other), goal)
                 for other, goal in GOALS for m in ("tcp_tx_mbps", "tcp_rx_mbps")]
        out.append("%4d %16s %16s %16s %16s" % tuple([n] + cells))
    return out


def table(report, title):
    out = header_lines(report, title)
    for block in BLOCKS:
        out += metric_block(report, *block)
    out += cpu_split_block(report)
    out += hv_block(report)
    out += goals_block(report)
    notes = notes_for(report.raw)
    if notes:
        out += ["", "notes:"] + ["  " + s for s in notes]
    return "\n".join(out) + "\n"


# --- CSV ------------------------------------------------------------------

def natural(key):
    """Sort tcp_tx.flow.10 after tcp_tx.flow.9."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]


def csv_cell(v):
    return "" if not is_num(v) else "%.6g" % v


def write_results_csv(report, path):
    extra = sorted({k for cell in report.raw.values.values() for k in cell} - COVERED,
                   key=natural)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["config", "n"] + METRICS + extra)
        for (config, n), cell in sorted(report.raw.values.items(), key=order):
            texts = report.raw.texts[(config, n)]
            row = [config, n] + [csv_cell(report.get(config, n, m)) for m in METRICS]
            # Raw keys as written, FAILED as empty like every other column.
            row += ["" if cell.get(k, FAILED) is FAILED else texts[k] for k in extra]
            w.writerow(row)


def write_ratios_csv(report, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["n", "metric", "cdna_over_native", "cdna_over_netback"])
        for n in report.ns:
            for m in RATIO_METRICS:
                w.writerow([n, m] + [csv_cell(report.ratio(n, m, o))
                                     for o in ("native", "netback")])


# --- plots ----------------------------------------------------------------

COLOR = {"native": "#404040", "cdna": "#1f6fb4", "netback": "#d62728"}
POINT = {"native": 7, "cdna": 5, "netback": 9}
PART_COLOR = {"xen": "#8c564b", "dom0": "#ff7f0e", "guests": "#2ca02c", "idle": "#d9d9d9"}


class PlotError(Exception):
    """gnuplot missing or failing: exit 1 after table and CSV."""


def gp_str(s):
    """A gnuplot double-quoted string (so that \\n is a line break)."""
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dat_cell(v):
    return "%.6g" % v if is_num(v) else "?"


def plot_title(what, subtitle):
    return what + ("\n" + subtitle if subtitle else "")


def axis_lines(ns, ylabel):
    """Guests on a log2 axis with the usual tics plus any other N measured."""
    tics = sorted(set([1, 2, 4, 8, 16, 32]) | set(ns))
    return ["set datafile missing '?'",
            "set xlabel 'guests (N)'",
            "set ylabel %s" % gp_str(ylabel),
            "set logscale x 2",
            "set xrange [%g:%g]" % (min(ns) / 1.3, max(ns) * 1.3),
            "set xtics (%s)" % ", ".join("'%d' %d" % (t, t) for t in tics),
            "set grid",
            # Headroom above the highest point: it is not drawn on the frame.
            "set offsets 0, 0, graph 0.05, 0",
            # Outside the graph the legend can never hide a line.
            "set key outside right top vertical spacing 1.3"]


def line_plot(ns, columns, ylabel, yrange="[0:*]"):
    """Data rows and plot clauses for lines vs N.  columns: (title, color,
    dashtype, point, values by N); a column without one number is left out
    (gnuplot refuses a plot of only empty series)."""
    rows = ["# N " + " | ".join(c[0] for c in columns)]
    for n in ns:
        rows.append(" ".join([str(n)] + [dat_cell(c[4].get(n)) for c in columns]))
    clauses = []
    for i, (title, color, dt, pt, vals) in enumerate(columns):
        if any(is_num(v) for v in vals.values()):
            clauses.append("DAT using 1:%d with linespoints lw 2 lc rgb '%s' dt %d pt %d "
                           "ps 1.2 title %s" % (i + 2, color, dt, pt, gp_str(title)))
    return rows, clauses, axis_lines(ns, ylabel) + ["set yrange %s" % yrange]


def by_n(report, config, metric):
    return {n: report.get(config, n, metric) for n in report.ns}


def series(report, metric, suffix="", dt=1):
    return [("%s%s" % (LEGEND[c], suffix), COLOR[c], dt, POINT[c], by_n(report, c, metric))
            for c in CONFIGS]


def throughput_plot(report, direction):
    d = direction.lower()
    cols = series(report, "tcp_%s_mbps" % d, " TCP") + \
        series(report, "udp_%s_mbps" % d, " UDP", dt=2)
    return line_plot(report.ns, cols, "aggregate throughput (Mbit/s)")


def latency_plot(report):
    """RTT avg as lines, min..max as error bars; configs nudged apart on x so
    their bars do not hide each other."""
    rows = ["# N then per config: x avg min max (native, cdna, netback)"]
    nudge = {"native": 0.94, "cdna": 1.0, "netback": 1.06}
    for n in report.ns:
        cells = [str(n)]
        for c in CONFIGS:
            cells += ["%g" % (n * nudge[c])] + [dat_cell(report.get(c, n, "rtt_%s_ms" % w))
                                                for w in ("avg", "min", "max")]
        rows.append(" ".join(cells))
    clauses = []
    for i, c in enumerate(CONFIGS):
        x, avg = 2 + 4 * i, 3 + 4 * i
        if not any(is_num(v) for v in by_n(report, c, "rtt_avg_ms").values()):
            continue
        clauses.append("DAT using %d:%d with linespoints lw 2 lc rgb '%s' pt %d ps 1.2 "
                       "title %s" % (x, avg, COLOR[c], POINT[c], gp_str(LEGEND[c] + " avg")))
        if any(is_num(v) for v in by_n(report, c, "rtt_max_ms").values()):
            clauses.append("DAT using %d:%d:%d:%d with yerrorbars lc rgb '%s' pt 0 "
                           "title %s" % (x, avg, avg + 1, avg + 2, COLOR[c],
                                         gp_str(LEGEND[c] + " min..max")))
    return rows, clauses, axis_lines(report.ns, "round trip time (ms)") + ["set yrange [0:*]"]


def cpu_split_plot(report, test="tcp_tx"):
    """Stacked bars (xen, dom0, guests, idle) per config, grouped by N.  Drawn
    as boxes of the cumulative sums, tallest first, so each part shows as
    its own band."""
    rows = ["# x config N xen dom0 guests idle (% of window x pcpus)"]
    def parts(c, n):
        vals = [report.get(c, n, "cpu_pct_%s_%s" % (p, test)) for p in CPU_PARTS]
        return vals if all(is_num(v) for v in vals) else None

    # Only the N with a bar get a group: no empty stretches of axis.
    ns = [n for n in report.ns if any(parts(c, n) for c in CONFIGS)]
    if not ns:
        return rows, [], []
    tics, groups = [], []
    for gi, n in enumerate(ns):
        groups.append((gi * 4 + 1, n))
        for ci, c in enumerate(CONFIGS):
            vals = parts(c, n)
            if vals:
                x = gi * 4 + ci
                tics.append("'%s' %d" % (c, x))
                rows.append("%d %s %d %s" % (x, c, n, " ".join("%.6g" % v for v in vals)))
    stacks = ("$4+$5+$6+$7", "idle"), ("$4+$5+$6", "guests"), ("$4+$5", "dom0"), ("$4", "xen")
    clauses = ["DAT using 1:(%s) with boxes fs solid 0.85 border lc rgb '#333333' "
               "fc rgb '%s' title '%s'" % (expr, PART_COLOR[p], p) for expr, p in stacks]
    setup = ["set datafile missing '?'",
             "set ylabel '%% of CPU capacity during %s (window x pcpus)'"
             % test.replace("_", " ").upper(),
             "set yrange [0:110]", "set ytics 0,20,100", "set grid ytics",
             "set boxwidth 0.8", "set style fill solid",
             "set xrange [-0.7:%g]" % (len(ns) * 4 - 1.3),
             "set xtics (%s) rotate by 45 right nomirror" % ", ".join(tics),
             "set bmargin 7", "set key outside right top vertical",
             "set xlabel 'config, grouped by guests (N)' offset 0,-1.5"]
    setup += ["set label 'N=%d' at %g, graph -0.16 center" % (n, x) for x, n in groups]
    return rows, clauses, setup


def plot_specs(report, subtitle):
    """(name, title, (rows, clauses, setup)) for every plot."""
    return [
        ("throughput-tx", "TX aggregate throughput (guests send)",
         throughput_plot(report, "TX")),
        ("throughput-rx", "RX aggregate throughput (guests receive)",
         throughput_plot(report, "RX")),
        ("cpu-per-byte", "CPU cost per byte, TCP (lower is better)",
         line_plot(report.ns, series(report, "cpu_ns_per_byte_tcp_tx", " TX")
                   + series(report, "cpu_ns_per_byte_tcp_rx", " RX", dt=2),
                   "CPU time per byte (ns/byte)")),
        ("small-frames", "small-frame TX rate (datagrams received)",
         line_plot(report.ns, series(report, "small_tx_pps"), "packets/s")),
        ("latency", "ping round trip to the far end (lower is better)",
         latency_plot(report)),
        ("fairness", "Jain fairness index over the N flows, TCP",
         line_plot(report.ns, series(report, "jain_tcp_tx", " TX")
                   + series(report, "jain_tcp_rx", " RX", dt=2),
                   "Jain index (1 = all flows equal)", "[0:1.05]")),
        ("cpu-split", "CPU split during TCP TX", cpu_split_plot(report)),
    ]


def gnuplot_terminal(gnuplot):
    """pngcairo draws anti-aliased text; libgd's png is the fallback."""
    probe = subprocess.run([gnuplot, "-e", "set terminal pngcairo"],
                           capture_output=True, timeout=30)
    if probe.returncode == 0:
        return "pngcairo size 900,600 noenhanced font 'Sans,11'"
    return "png size 900,600 noenhanced"


def write_plots(report, out_dir, subtitle):
    """Write plot-data/*.dat and *.gp always (a user can re-plot elsewhere),
    then run gnuplot.  Returns notes; raises PlotError."""
    data_dir = os.path.join(out_dir, "plot-data")
    os.makedirs(data_dir, exist_ok=True)
    gnuplot = shutil.which("gnuplot")
    term = gnuplot_terminal(gnuplot) if gnuplot else "pngcairo size 900,600 noenhanced"
    scripts, notes = [], []
    for name, what, (rows, clauses, setup) in plot_specs(report, subtitle):
        dat = "plot-data/%s.dat" % name
        with open(os.path.join(out_dir, dat), "w") as f:
            f.write("\n".join(rows) + "\n")
        png = os.path.join(out_dir, name + ".png")
        if not clauses:
            # No stale picture of an earlier run standing for this one.
            if os.path.exists(png):
                os.remove(png)
            notes.append("%s.png not drawn: no figures for it" % name)
            continue
        gp = "plot-data/%s.gp" % name
        body = ["# %s: run from the report directory: gnuplot %s" % (name, gp),
                "set terminal %s" % term,
                "set output '%s.png'" % name,
                "set title %s" % gp_str(plot_title(what, subtitle)),
                "DAT = '%s'" % dat] + setup
        body.append("plot " + ", \\\n     ".join(clauses))
        with open(os.path.join(out_dir, gp), "w") as f:
            f.write("\n".join(body) + "\n")
        scripts.append((gp, png))
    if not gnuplot:
        raise PlotError("gnuplot not found: no plots drawn (install the Debian package "
                        "gnuplot-nox: apt-get install --no-install-recommends gnuplot-nox)")
    for gp, png in scripts:
        r = subprocess.run([gnuplot, gp], cwd=out_dir, capture_output=True, text=True,
                           timeout=60)
        if r.returncode != 0 or not os.path.exists(png):
            raise PlotError("gnuplot %s failed (exit %d): %s"
                            % (gp, r.returncode, r.stderr.strip()[-2000:]))
    return notes


# --- main -----------------------------------------------------------------

def subtitle_for(raw, title):
    """--title, else what identifies the run: commit and accelerator, one
    line each (on one line they are wider than the plot)."""
    if title:
        return title
    meta = dict(raw.meta)
    parts = ["%s %s" % (k, meta[k]) for k in ("commit", "accel") if meta.get(k)]
    return "\n".join(parts)


def main(argv):
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    ap.add_argument("raw_file")
    ap.add_argument("out_dir")
    ap.add_argument("--title", default="")
    args = ap.parse_args(argv)  # a usage error exits 2
    try:
        raw = read_raw(args.raw_file)
    except InputError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    report = Report(raw)
    os.makedirs(args.out_dir, exist_ok=True)
    text = table(report, args.title)
    sys.stdout.write(text)
    with open(os.path.join(args.out_dir, "table.txt"), "w") as f:
        f.write(text)
    write_results_csv(report, os.path.join(args.out_dir, "results.csv"))
    write_ratios_csv(report, os.path.join(args.out_dir, "ratios.csv"))
    try:
        for note in write_plots(report, args.out_dir, subtitle_for(raw, args.title)):
            print("%s: %s" % (PROG, note), file=sys.stderr)
    except (PlotError, OSError, subprocess.TimeoutExpired) as e:
        print("%s: warning: %s" % (PROG, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
