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
# Resolve each store's instruction address to function and source line.
while read -r _ pc n; do
	where=$(arm-none-eabi-addr2line -f -i -p -e "$elf" "$pc" | head -1)
	printf '  %10s stores at %s  %s\n' "$n" "$pc" "${where#*/firmware/}"
done < <(grep '^store-pc ' <<<"$out" | sort -k3 -n -r)
