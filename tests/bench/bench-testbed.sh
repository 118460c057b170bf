#!/usr/bin/env bash
# bench-testbed.sh TESTBED ELF - the NIC model running the real firmware in
# Unicorn, on one host core: frames/s both ways for 64 B and 1500 B frames
# with 1, 8 and 32 contexts, Gb/s, ARM instructions, SRAM stores and MMIO
# accesses per frame, host CPU seconds per million frames; then where the
# stores come from and, when perf is installed, where the host time goes.
# Every figure comes from this run.  FRAMES (default 2000000) per case.
set -euo pipefail
tb=$1 elf=$2
frames=${FRAMES:-2000000}
here=$(dirname "$0")

echo "cdna-testbed benchmark: $frames frames per case, image $(dirname "$elf")/cdna-fw.img"
echo "(the timed pass runs at full speed; a second pass of a tenth as many"
echo " frames counts instructions and stores, which Unicorn does slowly)"
printf '%-15s %6s %5s %10s %7s %10s %10s %8s %8s %8s\n' direction contexts \
	bytes "Mframes/s" "Gb/s" "CPU s/Mfr" "ARM insns" "SRAM st" "MMIO rd" "MMIO wr"
for dir in tx rx; do
	for size in 64 1500; do
		for g in 1 8 32; do
			flag=--bench
			[[ $dir == rx ]] && flag=--bench-rx
			out=$("$tb" $flag --guests "$g" --size "$size" \
				--frames "$frames" --quiet)
			# bench: 6.7 Mframes/s, 3.4 Gb/s, 0.149 host CPU s per million frames
			read -r mfps gbps cpu < <(sed -n 's/^bench: \([0-9.]*\) Mframes\/s, \([0-9.]*\) Gb\/s, \([0-9.]*\) host CPU.*/\1 \2 \3/p' <<<"$out")
			# bench: per frame (N frames counted): I ARM instructions, S SRAM stores, R MMIO reads, W MMIO writes
			read -r insns stores mr mw < <(sed -n 's/^bench: per frame.*: \([0-9.]*\) ARM instructions, \([0-9.]*\) SRAM stores, \([0-9.]*\) MMIO reads, \([0-9.]*\) MMIO writes/\1 \2 \3 \4/p' <<<"$out")
			printf '%-15s %6s %5s %10s %7s %10s %10s %8s %8s %8s\n' \
				"$([[ $dir == tx ]] && echo 'guests -> wire' || echo 'wire -> guests')" \
				"$g" "$size" "$mfps" "$gbps" "$cpu" "$insns" "$stores" "$mr" "$mw"
		done
	done
done

echo
echo "== SRAM stores by instruction, guests -> wire, 32 contexts, 64 B =="
"$tb" --bench --guests 32 --size 64 --frames 200000 --quiet --verbose 2>/dev/null |
	grep '^store-pc ' | "$here/store-sites.sh" "$elf"

if ! command -v perf >/dev/null; then
	echo
	echo "(perf is not installed: no profile of the host time)"
	exit 0
fi
for flag in --bench --bench-rx; do
	echo
	echo "== host time by part, perf, $flag --guests 8 --size 64 =="
	data=$(mktemp)
	perf record -q -o "$data" "$tb" $flag --guests 8 --size 64 \
		--frames "$frames" --count-frames 0 --quiet >/dev/null 2>&1 || true
	# Unicorn's store path allocates and frees per store; its MMIO path
	# goes through QEMU's memory API; the JIT is the firmware itself.
	perf report -i "$data" --stdio --no-children --sort dso,symbol 2>/dev/null |
	awk '/%/ && $1 ~ /%$/ {
		p = $1; sub(/%/, "", p); s = $NF == "-" ? $(NF-2) : $NF
		for (i = 1; i <= NF; i++) if ($i == "[.]" || $i == "[k]") s = $(i+1)
		if ($2 ~ /JIT/ || s ~ /^0x/) k = "firmware (translated ARM code)"
		else if (s ~ /clear_page|folio|memset|tcg_region|tb_flush|page_fault/) k = "setup (zeroing memory)"
		else if (s ~ /malloc|_int_free|cfree|page_find_alloc|tb_invalidate|page_collection|g_tree|page_trylock|notdirty|page_lock/) k = "Unicorn: SRAM store bookkeeping (allocates per store)"
		else if (s ~ /store_helper|load_helper|memory_region|access_with_adjusted|iotlb|mmio_.*_wrapper|memory_mapping|io_readx|io_writex|address_space|flatview|victim_tlb|tlb_/) k = "Unicorn: slow-path loads/stores, MMIO dispatch"
		else if (s ~ /helper_|cpu_exec|cpu_loop|tb_lookup|tb_find|cpu_get_tb|arm_/) k = "Unicorn: other emulation"
		else if (s ~ /^(nic_hw|iss_mmio|mmio_read|mmio_write|nic_lock|nic_unlock|cdna_|dma_|mac_|hw_|count_rx|sram_range|put_le32|int_deliver|intvec_put|irq_raise|timer_check)/) k = "NIC model (hw-model/core)"
		else if (s ~ /memmove|memcpy/) k = "DMA copies (memcpy)"
		else if (s ~ /^(guest_|board_|wire_|hostmem_|bench_|send_frames|receive_frames|on_rx|rx_refill|tb_|ledger_|desc_write|status_rd)/) k = "testbed (guests, far end)"
		else k = "other"
		t[k] += p
	} END { for (k in t) printf "%7.1f%%  %s\n", t[k], k }' | sort -rn
	rm -f "$data"
done
