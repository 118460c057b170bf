#!/usr/bin/env bash
# run.sh - the cdna device fuzzer (cdna-fuzz, a qtest program) against the
# sanitizer variant of the platform's QEMU (ASan + UBSan; built and cached by
# platform/build-qemu-sanitize.sh), with the firmware's flash file.
#
#   tests/fuzz-device/run.sh [--tap] [cdna-fuzz options]
#     FUZZ_SECONDS (default 30)  how long, in sessions of FUZZ_SESSION_SECONDS (60)
#     FUZZ_SEED                  the seed (default: from the clock; printed)
#     --tap                      one TAP line for tests/run.sh (make check)
#     --replay LOG               run a saved reproducer's actions.log again
#     QEMU_VARIANT=normal        fuzz the normal QEMU instead (cdna-fuzz still
#                                comes from the sanitizer build)
# Output and reproducers: $BUILD/fuzz-device/ (finding-<seed>/: actions.log,
# stderr.txt with QEMU's sanitizer report, hang-stacks.txt, FINDING.txt).
# Exit 0 when nothing was found, 1 on a finding.  Needs `make firmware` and
# platform/build-qemu-sanitize.sh (make fuzz-device does both).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
# shellcheck source=platform/lib.sh
. "$ROOT/platform/lib.sh"

tap=0
if [[ ${1:-} == --tap ]]; then tap=1; shift; fi

q=$(qemu_sanitize_dir)
flash=$BUILD/firmware/cdna-flash.bin
fail() {
	if [[ $tap -eq 1 ]]; then echo "not ok - fuzz-device: $1"; echo "#   $2"; else echo "fuzz-device: $1: $2" >&2; fi
	exit 1
}
[[ -x $q/bin/cdna-fuzz ]] || fail "the fuzzer is built" "no $q/bin/cdna-fuzz: run platform/build-qemu-sanitize.sh (make fuzz-device)"
[[ -f $flash ]] || fail "a flash file with the firmware" "no $flash: run make firmware"
qemu=$q/bin/qemu-system-x86_64
if [[ ${QEMU_VARIANT:-sanitize} == normal ]]; then qemu=$(qemu_dir)/bin/qemu-system-x86_64; fi

# QEMU inherits these (so does the fuzzer, itself built with ASan).  Reports
# must end QEMU at the action that caused them: halt on the first, UBSan too.
# A small quarantine keeps resident memory meaningful for the growth check.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:quarantine_size_mb=16:malloc_context_size=20:detect_stack_use_after_return=0:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:print_summary=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-print_suppressions=0:suppressions=$ROOT/tests/fuzz-device/lsan.supp}
export QTEST_QEMU_BINARY=$qemu CDNA_FLASH=$flash
export CDNA_BIOS_DIR=${CDNA_BIOS_DIR:-/usr/share/seabios}

out=$BUILD/fuzz-device
mkdir -p "$out"
args=(--out "$out" --seconds "${FUZZ_SECONDS:-30}"
	--session-seconds "${FUZZ_SESSION_SECONDS:-60}")
[[ -n ${FUZZ_SEED:-} ]] && args+=(--seed "$FUZZ_SEED")
# Its sockets go to TMPDIR (libqtest): a private one per run.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdna-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [[ $tap -eq 0 ]]; then
	TMPDIR=$tmp "$q/bin/cdna-fuzz" "${args[@]}" "$@"
	exit $?
fi
TMPDIR=$tmp "$q/bin/cdna-fuzz" "${args[@]}" "$@" >"$out/last-run.txt" 2>&1
rc=$?
sed 's/^/# /' "$out/last-run.txt"
summary=$(grep -m1 '^cdna-fuzz: [0-9]* sessions' "$out/last-run.txt" | sed 's/^cdna-fuzz: //; s/:.*//')
if [[ $rc -eq 0 ]]; then
	echo "ok - fuzz-device: ${summary:-ran}, no findings (ASan+UBSan QEMU)"
else
	echo "not ok - fuzz-device: $(grep -m1 'FINDING:' "$out/last-run.txt" || echo "cdna-fuzz exited with status $rc")"
fi
exit "$rc"
