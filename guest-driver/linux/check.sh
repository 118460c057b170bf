#!/usr/bin/env bash
# The driver's fast checks (make check-fast, make check): cdna.ko builds with
# Kbuild, without warnings (-Werror), against Debian's headers for the kernel
# the images boot, and every source passes checkpatch.pl --strict.  One TAP
# line each.  Needs the headers package (installed when missing, as root) and,
# once, Debian's linux-source-6.1 package for checkpatch.pl (downloaded to the
# cache); without root and without the headers the build is skipped.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../platform/lib.sh"
out="${BUILD:-build}/driver"
case $out in /*) ;; *) out="$REPO_DIR/$out" ;; esac

kver=$("$here/build.sh" kver 2>/dev/null)
if [ -z "$kver" ]; then
    echo "ok - cdna.ko builds # SKIP apt knows no linux-image-amd64 (apt-get update)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ] && [ ! -f "/usr/src/linux-headers-$kver/Makefile" ]; then
    echo "ok - cdna.ko builds # SKIP linux-headers-$kver missing and not root to install it"
    exit 0
fi
rc=0
if ko=$("$here/build.sh" "$out" 2>"$out.err"); then
    echo "ok - cdna.ko builds against linux-headers-$kver, no warnings: ${ko#"$REPO_DIR"/}"
else
    cat "$out.err"
    echo "not ok - cdna.ko builds against linux-headers-$kver"
    rc=1
fi
if ! "$here/checkpatch.sh" --tap; then
    rc=1
fi
exit "$rc"
