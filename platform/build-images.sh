#!/usr/bin/env bash
# Build the guest images into the cache:
#   dom0-vmlinux      Debian's kernel (linux-image-amd64), uncompressed ELF: Xen and
#                     libxl load it without spending seconds on decompression under TCG
#   dom0-initrd.cpio  dom0 root: debootstrap minbase + xen-utils-4.17, iproute2, iperf3,
#                     ethtool, tcpdump; no systemd or udev running; uncompressed cpio
#                     (unpacks faster than any compressed one under TCG); it carries the
#                     domU kernel and root in /var/lib/cdna/domu/
#   domU root         busybox-static + iperf3, ethtool, iproute2, xenstore clients and
#                     xen-netfront, taken from the same debootstrap tree (a few MB)
#   native-initrd.cpio  the bare-Linux (no Xen) test guest's root: busybox-static, iperf3,
#                     ethtool, iproute2, the e1000 and virtio-net drivers (for
#                     make bench-native); the driver under test (cdna.ko) is appended by
#                     the test as a second cpio archive, so a driver change rebuilds nothing here
# Prints the output directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(images_dir)
[ -f "$out/.cdna-complete" ] && { echo "$out"; exit 0; }
IMGSRC="$PLATFORM_DIR/images"

# The archive debootstrap installs from: the system's own apt source for the suite,
# read at run time (no mirror host name lives in the repository).
mirror_for_suite() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v suite="$IMAGE_SUITE" '
            /^[[:space:]]*$/ { if (uri != "" && ok && deb) { print uri; exit } uri = ""; ok = 0; deb = 0; next }
            /^URIs:/ { uri = $2 }
            /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END { if (uri != "" && ok && deb) print uri }' "$f" | head -n1
    done | head -n1
    if [ -f /etc/apt/sources.list ]; then
        awk -v suite="$IMAGE_SUITE" '$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list
    fi
}

# extract_vmlinux BZIMAGE OUT: find the compressed payload in a bzImage and unpack it.
extract_vmlinux() {
    local in=$1 outf=$2 spec sig tool off
    for spec in "\x1f\x8b\x08:gzip -dc" "\xfd7zXZ\x00:xz -dc --single-stream" \
                "\x28\xb5\x2f\xfd:zstd -dcq" "\x02\x21\x4c\x18:lz4 -dc"; do
        sig=${spec%%:*} tool=${spec#*:}
        for off in $(LC_ALL=C grep -obUaP "$sig" "$in" | cut -d: -f1); do
            tail -c +$((off + 1)) "$in" | $tool >"$outf" 2>/dev/null || true
            if [ "$(head -c 4 "$outf" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
                return 0
            fi
        done
    done
    return 1
}

# copy_modules KDIR KVER LIST DEST: the listed modules and their dependencies,
# in load order, into DEST/lib/modules/KVER (+ DEST/lib/modules/load.list).
copy_modules() {
    local kdir=$1 kver=$2 list=$3 dest=$4 m f rel
    mkdir -p "$dest/lib/modules/$kver"
    : >"$dest/lib/modules/load.list"
    while read -r m; do
        case $m in ''|'#'*) continue ;; esac
        modprobe -d "$kdir" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }' |
        while read -r f; do
            rel=${f#"$kdir"/}
            mkdir -p "$dest/$(dirname "$rel")"
            cp -n "$f" "$dest/$rel"
            grep -qxF "/$rel" "$dest/lib/modules/load.list" || echo "/$rel" >>"$dest/lib/modules/load.list"
        done
    done <"$list"
    cp "$kdir/lib/modules/$kver/"modules.{order,builtin,builtin.modinfo} "$dest/lib/modules/$kver/"
    depmod -b "$dest" "$kver"
}

# small_root TREE DEST TOOL...: a busybox root in DEST with the TOOLs of the debootstrap
# TREE and their libraries (the domU's and the bare-Linux test guest's roots).
small_root() {
    local tree=$1 dest=$2 b p lib; shift 2
    mkdir -p "$dest"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,tmp,run,etc,root}
    cp "$tree/bin/busybox" "$dest/bin/busybox"
    for b in "$@"; do
        p=$(chroot "$tree" sh -c "command -v $b") || die "images: small root" "$log" "$b missing in the dom0 tree"
        cp -L "$tree$p" "$dest/usr/bin/$b"
        chroot "$tree" ldd "$p" | awk '/=> \// { print $3 } /^[[:space:]]*\/lib/ { print $1 }' |
        while read -r lib; do
            mkdir -p "$dest$(dirname "$lib")"
            cp -Ln "$tree$lib" "$dest$lib"
        done
    done
    for b in $(chroot "$tree" /bin/busybox --list-full); do
        [ -e "$dest/$b" ] || ln -s /bin/busybox "$dest/$b"
    done
}

