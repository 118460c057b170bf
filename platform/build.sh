#!/usr/bin/env bash
# Build the real platform, or take it from the cache:
#   platform/build.sh qemu|xen|images|all|paths
# qemu: QEMU 7.2 x86_64-softmmu; xen: the Xen 4.17 hypervisor; images: dom0 and
# domU kernel + roots; paths: print where the cached artefacts are (no build).
# Each artefact is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/cdna/ (or
# $CDNA_CACHE), keyed by its upstream version and a hash of the scripts and
# patches that feed it. Per-step times go to $CDNA_TIMES_FILE when set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:-all}
case $what in
    qemu|xen|images) targets=("$what") ;;
    all) targets=(qemu xen images) ;;
    paths) echo "qemu   $(qemu_dir)"; echo "xen    $(xen_dir)"; echo "images $(images_dir)"; exit 0 ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "platform/build.sh: needs root (apt-get, debootstrap)" >&2; exit 1; }

# Packages first: the images' cache key reads apt's view of the kernel package.
"$PLATFORM_DIR/deps.sh" all
for t in "${targets[@]}"; do
    t0=$SECONDS
    if [ -f "$("${t}_dir")/.cdna-complete" ]; then
        msg "$t: from the cache ($("${t}_dir"))"
    else
        msg "$t: building (logs under $CDNA_CACHE/logs/)"
        "$PLATFORM_DIR/build-$t.sh" >/dev/null
        msg "$t: built in $((SECONDS - t0)) s ($("${t}_dir"))"
    fi
    echo "total-$t $((SECONDS - t0))" >>"${CDNA_TIMES_FILE:-/dev/null}"
done
