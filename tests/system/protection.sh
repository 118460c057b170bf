#!/usr/bin/env bash
# The DMA-protection suite's system tier (tests/protection/attacker/README.md):
# a hostile PV domU with a context of its own mounts every attack of the fast
# tier (tests/protection/attacks.c, same names) against real Xen, while a
# victim domU on its own context runs traffic and keeps secret pages, and
# dom0 reads the counters and the references (cdnactl stats --json) before
# and after.  One TAP line per attack, then the system tier's table, last
# line "protection-system: N passed, M failed".
#   tests/system/protection.sh [NAME-SUBSTRING]   (root; make platform,
#                                                  firmware, cdnactl first)
#   tests/system/run.sh protection                 the same
# Results: $RUN/protection/system.tsv (verdict.py's format; also copied to
# $CDNA_PROTECTION_TSV when set), every attack's raw output in
# $RUN/protection/NAME.out.  Heavy: wrap it in
# `flock /tmp/cdna-heavy.lock` on a shared machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ATK_DIR="$(cd "$here/../protection/attacker" && pwd)"
only=${1:-}
# domu1 the victim on a context of its own; domu2 the attacker, reachable
# through netfront (its context is assigned per attack by cdna-attack).
export CDNA_DOMUS=2 CDNA_DOMU_NETS="cdna vif"
# shellcheck source=tests/system/orchestrator.sh
. "$here/orchestrator.sh"
# shellcheck source=tests/system/checks.sh
. "$here/checks.sh"

[ "$(id -u)" -eq 0 ] || { echo "$0: needs root" >&2; exit 1; }
T_START=$(now)
system_run_start
P="$RUN/protection"
mkdir -p "$P"

# The modules, against the images' kernel (guest-driver/linux/build.sh's).
kver=$("$REPO_DIR/guest-driver/linux/build.sh" kver)
B="$P/kmod"
mkdir -p "$B"
cp "$ATK_DIR/cdna-attacker.c" "$ATK_DIR/cdna-victim.c" "$B/"
printf 'obj-m := cdna-attacker.o cdna-victim.o\nccflags-y := -I%s -I%s\n' \
    "$REPO_DIR/guest-driver/linux/shim" "$REPO_DIR/include" >"$B/Kbuild"
make -C "/usr/src/linux-headers-$kver" M="$B" modules >"$B/build.log" 2>&1 ||
    fail "build the attacker's modules" "$B/build.log" "module build failed"

# dom0: the victim module (its own secret pages) and cdna-attack; the
# domUs' root: both modules next to cdna.ko (orchestrator's domu-extra).
export CDNA_DOM0_FILES="${CDNA_DOM0_FILES:-} $B/cdna-victim.ko=usr/lib/cdna/cdna-victim.ko $ATK_DIR/cdna-attack.sh=usr/sbin/cdna-attack"
eval "orig_$(declare -f dom0_cdna_files)"
dom0_cdna_files() {
    orig_dom0_cdna_files
    cp "$B/cdna-attacker.ko" "$B/cdna-victim.ko" "$RUN/domu-extra/cdna/"
    (cd "$RUN/domu-extra" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
        cpio --null -o -H newc --quiet) >"$RUN/domu-extra.cpio"
}

boot_dom0 protection
start_domus 2
T_UP=$(since "$T_QEMU")

out=$(dom0 120 "chmod +x /usr/sbin/cdna-attack; cdna-attack setup $FAR_IP") || true
printf '%s\n' "$out" >"$P/setup.out"
grep -q 'attacker module loaded' <<<"$out" ||
    fail "protection: setup" "$P/setup.out" "the attacker's module did not load"
base=$(awk '/receiver/ { for (k = 1; k < NF; k++) if ($(k + 1) == "Mbits/sec") print $k }' "$P/setup.out" | tail -n1)
check "setup: victim and dom0 secret pages published, attacker loaded" 0 \
    "$(grep -m1 '^victim domid' <<<"$out" | cut -c1-100); victim baseline ${base:-?} Mbit/s"

# The fast tier's attacks, by name, in its order.
mapfile -t names < <(sed -n 's/.*\.name = "\([a-z0-9_]*\)".*/\1/p' "$here/../protection/attacks.c")
# And what only real Xen has: a BAR0 mapping that outlives the revoke (last:
# it moves the victim to another context).
names+=(kept_doorbell_mapping_after_reassign)
: >"$P/system.tsv"
for name in "${names[@]}"; do
    [ -n "$only" ] && [[ $name != *"$only"* ]] && continue
    t0=$(now)
    dom0 300 "cdna-attack run $name" >"$P/$name.out" 2>&1 || true
    alive_q=yes; qemu_alive || alive_q=no
    line=$(python3 "$ATK_DIR/verdict.py" system "$P/$name.out" "$name" \
        "qemu=$alive_q" "console=$CONSOLE_LOG" "secs=$(since "$t0")" "baseline=$base")
    printf '%s\n' "$line" >>"$P/system.tsv"
    IFS=$'\t' read -r _ _ pass refused counter bytes leaked traffic alive why <<<"$line"
    check "system: $name" "$([ "$pass" = ok ] && echo 0 || echo 1)" \
        "refused $refused, $counter, victim bytes $bytes, leaked $leaked, traffic $traffic, alive $alive; $why"
    qemu_alive || break
done

out=$(dom0 60 "cdna-attack final") || true
printf '%s\n' "$out" >"$P/final.out"
refs=$(python3 "$ATK_DIR/verdict.py" final "$P/final.out")
check "after every attack and the victim's revoke: references held only by dom0's context" \
    "$([ "${refs%% *}" = ok ] && echo 0 || echo 1)" "${refs#* }"
split_logs
check "Xen did not crash" "$(grep -aqE 'Panic on CPU|FATAL|Assertion' "$RUN/xen.log" && echo 1 || echo 0)"
check "QEMU alive" "$(qemu_alive && echo 0 || echo 1)"
check "dom0 alive (answers its console)" "$(dom0 20 true >/dev/null && echo 0 || echo 1)"
shutdown_platform
[ -n "${CDNA_PROTECTION_TSV:-}" ] && cp "$P/system.tsv" "$CDNA_PROTECTION_TSV"
echo
python3 "$ATK_DIR/verdict.py" table ${only:+--partial} "$P/system.tsv" || true
echo "system tier: $(since "$T_START") s (boot to both domUs up: ${T_UP} s)"
echo "protection-system: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
