#!/usr/bin/env bash
# Build the Xen hypervisor (only; the toolstack comes from Debian's binary
# packages) from Debian's source package with Debian's hypervisor config
# (debian/xen-kconfig, what debian/rules uses) and the project's patch series
# (hypervisor-protect/xen/patches/series), into the cache.
# Prints the directory of the result (xen: the multiboot ELF QEMU's -kernel loads).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(xen_dir)
[ -f "$out/.cdna-complete" ] && { echo "$out"; exit 0; }

build_xen() {
    [ -f "$out/.cdna-complete" ] && return 0   # built by a concurrent run meanwhile
    local log="$CDNA_CACHE/logs/xen-build.log" pristine work
    : >"$log"
    "$PLATFORM_DIR/deps.sh" src xen
    pristine=$("$PLATFORM_DIR/fetch-source.sh" xen)
    work="$CDNA_CACHE/work/xen-$(safe_version "$XEN_SRC_VERSION")"
    rm -rf "$work"; mkdir -p "$(dirname "$work")"
    cp -a "$pristine" "$work"
    apply_series "$REPO_DIR/hypervisor-protect/xen/patches" "$work" "$log"
    cp "$work/debian/xen-kconfig" "$work/xen/.config"
    # Keep the make command line identical between the two calls (and between
    # builds): Xen rebuilds most objects when its command line changes.
    local mk=(make -C "$work/xen" XEN_TARGET_ARCH=x86_64)
    run_step "xen: olddefconfig" "$log" "${mk[@]}" olddefconfig
    run_step "xen: compile" "$log" $NICE "${mk[@]}" -j"$JOBS"
    local tmp="$out.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    cp "$work/xen/xen" "$work/xen/xen-syms" "$work/xen/.config" "$tmp/"
    echo "$XEN_SRC_VERSION" >"$tmp/version"
    publish "$tmp" "$out"
}
with_lock "xen-$(safe_version "$XEN_SRC_VERSION")" build_xen
echo "$out"
