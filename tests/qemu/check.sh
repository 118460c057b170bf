#!/usr/bin/env bash
# check.sh - the QEMU tier: the cdna device's qtest (tests/qemu/cdna-test.c,
# built with QEMU by platform/build-qemu.sh into the platform cache) against
# the platform's qemu-system-x86_64, with the firmware's flash file
# ($BUILD/firmware/cdna-flash.bin).  Prints one TAP line per qtest case
# ("ok - cdna/tx/frame-reaches-the-netdev") for tests/run.sh; exit 1 if one
# failed.  Needs `make firmware` and `platform/build.sh qemu` (make check-qemu
# does both).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
# shellcheck source=platform/lib.sh
. "$ROOT/platform/lib.sh"

q=$(qemu_dir)
flash=$BUILD/firmware/cdna-flash.bin
if [[ ! -x $q/bin/cdna-test || ! -x $q/bin/qemu-system-x86_64 ]]; then
	echo "not ok - the cdna qtest is built"
	echo "#   no $q/bin/cdna-test: run platform/build.sh qemu (as root)"
	exit 1
fi
if [[ ! -f $flash ]]; then
	echo "not ok - a flash file with the firmware"
	echo "#   no $flash: run make firmware"
	exit 1
fi

# The qtest's own TAP ("ok 4 /x86_64/cdna/tx/...") in the repository's form;
# an assertion that aborts the qtest ("Bail out! ...") is a failure too.
cd "$(mktemp -d "${TMPDIR:-/tmp}/cdna-qtest.XXXXXX")" || exit 2
trap 'rm -rf "$PWD"' EXIT
CDNA_FLASH=$flash QTEST_QEMU_BINARY=$q/bin/qemu-system-x86_64 \
	CDNA_BIOS_DIR=${CDNA_BIOS_DIR:-/usr/share/seabios} \
	timeout 300 "$q/bin/cdna-test" --tap -k 2>&1 |
	sed -E -e 's|^ok [0-9]+ (/x86_64/)?|ok - |' \
		-e 's|^not ok [0-9]+ (/x86_64/)?|not ok - |' \
		-e 's|^Bail out! |not ok - qtest aborted: |' \
		-e '/^# starting QEMU: /d'
rc=${PIPESTATUS[0]}
[[ $rc -eq 0 ]] || echo "# cdna-test exited with status $rc"
exit "$rc"
