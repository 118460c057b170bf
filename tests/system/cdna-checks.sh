# shellcheck shell=bash
# The CDNA checks of the system tier and the demo: guests on contexts of the
# cdna NIC (cdnactl assign), Xen validating their descriptors.  Sourced by
# tests/system/run.sh after orchestrator.sh and checks.sh.

# The far end's iperf3 port for transfers the checks cut on purpose.
DISRUPT_PORT=5202

# cdnactl_out TIMEOUT ARGS: run cdnactl in dom0, print its output.
cdnactl_out() {
    local t=$1; shift
    dom0 "$t" "cdnactl $*"
}

# refs_of_ctx CTX: the references the hypervisor holds for context CTX
# (cdnactl stats --ctx CTX), empty when unreadable.
refs_of_ctx() {
    cdnactl_out 20 "stats --ctx $1" 2>/dev/null |
        awk -F': *' 'tolower($1) ~ /references held/ { print $2 + 0; exit }'
}

# ctx_of_domu I: the context domuI holds (its xenstore frontend node).
ctx_of_domu() {
    dom0 10 "xenstore-read /local/domain/\$(cdna-domus domid domu$1)/device/cdna/0/ctx" 2>/dev/null | tail -n1
}

# dom0's context: dom0's cdna.ko registered the NIC with Xen and drives its
# own context through the hypercall; the bridge's uplink.
cdna_dom0_checks() {
    local out rc
    out=$(cdnactl_out 20 list) && rc=0 || rc=1
    printf '%s\n' "$out" >"$RUN/cdnactl-list.boot"
    grep -Eq 'RUNNING|running' <<<"$out" || rc=1
    check "cdnactl list: the NIC is registered with Xen, its firmware runs" "$rc" \
        "$(grep -im1 'firmware' <<<"$out")"
}

# isolation_check A B: frames for domuB's MAC never reach domuA's context.
# The far end sends 300 pings to B; A's interface may see the ARP broadcast,
# not B's unicast.
isolation_check() {
    local a=$1 b=$2 rxa0 rxa1 rxb0 rxb1 rc=0
    rxa0=$(domu_exec "$a" 10 "cat /sys/class/net/eth0/statistics/rx_packets" | tail -n1)
    rxb0=$(domu_exec "$b" 10 "cat /sys/class/net/eth0/statistics/rx_packets" | tail -n1)
    ip netns exec "$NS" ping -q -c 300 -i 0.005 -W 1 "$(domu_ip "$b")" >"$RUN/isolation-ping.out" 2>&1 || true
    rxa1=$(domu_exec "$a" 10 "cat /sys/class/net/eth0/statistics/rx_packets" | tail -n1)
    rxb1=$(domu_exec "$b" 10 "cat /sys/class/net/eth0/statistics/rx_packets" | tail -n1)
    [[ $rxa0 =~ ^[0-9]+$ && $rxa1 =~ ^[0-9]+$ && $rxb0 =~ ^[0-9]+$ && $rxb1 =~ ^[0-9]+$ ]] || rc=1
    [ "$rc" = 0 ] && { [ $((rxb1 - rxb0)) -ge 250 ] && [ $((rxa1 - rxa0)) -lt 10 ] || rc=1; }
    check "domu$a never receives domu$b's unicast" "$rc" \
        "domu$b received $((rxb1 - rxb0)), domu$a $((rxa1 - rxa0)) frames meanwhile"
}

