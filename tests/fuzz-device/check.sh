#!/usr/bin/env bash
# check.sh - the device fuzzer's short run in `make check` (the QEMU tier):
# 25 s of tests/fuzz-device/run.sh against the ASan + UBSan QEMU, one TAP line.
# A finding fails it and leaves its reproducer under $BUILD/fuzz-device/.
exec env FUZZ_SECONDS="${FUZZ_CHECK_SECONDS:-25}" "$(dirname "$0")/run.sh" --tap
