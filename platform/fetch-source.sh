#!/usr/bin/env bash
# Fetch and unpack a pinned Debian source package into the cache, once.
# Usage: platform/fetch-source.sh qemu|xen   (prints the unpacked tree's path)
#
# apt-get source needs deb-src entries. They are derived at run time from the
# system's own apt source files (Types: deb -> deb-src) into a private apt
# configuration, so no mirror host name is ever written into the repository and
# the system's apt configuration is left alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: fetch-source.sh qemu|xen}
case $name in
    qemu) version=$QEMU_SRC_VERSION ;;
    xen) version=$XEN_SRC_VERSION ;;
    *) echo "fetch-source.sh: unknown source package $name" >&2; exit 2 ;;
esac
dest="$CDNA_CACHE/src/$name-$(safe_version "$version")"
log="$CDNA_CACHE/logs/fetch-$name.log"
if [ -f "$dest/.cdna-complete" ]; then
    # The builds copy this tree and patch the copy; a file changed after the
    # unpack (someone patched or built in the pristine tree by hand) would
    # make every later build fail or differ, so such a tree is fetched anew.
    changed=$(find "$dest" -newer "$dest/.cdna-complete" -print -quit)
    if [ -z "$changed" ]; then
        echo "$dest"
        exit 0
    fi
    msg "$name source: $changed changed after unpacking; fetching it again" >&2
    rm -f "$dest/.cdna-complete"
fi

aptdir="$CDNA_CACHE/apt-src"
mkdir -p "$aptdir/sources.list.d" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
rm -f "$aptdir/sources.list.d/"*
n=0
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$aptdir/sources.list.d/sys$n.sources"
    n=$((n + 1))
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -nE 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' "$f" >"$aptdir/sources.list.d/sys$n.list"
    n=$((n + 1))
done
[ "$n" -gt 0 ] || die "fetch $name source" "" "no apt source files under /etc/apt to derive deb-src entries from"

APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$aptdir/sources.list.d"
          -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache"
          -o "APT::Sandbox::User=root" -o "Acquire::Retries=3")
mkdir -p "$(dirname "$log")"
: >"$log"
run_step "apt-get update (deb-src)" "$log" apt-get "${APT_OPTS[@]}" update
# Capture first: `grep -q` closing the pipe early would fail the pipeline under pipefail.
offered=$(apt-cache "${APT_OPTS[@]}" showsrc "$name" 2>/dev/null | sed -n 's/^Version: //p')
if ! printf '%s\n' "$offered" | grep -qxF "$version"; then
    die "fetch $name source" "$log" "source version $version of $name is not offered by the configured archives (pinned in platform/versions.sh); offered: $(echo $offered)"
fi

work="$CDNA_CACHE/src/.fetch-$name-$$"
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
(cd "$work" && run_step "apt-get source $name=$version" "$log" \
    apt-get "${APT_OPTS[@]}" source --only-source "$name=$version")
tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)
[ -n "$tree" ] || die "fetch $name source" "$log" "apt-get source produced no source tree"
rm -rf "$dest"
mv "$tree" "$dest"
touch "$dest/.cdna-complete"
echo "$dest"
