#!/usr/bin/env bash
# System test entry point.
#   tests/system/run.sh check   boot QEMU (TCG) -> Xen -> dom0 -> N PV domUs, ping and
#                               iperf3 over netfront/netback, shut down; prints
#                               'system: N passed, M failed' last
#   tests/system/run.sh shell   boot and leave the terminal at dom0's console
#                               (leave with Ctrl-a x)
#   tests/system/run.sh demo    the main job (`make demo`): CDNA_DOMUS PV domUs, each on a
#                               context of the cdna NIC; ping guest to guest (switched
#                               inside the NIC) and to the far end, iperf3 from each,
#                               per-context statistics, the wire's pcap; exit 0 when all worked
#   tests/system/run.sh boot    boot to dom0 and start the domUs, report times, shut down
#   tests/system/run.sh native  only the native driver checks (no Xen): Debian's kernel
#                               booted directly with the cdna device and cdna.ko
#                               (tests/system/native.sh); `check` runs them after the
#                               Xen checks
#   tests/system/run.sh protection [NAME]  the DMA-protection suite's system tier: a hostile
#                               domU's attacks against real Xen (tests/system/protection.sh)
#   tests/system/run.sh flash   flashing the NIC in real QEMU with power cuts: the native
#                               guest runs cdnactl flash, QEMU is killed at precise points
#                               (tests/system/flash.sh); `check` runs them last
# Environment: CDNA_DOMUS (N, default 2), CDNA_DOMU_MEM, CDNA_DOM0_MEM, CDNA_QEMU_MEM,
# CDNA_QEMU_EXTRA (extra QEMU arguments, e.g. a -device), CDNA_TCG (default
# tcg,thread=single), CDNA_DOM0_ARGS / CDNA_DOMU_ARGS (kernel arguments), CDNA_BOOT_TIMEOUT,
# CDNA_DOMU_TIMEOUT, CDNA_IPERF_SECONDS, CDNA_RUN_BASE (where run directories go);
# native checks: CDNA_FLASH (the NIC's flash file, default build/firmware/cdna-flash.bin),
# CDNA_QEMU_DIR (a QEMU with the cdna device built elsewhere), CDNA_NATIVE_MEM,
# CDNA_NATIVE_CONTEXTS, CDNA_NATIVE_ARGS; flash checks: CDNA_FLASH_TOOL (the guest's
# cdnactl, default build/bin/cdnactl).
set -euo pipefail
# The check's guests: two on contexts of the NIC (CDNA), one through
# netfront/netback and dom0's bridge (the baseline), in one boot.
if [ "${1:-}" = protection ]; then
    shift
    exec "$(dirname "$0")/protection.sh" "$@"
fi
if [ "${1:-check}" = check ]; then
    : "${CDNA_DOMUS:=3}" "${CDNA_DOMU_NETS:=cdna cdna vif}"
    export CDNA_DOMUS CDNA_DOMU_NETS
fi
. "$(dirname "$0")/orchestrator.sh"
. "$(dirname "$0")/checks.sh"
. "$(dirname "$0")/native.sh"
. "$(dirname "$0")/cdna-checks.sh"
. "$(dirname "$0")/flash.sh"

mode=${1:-check}
[ "$(id -u)" -eq 0 ] || { echo "tests/system/run.sh: needs root (network namespace, tap device)" >&2; exit 1; }
case $mode in check|shell|boot|native|flash|demo) ;; *) sed -n '2,27p' "$0" >&2; exit 2 ;; esac

system_run_start
say "run directory $RUN; namespace for the far end; $CDNA_DOMUS domUs; accel $CDNA_TCG"

if [ "$mode" = shell ]; then
    setup_netns
    cat <<EOF
Booting QEMU -> Xen -> dom0 (about 20-30 s). The serial line is this terminal.
In dom0: 'cdna-domus start 2' creates two PV domUs; 'xl list'; 'xl console domu1'
(leave a guest console with Ctrl-]). The far end is $FAR_IP (iperf3 server).
Leave the platform: Ctrl-a then x (QEMU quits and everything is torn down).
Serial log: $RUN/console.log
EOF
    start_qemu shell
    exit 0
fi

if [ "$mode" = native ] || [ "$mode" = flash ]; then
    setup_netns
    if [ "$mode" = native ]; then native_checks; else flash_checks; fi
    echo "system: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit
fi

if [ "$mode" = demo ]; then
    CDNA_PCAP="$RUN/wire.pcap"
    T_DEMO=$(now)
    boot_dom0 demo
    start_domus "$CDNA_DOMUS"
    demo_run "$CDNA_DOMUS"
    stop_qemu
    demo_report "$T_DEMO"
    [ "$FAILED" -eq 0 ]
    exit
fi

boot_dom0 "$mode"
start_domus "$CDNA_DOMUS"
if [ "$mode" = check ]; then
    dom0_nic_checks
    ping_checks "$CDNA_DOMUS"
    iperf_checks "$CDNA_DOMUS"
    cdna_system_checks
    shutdown_checks
    {
        echo "accel $CDNA_TCG"
        echo "dom0_ready_s $T_DOM0_READY"
        echo "domus_up_s $T_DOMUS_UP"
        echo "domus_reachable_s $T_REACHABLE"
        cat "$RUN/throughput"
    } >"$RUN/summary"
    say "times from QEMU start: dom0 ready ${T_DOM0_READY}s, domUs up ${T_DOMUS_UP}s, reachable ${T_REACHABLE}s"
    # The native driver on the same far end, without Xen: a QEMU of its own.
    stop_qemu
    native_checks
    flash_checks
    echo "system: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
else
    shutdown_platform
fi
