#!/usr/bin/env bash
# `make bench` (`make bench QUICK=1`): CDNA against native Linux and against
# Xen's software path (netfront/netback), 1 to 32 guests, one run, one
# machine.  A benchmark, not a test: it exits non-zero only when something
# broke, never on a figure.
#
# Three configurations, each booted once on the same QEMU (same -accel, same
# cdna NIC, same tap to the far end, same kernel):
#   native   Debian's kernel without Xen, cdna.ko in native mode; N flows
#            from the one OS (N parallel iperf3 clients);
#   cdna     Xen with CDNA: N PV domUs, each on its own context of the NIC
#            (dom0 has none: all 32 contexts are the guests');
#   netback  Xen: N PV domUs with netfront, netback and a bridge in dom0;
#            dom0 drives the cdna NIC in native mode (cdna.ko dom0_native=1,
#            not registered with Xen), as dom0 drives any NIC.
# For each N (BENCH_NS) the guests are added to the running machine (xl
# create), then every guest runs the same test at the same wall-clock second
# (Xen's wall clock, shared by all domains), against its own iperf3 server
# at the far end (port 5300+I):
#   tcp_tx / tcp_rx   iperf3 TCP guest -> far end / far end -> guest (-R)
#   udp_tx / udp_rx   iperf3 UDP, -b 0 from the guests; into the guests
#                     BENCH_UDP_RX_MBPS offered in all (the far end is the
#                     host: an unpaced sender would take the core QEMU's
#                     NIC thread needs)
#   small_tx          iperf3 UDP with 18-byte payloads (60-byte frames), -b 0:
#                     datagrams the far end received per second
#   rtt               ping to the far end from every guest at once
# each flow's figure is the receiver's (iperf3's "receiver" line); the
# aggregate is their sum, Jain's index their fairness.  During each test:
# the CPU seconds of Xen, dom0, the guests and idle inside the emulated
# machine (dom0: Xen's counters, read by xen-cpustat 1 s after the start
# and 1 s before the end; native: /proc/stat), the host CPU of QEMU's threads (TCG vCPUs,
# the NIC's ISS thread, the main loop), and for CDNA the hypervisor's own
# time per descriptor (cdnactl stats: the time inside ENQUEUE and QUERY).
# With BENCH_PROFILE_NS=1, during the TCP tests at N = 1 each kernel on
# the path profiles itself (profile=5, platform/images/kprofile):
# profile-CONFIG-NN-TEST-KERNEL.txt names its busiest functions, and
# xenperf-CONFIG-NN-TEST.txt holds Xen's counters that moved (hypercalls
# by name, interrupts, ...).
#
# Output: progress on stderr; the raw figures (bench.raw), then
# tests/bench/bench-report.py's table (stdout, with the ratios CDNA/native
# and CDNA/netback), results.csv and the PNG plots, all in the run
# directory printed at the start and the end.
# Options (environment): BENCH_QUICK=1 (N = 1 and 8), BENCH_NS, BENCH_CONFIGS
# (default "native cdna netback"), BENCH_SECONDS (each test, default 6),
# BENCH_TESTS, BENCH_UDP_RX_MBPS (default 1000), BENCH_PROFILE_NS (the N
# to profile at, default none), BENCH_PROFILE_TESTS (default "tcp_tx
# tcp_rx"), CDNA_TCG (default tcg,thread=single), CDNA_DOMU_MEM (default
# 128), BENCH_RUN_BASE (default build/bench).
set -euo pipefail
BENCH_QUICK=${BENCH_QUICK:-0}
if [ "$BENCH_QUICK" = 1 ]; then BENCH_NS=${BENCH_NS:-1 8}; else BENCH_NS=${BENCH_NS:-1 2 4 8 16 32}; fi
BENCH_CONFIGS=${BENCH_CONFIGS:-native cdna netback}
BENCH_SECONDS=${BENCH_SECONDS:-6}
BENCH_TESTS=${BENCH_TESTS:-tcp_tx tcp_rx udp_tx udp_rx small_tx rtt}
BENCH_UDP_RX_MBPS=${BENCH_UDP_RX_MBPS:-1000}
NMAX=0
for n in $BENCH_NS; do
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 32 ] ||
        { echo "bench-scale.sh: BENCH_NS: '$n' is not a number of guests from 1 to 32" >&2; exit 2; }
    [ "$n" -gt "$NMAX" ] || { [ "$n" -lt "$NMAX" ] && { echo "bench-scale.sh: BENCH_NS must increase: $BENCH_NS" >&2; exit 2; }; }
    NMAX=$n
