#!/usr/bin/env bash
# test_cdna_domus.sh - `cdna-domus bench` (platform/images/cdna-domus), the
# part of `make bench` that runs inside dom0, against fake Xen tools: a
# xenstore kept in a directory, guests that are shell loops answering their
# data/cdna-cmd the way domu-init does, and xen-cpustat/adjtimex/usleep
# stand-ins.  Under dash, as dom0's /bin/sh is.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DOMUS=$HERE/../../platform/images/cdna-domus
TAP_NAME=cdna-domus
. "$HERE/../lib/tap.sh"
SH=$(command -v dash || command -v sh)
PY=$(command -v python3)

XS=$T/xs                        # the fake store: one file per node
mkdir -p "$T/bin" "$T/run" "$XS"

# Fake tools.  xenstore-read fails on the first missing node, as Xen's does
# (printing the values before it), and without -R prints each value on one
# line escaped as Xen's sanitise_value (tools/xenstore/xs_lib.c) does.
cat >"$T/bin/xenstore-read" <<PYEOF
#!$PY
import os, sys
args, raw = sys.argv[1:], False
if args and args[0] == "-R":
    args, raw = args[1:], True
for p in args:
    try:
        v = open("$XS" + p, "rb").read()
    except OSError:
        sys.stderr.write("xenstore-read: couldn't read path %s\\n" % p)
        sys.exit(1)
    if raw:
        sys.stdout.buffer.write(v)
        continue
    o = ""
    for c in v:
        if 32 <= c <= 126 and c != 92:
            o += chr(c)
        else:
            o += "\\\\" + {9: "t", 10: "n", 13: "r", 92: "\\\\"}.get(c, "%03o" % c if c < 8 else "x%02x" % c)
    print(o, flush=True)
