#!/usr/bin/env bash
# check-man.sh PAGE: format a man page as man(1) would and fail on any
# warning (groff -ww), as `make cdnactl-man` and the fast tier do.
set -euo pipefail
page=${1:-$(dirname "$0")/cdnactl.8}
out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1) || true
if [[ -n $out ]]; then
	printf '%s\n' "$out" >&2
	echo "check-man: $page: groff warnings" >&2
	exit 1
fi
if command -v man >/dev/null; then
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || true
	if [[ -n $out ]]; then
		printf '%s\n' "$out" >&2
		echo "check-man: $page: man -l warnings" >&2
		exit 1
	fi
fi
echo "check-man: $page: no warnings"
