#!/usr/bin/env bash
# run.sh TEST... - run test programs and scripts, print each one's TAP lines,
# and close with "check: N passed, N failed" over all of them.  A program that
# crashes or exits non-zero without reporting a failure counts as one failure.
set -uo pipefail

passed=0
failed=0
failures=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	echo "# $t"
	# Shown as it runs (a system test takes minutes), counted afterwards.
	"$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	out=$(cat "$log")
	p=$(grep -c '^ok - ' <<<"$out")
	f=$(grep -c '^not ok - ' <<<"$out")
	if [[ $rc -ne 0 && $f -eq 0 ]]; then
		f=1
		echo "not ok - $t exited with status $rc"
	fi
	if [[ $rc -eq 0 && $p -eq 0 && $f -eq 0 ]]; then
		f=1
		echo "not ok - $t ran no test"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[[ $f -gt 0 ]] && failures+=("$t")
done
[[ ${#failures[@]} -gt 0 ]] && echo "# failing: ${failures[*]}"
echo "check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
