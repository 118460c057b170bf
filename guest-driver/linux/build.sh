#!/usr/bin/env bash
# Build cdna.ko out of tree against Debian's headers for exactly the kernel
# the platform images boot (linux-image-amd64's dependency, as
# platform/build-images.sh resolves it).
#   guest-driver/linux/build.sh [OUT_BASE]   prints the path of cdna.ko
#   guest-driver/linux/build.sh kver         prints the kernel version only
# The sources are copied (only when changed, so Kbuild's own dependency
# tracking decides what recompiles) into OUT_BASE/<kernel version>/, since
# Linux 6.1 builds an external module in the directory that holds it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../platform/lib.sh"

kver=${CDNA_KVER:-$(kernel_package | sed 's/^linux-image-//')}
[ -n "$kver" ] || { echo "driver: cannot resolve linux-image-amd64's kernel (apt-get update?)" >&2; exit 1; }
if [ "${1:-}" = kver ]; then echo "$kver"; exit 0; fi
out="${1:-$REPO_DIR/build/driver}/$kver"

"$REPO_DIR/platform/deps.sh" driver
kdir=/usr/src/linux-headers-$kver
[ -f "$kdir/Makefile" ] || { echo "driver: $kdir missing (linux-headers-$kver)" >&2; exit 1; }

mkdir -p "$out/shim"
for f in "$here"/*.[ch] "$here/Kbuild" "$here"/shim/*.h; do
    rel=${f#"$here"/}
    cmp -s "$f" "$out/$rel" || cp -p "$f" "$out/$rel"
done
log="$out/build.log"
if ! make -C "$kdir" M="$out" CDNA_INCLUDE="$REPO_DIR/include" modules >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
grep -E 'warning|error' "$log" >&2 || true
echo "$out/cdna.ko"
