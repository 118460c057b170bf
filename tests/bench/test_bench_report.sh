#!/usr/bin/env bash
# test_bench_report.sh - bench-report.py, the reporting half of `make bench`,
# on the hand-checkable fixture tests/bench/fixtures/small.raw (its comments
# work out every expected figure): aggregates, Jain's index, ratios, FAILED
# and missing figures, CPU cost, goals, the CSVs, the refusal of malformed
# raw files (exit 2 naming the line), and the plots with and without gnuplot.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPORT=$HERE/bench-report.py
FIX=$HERE/fixtures
# Debian's interpreter: the script must need nothing beyond its standard library.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
TAP_NAME=bench-report
. "$HERE/../lib/tap.sh"

# The fixture's report, made once; most tests read it.
OUT=$T/report
"$PY" "$REPORT" "$FIX/small.raw" "$OUT" --title "fixture title" >"$T/stdout" 2>"$T/stderr"
main_rc=$?
table=$(<"$T/stdout")

# block TITLE: the table's block whose title line starts with TITLE.
block() {
	awk -v t="$1" 'index($0, t) == 1 { on = 1 } on && /^$/ { exit } on' <<<"$table"
}

# csv FILE CONFIG N COLUMN: one cell of results.csv (no quoted fields there).
csv() {
	awk -F, -v c="$2" -v n="$3" -v col="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) k = i; next }
		$1 == c && $2 == n { print (k ? $k : "NO-COLUMN") }' "$1"
}

# check NAME GOT WANT
check() {
	if [[ $2 == "$3" ]]; then
		pass "$1"
	else
		fail "$1" "got '$2', want '$3'"
	fi
}

# has_row NAME TITLE REGEX: the block TITLE has a line matching REGEX.
has_row() {
	if block "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1" "no line /$3/ in block '$2':" "$(block "$2")"
	fi
}

if [[ $main_rc -ne 0 && $main_rc -ne 1 ]]; then
	fail "the fixture is reported" "exit $main_rc" "$(cat "$T/stderr")"
	exit 1
fi

R=$OUT/results.csv
check "the aggregate is the sum of the flows" "$(csv "$R" native 2 tcp_tx_mbps)" 1000
check "TEST.total is the aggregate even when flows are given" \
	"$(csv "$R" cdna 2 tcp_rx_mbps)" 700
check "Jain's index of equal flows is 1" "$(csv "$R" native 2 jain_tcp_tx)" 1
check "Jain's index of flows (800, 0) is 0.5" "$(csv "$R" cdna 2 jain_tcp_tx)" 0.5
check "Jain's index of one flow is 1" "$(csv "$R" cdna 1 jain_tcp_tx)" 1
has_row "cdna/native and cdna/netback are aggregate over aggregate" \
	"TCP TX aggregate Mbit/s" '^ +1 +1000\.0 +950\.0 +250\.0 +0\.95 +3\.80$'
has_row "a FAILED flow makes the aggregate FAILED and its ratio -" \
	"TCP TX aggregate Mbit/s" '^ +2 +1000\.0 +800\.0 +FAILED +0\.80 +-$'
check "a FAILED aggregate is an empty CSV cell" "$(csv "$R" netback 2 tcp_tx_mbps)" ""
has_row "a flow never reported makes the aggregate FAILED" \
	"TCP RX aggregate Mbit/s" '^ +2 +FAILED +700\.0 +- +- +-$'
has_row "a missing flow is named in the notes" "notes:" 'native N=2 tcp_rx: flow 2 missing'
has_row "an answer after the timeout is named in the notes" "notes:" 'cdna N=2 udp_rx: the guests. answer came after the timeout'
has_row "a config absent for an N is -" "RTT avg ms" '^ +1 +0\.500 +0\.600 +- +1\.20 +-$'
has_row "lower-is-better blocks say so in their title" "RTT avg ms" '\(lower is better\)'
check "CPU ns/byte is busy CPU s over the bytes moved in the window" \
	"$(csv "$R" native 1 cpu_ns_per_byte_tcp_tx)" 2
has_row "the CPU split is in % of window x pcpus" "CPU split during TCP TX" \
	'^ +1 +native +0\.0 +0\.0 +12\.5 +87\.5$'
has_row "the hypervisor block shows ns per descriptor and the count" \
	"hypervisor ns/descriptor" '^ +1 +200\.0 +1000$'