done
for c in $BENCH_CONFIGS; do
    case $c in native|cdna|netback) ;; *) echo "bench-scale.sh: BENCH_CONFIGS: unknown '$c' (native, cdna, netback)" >&2; exit 2 ;; esac
done
# Memory for the largest N: 128 MB guests (32 of them fit), dom0 1 GB.
export CDNA_DOMU_MEM=${CDNA_DOMU_MEM:-128}
export CDNA_QEMU_MEM=${CDNA_QEMU_MEM:-$((1024 + NMAX * CDNA_DOMU_MEM + 384))}
# QEMU names its threads (bench-lib.sh's qemu_threads); costs nothing.
export CDNA_QEMU_EXTRA="${CDNA_QEMU_EXTRA:-} -name bench,debug-threads=on"
export CDNA_RUN_BASE=${BENCH_RUN_BASE:-$(cd "$(dirname "$0")/../.." && pwd)/build/bench}
. "$(dirname "$0")/orchestrator.sh"
. "$(dirname "$0")/checks.sh"
. "$(dirname "$0")/native.sh"
. "$(dirname "$0")/bench-lib.sh"
. "$(dirname "$0")/bench-parse.sh"
# dom0's CPU sampler (tests/bench/xen_cpustat.c, make bench builds it).
[ -x "$REPO_DIR/build/bin/xen-cpustat" ] ||
    { echo "bench-scale.sh: no $REPO_DIR/build/bin/xen-cpustat (make build/bin/xen-cpustat)" >&2; exit 1; }
export CDNA_DOM0_FILES="${CDNA_DOM0_FILES:-} $REPO_DIR/build/bin/xen-cpustat=usr/sbin/xen-cpustat"
# Every kernel keeps a timer-tick profile of itself (kprofile): a counter
# per 32 bytes of kernel text, about 2 MB, one increment per tick.
CDNA_DOM0_ARGS+=" profile=5"
CDNA_DOMU_ARGS+=" profile=5"
NATIVE_ARGS+=" profile=5"

[ "$(id -u)" -eq 0 ] || { echo "bench-scale.sh: needs root (network namespace, tap device)" >&2; exit 1; }
T_BENCH=$(now)
CONFIG="" N=0
prog() { printf '[bench %6ss] %s\n' "$(since "$T_BENCH")" "$*" >&2; }

system_run_start
# dom0_nic_setup points DOM0_INITRD at the run's copy: each boot starts from the image's.
IMAGE_DOM0_INITRD=$DOM0_INITRD
RAW="$RUN/bench.raw"
REPORT_DIR="$RUN/report"
prog "results directory: $RUN"
prog "configurations: $BENCH_CONFIGS; N: $BENCH_NS; ${BENCH_SECONDS}s per test: $BENCH_TESTS; accel $CDNA_TCG"
{
    echo "# make bench raw figures: CONFIG N KEY VALUE (tests/bench/bench-report.py)"
    echo "meta command make bench$([ "$BENCH_QUICK" = 1 ] && echo " QUICK=1")"
    echo "meta commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO_DIR" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "meta started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "meta accel $CDNA_TCG (one host core for the whole emulated machine)"
    echo "meta tests ${BENCH_SECONDS}s each (iperf3 -O 1 first); UDP RX offered ${BENCH_UDP_RX_MBPS} Mbit/s in all"
    echo "meta host $(nproc) cores, load at start $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RAW"
raw() { echo "$CONFIG $N $*" >>"$RAW"; }

# The far end: one iperf3 server per flow (a server runs one test at a time).
far_end_servers() {
    local i
    for ((i = 1; i <= NMAX; i++)); do
        ip netns exec "$NS" iperf3 -s -B "$FAR_IP" -p $((5300 + i)) -D >/dev/null 2>&1 ||
            fail "far end" "" "cannot start iperf3 server on port $((5300 + i))"
    done
}

# test_cmd TEST: the command each guest runs (%P: its server's port); no
# single quote (it travels inside one, see domu_exec).
test_cmd() {
    local t=$BENCH_SECONDS ip="iperf3 -c $FAR_IP -p %P -t $BENCH_SECONDS -O 1 -f m --connect-timeout 5000"
    case $1 in
        tcp_tx)   echo "$ip 2>&1 | tail -n 4" ;;
        tcp_rx)   echo "$ip -R 2>&1 | tail -n 4" ;;
        udp_tx)   echo "$ip -u -b 0 2>&1 | tail -n 4" ;;
        udp_rx)   echo "$ip -u -b $((BENCH_UDP_RX_MBPS / N))M -R 2>&1 | tail -n 4" ;;
        small_tx) echo "$ip -u -b 0 -l $SMALL_PAYLOAD 2>&1 | tail -n 4" ;;
        rtt)      echo "ping -q -c $((t * 5)) -i 0.2 -W 2 $FAR_IP 2>&1 | tail -n 2" ;;
    esac
}

