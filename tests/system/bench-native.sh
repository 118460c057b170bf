#!/usr/bin/env bash
# `make bench-native`: a benchmark, not a test. Linux (Debian's kernel, booted by
# QEMU directly, no Xen) over each NIC in turn, one QEMU boot each, everything
# else identical: the cdna NIC with cdna.ko in native mode (one context), QEMU's
# e1000, and virtio-net (what a QEMU user would pick instead). Same -accel, same
# tap netdev (no vhost), same kernel, initramfs, memory and kernel arguments; the
# far end is the run's network namespace with an iperf3 server (10.99.0.1).
# A fourth row, e1000-nooffload, is e1000 with TSO and checksum offload turned
# off in the guest (ethtool -K), which cdna's descriptors have no field for: the
# like-for-like comparison that tells the offloads' share of the difference.
# For each NIC: iperf3 TCP guest -> far end (TX) and far end -> guest (RX, -R),
# and a UDP small-frame rate: iperf3 -u -b 0 from the guest with 18-byte
# payloads (60-byte Ethernet frames, 64 B on a wire with the FCS), counted as
# datagrams the far end received per second. Prints one table with the ratios
# cdna/e1000 and cdna/virtio-net, the CPU time of QEMU's threads during each
# measurement (where the time goes), and the QEMU command line of each boot.
# Ratios come from one run; nothing here passes or fails on timing (exit
# non-zero only when something broke).
# Options (environment): BENCH_SECONDS (each iperf3 run, default 10),
# BENCH_NICS (default "cdna e1000 virtio e1000-nooffload"), BENCH_UDP_LEN (UDP payload bytes,
# default 18), CDNA_TCG (default tcg,thread=single), CDNA_NATIVE_MEM,
# CDNA_NATIVE_ARGS, BENCH_CDNA_CONTEXTS (the device's contexts property, default
# 1: the driver uses one), BENCH_RUN_BASE (default build/bench-native);
# diagnosis: BENCH_PERF="cdna:tcp-tx cdna:udp-tx ..." records `perf record -g` of
# QEMU during those runs (the figures then carry perf's cost) and writes
# <nic>-<run>.perf.txt, a breakdown by thread and symbol; BENCH_GUEST_SETUP, a
# command run in each guest once eth0 is up (e.g. "ethtool -K eth0 tso off").
set -euo pipefail
. "$(dirname "$0")/orchestrator.sh"
. "$(dirname "$0")/checks.sh"
. "$(dirname "$0")/native.sh"
. "$(dirname "$0")/bench-lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "bench-native.sh: needs root (network namespace, tap device)" >&2; exit 1; }
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_NICS=${BENCH_NICS:-cdna e1000 virtio e1000-nooffload}
BENCH_UDP_LEN=${BENCH_UDP_LEN:-18}
BENCH_CDNA_CONTEXTS=${BENCH_CDNA_CONTEXTS:-1}
BENCH_PERF=${BENCH_PERF:-}
BENCH_GUEST_SETUP=${BENCH_GUEST_SETUP:-}
CDNA_RUN_BASE=${BENCH_RUN_BASE:-$REPO_DIR/build/bench-native}
T_BENCH=$(now)
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
prog() { printf '[bench-native %5ss] %s\n' "$(since "$T_BENCH")" "$*" >&2; }

"$REPO_DIR/platform/deps.sh" run
find_platform
clean_stale
make_run_dir
trap teardown EXIT
trap 'prog "interrupted"; exit 130' INT TERM HUP
trap 'cat "$RUN/fatal" >&2 2>/dev/null; exit 1' USR1
why=$(native_unready)
[ -z "$why" ] || fail "bench-native: platform" "" "$why"
prog "run directory $RUN; accel $CDNA_TCG; ${BENCH_SECONDS}s per iperf3 run; NICs: $BENCH_NICS"
setup_netns
native_initrd
report="$RUN/report.txt"
: >"$report"

# shell_words ARG...: one command line, each argument quoted only if it must be.
shell_words() {
    local a out=""
    for a in "$@"; do
        if [[ $a =~ ^[][A-Za-z0-9_./:=,+@%-]+$ ]]; then out+="$a "; else out+="'${a//\'/\'\\\'\'}' "; fi
    done
    echo "${out% }"
}