PYEOF
cat >"$T/bin/xenstore-write" <<EOF
#!/bin/sh
[ "\$1" = -R ] && shift
while [ \$# -ge 2 ]; do
    mkdir -p "\$(dirname "$XS\$1")"; printf '%s' "\$2" >"$XS\$1.tmp"; mv "$XS\$1.tmp" "$XS\$1"; shift 2
done
EOF
cat >"$T/bin/xl" <<EOF
#!/bin/sh
# xl domid NAME: the fake's domains are domuI with id 10+I.
[ "\$1" = domid ] && case \$2 in domu[0-9]*) echo \$((10 + \${2#domu})); exit 0 ;; esac
exit 1
EOF
printf '#!/bin/sh\nsleep "$1"; echo "window $1"; echo "dom 0 0.100"; echo "pcpu 0 0.500"\n' >"$T/bin/xen-cpustat"
cat >"$T/bin/adjtimex" <<'EOF'
#!/bin/sh
t=$(date +%s.%N)
echo "    time.tv_sec:  ${t%.*}"
echo "    time.tv_usec: $(( 1${t#*.} / 1000 - 1000000 ))"
EOF
printf '#!/bin/sh\nsleep "$(awk -v u="$1" '"'"'BEGIN { print u / 1000000 }'"'"')"\n' >"$T/bin/usleep"
chmod +x "$T"/bin/*

# guest I [silent|gone]: domuI with id 10+I: its name node, dom0's cached
# id (cdna-domus domid_of), data/cdna-done "0 0" as domu-init writes at boot
# (not when gone), and unless silent or gone a loop that answers each new
# data/cdna-cmd "SEQ CMD" with data/cdna-out and then data/cdna-done "SEQ RC".
guest() {
	local i=$1 d=$((10 + $1))
	mkdir -p "$XS/local/domain/$d/data"
	printf 'domu%s' "$i" >"$XS/local/domain/$d/name"
	echo "$d" >"$T/run/domid-domu$i"
	[[ ${2:-} == gone ]] && return 0
	printf '0 0' >"$XS/local/domain/$d/data/cdna-done"
	[[ ${2:-} == silent ]] && return 0
	(
		last=
		while :; do
			req=$(cat "$XS/local/domain/$d/data/cdna-cmd" 2>/dev/null) || req=
			seq=${req%% *}
			if [[ -n $seq && $seq != "$last" ]]; then
				o=$(PATH=$T/bin:$PATH "$SH" -c "${req#* }" 2>&1); rc=$?
				PATH=$T/bin:$PATH xenstore-write -R "/local/domain/$d/data/cdna-out" "$o" \
					"/local/domain/$d/data/cdna-done" "$seq $rc"
				last=$seq
			fi
			sleep 0.1
		done
	) &
	GUESTS+=($!)
}
GUESTS=()
trap 'kill "${GUESTS[@]}" 2>/dev/null; rm -rf "$T"' EXIT

domus() { CDNA_DOMUS_PATH=$T/bin CDNA_DOMUS_RUN=$T/run "$SH" "$DOMUS" "$@"; }

# block I: guest I's lines of the bench's output.
block() { awk -v n="$1" '$1 == "@@BENCH-END" && $2 == n { f = 0 } f { print } $1 == "@@BENCH-BEGIN" && $2 == n { f = 1 }' <<<"$out"; }

guest 1; guest 2; guest 3 silent; guest 4 gone
# domu2's cached id is stale (another domain's): cdna-domus must ask xl.
echo 99 >"$T/run/domid-domu2"
t0=$(date +%s)
out=$(domus bench 4 1 2 3 'echo guest %I port %P; printf "a\tb\\\\c\001\n"')
took=$(($(date +%s) - t0))

if [[ $(block 1) == *"guest 1 port 5301"* && $(block 2) == *"guest 2 port 5302"* ]]; then
	pass "each guest runs the command with its own number and port"
else
	fail "each guest runs the command with its own number and port" "$out"
fi
if block 3 | grep -q 'TIMEOUT: domu3 has not answered' &&
	block 4 | grep -q 'domu4 has no data/cdna-done'; then
	pass "a guest that never answers, or is gone, is reported in its own block"
else
	fail "a guest that never answers, or is gone, is reported in its own block" "$out"
fi
want=' a \t b \ c 001 \n'        # od -c of the line printf wrote
if [[ $(block 1 | grep -a '^a' | od -An -c | tr -s ' ') == "$want" ]]; then
	pass "a guest's output comes back byte for byte (tab, backslash, control byte)"
else
	fail "a guest's output comes back byte for byte (tab, backslash, control byte)" \
		"$(block 1 | od -c | head -n 5)"
fi
# Start at +1 s, window 2 s, answers waited for until 3 s after the start.
if ((took <= 9)); then
	pass "the bench gives up on a silent guest at its timeout ($took s)"
else
	fail "the bench gives up on a silent guest at its timeout ($took s)"
fi
starts=$(awk '$1 == "BENCH-START" { print $2 }' <<<"$out" | sort -u)
if [[ $(wc -l <<<"$starts") == 1 && -n $starts ]]; then
	pass "the answering guests start in the same wall-clock second"
else
	fail "the answering guests start in the same wall-clock second" "$out"
fi
at=$(awk '$1 == "BENCH-AT" { print $2 }' <<<"$out")
armed=$( (block 1; block 2) | awk '$1 == "BENCH-ARMED" { print $2 }')
if [[ $at =~ ^[0-9]+$ && $(wc -l <<<"$armed") == 2 ]] &&
	awk -v at="$at" '$1 > at { exit 1 }' <<<"$armed" && [[ $(sort -u <<<"$starts") == "$at" ]]; then
	pass "the bench names the start it gave, and each guest the second it had its command, before that start"
else
	fail "the bench names the start it gave, and each guest the second it had its command, before that start" "$out"
fi
if grep -Eq '^BENCH-PHASES handout_s [0-9.]+ collect_s [0-9.]+ cpu_wait_s [0-9.]+ output_s [0-9.]+ dom0_s [0-9.]+$' <<<"$out" &&
	block 1 | grep -Eq '^BENCH-DONE [0-9]+$'; then
	pass "the bench reports its own phases and each guest's end"
else
	fail "the bench reports its own phases and each guest's end" "$out"
fi
if [[ $(block cpu) == $'window 1\ndom 0 0.100\npcpu 0 0.500' ]]; then
	pass "the CPU sampler's figures come back in the cpu block, over at least 1 s"
else
	fail "the CPU sampler's figures come back in the cpu block, over at least 1 s" "$(block cpu)"
fi
if [[ $(cat "$T/run/domid-domu2") == 12 ]]; then
	pass "a stale cached domain id is looked up again"
else
	fail "a stale cached domain id is looked up again" "domid-domu2: $(cat "$T/run/domid-domu2")"
fi

tap_done