has_row "a cdna/native TX ratio of 0.95 meets the 0.90 goal" "goals" '^ +1 +0\.95 met '
has_row "a cdna/native TX ratio of 0.80 is short of the goal" "goals" '^ +2 +0\.80 short '
has_row "a cdna/netback TX ratio of 3.80 meets the 2.5 goal" "goals" \
	'^ +1 +0\.95 met +- +3\.80 met +-$'
has_row "meta lines and the title head the table" "CDNA benchmark report: fixture title" \
	'^  accel +tcg,thread=single$'
check "an unknown key is kept in the CSV" "$(csv "$R" cdna 1 foo.bar)" 42
if grep -q foo "$T/stdout"; then
	fail "an unknown key is not in the table" "$(grep foo "$T/stdout")"
else
	pass "an unknown key is not in the table"
fi
check "results.csv has one row per (config, N)" \
	"$(tail -n +2 "$R" | cut -d, -f1,2 | tr '\n' ' ')" \
	"native,1 native,2 cdna,1 cdna,2 netback,1 netback,2 "
check "results.csv starts with config, n and the aggregates" \
	"$(head -1 "$R" | cut -d, -f1-4)" "config,n,tcp_tx_mbps,tcp_rx_mbps"
check "ratios.csv has n, metric and both ratios" \
	"$(grep '^1,tcp_tx_mbps,' "$OUT/ratios.csv")" "1,tcp_tx_mbps,0.95,3.8"
if cmp -s "$T/stdout" "$OUT/table.txt"; then
	pass "table.txt is the table printed on stdout"
else
	fail "table.txt is the table printed on stdout"
fi

# Malformed raw files: exit 2 naming the line and what is wrong.
# bad NAME REGEX LINE: a raw file whose third line is LINE.
bad() {
	printf '# raw\nnative 1 tcp_tx.flow.1 900\n%s\n' "$3" >"$T/bad.raw"
	expect "$1" 2 "bad\.raw:3: .*$2" "$PY" "$REPORT" "$T/bad.raw" "$T/bad-out"
}
bad "too few fields is refused naming the line" "want 4 fields" "cdna 1 tcp_tx.flow.1"
bad "an unknown config is refused naming the line" "unknown config 'xen'" \
	"xen 1 tcp_tx.flow.1 900"
bad "N = 0 is refused naming the line" "N must be an integer >= 1" "cdna 0 tcp_tx.flow.1 9"
bad "a value neither number nor FAILED is refused" "'fast' .* not a number or FAILED" \
	"cdna 1 tcp_tx.flow.1 fast"
bad "a flow index above N is refused" "flow index .* must be 1\.\.2" \
	"cdna 2 tcp_tx.flow.3 900"
bad "a negative throughput is refused" "negative" "cdna 1 tcp_tx.flow.1 -5"
bad "a key given twice is refused naming both lines" "given twice \(first on line 2\)" \
	"native 1 tcp_tx.flow.1 950"
expect "a missing raw file exits 2 naming it" 2 "no-such\.raw: No such file" \
	"$PY" "$REPORT" "$T/no-such.raw" "$T/bad-out"

# Plots: seven PNGs when gnuplot is here; without it, table and CSV and exit 1.
if ! command -v gnuplot >/dev/null; then
	skip "the plots are PNG files drawn by gnuplot" "gnuplot not installed"
else
	pngs=0
	for p in throughput-tx throughput-rx cpu-per-byte latency fairness cpu-split; do
		[[ $(head -c 4 "$OUT/$p.png" 2>/dev/null | od -An -c | tr -d ' ') == 211PNG ]] &&
			pngs=$((pngs + 1))
	done
	# small.raw has no small-frame figures: that plot is left out, said on stderr.
	if [[ $main_rc -eq 0 && $pngs -eq 6 && -s $OUT/plot-data/cpu-split.gp ]] &&
		grep -q 'small-frames.png not drawn' "$T/stderr"; then
		pass "the plots are PNG files drawn by gnuplot"
	else
		fail "the plots are PNG files drawn by gnuplot" "exit $main_rc, $pngs of 6 PNGs" \
			"$(cat "$T/stderr")"
	fi
fi
expect "without gnuplot: exit 1 and a warning naming gnuplot-nox" 1 \
	"warning: gnuplot not found.*gnuplot-nox" \
	env PATH=/nonexistent "$PY" "$REPORT" "$FIX/small.raw" "$T/nogp"
if [[ -s $T/nogp/table.txt && -s $T/nogp/results.csv && ! -e $T/nogp/fairness.png ]]; then
	pass "without gnuplot the table and the CSV are still written"
else
	fail "without gnuplot the table and the CSV are still written" "$(ls "$T/nogp")"
fi

tap_done
