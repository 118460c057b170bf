#!/usr/bin/env bash
# test_xen_cpustat.sh - xen-cpustat (tests/bench/xen_cpustat.c), make bench's
# CPU sampler in dom0, where it needs no Xen: a window that is not a number
# of seconds is refused before anything is opened (exit 2, the usage), and
# outside dom0 it says that it cannot reach Xen (exit 1) and prints no
# figures.  Its figures are read in dom0 by make bench (cdna-domus cpu).
set -uo pipefail

BUILD=${BUILD:-build}
BIN=$BUILD/bin/xen-cpustat
TAP_NAME=xen-cpustat
. "$(dirname "$0")/../lib/tap.sh"

if [[ ! -x $BIN ]]; then
	fail "xen-cpustat is built" "$BIN missing; run make $BIN"
	exit 1
fi

expect "no window: the usage, exit 2" 2 '^usage: xen-cpustat W' "$BIN"
for w in 0 -1 abc 5x 3601 "" "1 2"; do
	expect "window '$w' is refused with the usage" 2 '^usage: xen-cpustat W' "$BIN" "$w"
done
expect "two windows are refused" 2 '^usage: xen-cpustat W' "$BIN" 1 2
if [[ -e /dev/xen/privcmd ]]; then
	skip "outside dom0: cannot open Xen's control interface" "this host has /dev/xen/privcmd"
else
	run "$BIN" 0.1
	if [[ $rc -eq 1 && -z $out ]] && grep -q "^xen-cpustat: cannot open Xen's control interface" <<<"$err"; then
		pass "outside dom0: cannot open Xen's control interface, exit 1, no figures"
	else
		fail "outside dom0: cannot open Xen's control interface, exit 1, no figures" \
			"exit $rc" "stdout: $out" "stderr: $err"
	fi
fi
# dom0's root has Xen's libraries of its own Debian release; a static
# binary does not depend on them.
if file -L "$BIN" | grep -q 'statically linked'; then
	pass "statically linked (dom0's root needs no matching libxenctrl)"
else
	fail "statically linked (dom0's root needs no matching libxenctrl)" "$(file -L "$BIN")"
fi
tap_done
