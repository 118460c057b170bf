#!/usr/bin/env bash
# fuzz.sh - run each libFuzzer harness (README.md) for FUZZ_SECONDS seconds,
# one after the other (never two fuzzers at once: the machine is shared).
#
# In `make check` (tests/run.sh): 5 seconds each, the corpus worked on in a
# scratch copy.  `make fuzz FUZZ_SECONDS=N`: N seconds each, the work copy
# kept in $FUZZ_WORK across runs; the repository's corpus is only read.
#
# One TAP line per harness: ok when it ended without a crash, leak, timeout
# or invariant failure, with the inputs it ran; a failure names the input
# libFuzzer saved (in $BUILD/fuzz/findings/) and the tail of its report.
# Then one verdict line.  Finds the build through $BUILD (default build).
set -uo pipefail

BUILD=${BUILD:-build}
SECONDS_EACH=${FUZZ_SECONDS:-5}
# libFuzzer reads -max_total_time=0 as "for ever".
[[ $SECONDS_EACH =~ ^[0-9]+$ && $SECONDS_EACH -ge 1 ]] || SECONDS_EACH=1
CDNA_FW_IMG=${CDNA_FW_IMG:-$BUILD/firmware/cdna-fw.img}
export CDNA_FW_IMG
SRC=$(cd "$(dirname "$0")" && pwd)
TAP_NAME=fuzz
. "$SRC/../lib/tap.sh"

WORK=${FUZZ_WORK:-$T/work}
FINDINGS=$BUILD/fuzz/findings
mkdir -p "$FINDINGS"
total=0
found=0

for h in hcall nic; do
	bin=$BUILD/fuzz/fuzz_$h
	name="fuzz_$h: ${SECONDS_EACH} s"
	if [[ ! -x $bin ]]; then
		fail "$name" "$bin is missing (make fuzz-build)"
		found=$((found + 1))
		continue
	fi
	mkdir -p "$WORK/$h"
	# New inputs go to the first directory (the work copy); the
	# repository's seeds are read from the second.  -timeout: an input
	# that runs 10 s is a hang, and a finding.
	log=$BUILD/fuzz/fuzz_$h.log
	"$bin" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
		-timeout=10 -max_len=2048 \
		-artifact_prefix="$FINDINGS/$h-" \
		"$WORK/$h" "$SRC/corpus/$h" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	execs=${execs:-0}
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	total=$((total + execs))
	saved=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log" | tail -1)
	if [[ $rc -eq 0 && $execs -gt 0 ]]; then
		pass "$name, $execs inputs (${rate:-?}/s), nothing found"
	else
		found=$((found + 1))
		fail "$name, $execs inputs: exit $rc" \
			"reproduce: $bin ${saved:-(no input saved)}" \
			"report: $log" \
			"$(grep -E 'invariant failed|ERROR:|SUMMARY|runtime error' \
				"$log" | head -5)"
	fi
done

if [[ $found -eq 0 ]]; then
	echo "# fuzz: nothing found in $total inputs (${SECONDS_EACH} s per harness)"
else
	echo "# fuzz: $found harness(es) found something in $total inputs; see $FINDINGS"
fi
tap_done
