#!/usr/bin/env bash
# Install the Debian packages the platform needs, only those missing.
# Usage: platform/deps.sh [src|qemu|xen|images|run|driver|bench|all]...
# A fresh Debian 12 machine (CI) has none of them; nothing installed by hand survives there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs_for() {
    case $1 in
        # apt-get source needs dpkg-source; patches are applied with patch.
        src) echo dpkg-dev patch xz-utils util-linux rsync ;;
        # QEMU 7.2 x86_64-softmmu with slirp, tap and socket netdevs, no GUI.
        # libfdt-dev: Debian's +dfsg source has no bundled dtc.
        # gcc-multilib: configure builds the x86 option ROMs (multiboot/linuxboot,
        # needed by -kernel) only when `gcc -m32` links against a 32-bit libgcc.
        # libunicorn-dev: the cdna NIC model linked into QEMU (its static libunicorn.a).
        qemu) echo gcc gcc-multilib make ninja-build meson pkg-config python3 python3-venv flex bison \
                   libglib2.0-dev libpixman-1-dev libslirp-dev libfdt-dev zlib1g-dev libunicorn-dev ;;
        # Xen hypervisor only (no tools): compiler, kconfig's flex/bison, python3.
        xen) echo gcc gcc-multilib make python3 flex bison ;;
        # kmod: depmod/modprobe to pick the kept modules; zstd/lz4 for kernels packed with them.
        images) echo debootstrap cpio kmod xz-utils zstd lz4 ;;
        # At run time: SeaBIOS blobs (removed from QEMU's +dfsg source), iperf3 for
        # the far end, iproute2 for the namespace and tap, procps for pkill-free teardown,
        # tshark to read the native driver test's pcap, ping for its far end.
        run) echo seabios iperf3 iproute2 procps util-linux tshark iputils-ping ;;
        # The guest driver (guest-driver/linux): Kbuild and Debian's headers for exactly
        # the kernel the images boot (linux-image-amd64's dependency, see lib.sh).
        driver) echo gcc make kmod "linux-headers-$(kernel_package | sed 's/^linux-image-//')" ;;
        # `make bench`'s report (tests/bench/bench-report.py): python3 for the script,
        # gnuplot without X for its PNG plots.
        bench) echo python3 gnuplot-nox ;;
        all) pkgs_for src; pkgs_for qemu; pkgs_for xen; pkgs_for images; pkgs_for run; pkgs_for driver
             pkgs_for bench ;;
        *) echo "deps.sh: unknown group $1" >&2; exit 2 ;;
    esac
}

[ $# -gt 0 ] || set -- all
want=()
for g in "$@"; do
    for p in $(pkgs_for "$g"); do want+=("$p"); done
done

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "platform/deps.sh: missing Debian packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
log="$CDNA_CACHE/logs/deps.log"
mkdir -p "$(dirname "$log")"
msg "installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    # A fresh machine may have empty package lists: update once and retry.
    run_step "apt-get update" "$log" apt-get update
    run_step "install build dependencies" "$log" \
        apt-get install -y --no-install-recommends "${missing[@]}"
fi
