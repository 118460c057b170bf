#!/usr/bin/env bash
# Run the kernel's scripts/checkpatch.pl --strict on the driver's sources.
#   guest-driver/linux/checkpatch.sh [--tap] [FILE...]   (--tap: a TAP line per file)
# checkpatch.pl comes from Debian's linux-source-6.1 package of the same
# version as the headers the driver is built against (apt-get download,
# no install); its three files are cached under $CDNA_CACHE/checkpatch/.
# Accepted exceptions are listed, with their reasons, in README.md here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../platform/lib.sh"

kver=$("$here/build.sh" kver)
ver=$(apt-cache show --no-all-versions "linux-headers-$kver" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
[ -n "$ver" ] || { echo "checkpatch: no version of linux-headers-$kver known to apt (apt-get update?)" >&2; exit 1; }
dir="$CDNA_CACHE/checkpatch/linux-source-6.1-$(safe_version "$ver")"
fetch() {
    [ -f "$dir/.cdna-complete" ] && return 0
    local work="$dir.tmp.$$" log="$CDNA_CACHE/logs/checkpatch-fetch.log"
    rm -rf "$work"; mkdir -p "$work"
    (cd "$work" && run_step "download linux-source-6.1=$ver" "$log" apt-get download "linux-source-6.1=$ver")
    # Only three files of the source tarball are needed.
    dpkg-deb --fsys-tarfile "$work"/linux-source-6.1_*.deb |
        tar -xO ./usr/src/linux-source-6.1.tar.xz | xz -dc |
        tar -x -C "$work" linux-source-6.1/scripts/checkpatch.pl \
            linux-source-6.1/scripts/spelling.txt linux-source-6.1/scripts/const_structs.checkpatch
    rm -rf "$dir"; mkdir -p "$dir"
    mv "$work"/linux-source-6.1/scripts/* "$dir/"
    rm -rf "$work"
    touch "$dir/.cdna-complete"
}
with_lock checkpatch fetch

tap=0
[ "${1:-}" = --tap ] && { tap=1; shift; }
[ $# -gt 0 ] || set -- "$here"/*.[ch] "$here"/shim/*.h
rc=0
for f in "$@"; do
    if perl "$dir/checkpatch.pl" --strict --no-tree --show-types -q -f "$f"; then
        [ "$tap" = 1 ] && echo "ok - checkpatch --strict: ${f#"$REPO_DIR"/}"
    else
        rc=1
        [ "$tap" = 1 ] && echo "not ok - checkpatch --strict: ${f#"$REPO_DIR"/}"
    fi
done
[ "$rc" = 0 ] && [ "$tap" = 0 ] && echo "checkpatch: $# files clean (--strict)"
exit "$rc"