# record TEST OUT: the raw lines of one test from the blocks of every flow.
record() {
    local test=$1 out=$2 i b fig rtt
    if [ "$test" = rtt ]; then
        # busybox: "round-trip min/avg/max = 0.5/0.7/1.2 ms"; iputils: "rtt min/avg/max/mdev = ...".
        rtt=$(for ((i = 1; i <= N; i++)); do block "$i" <<<"$out"; done |
            awk '/min\/avg\/max/ { split($0, a, "= "); split(a[2], v, "/"); mn = v[1] + 0; av = v[2] + 0; mx = v[3] + 0
                  s += av; c++; if (c == 1 || mn < lo) lo = mn; if (mx > hi) hi = mx }
                  END { if (c > 0) printf "%.3f %.3f %.3f %d\n", s / c, lo, hi, c }')
        if [ -n "$rtt" ] && [ "$(cut -d' ' -f4 <<<"$rtt")" = "$N" ]; then
            read -r a lo hi _ <<<"$rtt"
            raw rtt.avg_ms "$a"; raw rtt.min_ms "$lo"; raw rtt.max_ms "$hi"
        else
            raw rtt.avg_ms FAILED
        fi
        return 0
    fi
    for ((i = 1; i <= N; i++)); do
        b=$(block "$i" <<<"$out")
        fig=$(flow_figure "$test" <<<"$b")
        raw "$test.flow.$i" "${fig:-FAILED}"
    done
}

# cpu_record TEST OUT: the emulated machine's CPU split over the window.
# Xen: dom0's `cdna-domus cpu` block (xen-cpustat: Xen's CPU seconds of
# each domain and idle seconds of each pCPU, both ends read by one
# process): Xen's own time is what the pCPUs were neither idle nor running
# a domain's vCPU for (hypercalls are charged to the calling domain,
# interrupts and softirqs outside any vCPU to Xen).
# Native: the OS's /proc/stat at both ends of the window (cpu0, cpu1).
cpu_record() {
    local test=$1 out=$2
    { echo "@@BENCH-BEGIN cpu"; block cpu <<<"$out"; echo "@@BENCH-END cpu"
      for b in cpu0 cpu1; do echo "@@BENCH-BEGIN $b"; block "$b" <<<"$out"; echo "@@BENCH-END $b"; done; } |
    awk -v pre="$CONFIG $N $test.cpu" '
        $1 == "@@BENCH-BEGIN" { s = $2; next }
        $1 == "@@BENCH-END" { s = ""; next }
        s == "cpu" && $1 == "window" { w = $2 }
        s == "cpu" && $1 == "skew" { sk = $2 }
        s == "cpu" && $1 == "dom" { if ($2 == 0) d0 += $3; else g += $3; nd++ }
        s == "cpu" && $1 == "pcpu" { id += $3; p++ }
        s ~ /^cpu[01]$/ && $1 == "uptime" { up[s] = $2 }
        s ~ /^cpu[01]$/ && $1 == "stat" { busy[s] = $3 + $4 + $5 + $8 + $9 + $10; idl[s] = $6 + $7 }
        END {
            if (("cpu0" in up) && ("cpu1" in up)) {     # native, USER_HZ 100
                w = up["cpu1"] - up["cpu0"]
                printf "%s.window %.2f\n%s.pcpus 1\n%s.xen 0\n%s.dom0 0\n", pre, w, pre, pre, pre
                printf "%s.guests %.2f\n%s.idle %.2f\n", pre, (busy["cpu1"] - busy["cpu0"]) / 100, pre, (idl["cpu1"] - idl["cpu0"]) / 100
                exit
            }
            if (!nd || !p || w <= 0) { printf "%s.window FAILED\n", pre; exit }
            xen = p * w - id - d0 - g
            printf "%s.window %.2f\n%s.skew %.3f\n%s.pcpus %d\n", pre, w, pre, sk, pre, p
            printf "%s.xen %.2f\n%s.dom0 %.2f\n", pre, (xen > 0 ? xen : 0), pre, d0
            printf "%s.guests %.2f\n%s.idle %.2f\n", pre, g, pre, id
        }' >>"$RAW"
}

