#!/bin/sh
# cdna-attack - dom0's side of the DMA-protection suite's system tier
# (tests/protection/attacker/README.md).  Installed in dom0 as
# /usr/sbin/cdna-attack by tests/system/protection.sh, which calls it over
# dom0's console:
#   cdna-attack setup FAR_IP     dom0's secret pages (cdna-victim.ko), the
#                                victim's (domu1, on its own context), the
#                                attacker's module in domu2 with every
#                                address it aims at; the victim's baseline
#   cdna-attack run NAME         one attack: a fresh context for the
#                                attacker (cdnactl assign), the victim's
#                                traffic and secret pages before and after,
#                                the attack's phases with dom0's part in
#                                between (frames to the attacker, revoke),
#                                cdnactl stats --json before and after, the
#                                attacker's context revoked and its
#                                references counted
#   cdna-attack final            the victim's context revoked: every
#                                reference returned
# Output: "@@BEGIN SECTION" / "@@END SECTION" delimited pieces the host
# reads (tests/protection/attacker/verdict.py).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
S=/run/cdna-attack
LIB=/usr/lib/cdna
# Where dom0 sends frames for the attacker's MAC (an address nobody has).
SINK_IP=10.99.0.250
PINGS=15          # the victim's pings during each attack, 0.2 s apart
IPERF_S=3         # and its iperf3 transfer, seconds
FLOOD_S=8         # the flood lasts this long; the victim's iperf3 inside it
KEPT_S=5          # doorbells through a kept mapping, on the victim's context

section() {       # section NAME: the rest of stdin, delimited
    echo "@@BEGIN $1"
    cat
    echo "@@END $1"
}

in_victim() { t=$1; shift; cdna-domus exec domu1 "$t" "$*"; }
in_attacker() { t=$1; shift; cdna-domus exec domu2 "$t" "$*"; }

# atk PHASE-ARGS...: one phase of the attack in the attacker's module.
atk() {
    in_attacker 90 "echo '$*' >/proc/cdna-attack; cat /proc/cdna-attack" >>"$O/attacker" 2>&1
}

# hit N: N frames from dom0 (its context, through the NIC) to the
# attacker's MAC.  A refused RX buffer wrongly let through would take one.
hit() {
    mac=$(xenstore-read "/local/domain/$DA/device/cdna/0/mac" 2>/dev/null) || return 0
    ip neigh replace "$SINK_IP" lladdr "$mac" dev xenbr0 nud permanent 2>/dev/null
    busybox ping -q -c "$1" -i 0.05 -W 1 -w 2 "$SINK_IP" >/dev/null 2>&1
    echo "dom0 sent $1 frames to $mac" >>"$O/dom0-actions"
}

stats() { cdnactl stats --json --ctx "$1" 2>&1; }

# revoke_attacker HOSTILE: cdnactl revoke of the attacker's context.  With
# HOSTILE=0 dom0 closes the guest's xenbus side itself first (the attacker
# never answers: a clean-up should not wait CDNA_XENBUS_CLOSE_MS).
revoke_attacker() {
    if [ "$1" = 0 ] && xenstore-read "/local/domain/$DA/device/cdna/0/ctx" >/dev/null 2>&1; then
        xenstore-write "/local/domain/$DA/device/cdna/0/state" 6
    fi
    cdnactl revoke "$DA" >>"$O/revoke" 2>&1
    echo "rc=$?" >>"$O/revoke"
}

setup() {
    far=$1
    mkdir -p "$S"
    insmod "$LIB/cdna-victim.ko" pages=2 tag=1 || echo "ERR insmod cdna-victim in dom0"
    DV=$(cdna-domus domid domu1) DA=$(cdna-domus domid domu2)
    fe=/local/domain/$DV/device/cdna/0
    VCTX=$(xenstore-read "$fe/ctx")
    vrx=$(xenstore-read "$fe/rx-ring") vtx=$(xenstore-read "$fe/tx-ring")
    vcp=$(xenstore-read "$fe/ctx-page")
    vpages=$(in_victim 30 "insmod /cdna/cdna-victim.ko pages=4 tag=2 && cat /proc/cdna-victim" |
        awk '/^page / { printf "%s%s", s, $4; s = "," }')
    dpages=$(awk '/^page / { printf "%s%s", s, $4; s = "," }' /proc/cdna-victim)
    nic=
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x10cd ] && { nic=$d; break; }
    done
    bar0=$(sed -n 1p "$nic/resource" | cut -d' ' -f1)
    bar2=$(sed -n 3p "$nic/resource" | cut -d' ' -f1)
    d0ctx=$(cdnactl list | awk '$3 == "0" { print $1; exit }')
    d0cp=$(printf '0x%x' $((bar0 + ${d0ctx:-0} * 4096)))
    cat >"$S/env" <<EOF
