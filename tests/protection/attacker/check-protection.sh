#!/usr/bin/env bash
# make check-protection: the DMA-protection suite's two tiers, one table.
#   1. the fast tier: $BUILD/bin/cdna-protect (the NIC model with the real
#      firmware and the hypervisor core; seconds, no root)
#   2. the system tier: tests/system/protection.sh (a hostile PV domU
#      against real Xen under QEMU TCG; a few minutes, root)
# then verdict.py's table over both: attack, tier, refused, victim bytes
# changed, leaked references, victim traffic, Xen/QEMU/dom0 alive.
# CDNA_PROTECTION_TIERS="fast" (or "system") runs one tier only.
# Exit 0 when every row passed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
BUILD=${BUILD:-build}
tiers=${CDNA_PROTECTION_TIERS:-fast system}
out="$BUILD/protection"
mkdir -p "$out"
rm -f "$out/fast.tsv" "$out/system.tsv"
rc=0

if [[ " $tiers " == *" fast "* ]]; then
    echo "== DMA protection, fast tier (the NIC model, the core): $BUILD/bin/cdna-protect"
    "$BUILD/bin/cdna-protect" | tee "$out/fast.out"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
    python3 "$here/verdict.py" fast "$out/fast.out" >"$out/fast.tsv"
fi
if [[ " $tiers " == *" system "* ]]; then
    echo
    echo "== DMA protection, system tier (a hostile domU against real Xen): tests/system/protection.sh"
    t0=$(date +%s)
    CDNA_PROTECTION_TSV="$(cd "$out" && pwd)/system.tsv" "$repo/tests/system/protection.sh" |
        tee "$out/system.out"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
    echo "system tier: $(( $(date +%s) - t0 )) s wall"
    [ -s "$out/system.tsv" ] || { echo "not ok - the system tier produced no results"; rc=1; }
fi
echo
echo "== DMA protection, both tiers"
python3 "$here/verdict.py" table "$out/fast.tsv" "$out/system.tsv" || rc=1
exit "$rc"
