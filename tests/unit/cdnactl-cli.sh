#!/usr/bin/env bash
# cdnactl-cli.sh - the cdnactl binary where it needs no Xen: help, version,
# usage errors (exit 2, one line on stderr, before anything is opened), the
# refusal to run outside dom0, flash's refusal of bad images before any
# device access (the build's test images, corrupted here), the static link
# that lets flash and firmware run on a bare-Linux root, and its man page
# (no groff warnings).
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
for c in list assign revoke stats flash firmware; do
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

one_line "flash without an image is a usage error" 2 "which image" flash
one_line "flash with an unknown flag is a usage error" 2 \
	"unknown option '--frob'" flash x.img --frob
one_line "flash with two images is a usage error" 2 \
	"unexpected argument 'y.img'" flash x.img y.img
one_line "firmware takes no --activate" 2 "unknown option '--activate'" \
	firmware --activate
one_line "flash of a missing file says so" 1 \
	"$T/none.img: cannot open the image \(No such file" flash "$T/none.img"

# The build's test images (mk/firmware.mk), corrupted in $T.  A refusal
# must name the image check's reason and come before the NIC is looked
# for: this machine has no cdna NIC, so touching it first would say so.
FW=$BUILD/firmware/cdna-fw.img
V2=$BUILD/firmware/test/cdna-fw-v2.img
refused() {
	local name=$1 file=$2 re=$3
	run "$BIN" flash "$file" --activate
	if [[ $rc -ne 1 || -n $out || $(wc -l <<<"$err") -ne 1 ]]; then
		fail "$name" "want exit 1, no stdout, one stderr line" \
			"exit $rc" "stdout: $out" "stderr: $err"
	elif ! grep -Eq -- "^cdnactl: $file: .*($re).*nothing written" \
		<<<"$err"; then
		fail "$name" "stderr does not match /$re/" "stderr: $err"
	elif grep -Eq "no cdna NIC|must be run as root" <<<"$err"; then
		fail "$name" "the NIC was looked for first" "stderr: $err"
	else
		pass "$name"
	fi
}
if [[ -f $V2 && -f $FW ]]; then
	cp "$V2" "$T/payload.img"
	flip "$T/payload.img" 200
	refused "flash refuses a corrupt payload before any device access" \
		"$T/payload.img" "payload CRC mismatch"
	cp "$V2" "$T/header.img"
	flip "$T/header.img" 9
	refused "flash refuses a corrupt header" "$T/header.img" \
		"header CRC mismatch"
	head -c -1 "$V2" >"$T/short.img"
	refused "flash refuses a truncated image" "$T/short.img" \
		"image is truncated"
	{ cat "$V2"; head -c 300000 /dev/zero; } >"$T/big.img"
	refused "flash refuses an oversized file" "$T/big.img" \
		"trailing bytes.*more than [0-9]+ bytes"
	for i in 1 2 3 4 5 6 7 8; do
		echo "not an image at all, just text"
	done >"$T/text.img"
	refused "flash refuses a file of another format" "$T/text.img" \
		"bad magic"
	if command -v python3 >/dev/null; then
		# Another NIC's image: hw_id changed, header CRC made right.
		python3 - "$V2" "$T/otherhw.img" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
b[0x0c:0x10] = struct.pack('<I', 0x12345678)
b[0x3c:0x40] = struct.pack('<I', zlib.crc32(bytes(b[:0x3c])))
open(sys.argv[2], 'wb').write(b)
PY
		refused "flash refuses an image for another NIC" \
			"$T/otherhw.img" "wrong hardware id"
	else
		skip "flash refuses an image for another NIC" "no python3"
	fi
	# A valid image passes the check and only then is the NIC looked for.
	for img in "$V2" "$BUILD/firmware/test/fault-boot.img"; do
		run "$BIN" flash "$img"
		if [[ $rc -eq 1 ]] && grep -Eq "must be run as root|no cdna NIC" \
			<<<"$err"; then
			pass "flash accepts $(basename "$img") and then looks for the NIC"
		else
			fail "flash accepts $(basename "$img") and then looks for the NIC" \
				"exit $rc" "stderr: $err"
		fi
	done
	run "$BIN" flash "$T/payload.img" --json
	if [[ $rc -eq 1 ]] && grep -q '^{"ok":false,"error":".*payload CRC mismatch' <<<"$out"; then
		pass "flash --json of a refused image is one JSON object"
	else
		fail "flash --json of a refused image is one JSON object" \
			"exit $rc" "stdout: $out"
	fi
else
	skip "flash refuses bad images before any device access" \
		"no $V2 (make firmware)"
fi

if [[ $BUILD == */sanitize ]]; then
	skip "cdnactl needs no shared library" "sanitizer build (dynamic)"
elif readelf -d "$BIN" 2>/dev/null | grep -q NEEDED; then
	fail "cdnactl needs no shared library" \
		"$(readelf -d "$BIN" | grep NEEDED)"
else
	pass "cdnactl needs no shared library"
fi

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
