#!/usr/bin/env bash
# store-sites.sh ELF - read "store-pc PC COUNT" lines (from fw-bench or
# cdna-testbed --bench --verbose) on stdin and print each store instruction
# of the firmware: how often it stored, in which function, what kind, and
# its source line.  On the emulated NIC every SRAM store costs about 57 ns
# (../shared/notes/nic-iss.md), so this is where firmware time hides.
set -euo pipefail
elf=$1

dis=$(mktemp)
trap 'rm -f "$dis"' EXIT
arm-none-eabi-objdump -d "$elf" >"$dis"
echo "  count  function          kind         instruction            source"
sort -k3 -n -r | while read -r _ pc n; do
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