# revoke_check I: revoke domuI's context while it sends; the hypervisor then
# holds no reference for it.  The context is assigned again afterwards and
# the guest's interface comes back.
revoke_check() {
    local i=$1 d ctx out rc=0 refs
    d=$(dom0 10 "cdna-domus domid domu$i" | tail -n1)
    ctx=$(ctx_of_domu "$i")
    domu_exec "$i" 10 "iperf3 -c $FAR_IP -p $DISRUPT_PORT -t 8 --connect-timeout 3000 >/tmp/revoke-iperf.log 2>&1 </dev/null &" >/dev/null
    sleep 3
    out=$(cdnactl_out 30 "revoke $d") || rc=1
    printf '%s\n' "$out" >"$RUN/revoke.out"
    refs=$(refs_of_ctx "$ctx")
    [ "$refs" = 0 ] || rc=1
    check "revoke of domu$i's context (ctx ${ctx:-?}) during iperf3 leaves 0 references" "$rc" \
        "$(tail -n1 <<<"$out"); refs held now ${refs:-?}"
    rc=0
    out=$(cdnactl_out 30 "assign $d") || rc=1
    domu_exec "$i" 40 "i=0; while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i+1)); done; ip addr add $(domu_ip "$i")/24 dev eth0; ip link set eth0 up; sleep 1; ping -c 3 -W 3 $FAR_IP | grep transmitted" >"$RUN/reassign.out" 2>&1 || rc=1
    grep -q ' 0% packet loss' "$RUN/reassign.out" || rc=1
    check "domu$i gets a context again and reaches the far end" "$rc" "$(grep transmitted "$RUN/reassign.out")"
}

# destroy_check I: xl destroy domuI in the middle of a transfer; its context
# is revoked by Xen itself and every reference returned.
destroy_check() {
    local i=$1 ctx rc=0 refs out
    ctx=$(ctx_of_domu "$i")
    domu_exec "$i" 10 "iperf3 -c $FAR_IP -p $DISRUPT_PORT -t 8 --connect-timeout 3000 >/dev/null 2>&1 </dev/null &" >/dev/null
    sleep 3
    dom0 30 "xl destroy domu$i" >/dev/null || rc=1
    refs=$(refs_of_ctx "$ctx")
    [ "$refs" = 0 ] || rc=1
    out=$(cdnactl_out 20 list)
    printf '%s\n' "$out" >"$RUN/cdnactl-list.destroy"
    check "domu$i destroyed mid-transfer: its context (ctx ${ctx:-?}) holds 0 references" "$rc" \
        "refs held now ${refs:-?}"
}

# net_of I: domuI's network, cdna or vif (CDNA_DOMU_NETS: the last word repeats).
net_of() {
    local nets i=$1
    read -ra nets <<<"$CDNA_DOMU_NETS"
    [ "$i" -le "${#nets[@]}" ] && echo "${nets[i - 1]}" || echo "${nets[${#nets[@]} - 1]}"
}

# The CDNA checks of `make check-system`, when guests 1 and 2 are on contexts
# (the others, if any, are the netfront/netback baseline through dom0's
# context): unicast isolation, revoke during traffic, destroy during traffic.
cdna_system_checks() {
    local srv
    [ "$(net_of 1)" = cdna ] && [ "$(net_of 2)" = cdna ] || return 0
    isolation_check 1 2
    # The transfers cut by revoke and destroy go to a far-end server of
    # their own: a cut connection keeps an iperf3 server busy for minutes.
    ip netns exec "$NS" iperf3 -s -B "$FAR_IP" -p "$DISRUPT_PORT" >"$RUN/iperf3-disrupt.log" 2>&1 &
    srv=$!
    revoke_check 1
    destroy_check 2
    kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null || true
}

# The demo (make demo): reach, throughput, statistics.
demo_run() {
    local n=$1
    cdna_dom0_checks
    ping_checks "$n"
    iperf_checks "$n"
    say "per-context statistics (cdnactl stats):"
    cdnactl_out 60 stats | tee "$RUN/cdnactl-stats.txt"
    cdnactl_out 60 list >"$RUN/cdnactl-list.txt" || true
    shutdown_checks
}

demo_report() {
    local t0=$1
    echo
    echo "== CDNA demo: $CDNA_DOMUS guests, each on its own context of the cdna NIC ($CDNA_TCG)"
    [ -f "$RUN/throughput" ] && awk '{ printf "   iperf3 %-22s %8s Mbit/s\n", $1, $2 }' "$RUN/throughput"
    echo "   statistics: $RUN/cdnactl-stats.txt"
    if [ -f "$CDNA_PCAP" ]; then
        echo "   the wire's pcap: $CDNA_PCAP ($(tshark -r "$CDNA_PCAP" 2>/dev/null | wc -l) frames; tshark -r $CDNA_PCAP)"
    fi
    echo "   wall time: $(since "$t0") s; checks: $PASSED passed, $FAILED failed"
    echo "system: $PASSED passed, $FAILED failed"
}
