#!/usr/bin/env bash
# bench-firmware.sh BENCH IMAGE ELF - the firmware's cost per frame on the
# NIC processor, its size, and where its SRAM stores come from.
set -euo pipefail
bench=$1 image=$2 elf=$3

echo "== image size (arm-none-eabi-size) =="
arm-none-eabi-size "$elf"
echo
echo "== per-frame cost: $bench $image =="
out=$("$bench" "$image" "${FRAMES:-4096}")
grep -v '^store-pc ' <<<"$out"

# Each store instruction: how often, in which function, what kind.
grep '^store-pc ' <<<"$out" | "$(dirname "$0")/store-sites.sh" "$elf"
