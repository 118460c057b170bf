# shellcheck shell=bash
# The system test's checks: N domUs over netfront/netback and dom0's bridge,
# ping between them and to the far end, a short iperf3 from each, clean shutdown.
# Sourced by tests/system/run.sh after orchestrator.sh.

PASSED=0
FAILED=0
IPERF_SECONDS="${CDNA_IPERF_SECONDS:-3}"

# Results are TAP lines ("ok - NAME" / "not ok - NAME"), which tests/run.sh
# counts into make check's closing line; the time since QEMU start follows.
check() {   # check NAME OK(0/1) [DETAIL]
    local t; t=$( [ -n "$T_QEMU" ] && since "$T_QEMU" || echo -)
    if [ "$2" = 0 ]; then
        PASSED=$((PASSED + 1)); echo "ok - $1${3:+: $3} [${t}s]"
    else
        FAILED=$((FAILED + 1)); echo "not ok - $1${3:+: $3} [${t}s]"
    fi
}

# dom0's own NIC: with CDNA_DOM0_NIC=cdna, the cdna NIC driven by cdna.ko is
# the bridge's uplink (a bridge port, so promiscuous: the context also takes
# the vif domUs' unicast and sends with their MACs), and dom0 reaches the far
# end over it.  Under Xen with CDNA, dom0's driver registers the NIC with Xen
# and drives its own context through the hypercall like any guest; under a
# Xen without CDNA it owns the NIC in native mode.
dom0_nic_checks() {
    local out rc
    [ "$CDNA_DOM0_NIC" = cdna ] || return 0
    out=$(dom0 20 'for p in /sys/class/net/xenbr0/brif/*; do n=${p##*/}; ethtool -i $n | sed -n "s/^driver: //p;s/^firmware-version: //p" | tr "\n" " "; echo $n; done') && rc=0 || rc=1
    grep -q '^cdna ' <<<"$out" || rc=1
    check "dom0's uplink is the cdna NIC (cdna.ko)" "$rc" "$(head -n1 <<<"$out")"
    out=$(dom0 20 "busybox ping -c 3 -W 2 $FAR_IP 2>&1 | grep 'packets transmitted'") || true
    grep -q ' 0% packet loss' <<<"$out" && rc=0 || rc=1
    check "dom0 -> far end over the cdna NIC" "$rc" "${out:-no answer}"
}

domu_ip() { echo "$NET_PREFIX.$((10 + $1))"; }

# domu_exec I TIMEOUT CMD: run CMD in domuI (via dom0 and xenstore).
domu_exec() {
    local i=$1 t=$2; shift 2
    dom0 $((t + 10)) "cdna-domus exec domu$i $t '$*'"
}

# dom0's init already runs `cdna-domus start N` (xl create, in parallel): wait for them.
start_domus() {
    local n=$1 out
    out=$(dom0 $((CDNA_DOMU_TIMEOUT + 15)) "cdna-domus wait $n $CDNA_DOMU_TIMEOUT") ||
        { printf '%s\n' "$out" >"$RUN/domu-wait.out"; collect_domu_logs
          # The guests' consoles, as collected now (xenconsoled may not have flushed them above).
          for f in "$RUN"/domu*.log; do
              [ -f "$f" ] && { echo "=== $f (errors, then its end)"
                               grep -aiE 'panic|fail|error' "$f" | head -n 5; tail -n 3 "$f"; } >>"$RUN/domu-wait.out"
          done
          fail "domUs boot" "$RUN/domu-wait.out" "domUs did not come up"; }
    T_DOMUS_UP=$(since "$T_QEMU")
    say "all $n domUs serve commands: ${T_DOMUS_UP}s after QEMU start"
    dom0 10 "cat /run/cdna/autostart.log" >"$RUN/xl-create.log" || true
}

# Ping domUi -> domU(i+1) and domUi -> the far end, for every i, all domUs at once
# (cdna-domus reach): the first moment every pair answers is "domUs reachable".
ping_checks() {
    local n=$1 out rc=0
    # All domUs at once, but one emulated core: 32 took over 92 s (measured).
    out=$(dom0 $((60 + 6 * n)) "cdna-domus reach $n $FAR_IP") || rc=$?
    T_REACHABLE=$(since "$T_QEMU")
    printf '%s\n' "$out" >"$RUN/reach.out"
    while read -r tag dom target res summary; do
        [ "$tag" = REACH ] || continue
        check "ping $dom -> $target" "$([ "$res" = ok ] && echo 0 || echo 1)" "$summary"
    done <<<"$out"
    grep -q '^REACH ' <<<"$out" || check "ping (cdna-domus reach)" 1 "no result, exit $rc: see $RUN/reach.out"
    say "domUs reachable (domU<->domU and domU<->far end): ${T_REACHABLE}s after QEMU start"
}

# iperf3 CLIENT_I SERVER_IP LABEL: a short iperf3 run; prints the receiver's Mbit/s.
iperf_run() {
    local i=$1 server=$2 label=$3 out rc=0 mbps
    out=$(domu_exec "$i" $((IPERF_SECONDS + 25)) \
        "iperf3 -c $server -t $IPERF_SECONDS -f m --connect-timeout 5000 2>&1 | tail -n 4") || rc=$?
    printf '== %s\n%s\n' "$label" "$out" >>"$RUN/iperf3.log"
    mbps=$(printf '%s\n' "$out" | awk '/receiver/ { for (k = 1; k < NF; k++) if ($(k + 1) == "Mbits/sec") print $k }' | tail -n1)
    if [ "$rc" = 0 ] && [ -n "$mbps" ] && awk -v m="$mbps" 'BEGIN { exit !(m > 0) }'; then
        check "iperf3 $label" 0 "$mbps Mbit/s ($CDNA_TCG)"
        echo "$label $mbps" >>"$RUN/throughput"
    else
        check "iperf3 $label" 1 "rc=$rc, no receiver line (see $RUN/iperf3.log)"
    fi
}

iperf_checks() {
    local n=$1 i
    : >"$RUN/throughput"
    for ((i = 1; i <= n; i++)); do
        iperf_run "$i" "$FAR_IP" "domu$i($(net_of "$i"))->far-end"
    done
    [ "$n" -gt 1 ] && iperf_run 1 "$(domu_ip 2)" "domu1($(net_of 1))->domu2($(net_of 2))"
    return 0
}

shutdown_checks() {
    local out rc=0
    out=$(dom0 $((CDNA_STOP_TIMEOUT + 30 + CDNA_DOMUS)) \
        "cdna-domus stop $CDNA_STOP_TIMEOUT") || rc=$?
    check "domUs shut down cleanly (xl shutdown)" "$rc" "$out"
    collect_domu_logs
    # dom0 has no init system to ask: power off at once (its root is a RAM disk).
    console_send "busybox poweroff -f"$'\r'
    rc=0; wait_console_quiet "$XEN_OFF_PATTERN" 30 || rc=$?
    check "dom0 powered off, Xen halted" "$rc"
}