# host_record TEST BEFORE AFTER: host CPU seconds of QEMU's thread classes.
host_record() {
    local hz; hz=$(getconf CLK_TCK)
    awk -F'\t' -v hz="$hz" -v pre="$CONFIG $N $1.host" '
        NR == FNR { b[$1] = $2; next }
        { c = ($1 ~ /TCG/) ? "tcg" : ($1 == "cdna-nic") ? "nic" : ($1 ~ /^qemu-system/) ? "main" : "other"
          s[c] += ($2 - b[$1]) / hz }
        END { for (c in s) printf "%s.%s %.2f\n", pre, c, s[c] }' \
        <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sort >>"$RAW"
}

# hv_counters: "DESCS NS" of all contexts (cdnactl stats --json), empty if unknown.
hv_counters() {
    dom0 30 "cdnactl stats --json" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except ValueError:
    sys.exit(0)
g = d.get("hypervisor", {}) if isinstance(d, dict) else {}
if "descs" in g and "hv_ns" in g:
    print(g["descs"], g["hv_ns"])' 2>/dev/null || true
}

# The kernels' own profiles (kprofile, boot argument profile=5) during
# BENCH_PROFILE_TESTS at the N of BENCH_PROFILE_NS: the first guest's
# kernel, and dom0's where dom0 is on the data path (netback).  Resetting and reading
# happen outside the measured window, but each profiled test costs 17-40 s
# more (2.8 minutes in all at N = 1, measured at 094f542), and the whole
# run must fit in an hour: asked for, not by default.
PROFILE_TESTS=${BENCH_PROFILE_TESTS:-tcp_tx tcp_rx}
PROFILE_NS=${BENCH_PROFILE_NS:-}
profiled() { [[ " $PROFILE_NS " == *" $N "* && " $PROFILE_TESTS " == *" $1 "* ]]; }
profile_kernels() {   # profile_kernels reset|top TEST
    local what=$1 test=$2
    # profile_out KERNEL: where kprofile's answer goes (reset: nowhere).
    profile_out() { [ "$what" = top ] && echo "$RUN/profile-$CONFIG-N$N-$test-$1.txt" || echo /dev/null; }
    if [ "$CONFIG" = native ]; then
        guest 180 "kprofile $what 25" >"$(profile_out native)" 2>&1 || true
        return 0
    fi
    domu_exec 1 180 "kprofile $what 25" >"$(profile_out domu1)" 2>&1 || true
    [ "$CONFIG" = netback ] && { dom0 180 "kprofile $what 25" >"$(profile_out dom0)" 2>&1 || true; }
    # Xen's own counters over the same test (CONFIG_PERF_COUNTERS): those
    # that moved, and the hypercalls by name.
    if [ "$what" = top ]; then
        dom0 120 "xenperf -p" 2>&1 | awk '/ T= *[1-9]/ || /^[a-z_]+ +[1-9][0-9]*$/' \
            >"$RUN/xenperf-$CONFIG-N$N-$test.txt" || true
    else
        dom0 30 "xenperf -r" >/dev/null 2>&1 || true
    fi
    return 0
}