DV=$DV
DA=$DA
VCTX=$VCTX
FAR=$far
EOF
    args="victim_pages=$vpages dom0_pages=$dpages victim_rx_ring=$vrx victim_tx_ring=$vtx"
    args="$args victim_ctx_page=$vcp dom0_ctx_page=$d0cp bar2=$bar2 victim_domid=$DV"
    {
        echo "victim domid $DV ctx $VCTX pages $vpages rx-ring $vrx tx-ring $vtx ctx-page $vcp"
        echo "attacker domid $DA"
        echo "dom0 ctx ${d0ctx:-?} ctx-page $d0cp pages $dpages; NIC $nic BAR0 $bar0 BAR2 $bar2"
        in_attacker 30 "insmod /cdna/cdna-attacker.ko $args && echo attacker module loaded"
    } | section setup
    # The victim's throughput with nobody attacking.
    in_victim 40 "iperf3 -c $far -t $IPERF_S -f m --connect-timeout 5000 2>&1 | grep -E 'receiver|error'" |
        section baseline
}

# traffic SECS: the victim's pages now, then its traffic in the background:
# pings and an iperf3 transfer of SECS seconds to the far end.
traffic() {
    in_victim 20 "cat /proc/cdna-victim; rm -f /tmp/t-ping /tmp/t-iperf;
        (ping -c $PINGS -i 0.2 -W 2 $FAR >/tmp/t-ping 2>&1; echo rc=\$? >>/tmp/t-ping) </dev/null >/dev/null 2>&1 &
        (iperf3 -c $FAR -t $1 -f m --connect-timeout 5000 >/tmp/t-iperf 2>&1; echo rc=\$? >>/tmp/t-iperf) </dev/null >/dev/null 2>&1 &
        echo traffic started"
}

