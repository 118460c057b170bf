#!/usr/bin/env bash
# cdnactl-cli.sh - the cdnactl binary where it needs no Xen: help, version,
# usage errors (exit 2, one line on stderr, before anything is opened), the
# refusal to run outside dom0, and its man page (no groff warnings).
set -uo pipefail

BUILD=${BUILD:-build}
BIN=$BUILD/bin/cdnactl
TAP_NAME=cdnactl-cli
. "$(dirname "$0")/../lib/tap.sh"

if [[ ! -x $BIN ]]; then
	fail "cdnactl is built" "$BIN missing; run make $BIN"
	exit 1
fi

# one_line NAME RC REGEX ARGS...: exit RC, stdout empty, one stderr line.
one_line() {
	local name=$1 want=$2 re=$3
	shift 3
	run "$BIN" "$@"
	if [[ $rc -ne $want ]]; then
		fail "$name" "exit $rc, want $want: cdnactl $*" "stderr: $err"
	elif [[ -n $out || $(wc -l <<<"$err") -ne 1 ]]; then
		fail "$name" "want no stdout and one stderr line" \
			"stdout: $out" "stderr: $err"
	elif ! grep -Eq -- "^cdnactl: .*($re)" <<<"$err"; then
		fail "$name" "stderr does not match /$re/" "stderr: $err"
	else
		pass "$name"
	fi
}

expect "help lists every command" 0 \
	'assign DOMID.*' "$BIN" --help
for c in list assign revoke stats; do
	expect "$c --help is that command's usage" 0 \
		"^Usage: cdnactl $c" "$BIN" "$c" --help
done
expect "version names the hypercall" 0 'cdnactl [0-9.]+ \(CDNA hypercall 56\)' \
	"$BIN" --version

one_line "no command is a usage error" 2 "no command" 
one_line "unknown command is a usage error" 2 "unknown command 'frob'" frob
one_line "unknown flag is a usage error" 2 "unknown option '--frob'" \
	assign 3 --frob
one_line "bad domain id is a usage error" 2 "bad domain id 'x3'" assign x3
one_line "bad MAC is a usage error" 2 "bad MAC" assign 3 --mac 1:2:3
one_line "context out of range is a usage error" 2 "bad context number" \
	stats --ctx 40
one_line "revoke without a target is a usage error" 2 "which context" revoke

if [[ $(id -u) -ne 0 ]]; then
	one_line "a user other than root is refused" 1 "must be run as root" list
elif [[ ! -e /dev/xen/privcmd ]]; then
	one_line "outside dom0 it says so" 1 "not running in Xen's dom0" list
else
	skip "outside dom0 it says so" "this is dom0"
fi

if command -v groff >/dev/null; then
	run dom0-mgr/check-man.sh dom0-mgr/cdnactl.8
	if [[ $rc -eq 0 ]]; then
		pass "the man page formats without warnings"
	else
		fail "the man page formats without warnings" "$err"
	fi
else
	skip "the man page formats without warnings" "no groff"
fi
tap_done
