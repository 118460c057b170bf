#!/usr/bin/env bash
# Build the Xen hypervisor (only; the toolstack comes from Debian's binary
# packages) from Debian's source package with Debian's hypervisor config
# (debian/xen-kconfig, what debian/rules uses) and the project's patch series
# (hypervisor-protect/xen/patches/series) with the CDNA core and its Xen glue
# (hypervisor-protect/core/, hypervisor-protect/xen/), into the cache.
# Prints the directory of the result (xen: the multiboot ELF QEMU's -kernel loads).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(xen_dir)
[ -f "$out/.cdna-complete" ] && { echo "$out"; exit 0; }

# install_cdna TREE: the CDNA core and its Xen glue into xen/arch/x86/cdna/
# (hypervisor-protect/xen/README.md): the core's sources unmodified, the
# contract headers as <cdna/...>, the shims for the core's <stdint.h>,
# <stddef.h> and <string.h>, the glue and its Makefile; the hooks' header
# as <xen/cdna.h>. The series wires them in (Kconfig, Makefile, hypercall).
install_cdna() {
    local hp="$REPO_DIR/hypervisor-protect" dir="$1/xen/arch/x86/cdna"
    mkdir -p "$dir/include/cdna"
    cp "$hp/core/"*.c "$hp/core/"*.h "$hp/xen/cdna.c" "$hp/xen/Makefile" "$dir/"
    cp "$hp/xen/include/"*.h "$dir/include/"
    cp "$REPO_DIR/include/cdna/"*.h "$dir/include/cdna/"
    cp "$hp/xen/include/xen/cdna.h" "$1/xen/include/xen/cdna.h"
}

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
    install_cdna "$work"
    cp "$work/debian/xen-kconfig" "$work/xen/.config"
    # Xen's software performance counters (hypercalls by number, interrupts,
    # context switches: `xenperf`, which make bench reads); EXPERT shows the
    # option, olddefconfig keeps every other default.
    printf 'CONFIG_EXPERT=y\nCONFIG_PERF_COUNTERS=y\n' >>"$work/xen/.config"
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
