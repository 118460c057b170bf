#!/usr/bin/env bash
# Build the sanitizer variant of QEMU: the same Debian source, patch series and
# cdna device as platform/build-qemu.sh, configured with --enable-sanitizers
# (ASan + UBSan, gcc's) and debug info, the NIC model archive built by our
# Makefile with SANITIZE=1 (gcc, -fsanitize=address,undefined), and the device
# fuzzer (tests/fuzz-device/cdna-fuzz.c, a qtest program) built beside the
# qtest. Prints the directory of the result (bin/qemu-system-x86_64,
# bin/cdna-test, bin/cdna-fuzz, share/qemu/). Used by `make fuzz-device`.
#
# Kept apart from the normal build on purpose: its own cache directory
# ($CDNA_CACHE/qemu-sanitize/, so publishing here never evicts a normal entry),
# its own work tree and lock, and its own key (qemu_sanitize_dir in lib.sh).
# build-qemu.sh is not touched, so the normal entry's key does not move.
#
# The ISS inside an ASan QEMU: the model's Unicorn is not loaded with dlopen
# (RTLD_DEEPBIND, which ASan refuses) but partially linked into the archive
# with only cdna_iss_* left global (mk/model.mk), so it links into the
# sanitized QEMU like any object; libunicorn.a itself stays uninstrumented
# (Debian's build): ASan sees its mallocs and frees through the interceptors
# but not its loads and stores (tests/fuzz-device/README.md).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(qemu_sanitize_dir)
[ -f "$out/.cdna-complete" ] && { echo "$out"; exit 0; }

build_qemu_sanitize() {
    [ -f "$out/.cdna-complete" ] && return 0   # built by a concurrent run meanwhile
    local log="$CDNA_CACHE/logs/qemu-sanitize-build.log" pristine work stage
    : >"$log"
    "$PLATFORM_DIR/deps.sh" src qemu
    pristine=$("$PLATFORM_DIR/fetch-source.sh" qemu)
    work="$CDNA_CACHE/work/qemu-sanitize-$(safe_version "$QEMU_SRC_VERSION")"
    stage="$work/stage"
    rm -rf "$stage"; mkdir -p "$work/src" "$work/build"
    cp -a "$pristine" "$stage"
    apply_series "$REPO_DIR/hw-model/qemu/patches" "$stage" "$log"
    apply_series "$REPO_DIR/tests/fuzz-device/qemu" "$stage" "$log"
    # The NIC model under ASan and UBSan (build/sanitize/lib/libcdna-nic.a).
    run_step "qemu-sanitize: NIC model archive" "$log" $NICE make -C "$REPO_DIR" \
        --no-print-directory -j"$JOBS" SANITIZE=1 nic-lib
    mkdir -p "$stage/hw/net/cdna/include/cdna"
    cp "$REPO_DIR/hw-model/qemu/cdna.c" "$stage/hw/net/cdna.c"
    cp "$REPO_DIR/build/sanitize/lib/libcdna-nic.a" "$stage/hw/net/cdna/"
    cp "$REPO_DIR/hw-model/core/cdna_nic.h" "$stage/hw/net/cdna/include/"
    cp "$REPO_DIR/include/cdna/"*.h "$stage/hw/net/cdna/include/cdna/"
    cp "$REPO_DIR/tests/qemu/cdna-test.c" "$stage/tests/qtest/"
    cp "$REPO_DIR/tests/fuzz-device/cdna-fuzz.c" "$stage/tests/qtest/"
    run_step "qemu-sanitize: sync patched source" "$log" \
        rsync -a --checksum --delete "$stage/" "$work/src/"
    rm -rf "$stage"
    # As build-qemu.sh, plus ASan + UBSan and debug info (symbolised reports).
    # UBSan is given by hand: QEMU 7.2's configure probes it with a program
    # that GCC 12 refuses under -Werror (-Wmaybe-uninitialized), and then
    # silently builds with ASan alone.  The arguments are kept beside the
    # build: a change reconfigures the work tree in place.
    local cfg=(--target-list=x86_64-softmmu --enable-kvm --enable-slirp --enable-tcg
        --disable-docs --disable-gtk --disable-sdl --disable-vnc --disable-opengl
        --disable-spice --disable-curses --disable-xen --disable-tools
        --disable-guest-agent --disable-werror --enable-debug-info
        --enable-sanitizers --extra-cflags=-fsanitize=undefined
        --extra-ldflags=-fsanitize=undefined)
    if [ ! -f "$work/build/build.ninja" ] ||
       [ "$(cat "$work/build/.cdna-configure" 2>/dev/null)" != "${cfg[*]}" ]; then
        (cd "$work/build" && run_step "qemu-sanitize: configure" "$log" $NICE \
            "$work/src/configure" "${cfg[@]}")
        echo "${cfg[*]}" >"$work/build/.cdna-configure"
    fi
    grep -q '^ROMS=.*optionrom' "$work/build/config-host.mak" ||
        die "qemu-sanitize: configure" "$log" "configure found no 32-bit compiler for the option ROMs (gcc-multilib)"
    grep -q -- '-fsanitize=address' "$work/build/build.ninja" &&
        grep -q -- '-fsanitize=undefined' "$work/build/build.ninja" ||
        die "qemu-sanitize: configure" "$log" "configure did not enable ASan and UBSan"
    run_step "qemu-sanitize: compile" "$log" $NICE ninja -C "$work/build" -j"$JOBS" \
        qemu-system-x86_64 tests/qtest/cdna-test tests/qtest/cdna-fuzz
    run_step "qemu-sanitize: option ROMs" "$log" $NICE make -C "$work/build" pc-bios/optionrom/all
    local tmp="$out.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp/bin" "$tmp/share/qemu"
    cp "$work/build/qemu-system-x86_64" "$work/build/tests/qtest/cdna-test" \
        "$work/build/tests/qtest/cdna-fuzz" "$tmp/bin/"
    cp "$work/build/pc-bios/optionrom/"*.bin "$tmp/share/qemu/"
    cp -r "$work/src/pc-bios/keymaps" "$tmp/share/qemu/" 2>/dev/null || true
    echo "$QEMU_SRC_VERSION" >"$tmp/version"
    publish "$tmp" "$out"
}
with_lock "qemu-sanitize-$(safe_version "$QEMU_SRC_VERSION")" build_qemu_sanitize
echo "$out"
