#!/usr/bin/env bash
# install-deps.sh PKG... - install the Debian packages that are missing.
# Quiet when everything is there; needs root (or sudo) otherwise.
set -euo pipefail

missing=()
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || {
		echo "install-deps: need root to install: ${missing[*]}" >&2
		exit 1
	}
	as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default answer is fine.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	"${as_root[@]}" debconf-set-selections 2>/dev/null || true
if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	echo "install-deps: apt-get install failed; refreshing package lists and retrying" >&2
	"${as_root[@]}" apt-get update -q
	"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