# run_test TEST: one test with all N guests (or N flows of the native OS).
run_test() {
    local test=$1 cmd out before after rc=0 margin late t0 from t_call call_s=""
    t0=$(now)
    cmd=$(test_cmd "$test")
    profiled "$test" && profile_kernels reset "$test"
    prog "$CONFIG N=$N: $test"
    before=$(qemu_threads)
    from=$(stat -c %s "$CONSOLE_LOG")
    if [ "$CONFIG" = native ]; then
        # N clients from the one OS, started together; /proc/stat 1 s after
        # the start and 1 s before the end.
        out=$(DOM0_LATE_OK=1 guest $((BENCH_SECONDS + 60)) "i=1; while [ \$i -le $N ]; do \
( $(sed 's/%P/$((5300 + i))/g' <<<"$cmd") ) >/tmp/bench-\$i 2>&1 & i=\$((i + 1)); done; \
( sleep 1; echo uptime \$(cut -d\" \" -f1 /proc/uptime) >/tmp/bench-cpu0; head -n1 /proc/stat | sed s/^/stat\ / >>/tmp/bench-cpu0; \
sleep $((BENCH_SECONDS - 1)); echo uptime \$(cut -d\" \" -f1 /proc/uptime) >/tmp/bench-cpu1; head -n1 /proc/stat | sed s/^/stat\ / >>/tmp/bench-cpu1 ) & \
wait; i=1; while [ \$i -le $N ]; do echo @@BENCH-BEGIN \$i; cat /tmp/bench-\$i; echo @@BENCH-END \$i; i=\$((i + 1)); done; \
for f in cpu0 cpu1; do echo @@BENCH-BEGIN \$f; cat /tmp/bench-\$f; echo @@BENCH-END \$f; done") || rc=$?
    else
        # Time for every guest to take its command (one xenstore write
        # for all) before the common start: what the previous test at
        # this N needed (next_margin), the first time a guess that grows
        # faster than N (the last guest started 16 s late at N = 32 with
        # 12 s, measured before the guests' forks were cut).
        margin=${MARGIN:-$((2 + N * N / 40))}
        # dom0 waits for the guests' answers until `late` s after the
        # start (iperf3 connects and reports late on a loaded machine);
        # this end waits for dom0 a little longer, then for the guests'
        # outputs over the console.
        late=$((BENCH_SECONDS + 31 + 2 * N))
        t_call=$(now)
        out=$(DOM0_LATE_OK=1 dom0 $((margin + late + 30 + N)) \
            "cdna-domus bench $N $margin $((BENCH_SECONDS + 1)) $late \"$cmd\"") || rc=$?
        call_s=$(since "$t_call")
    fi
    if [ "$rc" = 124 ]; then
        # Late, not lost: wait until the machine answers again, then take
        # the command's output as it came (the first @@END after it is its
        # own: one command at a time).  The flows measured their own
        # windows; only the answer was late.
        prog "$CONFIG N=$N: $test: no answer after the timeout; waiting for the machine"
        dom0_settle 300
        out=$(console_since "$from" | awk '/@@END / { exit } { print }')
        raw "$test.late_answer" 1
    fi
    if [ "$CONFIG" != native ]; then
        # How late the last guest started (its command arrived after the
        # second), and when the last had its figure, from the first start.
        awk -v pre="$CONFIG $N $test" '
            $1 == "BENCH-START" { if (!c++ || $2 < lo) lo = $2; if ($2 > hi) hi = $2 }
            $1 == "BENCH-DONE" && $2 > e { e = $2 }
            END { if (c) print pre ".start_spread_s", hi - lo; if (c && e != "") print pre ".last_done_s", e - lo }' <<<"$out" >>"$RAW"
        next_margin "$test" "$margin" "$out"
        # dom0's own overhead around the window (cdna-domus bench).
        awk -v pre="$CONFIG $N $test" '$1 == "BENCH-PHASES" { for (k = 2; k < NF; k += 2) print pre "." $k, $(k + 1) }' <<<"$out" >>"$RAW"
        raw "$test.call_s" "$call_s"
    fi
    after=$(qemu_threads)
    if profiled "$test"; then
        profile_kernels top "$test"
        prog "$CONFIG N=$N: $test: busiest kernel functions: $(for k in "$RUN/profile-$CONFIG-N$N-$test"-*.txt; do
            printf '%s: %s; ' "$(basename "${k%.txt}" | sed 's/.*-//')" "$(sed -n 3,5p "$k" | awk '{ printf "%s %s, ", $3, $2 }')"; done)"
    fi
    printf '== %s N=%s %s (rc %s)\n%s\n' "$CONFIG" "$N" "$test" "$rc" "$out" >>"$RUN/bench-output.log"
    record "$test" "$out"
    [ "$test" = rtt ] || cpu_record "$test" "$out"
    host_record "$test" "$before" "$after"
    raw "$test.step_s" "$(since "$t0")"
    [ "$test" = rtt ] && prog "$CONFIG N=$N: rtt $(awk -v p="$CONFIG $N rtt.avg_ms" 'index($0, p) == 1 { print $4 " ms" }' "$RAW" | tail -n1)" ||
        prog "$CONFIG N=$N: $test $(awk -v p="$CONFIG $N $test.flow." 'index($0, p) == 1 { if ($4 == "FAILED") f++; else s += $4 } END { printf "%s%s", s, (f ? " (" f " flows FAILED)" : "") }' "$RAW") $([ "$test" = small_tx ] && echo packets/s || echo Mbit/s) in all"
}

