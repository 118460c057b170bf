#!/usr/bin/env bash
# `make bench-platform`: a benchmark, not a test. Prints
#   - build time of QEMU, Xen and the images from nothing (an empty, temporary
#     cache) and from the cache (the same builds again);
#   - wall time from QEMU start to dom0 ready and to both domUs reachable;
#   - netfront/netback iperf3 throughput domU->domU and domU->far end;
# each boot figure with the TCG mode used.
# Options (environment): BENCH_COLD=0 skips the build from nothing (about 5 min);
# BENCH_TCG_MODES (default "tcg,thread=single"; add "tcg" for multi-threaded TCG,
# which is fast on an idle machine and collapses when another process takes a core);
# BENCH_IPERF_SECONDS (default 10).
set -euo pipefail
SYS_DIR="$(cd "$(dirname "$0")" && pwd)"
. "$SYS_DIR/../../platform/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "bench.sh: needs root" >&2; exit 1; }
BENCH_COLD=${BENCH_COLD:-1}
BENCH_TCG_MODES=${BENCH_TCG_MODES:-tcg,thread=single}
BENCH_IPERF_SECONDS=${BENCH_IPERF_SECONDS:-10}
out="$REPO_DIR/build/bench-platform"
mkdir -p "$out"
report="$out/report.txt"
: >"$report"
row() { printf '%-58s %s\n' "$1" "$2" | tee -a "$report"; }

"$REPO_DIR/platform/deps.sh" all

build_times() {   # build_times LABEL CACHE_DIR
    local label=$1 cache=$2 t
    for t in qemu xen images; do
        local times="$out/times-${label//[^A-Za-z0-9]/_}-$t"
        : >"$times"
        CDNA_CACHE="$cache" CDNA_TIMES_FILE="$times" "$REPO_DIR/platform/build.sh" "$t" >&2
        row "build $t ($label)" "$(awk '$1 == "total-'"$t"'" { print $2 " s" }' "$times")"
    done
}

if [ "$BENCH_COLD" = 1 ]; then
    cold=$(mktemp -d /var/tmp/cdna-bench-cache.XXXXXX)
    trap 'rm -rf "$cold"' EXIT
    echo "== builds from nothing into $cold (sources downloaded, everything compiled)" >&2
    build_times "from nothing" "$cold"
    build_times "from cache" "$cold"
    rm -rf "$cold"
else
    row "build from nothing" "skipped (BENCH_COLD=0)"
fi
# Make sure the regular cache holds the platform the boots use.
"$REPO_DIR/platform/build.sh" all >&2
build_times "from cache $CDNA_CACHE" "$CDNA_CACHE"

for mode in $BENCH_TCG_MODES; do
    base="$out/runs"
    echo "== boot and iperf3 with -accel $mode" >&2
    rc=0
    CDNA_TCG="$mode" CDNA_IPERF_SECONDS="$BENCH_IPERF_SECONDS" CDNA_RUN_BASE="$base" \
        "$SYS_DIR/run.sh" check >&2 || rc=$?
    s="$base/latest/summary"
    if [ ! -f "$s" ]; then
        row "boot ($mode)" "FAILED (exit $rc), see $base/latest"
        continue
    fi
    row "QEMU start -> dom0 ready ($mode)" "$(awk '$1 == "dom0_ready_s" { print $2 " s" }' "$s")"
    row "QEMU start -> domUs serve commands ($mode)" "$(awk '$1 == "domus_up_s" { print $2 " s" }' "$s")"
    row "QEMU start -> domUs reachable ($mode)" "$(awk '$1 == "domus_reachable_s" { print $2 " s" }' "$s")"
    while read -r label mbps; do
        case $label in accel|*_s) continue ;; esac
        row "iperf3 ${BENCH_IPERF_SECONDS}s $label ($mode)" "$mbps Mbit/s"
    done <"$s"
done
echo "report: $report"