build_images() {
    [ -f "$out/.cdna-complete" ] && return 0
    local log="$CDNA_CACHE/logs/images-build.log" mirror root kpkg kver kdir domu native
    : >"$log"
    "$PLATFORM_DIR/deps.sh" images
    work="$CDNA_CACHE/work/images.$$"   # global: the EXIT trap removes it
    rm -rf "$work"; mkdir -p "$work" "$CDNA_CACHE/debs"
    trap 'rm -rf "$work"' EXIT
    root="$work/dom0"

    mirror=$(mirror_for_suite)
    [ -n "$mirror" ] || die "images: debootstrap" "" "no deb entry for suite $IMAGE_SUITE in /etc/apt/sources*"
    # udev comes in as a dependency of xen-utils-common but is never started.
    run_step "images: debootstrap dom0 root" "$log" $NICE debootstrap --variant=minbase \
        --cache-dir="$CDNA_CACHE/debs" \
        --include=xen-utils-4.17,xenstore-utils,iproute2,iperf3,ethtool,tcpdump,kmod,busybox-static,procps \
        "$IMAGE_SUITE" "$root" "$mirror"

    # The kernel package is unpacked, not installed: no initramfs-tools run, no udev.
    kpkg=$(kernel_package)
    [ -n "$kpkg" ] || die "images: kernel" "$log" "cannot resolve linux-image-amd64's kernel package (apt-get update?)"
    # Stale package lists name a kernel the archive no longer serves: update once and retry.
    if ! (cd "$work" && apt-get download "$kpkg" >>"$log" 2>&1); then
        run_step "images: apt-get update" "$log" apt-get update
        kpkg=$(kernel_package)
        (cd "$work" && run_step "images: download $kpkg" "$log" apt-get download "$kpkg")
    fi
    kdir="$work/kernel"
    dpkg-deb -x "$work/$kpkg"_*.deb "$kdir"
    kver=${kpkg#linux-image-}
    depmod -b "$kdir" "$kver"
    extract_vmlinux "$kdir/boot/vmlinuz-$kver" "$work/vmlinux" ||
        die "images: kernel" "$log" "cannot find the compressed kernel inside vmlinuz-$kver"

    # --- domU root: busybox + the few tools the tests use, with their libraries.
    domu="$work/domu"
    small_root "$root" "$domu" iperf3 ip ethtool xenstore-read xenstore-write xenstore-rm \
        xenstore-ls xenstore-watch
    install -m 0755 "$IMGSRC/domu-init" "$domu/init"
    install -m 0755 "$IMGSRC/kprofile" "$domu/usr/bin/kprofile"
    rm -f "$domu/sbin/poweroff"
    install -m 0755 "$IMGSRC/domu-poweroff" "$domu/sbin/poweroff"
    copy_modules "$kdir" "$kver" "$IMGSRC/domu-modules.txt" "$domu"
    echo "domu" >"$domu/etc/hostname"

    # --- bare-Linux test guest (no Xen): the same tools, its own init, the NIC
    # drivers `make bench-native` compares with (native-modules.txt); the driver
    # under test is appended at run time.
    native="$work/native"
    small_root "$root" "$native" iperf3 ip ethtool
    install -m 0755 "$IMGSRC/native-init" "$native/init"
    install -m 0755 "$IMGSRC/kprofile" "$native/usr/bin/kprofile"
    copy_modules "$kdir" "$kver" "$IMGSRC/native-modules.txt" "$native"
    echo "native" >"$native/etc/hostname"

    # --- dom0 root: prune what a diskless, service-less dom0 never reads.
    root=${root:?}   # never an empty prefix in the rm below
    rm -rf "$root"/usr/share/{doc,man,info,locale,lintian,linda,bug} "$root"/var/cache/apt/* \
           "$root"/var/lib/apt/lists/* "$root"/usr/lib/python3* "$root"/usr/lib/udev/hwdb.d \
           "$root"/etc/udev/hwdb.bin "$root"/usr/lib/udev/hwdb.bin "$root"/usr/lib/x86_64-linux-gnu/gconv \
           "$root"/boot "$root"/lib/modules "$root"/usr/lib/modules "$root"/var/log/*.log \
           "$root"/usr/bin/python3* "$root"/usr/bin/perl* "$root"/usr/lib/x86_64-linux-gnu/perl* \
           "$root"/usr/share/perl* "$root"/usr/lib/xen-4.17/boot/xen-shim \
           "$root"/usr/lib/xen-4.17/bin/oxenstored "$root"/var/cache/debconf/*-old
    copy_modules "$kdir" "$kver" "$IMGSRC/dom0-modules.txt" "$root"
    install -m 0755 "$IMGSRC/dom0-init" "$root/init"
    install -m 0644 "$IMGSRC/dom0-profile" "$root/root/.profile"
    install -m 0755 "$IMGSRC/vif-cdna" "$root/etc/xen/scripts/vif-cdna"
    install -m 0755 "$IMGSRC/cdna-domus" "$root/usr/local/sbin/cdna-domus"
    install -m 0755 "$IMGSRC/kprofile" "$root/usr/local/sbin/kprofile"
    echo dom0 >"$root/etc/hostname"
    mkdir -p "$root/var/lib/cdna/domu"
    cp "$work/vmlinux" "$root/var/lib/cdna/domu/vmlinux"
    (cd "$domu" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) \
        >"$root/var/lib/cdna/domu/initrd.cpio"

    local tmp="$out.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    cp "$work/vmlinux" "$tmp/dom0-vmlinux"
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) >"$tmp/dom0-initrd.cpio"
    (cd "$native" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) \
        >"$tmp/native-initrd.cpio"
    echo "$kver" >"$tmp/kernel-version"
    { du -sh "$root" | sed 's|\t.*|\tdom0 root tree|'; du -sh "$domu" | sed 's|\t.*|\tdomU root tree|'
      (cd "$tmp" && du -sh --apparent-size dom0-initrd.cpio dom0-vmlinux)
      du -sh --apparent-size "$root/var/lib/cdna/domu/initrd.cpio" | sed 's|\t.*|\tdomU initrd.cpio|'
      (cd "$tmp" && du -sh --apparent-size native-initrd.cpio)
    } >"$tmp/sizes" 2>&1
    publish "$tmp" "$out"
    msg "images: sizes: $(awk '{ s = $1; $1 = ""; printf "%s%s; ", substr($0, 2), " " s }' "$out/sizes")"
}
with_lock images build_images
echo "$out"