# next_margin TEST MARGIN OUT: the next test's margin at this N (MARGIN),
# from what this one needed (margin_needed): the guess was short at N = 8
# (the last guest had its command 1 s after the start) and about right at
# N = 32 (27 s; 32 guests took 21-26 s, 110f113's run).  Without every
# guest's arming (one failed) it stays.
next_margin() {
    local test=$1 m late
    raw "$test.margin_s" "$2"
    read -r m late < <(margin_needed "$N" "$2" <<<"$3") || true
    [ -n "${m:-}" ] || return 0
    raw "$test.armed_late_s" "$late"
    MARGIN=$m
}

run_tests() {
    local test c0 c1
    MARGIN=""
    [ "$CONFIG" = cdna ] && c0=$(hv_counters)
    for test in $BENCH_TESTS; do run_test "$test"; done
    if [ "$CONFIG" = cdna ]; then
        c1=$(hv_counters)
        if [ -n "${c0:-}" ] && [ -n "$c1" ]; then
            read -r d0 n0 <<<"$c0"; read -r d1 n1 <<<"$c1"
            raw hv.descs $((d1 - d0))
            [ $((d1 - d0)) -gt 0 ] && raw hv.ns_per_desc "$(awk -v a=$((n1 - n0)) -v b=$((d1 - d0)) 'BEGIN { printf "%.0f", a / b }')"
        fi
    fi
}

bench_native() {
    CONFIG=native
    local p
    [ -z "$(native_unready)" ] || fail "native: platform" "" "$(native_unready)"
    native_initrd
    cp "$NATIVE_FLASH" "$RUN/native-flash.bin"
    p="native-"
    native_qemu_args "$p" "cdna,netdev=n0,contexts=32,flash=$RUN/native-flash.bin,mac=$NATIVE_MAC"
    QEMU_ARGS+=(-name "bench-native,debug-threads=on")
    printf '%q ' "$QEMU_BIN" "${QEMU_ARGS[@]}" >"$RUN/${p}qemu.cmdline"
    launch_qemu "$p"
    prog "native: QEMU started (pid $QEMU_PID)"
    wait_console 'CDNA-NATIVE-READY' "$CDNA_BOOT_TIMEOUT" "native: boot"
    guest 20 "stty -echo; PS1=; PS2=" >/dev/null || fail "native: boot" "$CONSOLE_LOG" "the guest's shell does not answer"
    guest 60 "insmod /lib/modules/cdna.ko" >/dev/null || fail "native: insmod cdna.ko" "$CONSOLE_LOG" "insmod failed"
    guest 30 "i=0; while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 100 ]; do sleep 0.2; i=\$((i+1)); done" >/dev/null
    [ "$(native_up eth0 "$NATIVE_IP" | tail -n1)" = 1 ] || fail "native: link" "$CONSOLE_LOG" "eth0 has no carrier"
    guest 30 "ping -c 2 -W 3 $FAR_IP >/dev/null" || fail "native: ping" "$CONSOLE_LOG" "the far end does not answer"
    prog "native: guest up (cdna.ko native mode, eth0 pings the far end)"
    for N in $BENCH_NS; do run_tests; done
    guest 20 "ethtool -S eth0" >"$RUN/native-ethtool-S.out" 2>&1 || true
    stop_qemu
}