nic_device() {   # nic_device NIC: QEMU's -device argument for NIC
    case $1 in
    cdna)   cp "$NATIVE_FLASH" "$RUN/flash.bin"
            echo "cdna,netdev=n0,contexts=$BENCH_CDNA_CONTEXTS,flash=$RUN/flash.bin,mac=$NATIVE_MAC" ;;
    e1000|e1000-nooffload)
            echo "e1000,netdev=n0,mac=$NATIVE_MAC,romfile=" ;;
    virtio) echo "virtio-net-pci,netdev=n0,mac=$NATIVE_MAC,romfile=" ;;
    *)      fail "bench-native" "" "unknown NIC $1 (cdna, e1000, e1000-nooffload or virtio)" ;;
    esac
}

# bench_boot NIC: the native guest with NIC as its only network device; waits
# for its shell, loads the NIC's driver and brings eth0 up with carrier.
bench_boot() {
    local nic=$1 p="$1-" out
    # debug-threads: QEMU names its threads (CPU 0/TCG, cdna-nic, ...), which
    # the CPU breakdown below reads; it costs nothing at run time.
    native_qemu_args "$p" "$(nic_device "$nic")"
    QEMU_ARGS+=(-name "bench-$nic,debug-threads=on")
    shell_words "$QEMU_BIN" "${QEMU_ARGS[@]}" >"$RUN/${p}qemu.cmdline"
    launch_qemu "$p"
    prog "$nic: QEMU started (pid $QEMU_PID)"
    wait_console 'CDNA-NATIVE-READY' "$CDNA_BOOT_TIMEOUT" "$nic: boot"
    dom0 20 "stty -echo; PS1=; PS2=" >/dev/null ||
        fail "$nic: boot" "$CONSOLE_LOG" "the guest's shell does not answer"
    if [ "$nic" = cdna ]; then
        guest 60 "insmod /lib/modules/cdna.ko" >/dev/null ||
            fail "$nic: insmod cdna.ko" "$CONSOLE_LOG" "insmod failed"
    fi
    guest 30 "i=0; while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 100 ]; do sleep 0.2; i=\$((i+1)); done" >/dev/null
    out=$(native_up eth0 "$NATIVE_IP") || true
    [ "$(tail -n1 <<<"$out")" = 1 ] || fail "$nic: link" "$CONSOLE_LOG" "eth0 has no carrier"
    guest 30 "ping -c 2 -W 3 $FAR_IP >/dev/null" ||
        fail "$nic: ping" "$CONSOLE_LOG" "the far end does not answer"
    if [ "$nic" = e1000-nooffload ]; then
        # What cdna's descriptors cannot ask for: checksums and TSO done by the NIC.
        guest 30 "ethtool -K eth0 tso off tx off rx off" >"$RUN/${p}ethtool-K.out" 2>&1 ||
            fail "$nic: ethtool -K" "$RUN/${p}ethtool-K.out" "cannot turn e1000's offloads off"
    fi
    if [ -n "$BENCH_GUEST_SETUP" ]; then
        guest 30 "$BENCH_GUEST_SETUP" >"$RUN/${p}guest-setup.out" 2>&1 ||
            fail "$nic: BENCH_GUEST_SETUP" "$RUN/${p}guest-setup.out" "'$BENCH_GUEST_SETUP' failed in the guest"
    fi
    guest 10 "ethtool -k eth0" >"$RUN/${p}ethtool-k.out" 2>&1 || true
    prog "$nic: guest up, driver $(guest 10 "ethtool -i eth0 | sed -n 's/^driver: //p'"), eth0 pings the far end"
}

# cpu_use BEFORE AFTER SECONDS: "name NN% (N k switches/s)" for each thread
# name, busiest first.
cpu_use() {
    local hz; hz=$(getconf CLK_TCK)
    awk -F'\t' -v hz="$hz" -v s="$3" 'NR == FNR { b[$1] = $2; bc[$1] = $3; next }
        { d = ($2 - b[$1]) / hz / s * 100
          if (d >= 1) printf "%s\t%d\t%.1f\n", $1, d + 0.5, ($3 - bc[$1]) / s / 1000 }' \
        <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sort -t$'\t' -k2 -rn |
        awk -F'\t' '{ printf "%s%s %d%% (%sk sw/s)", (NR > 1 ? ", " : ""), $1, $2, $3 }'
}

