#!/usr/bin/env bash
# test_kprofile.sh - the kernels' own profiles in `make bench`
# (platform/images/kprofile), run on a fake /proc: a profile of 100
# counters of 32 bytes, and the kallsyms a kernel has.  With busybox when
# this machine has it (the images' shell and awk: 32-bit %x, no ^).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KPROFILE=$HERE/../../platform/images/kprofile
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
TAP_NAME=kprofile
. "$HERE/../lib/tap.sh"

# fake_proc DIR STEXT: step 32, counters 0=3, 8=5, 9=1, 40=7, and the last
# (99, everything past the text: module code) 2; _stext at STEXT, foo at
# +0x100, bar at +0x400, a module's function far above.
fake_proc() {
	"$PY" - "$1" "$2" <<'PYEOF'
import os, struct, sys
d, base = sys.argv[1], int(sys.argv[2], 16)
os.makedirs(d, exist_ok=True)
v = [32] + [0] * 100
v[1 + 0], v[1 + 8], v[1 + 9], v[1 + 40], v[1 + 99] = 3, 5, 1, 7, 2
open(d + "/profile", "wb").write(struct.pack("<%dI" % len(v), *v))
open(d + "/kallsyms", "w").write(
    f"{base:016x} T _stext\n{base + 0x100:016x} t foo\n{base + 0x400:016x} T bar\n"
    "ffffffffc0001000 t mod_fn\t[cdna]\n")
open(d + "/stat", "w").write("cpu  100 0 50 900 0 0 10 0 0 0\n")
PYEOF
}

# kprofile ARGS...: the script under the images' shell (busybox) if here.
BB=$(command -v busybox || true)
kprofile() {
	if [[ -n $BB ]]; then
		mkdir -p "$T/bb"
		for a in sh awk od sort head grep cat wc rm cut sed; do ln -sf "$BB" "$T/bb/$a"; done
		PATH=$T/bb TMPDIR=$T "$BB" sh "$KPROFILE" "$@"
	else
		TMPDIR=$T sh "$KPROFILE" "$@"
	fi
}

fake_proc "$T/proc" ffffffff81000000
top=$(KPROFILE_PROC=$T/proc kprofile top 5 2>&1)
if [[ $(sed -n 3p <<<"$top") =~ ^\ +7\ +38\.9%\ +bar$ ]] &&
	[[ $(sed -n 4p <<<"$top") =~ ^\ +6\ +33\.3%\ +foo$ ]]; then
	pass "kprofile top names the busiest functions first, their counters added up"
else
	fail "kprofile top names the busiest functions first, their counters added up" "$top"
fi
if grep -Eq '^ +2 +11\.1%  \(module code' <<<"$top" && grep -qx 'total 18' <<<"$top"; then
	pass "the last counter is module code, one line; total is every sample"
else
	fail "the last counter is module code, one line; total is every sample" "$top"
fi
if [[ $(head -n1 <<<"$top") == "cpu  100 0 50 900 0 0 10 0 0 0" ]]; then
	pass "kprofile top starts with the cpu line of /proc/stat"
else
	fail "kprofile top starts with the cpu line of /proc/stat" "$top"
fi
if [[ $(KPROFILE_PROC=$T/proc kprofile top 2 | grep -c '%') == 2 ]]; then
	pass "kprofile top N prints N functions"
else
	fail "kprofile top N prints N functions"
fi

# A kernel placed above 2^31 in the low 32 bits (KASLR): busybox awk's
# integers would overflow there.
fake_proc "$T/kaslr" ffffffff9a000000
top=$(KPROFILE_PROC=$T/kaslr kprofile top 5 2>&1)
if [[ $(sed -n 3p <<<"$top") =~ bar$ ]] && [[ $(sed -n 4p <<<"$top") =~ foo$ ]]; then
	pass "a kernel placed high (KASLR) is named as well"
else
	fail "a kernel placed high (KASLR) is named as well" "$top"
fi

expect "kprofile says how to boot when the kernel keeps no profile" 1 "profile=5" \
	env KPROFILE_PROC="$T/none" sh "$KPROFILE" top
expect "kprofile with a wrong verb prints its usage (exit 2)" 2 "kprofile reset" \
	env KPROFILE_PROC="$T/proc" sh "$KPROFILE" frobnicate

KPROFILE_PROC=$T/proc sh "$KPROFILE" reset
if [[ $(<"$T/proc/profile") == 0 ]]; then
	pass "kprofile reset writes to the profile (the kernel zeroes it)"
else
	fail "kprofile reset writes to the profile (the kernel zeroes it)"
fi
tap_done