# bench_xen CONFIG: one Xen boot, guests added for each N.
bench_xen() {
    CONFIG=$1
    local have=0 first net
    net=$([ "$CONFIG" = cdna ] && echo cdna || echo vif)
    first=${BENCH_NS%% *}
    # dom0's init creates the first N guests while dom0's shell comes up.
    CDNA_DOMUS=$first CDNA_DOMU_NETS=$net
    CDNA_DOM0_CONTEXT=$([ "$CONFIG" = cdna ] && echo 0 || echo native)
    CDNA_DOMU_TIMEOUT=$((60 + 25 * first))
    # The serial FIFOs and console log of the previous boot (qemu_cmdline names them).
    rm -f "$RUN/serial.in" "$RUN/serial.out"
    DOM0_INITRD=$IMAGE_DOM0_INITRD
    boot_dom0 bench
    far_end_servers
    prog "$CONFIG: dom0 ready ($T_DOM0_READY s after QEMU start)"
    for N in $BENCH_NS; do
        if [ "$N" -gt "$have" ] && [ "$have" -gt 0 ]; then
            prog "$CONFIG: creating domu$((have + 1))..domu$N"
            dom0 $((120 + 40 * (N - have))) "cdna-domus add $((have + 1)) $N $CDNA_DOMU_MEM $net" >"$RUN/$CONFIG-add-$N.log" 2>&1 ||
                fail "$CONFIG: create domu$((have + 1))..domu$N" "$RUN/$CONFIG-add-$N.log" "xl create failed"
        fi
        CDNA_DOMU_TIMEOUT=$((60 + 25 * (N - have)))
        start_domus "$N"
        have=$N
        prog "$CONFIG: $N guests serve commands"
        run_tests
        # Where the time went, for the diagnosis: the first guest's driver
        # counters (interrupts, watchdog, ring full) and the hypervisor's.
        domu_exec 1 20 "ethtool -S eth0; cat /proc/interrupts" >"$RUN/$CONFIG-N$N-domu1-stats.txt" 2>&1 || true
        if [ "$CONFIG" = cdna ]; then
            dom0 60 "cdnactl stats" >"$RUN/$CONFIG-N$N-cdnactl-stats.txt" 2>&1 || true
        else
            dom0 60 "ethtool -S eth0; ip -s link; cat /proc/interrupts" >"$RUN/$CONFIG-N$N-dom0-stats.txt" 2>&1 || true
        fi
    done
    # No clean shutdown: nothing here needs one, and 32 guests take minutes.
    stop_qemu
    split_logs
    for f in console.log xen.log dom0.log qemu.stderr; do
        [ -f "$RUN/$f" ] && mv "$RUN/$f" "$RUN/$CONFIG-$f"
    done
    teardown_netns
}

teardown_netns() {
    local p
    [ -n "$NS" ] || return 0
    [ -n "$IPERF_PID" ] && { kill "$IPERF_PID" 2>/dev/null; wait "$IPERF_PID" 2>/dev/null || true; IPERF_PID=""; }
    for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    NS=""
    return 0
}

for c in $BENCH_CONFIGS; do
    case $c in
        native) setup_netns; far_end_servers; bench_native; teardown_netns ;;
        *)      bench_xen "$c" ;;   # boot_dom0 makes the namespace
    esac
done
echo "meta wall $(since "$T_BENCH") s" >>"$RAW"
prog "measurements done; report:"
rc=0
python3 "$REPO_DIR/tests/bench/bench-report.py" "$RAW" "$REPORT_DIR" || rc=$?
echo "results: $RUN (raw figures bench.raw, table report/table.txt, report/results.csv, report/*.png)"
cp "$RAW" "$CDNA_RUN_BASE/latest.raw" 2>/dev/null || true
exit "$rc"