# measure NIC LABEL ARGS: one iperf3 run from the guest; prints the receiver's
# figure (Mbit/s for TCP, kpps for UDP) and logs it with QEMU's CPU use.
measure() {
    local nic=$1 label=$2 args=$3 out rc=0 before after t0 secs fig load
    local perf_pid="" perf_out="$RUN/$nic-$label.perf" drops0="" notes=""
    prog "$nic: $label (iperf3 $args -t $BENCH_SECONDS)"
    if [[ " $BENCH_PERF " == *" $nic:$label "* ]]; then
        # The middle of the run, not its start and end (perf costs CPU too).
        ( sleep 2; exec perf record -q -g -o "$perf_out.data" -p "$QEMU_PID" -- sleep $((BENCH_SECONDS - 4)) ) \
            >"$perf_out.log" 2>&1 &
        perf_pid=$!
    fi
    # The NIC's count of frames it had no receive buffer for (cdna only).
    [ "$nic" = cdna ] && drops0=$(guest 10 "ethtool -S eth0" | awk '$1 == "nic_dropped_rx_no_buf:" { print $2 }')
    before=$(qemu_threads); t0=$(now)
    out=$(guest $((BENCH_SECONDS + 40)) \
        "iperf3 -c $FAR_IP $args -t $BENCH_SECONDS -i 0 -f m --connect-timeout 5000 2>&1 | tail -n 4") || rc=$?
    secs=$(since "$t0"); after=$(qemu_threads)
    if [ -n "$perf_pid" ]; then
        wait "$perf_pid" || true
        { echo "== by thread and object (JIT: code QEMU or Unicorn translated)"
          perf report -i "$perf_out.data" --no-children --sort comm,dso -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 20
          echo "== by thread and symbol"
          perf report -i "$perf_out.data" --no-children --sort comm,dso,sym -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 40
        } >"$perf_out.txt"
        prog "$nic: $label: perf profile of QEMU in $perf_out.txt"
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf '== %s %s (iperf3 -c %s %s -t %s)\n%s\n' "$nic" "$label" "$FAR_IP" "$args" "$BENCH_SECONDS" "$out" >>"$RUN/iperf3.log"
    case $label in
    udp*) # receiver line: ... Mbits/sec  J ms  LOST/TOTAL (P%)  receiver
          fig=$(awk '/receiver/ { split($3, iv, "-"); for (k = 1; k <= NF; k++) if ($k ~ /^[0-9]+\/[0-9]+$/) { split($k, lt, "/");
                  if (iv[2] > 0) printf "%.1f", (lt[2] - lt[1]) / iv[2] / 1000 } }' <<<"$out" | tail -n1) ;;
    *)    fig=$(awk '/receiver/ { for (k = 1; k < NF; k++) if ($(k + 1) == "Mbits/sec") print $k }' <<<"$out" | tail -n1) ;;
    esac
    [ "$rc" = 0 ] && [ -n "$fig" ] || { prog "$nic: $label FAILED (rc=$rc), see $RUN/iperf3.log"; fig=FAILED; }
    # TCP: the sender's retransmissions (the far end's with -R).
    case $label in tcp*) notes="retransmits $(awk '/sender/ { for (k = 1; k < NF; k++) if ($k == "Mbits/sec") print $(k + 1) }' <<<"$out" | tail -n1)" ;; esac
    if [ -n "$drops0" ]; then
        notes+="${notes:+, }NIC drops (no RX buffer) $(( $(guest 10 "ethtool -S eth0" | awk '$1 == "nic_dropped_rx_no_buf:" { print $2 }') - drops0 ))"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$nic" "$label" "$fig" "$(cpu_use "$before" "$after" "$secs")" "$load" "$notes" >>"$RUN/results.tsv"
    prog "$nic: $label $fig $( case $label in udp*) echo kpps ;; *) echo Mbit/s ;; esac )${notes:+; $notes}; QEMU threads: $(cpu_use "$before" "$after" "$secs"); load $load"
    echo "$fig"
}

