#!/usr/bin/env bash
# Build QEMU (x86_64-softmmu) from Debian's source package with the project's
# patch series (hw-model/qemu/patches/series) and the cdna NIC, out of tree,
# into the cache. Prints the directory of the result (bin/qemu-system-x86_64,
# bin/cdna-test, the device's qtest, share/qemu/).
#
# The cdna device: hw-model/qemu/cdna.c (the glue) goes to hw/net/, the NIC
# model as the archive `make nic-lib` builds (build/lib/libcdna-nic.a) and the
# headers the glue includes go to hw/net/cdna/, tests/qemu/cdna-test.c to
# tests/qtest/; the series hooks them into Kconfig and meson.
#
# The result is keyed by the Debian source version and a hash of this script,
# the patch series, the glue, the qtest and the model's sources (qemu_dir in
# lib.sh). The work tree is kept per upstream version and refreshed with
# `rsync --checksum`, so a changed patch or model recompiles only what it
# touches (a changed archive only relinks).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(qemu_dir)
[ -f "$out/.cdna-complete" ] && { echo "$out"; exit 0; }

build_qemu() {
    [ -f "$out/.cdna-complete" ] && return 0   # built by a concurrent run meanwhile
    local log="$CDNA_CACHE/logs/qemu-build.log" pristine work stage
    : >"$log"
    "$PLATFORM_DIR/deps.sh" src qemu
    pristine=$("$PLATFORM_DIR/fetch-source.sh" qemu)
    work="$CDNA_CACHE/work/qemu-$(safe_version "$QEMU_SRC_VERSION")"
    stage="$work/stage"
    rm -rf "$stage"; mkdir -p "$work/src" "$work/build"
    cp -a "$pristine" "$stage"
    apply_series "$REPO_DIR/hw-model/qemu/patches" "$stage" "$log"
    # The NIC model, built by the project's own Makefile (never by meson).
    run_step "qemu: NIC model archive" "$log" $NICE make -C "$REPO_DIR" \
        --no-print-directory -j"$JOBS" nic-lib
    mkdir -p "$stage/hw/net/cdna/include/cdna"
    cp "$REPO_DIR/hw-model/qemu/cdna.c" "$stage/hw/net/cdna.c"
    cp "$REPO_DIR/build/lib/libcdna-nic.a" "$stage/hw/net/cdna/"
    cp "$REPO_DIR/hw-model/core/cdna_nic.h" "$stage/hw/net/cdna/include/"
    cp "$REPO_DIR/include/cdna/"*.h "$stage/hw/net/cdna/include/cdna/"
    cp "$REPO_DIR/tests/qemu/cdna-test.c" "$stage/tests/qtest/"
    # Only files whose content changed get a new mtime: ninja rebuilds just those.
    run_step "qemu: sync patched source" "$log" \
        rsync -a --checksum --delete "$stage/" "$work/src/"
    rm -rf "$stage"
    if [ ! -f "$work/build/build.ninja" ]; then
        # No GUI; slirp, tap and socket netdevs; KVM stays enabled for users who have it.
        (cd "$work/build" && run_step "qemu: configure" "$log" $NICE "$work/src/configure" \
            --target-list=x86_64-softmmu --enable-kvm --enable-slirp --enable-tcg \
            --disable-docs --disable-gtk --disable-sdl --disable-vnc --disable-opengl \
            --disable-spice --disable-curses --disable-xen --disable-tools \
            --disable-guest-agent --disable-werror --disable-debug-info)
    fi
    grep -q '^ROMS=.*optionrom' "$work/build/config-host.mak" ||
        die "qemu: configure" "$log" "configure found no 32-bit compiler for the option ROMs (gcc-multilib)"
    # The emulator, its option ROMs (multiboot/linuxboot, used by -kernel) and the
    # cdna qtest (make check-qemu): QEMU's other tests would double the build.
    run_step "qemu: compile" "$log" $NICE ninja -C "$work/build" -j"$JOBS" \
        qemu-system-x86_64 tests/qtest/cdna-test
    run_step "qemu: option ROMs" "$log" $NICE make -C "$work/build" pc-bios/optionrom/all
    local tmp="$out.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp/bin" "$tmp/share/qemu"
    cp "$work/build/qemu-system-x86_64" "$work/build/tests/qtest/cdna-test" "$tmp/bin/"
    cp "$work/build/pc-bios/optionrom/"*.bin "$tmp/share/qemu/"
    cp -r "$work/src/pc-bios/keymaps" "$tmp/share/qemu/" 2>/dev/null || true
    echo "$QEMU_SRC_VERSION" >"$tmp/version"
    publish "$tmp" "$out"
}
with_lock "qemu-$(safe_version "$QEMU_SRC_VERSION")" build_qemu
echo "$out"
