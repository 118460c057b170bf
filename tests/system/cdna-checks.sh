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

# refs_total: the references the hypervisor holds over all contexts (the
# last line of cdnactl stats), empty when unreadable.
refs_total() {
    cdnactl_out 30 stats 2>/dev/null |
        awk -F': *' 'tolower($1) ~ /references held/ { n = $2 + 0 } END { print n }'
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

# activate_one IMAGE WANT NAME N: cdnactl flash IMAGE --activate in dom0
# while domu1 and domu2 ping the far end; WANT is ok (the trial commits) or
# rollback (it never reports healthy: cdnactl fails and says so); N is the
# activations so far, this one included.  Then both guests reach the far
# end on the interface they had (the driver saw the reset: ethtool -S
# hv_suspends and hv_resets are N; a guest whose vCPU did not run between
# BEGIN and END sees SUSPENDED only afterwards, hv_resets_unseen, and goes
# down and up in one go: the model's firmware boots in about 1 ms), and the
# hypervisor holds no more references than before (idle both times).
activate_one() {
    local img=$1 want=$2 name=$3 n=$4 out rc=0 refs0 refs1 i o
    refs0=$(refs_total)
    for i in 1 2; do
        domu_exec "$i" 10 "ping -i 0.2 -c 100 -W 1 $FAR_IP >/tmp/activate-ping.log 2>&1 </dev/null &" >/dev/null
    done
    sleep 2
    out=$(cdnactl_out 180 "flash $img --activate") || rc=$?
    printf '%s\n' "$out" >"$RUN/activate-$name.out"
    case $want in
        ok) [ "$rc" = 0 ] && rc=0 || rc=1 ;;
        rollback) [ "$rc" != 0 ] && grep -qi 'rolled back' <<<"$out" && rc=0 || rc=1 ;;
    esac
    check "cdnactl flash $name --activate under 2 CDNA guests: $want" "$rc" \
        "$(grep -iE 'running|rolled back|restored' <<<"$out" | tr '\n' ' ' | cut -c1-200)"
    for i in 1 2; do
        rc=0
        o=$(domu_exec "$i" 60 "i=0; until ping -c 1 -W 1 $FAR_IP >/dev/null 2>&1 || [ \$i -ge 20 ]; do i=\$((i+1)); done; ping -c 3 -W 3 $FAR_IP | grep transmitted; ethtool -S eth0 | grep hv_")
        printf '%s\n' "$o" >"$RUN/activate-$name-domu$i.out"
        grep -q ' 0% packet loss' <<<"$o" || rc=1
        grep -Eq "hv_suspends: $n\b" <<<"$o" && grep -Eq "hv_resets: $n\b" <<<"$o" || rc=1
        grep -Eq 'hv_status_bad: 0\b' <<<"$o" || rc=1
        check "domu$i saw the $name reset (link down, up) and carries on, same interface, no reload" "$rc" \
            "$(grep -E 'transmitted|hv_' <<<"$o" | tr '\n' ' ' | tr -s ' ')"
    done
    sleep 2
    refs1=$(refs_total)
    rc=0
    [[ $refs0 =~ ^[0-9]+$ && $refs1 =~ ^[0-9]+$ && $refs1 -le $refs0 ]] || rc=1
    check "the $name activation leaks no page reference" "$rc" \
        "references held before $refs0, after $refs1"
}

# activate_check: new firmware activated under running guests: the NIC reset
# goes through Xen (CDNA_OP_NIC_RESET), every context is suspended and
# restored; then a firmware that crashes at boot: the NIC rolls back.
# cdnactl firmware tells the truth afterwards.
activate_check() {
    local out rc=0
    activate_one /usr/lib/cdna/fw-v2.img ok v2 1
    activate_one /usr/lib/cdna/fault-boot.img rollback fault-boot 2
    out=$(cdnactl_out 30 firmware) || rc=1
    printf '%s\n' "$out" >"$RUN/cdnactl-firmware.out"
    grep -qi 'active' <<<"$out" && grep -qi 'failed' <<<"$out" && grep -q '1\.1\.0' <<<"$out" || rc=1
    check "cdnactl firmware: 1.1.0 active, the crashing image failed" "$rc" \
        "$(grep -iE 'active|failed' <<<"$out" | tr '\n' ' ' | tr -s ' ')"
}

# net_of I: domuI's network, cdna or vif (CDNA_DOMU_NETS: the last word repeats).
net_of() {
    local nets i=$1
    read -ra nets <<<"$CDNA_DOMU_NETS"
    [ "$i" -le "${#nets[@]}" ] && echo "${nets[i - 1]}" || echo "${nets[${#nets[@]} - 1]}"
}

# The CDNA checks of `make check-system`, when guests 1 and 2 are on contexts
# (the others, if any, are the netfront/netback baseline through dom0's
# context): unicast isolation, firmware activation under the guests, revoke
# during traffic, destroy during traffic.
cdna_system_checks() {
    local srv
    [ "$(net_of 1)" = cdna ] && [ "$(net_of 2)" = cdna ] || return 0
    isolation_check 1 2
    activate_check
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