: >"$RUN/results.tsv"
declare -A TX RX UDP
for nic in $BENCH_NICS; do
    bench_boot "$nic"
    TX[$nic]=$(measure "$nic" tcp-tx "")
    RX[$nic]=$(measure "$nic" tcp-rx "-R")
    UDP[$nic]=$(measure "$nic" udp-tx "-u -l $BENCH_UDP_LEN -b 0")
    guest 20 "ethtool -S eth0" >"$RUN/$nic-ethtool-S.out" 2>&1 || true
    guest 20 "cat /proc/interrupts; cat /proc/net/dev" >"$RUN/$nic-interrupts.out" 2>&1 || true
    stop_qemu
done

# ratio A B: A/B with two decimals, "-" when either is missing.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else printf "-" }'
}
col_of() {   # col_of TX|RX|UDP NIC: that NIC's figure
    case $1 in TX) echo "${TX[$2]:-}" ;; RX) echo "${RX[$2]:-}" ;; UDP) echo "${UDP[$2]:-}" ;; esac
}
name() { case $1 in virtio) echo virtio-net ;; e1000-nooffload) echo "e1000 no offl." ;; *) echo "$1" ;; esac; }
frame=$((BENCH_UDP_LEN + 8 + 20 + 14))
{
    echo
    echo "make bench-native: $(date -u '+%Y-%m-%d %H:%M UTC'), -accel $CDNA_TCG, tap netdev, iperf3 ${BENCH_SECONDS}s each,"
    echo "guest: Debian $(cat "$(images_dir)/kernel-version" 2>/dev/null), 1 vCPU, $NATIVE_MEM MiB;"
    echo "host load (uptime, 1 min; this benchmark alone adds about 1.5) at the start $LOAD0, at the end $(cut -d' ' -f1 /proc/loadavg)"
    echo "UDP: iperf3 -u -l $BENCH_UDP_LEN -b 0 from the guest, ${frame}-byte frames ($((frame + 4)) B with the FCS), datagrams received by the far end"
    printf '%-20s %14s %14s %16s\n' NIC "TCP TX Mbit/s" "TCP RX Mbit/s" "UDP $((frame + 4)) B kpps"
    for nic in $BENCH_NICS; do
        printf '%-20s %14s %14s %16s\n' "$(name "$nic")" "${TX[$nic]}" "${RX[$nic]}" "${UDP[$nic]}"
    done
    for other in e1000 virtio e1000-nooffload; do
        [ -n "${TX[cdna]:-}" ] && [ -n "${TX[$other]:-}" ] || continue
        printf '%-20s %14s %14s %16s\n' "cdna/$(name "$other")" "$(ratio "${TX[cdna]}" "${TX[$other]}")" \
            "$(ratio "${RX[cdna]}" "${RX[$other]}")" "$(ratio "${UDP[cdna]}" "${UDP[$other]}")"
    done
    if [ -n "${TX[cdna]:-}" ]; then
        for other in e1000 virtio; do
            [ -n "${TX[$other]:-}" ] || continue
            goal=$([ "$other" = e1000 ] && echo 1.0 || echo 0.5)
            miss=""
            for col in TX RX UDP; do
                awk -v a="$(col_of "$col" cdna)" -v b="$(col_of "$col" "$other")" -v g="$goal" 'BEGIN { exit !(a + 0 > 0 && b + 0 > 0 && a / b >= g) }' ||
                    miss+=" $col"
            done
            echo "goal cdna >= ${goal}x $(name "$other"): $([ -z "$miss" ] && echo met || echo "missed in:$miss")"
        done
    fi
    echo
    echo "QEMU's threads during each run: CPU time / wall time, and context switches"
    echo "(sleeps and preemptions, thousands a second); the vCPU is the TCG thread:"
    awk -F'\t' '{ printf "  %-15s %-6s %6s  %s%s; load %s\n", $1, $2, $3, $4, ($6 != "" ? "; " $6 : ""), $5 }' "$RUN/results.tsv"
    echo
    echo "QEMU command lines (also $RUN/<nic>-qemu.cmdline):"
    for nic in $BENCH_NICS; do echo "  $nic: $(cat "$RUN/$nic-qemu.cmdline")"; done
    echo "iperf3 output: $RUN/iperf3.log; ethtool -S: $RUN/<nic>-ethtool-S.out"
} | tee "$report"
cp "$report" "$CDNA_RUN_BASE/report.txt"
