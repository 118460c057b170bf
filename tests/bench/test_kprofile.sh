#!/usr/bin/env bash
# test_kprofile.sh - the kernels' own profiles of `make bench`: the guest
# side (platform/images/kprofile, run here on a fake /proc: a profile of
# 100 counters of 32 bytes) and the host side (tests/bench/kprofile-syms.py,
# which names the functions from System.map).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KPROFILE=$HERE/../../platform/images/kprofile
SYMS=$HERE/kprofile-syms.py
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
TAP_NAME=kprofile
. "$HERE/../lib/tap.sh"

# fake_proc DIR STEXT: shift 5, counters 0=3, 8=5, 9=1, 40=7, and the last
# (99, everything past the text) 2; kallsyms and stat as a kernel has them.
fake_proc() {
	mkdir -p "$1"
	"$PY" -c '
import struct, sys
v = [5] + [0] * 100
v[1 + 0], v[1 + 8], v[1 + 9], v[1 + 40], v[1 + 99] = 3, 5, 1, 7, 2
open(sys.argv[1], "wb").write(struct.pack("<%dI" % len(v), *v))' "$1/profile"
	printf '%s T _stext\n' "$2" >"$1/kallsyms"
	echo "cpu  100 0 50 900 0 0 10 0 0 0" >"$1/stat"
}
printf 'ffffffff81000000 T _stext\nffffffff81000100 t foo\nffffffff81000400 T bar\nffffffff81000c80 T _etext\n' >"$T/System.map"

fake_proc "$T/proc" ffffffff81000000
KPROFILE_PROC=$T/proc TMPDIR=$T sh "$KPROFILE" top 4 >"$T/top" 2>&1
top=$(<"$T/top")

if [[ $(grep '^bin ' "$T/top" | head -n1) == "bin 40 7" ]] &&
	[[ $(grep -c "^bin " "$T/top") == 4 ]]; then
	pass "kprofile top lists the N busiest counters, busiest first"
else
	fail "kprofile top lists the N busiest counters, busiest first" "$top"
fi
if grep -qx 'modules 2' <<<"$top" && ! grep -q '^bin 99 ' <<<"$top" &&
	grep -qx 'total 18' <<<"$top"; then
	pass "the last counter is module code, counted apart; total is every sample"
else
	fail "the last counter is module code, counted apart; total is every sample" "$top"
fi
if grep -qx 'shift 5' <<<"$top" && grep -qx 'stext ffffffff81000000' <<<"$top"; then
	pass "kprofile top says its shift and where _stext is"
else
	fail "kprofile top says its shift and where _stext is" "$top"
fi

run "$PY" "$SYMS" "$T/top" "$T/System.map"
if [[ $rc == 0 ]] && grep -Eq '^ +7 +38\.9%  bar$' <<<"$out" &&
	grep -Eq '^ +6 +33\.3%  foo$' <<<"$out"; then
	pass "kprofile-syms names the function holding each counter and adds them up"
else
	fail "kprofile-syms names the function holding each counter and adds them up" "rc $rc" "$out"
fi
if grep -Eq '^ +2 +11\.1%  \(module code' <<<"$out"; then
	pass "kprofile-syms shows module code as one line"
else
	fail "kprofile-syms shows module code as one line" "$out"
fi

fake_proc "$T/kaslr" ffffffff9a000000
KPROFILE_PROC=$T/kaslr TMPDIR=$T sh "$KPROFILE" top 3 >"$T/top-kaslr" 2>&1
run "$PY" "$SYMS" "$T/top-kaslr" "$T/System.map"
if [[ $rc == 0 ]] && grep -Eq '  bar$' <<<"$out" && grep -q 'offsets used' <<<"$out"; then
	pass "a kernel placed elsewhere (KASLR) is mapped by its offset from _stext"
else
	fail "a kernel placed elsewhere (KASLR) is mapped by its offset from _stext" "$out"
fi

echo "not a profile" >"$T/garbage"
expect "kprofile-syms refuses what is not kprofile output (exit 2)" 2 "not kprofile top output" \
	"$PY" "$SYMS" "$T/garbage" "$T/System.map"
expect "kprofile says how to boot when the kernel keeps no profile" 1 "profile=5" \
	env KPROFILE_PROC="$T/none" sh "$KPROFILE" top

KPROFILE_PROC=$T/proc sh "$KPROFILE" reset
if [[ $(<"$T/proc/profile") == 0 ]]; then
	pass "kprofile reset writes to the profile (the kernel zeroes it)"
else
	fail "kprofile reset writes to the profile (the kernel zeroes it)"
fi
tap_done