run() {
    name=$1
    skip_cleanup=
    # shellcheck source=/dev/null
    . "$S/env"
    O=$S/$name
    rm -rf "$O"; mkdir -p "$O"
    : >"$O/attacker"
    ctx=$(cdnactl assign "$DA" 2>"$O/assign.err") || { echo "ERR cdnactl assign: $(cat "$O/assign.err")" | section error; return 1; }
    echo "$ctx" | section ctx
    stats "$ctx" >"$O/atk.before.json"
    stats "$VCTX" >"$O/vic.before.json"
    cat /proc/cdna-victim >"$O/dom0.before"
    secs=$IPERF_S
    [ "$name" = flood_to_starve_others ] && secs=$((FLOOD_S - 2))
    # The victim: its pages now, then traffic in the background for the
    # attack's whole length.
    [ "$name" = kept_doorbell_mapping_after_reassign ] || traffic "$secs" >"$O/victim.before" 2>&1
    case $name in
    kept_doorbell_mapping_after_reassign)
        # The attacker maps its context's BAR0 page and keeps it; dom0
        # revokes it and tries to give the same context to the victim
        # (its driver follows).  The hypervisor must refuse while the
        # attacker lives (hcall.h, ASSIGN); the victim then gets another
        # context.  Either way the attacker rings through its mapping.
        atk "$name" 1
        revoke_attacker 0
        stats "$ctx" >"$O/atk.revoked.json"
        cdnactl revoke "$DV" >>"$O/revoke" 2>&1
        if cdnactl assign "$DV" --ctx "$ctx" >>"$O/revoke" 2>&1; then
            handed=1
            echo "the victim (d$DV) moved to context $ctx, the attacker's last" >>"$O/dom0-actions"
        else
            handed=0
            echo "HANDOVER REFUSED: context $ctx goes to no other domain while its last owner d$DA lives" >>"$O/dom0-actions"
            cdnactl assign "$DV" >>"$O/revoke" 2>&1
        fi
        VCTX=$(xenstore-read "/local/domain/$DV/device/cdna/0/ctx")
        echo "the victim (d$DV) is on context $VCTX" >>"$O/dom0-actions"
        sed -i "s/^VCTX=.*/VCTX=$VCTX/" "$S/env"
        in_victim 40 "i=0; while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i+1)); done;
            ip addr add $(cdna-domus ip 1)/24 dev eth0; ip link set eth0 up; sleep 1; ping -c 2 -W 3 $FAR | grep transmitted" >>"$O/dom0-actions" 2>&1
        stats "$VCTX" >"$O/vicn.before.json"
        traffic "$KEPT_S" >"$O/victim.before" 2>&1
        atk "$name" 2 "secs=$KEPT_S"
        sleep "$KEPT_S"
        atk "$name" 3 "handed=$handed"
        stats "$VCTX" >"$O/vicn.after.json"
        # Once the attacker stopped: does the victim reach the far end?
        { echo "after the attack:"; in_victim 30 "ping -c 3 -W 3 $FAR | grep transmitted"; } >>"$O/dom0-actions" 2>&1
        skip_cleanup=1 ;;
    granted_in_page_as_rx_target)
        gref=$(in_victim 10 "echo grant $DA 3 >/proc/cdna-victim; sed -n 's/^grant ref \([0-9]*\).*/\1/p' /proc/cdna-victim" | tail -n1)
        echo "the victim granted page 3 to d$DA: ref $gref" >>"$O/dom0-actions"
        atk "$name" 1 "gref=$gref"
        hit 8
        in_victim 10 "echo ungrant >/proc/cdna-victim" >/dev/null ;;
    forged_producer_index|replayed_and_stale_descriptors|doorbell_to_another_context|store_to_a_ring)
        atk "$name" 1 ;;
    context_used_after_revoke)
        atk "$name" 1
        revoke_attacker 1
        atk "$name" 2 ;;
    page_freed_while_in_flight)
        atk "$name" 1
        hit 20 ;;
    flood_to_starve_others)
        atk "$name" 1 "secs=$FLOOD_S"
        sleep "$FLOOD_S"
        atk "$name" 2 ;;
    doorbell_storm_during_revoke)
        atk "$name" 1
        stats "$ctx" >"$O/atk.prerevoke.json"
        revoke_attacker 1
        sleep 1
        atk "$name" 2 ;;
    *)
        atk "$name" 1
        hit 8 ;;
    esac
    # The victim's traffic to its end, and its pages.
    in_victim 60 "i=0; while [ \$(cat /tmp/t-ping /tmp/t-iperf 2>/dev/null | grep -c '^rc=') -lt 2 ] && [ \$i -lt 200 ]; do sleep 0.25; i=\$((i+1)); done;
        grep -E 'transmitted|^rc=' /tmp/t-ping; grep -E 'receiver|error|^rc=' /tmp/t-iperf; cat /proc/cdna-victim" >"$O/victim.after" 2>&1
    cat /proc/cdna-victim >"$O/dom0.after"
    if [ -z "$skip_cleanup" ]; then
        stats "$ctx" >"$O/atk.after.json"
        revoke_attacker 0
        stats "$ctx" >"$O/atk.revoked.json"
    else
        cp "$O/atk.revoked.json" "$O/atk.after.json"
    fi
    stats "$VCTX" >"$O/vic.after.json"
    cdnactl list 2>&1 | head -n1 >"$O/nic"
    for f in attacker dom0-actions victim.before victim.after dom0.before dom0.after revoke nic \
             atk.before.json atk.prerevoke.json atk.after.json atk.revoked.json vic.before.json vic.after.json \
             vicn.before.json vicn.after.json; do
        [ -f "$O/$f" ] && section "$f" <"$O/$f"
    done
    return 0
}

final() {
    # shellcheck source=/dev/null
    . "$S/env"
    cdnactl revoke "$DV" 2>&1 | section victim-revoke
    cdnactl stats --json 2>&1 | section stats-final
    cdnactl list 2>&1 | section list-final
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
    setup) setup "$@" ;;
    run) run "$@" ;;
    final) final ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
esac
