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
dis=$(mktemp)
trap 'rm -f "$dis"' EXIT
arm-none-eabi-objdump -d "$elf" >"$dis"
echo "  count  function          kind         instruction            source"
grep '^store-pc ' <<<"$out" | sort -k3 -n -r | while read -r _ pc n; do
	hex=$(printf '%x' "$pc")
	func=$(awk -v a="$hex:" '/^[0-9a-f]+ <.*>:$/ { f = $2 } $1 == a { print f; exit }' "$dis")
	# objdump: "   addr:<TAB>bytes<TAB>mnemonic<TAB>operands"
	insn=$(awk -F'\t' -v a="$hex:" '{ x = $1; gsub(/ /, "", x) } x == a { print $3 " " $4; exit }' "$dis")
	case "$insn" in
	stmdb*sp!* | push*) kind="prologue" ;;
	*"[sp"*) kind="spill" ;;
	*) kind="state" ;;
	esac
	src=$(arm-none-eabi-addr2line -e "$elf" "$pc" | sed 's|.*/firmware/||')
	printf '%7s  %-16s  %-11s  %-22.22s  %s\n' "$n" "${func//[<>:]/}" \
		"$kind" "$insn" "$src"
done
echo "(prologue: registers pushed on entry to an out-of-line function;"
echo " spill: a value the compiler parked on the stack; state: firmware state)"
