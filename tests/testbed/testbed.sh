#!/usr/bin/env bash
# testbed.sh - cdna-testbed end to end: the NIC model running the real
# firmware image, simulated guests, a far end on a captured wire.
#
# Prints TAP lines ("ok - name" / "not ok - name") for tests/run.sh; exits
# 1 if any test failed.  Finds the build through $BUILD (default build).
set -uo pipefail

BUILD=${BUILD:-build}
export BUILD
BIN=$BUILD/bin/cdna-testbed
IMG=$BUILD/firmware/cdna-fw.img
TAP_NAME=testbed
. "$(dirname "$0")/../lib/tap.sh"

# A verifying run that must account for every frame.
OK='verdict: OK'

for f in "$BIN" "$IMG"; do
	if [[ ! -e $f ]]; then
		fail "testbed_is_built" "$f missing; run make $BIN $IMG"
		exit 1
	fi
done

# ---- 8 guests x 10000 frames, and what the capture shows ----------------

pcap_tests() {
	local pcap=$T/eight.pcap fields sent wire_frames n n2 macs guests
	expect eight_guests_10000_frames_of_512_bytes_all_accounted_for 0 "$OK" \
		"$BIN" --guests 8 --frames 10000 --size 512 --seed 7 \
		--pcap "$pcap"
	[[ $rc -eq 0 ]] || return
	if ! command -v tshark >/dev/null; then
		fail pcap_is_read_by_tshark "tshark missing (make deps installs it)"
		return
	fi
	fields=$(tshark -r "$pcap" -T fields -e eth.src -e eth.dst \
		-e frame.len 2>"$T/tshark.err")
	if [[ $? -ne 0 ]]; then
		fail pcap_is_read_by_tshark "$(<"$T/tshark.err")"
		return
	fi
	pass pcap_is_read_by_tshark

	# On the wire: guest -> wire, wire -> guest and both broadcasts;
	# switched frames never.
	sent=$(grep '^testbed: ' <<<"$out")
	wire_frames=0
	for p in tx rx bcast-guest bcast-wire; do
		n=$(sed -nE "s/.* $p ([0-9]+).*/\1/p" <<<"$sent")
		wire_frames=$((wire_frames + ${n:-0}))
	done
	n=$(grep -c . <<<"$fields")
	if [[ $wire_frames -gt 0 && $n -eq $wire_frames ]]; then
		pass pcap_holds_every_wire_frame_and_no_switched_one
	else
		fail pcap_holds_every_wire_frame_and_no_switched_one \
			"tshark shows $n frames, the testbed sent $wire_frames" \
			"over the wire ($sent)"
	fi

	guests="02:00:00:00:00:01 02:00:00:00:00:02 02:00:00:00:00:03"
	guests+=" 02:00:00:00:00:04 02:00:00:00:00:05 02:00:00:00:00:06"
	guests+=" 02:00:00:00:00:07 02:00:00:00:00:08"
	macs=$(cut -f1 <<<"$fields" | sort -u | tr '\n' ' ')
	if [[ $macs == "$guests 02:fe:ed:00:00:01 " ]]; then
		pass pcap_shows_the_guests_and_far_end_as_sources
	else
		fail pcap_shows_the_guests_and_far_end_as_sources "sources: $macs"
	fi
	macs=$(cut -f2 <<<"$fields" | sort -u | tr '\n' ' ')
	if [[ $macs == "$guests 02:fe:ed:00:00:01 ff:ff:ff:ff:ff:ff " ]]; then
		pass pcap_shows_the_guests_far_end_and_broadcast_as_destinations
	else
		fail pcap_shows_the_guests_far_end_and_broadcast_as_destinations \
			"destinations: $macs"
	fi
	# Guest to guest unicast stays inside the NIC.
	n=$(awk '$1 ~ /^02:00:/ && $2 ~ /^02:00:/' <<<"$fields" | wc -l)
	n2=$(awk '$3 != 512' <<<"$fields" | wc -l)
	if [[ $n -eq 0 && $n2 -eq 0 ]]; then
		pass pcap_has_no_guest_to_guest_frame_and_only_512_byte_frames
	else
		fail pcap_has_no_guest_to_guest_frame_and_only_512_byte_frames \
			"$n guest-to-guest frames, $n2 not of 512 bytes"
	fi

	"$BIN" --guests 8 --frames 10000 --size 512 --seed 7 \
		--pcap "$T/again.pcap" >/dev/null 2>&1
	if cmp -s "$pcap" "$T/again.pcap"; then
		pass one_seed_gives_one_pcap
	else
		fail one_seed_gives_one_pcap "two runs with --seed 7 differ"
	fi
}
pcap_tests

# ---- sizes, guests, patterns -----------------------------------------------

expect thirty_two_guests_all_accounted_for 0 "$OK" \
	"$BIN" --guests 32 --frames 20000 --size 256 --seed 3
rows=$(grep -cE '^ +[0-9]+  02:00:00:00:00:' <<<"$out")
if [[ $rows -eq 32 ]]; then
	pass thirty_two_guests_have_a_statistics_row_each
else
	fail thirty_two_guests_have_a_statistics_row_each "$rows rows" "$out"
fi

expect one_guest_all_accounted_for 0 "$OK" \
	"$BIN" --guests 1 --frames 3000 --seed 5
expect mixed_sizes_all_accounted_for 0 "$OK" \
	"$BIN" --guests 6 --frames 10000 --size mix --seed 11
expect smallest_frames_all_accounted_for 0 "$OK" \
	"$BIN" --guests 4 --frames 5000 --size 60
expect largest_frames_all_accounted_for 0 "$OK" \
	"$BIN" --guests 4 --frames 5000 --size 1514

# Every frame of the pattern, every delivery made.
due='deliveries due ([0-9]+), made \1$'
for p in tx rx switch bcast-guest bcast-wire; do
	expect "pattern_${p//-/_}_alone_all_accounted_for" 0 \
		"^testbed: 4000 frames sent: $p 4000; $due" \
		"$BIN" --guests 5 --frames 4000 --size mix --pattern "$p" --seed 2
done

expect coalesced_interrupts_lose_no_frame 0 "$OK" \
	"$BIN" --guests 8 --frames 10000 --size mix --int-mod 50

expect bench_counts_every_frame 0 'bench: [0-9.]+ Mframes/s, [0-9.]+ Gb/s' \
	"$BIN" --bench --guests 3 --frames 50000 --size 128 --quiet
expect bench_rx_counts_every_frame 0 'wire -> guests, 50000 frames in' \
	"$BIN" --bench-rx --guests 3 --frames 50000 --size 128 --quiet

# ---- the checks catch what goes wrong ----------------------------------------

expect corrupt_frame_is_caught 1 \
	'corrupt: frame [0-9]+ .* at (wire|ctx [0-9]+): byte 28 ' \
	"$BIN" --guests 3 --frames 500 --self-test corrupt
expect lost_frame_is_caught 1 'missing: frame [0-9]+ \((rx|bcast-wire), wire' \
	"$BIN" --guests 3 --frames 500 --self-test drop
expect duplicated_frame_is_caught 1 'duplicated: frame [0-9]+ \(tx, .* again' \
	"$BIN" --guests 3 --frames 500 --self-test duplicate
expect misdelivered_frame_is_caught 1 \
	'misdelivered: frame [0-9]+ \(tx, ctx .* reached ctx' \
	"$BIN" --guests 3 --frames 500 --self-test misdeliver

# ---- the boot ROM refuses bad images -----------------------------------------

size=$(stat -c %s "$IMG")
cp "$IMG" "$T/corrupt.img"; flip "$T/corrupt.img" $((64 + (size - 64) / 2))
expect corrupt_image_is_refused_by_the_boot_rom 1 \
	'no valid firmware: bank 0: payload CRC mismatch.*; bank 1: image is empty' \
	"$BIN" --image "$T/corrupt.img"
# Flash has no length: the missing tail reads erased, so the payload CRC
# is what fails.
head -c $((size - 100)) "$IMG" >"$T/trunc.img"
expect truncated_image_is_refused_by_the_boot_rom 1 \
	'no valid firmware: bank 0: (payload CRC mismatch|image is truncated)' \
	"$BIN" --image "$T/trunc.img"
cp "$IMG" "$T/magic.img"
printf 'ELF!' | dd of="$T/magic.img" conv=notrunc status=none
expect wrong_magic_image_is_refused_by_the_boot_rom 1 \
	'no valid firmware: bank 0: bad magic' "$BIN" --image "$T/magic.img"
expect missing_image_is_an_error 1 'cannot read image .*No such file' \
	"$BIN" --image "$T/none.img"

# ---- a flash file ------------------------------------------------------------

expect image_flashed_into_a_flash_file_boots 0 "$OK" \
	"$BIN" --flash "$T/flash.bin" --image "$IMG" --frames 500
expect flash_file_boots_as_it_is 0 "$OK" \
	"$BIN" --flash "$T/flash.bin" --frames 500
expect erased_flash_file_has_no_firmware 1 \
	'no valid firmware: bank 0: image is empty.*bank 1: image is empty' \
	"$BIN" --flash "$T/erased.bin"
if "$BUILD/bin/cdna-image" flash -o "$T/made.bin" "$IMG" >/dev/null; then
	expect flash_file_made_by_cdna_image_flash_boots 0 "$OK" \
		"$BIN" --flash "$T/made.bin" --frames 500
else
	fail flash_file_made_by_cdna_image_flash_boots "cdna-image flash failed"
fi
head -c 100 /dev/zero >"$T/short.bin"
expect flash_file_of_wrong_size_is_refused 1 'not a cdna flash' \
	"$BIN" --flash "$T/short.bin"

# ---- usage -------------------------------------------------------------------

expect help_is_exit_0 0 '^Usage: cdna-testbed' "$BIN" --help
expect unknown_option_is_exit_2 2 "unknown option '--bogus'" "$BIN" --bogus
expect stray_argument_is_exit_2 2 "unexpected argument 'frames'" "$BIN" frames
expect zero_guests_is_exit_2 2 "bad --guests '0'" "$BIN" --guests 0
expect thirty_three_guests_is_exit_2 2 "bad --guests '33'" "$BIN" --guests 33
expect bad_frame_count_is_exit_2 2 "bad --frames 'many'" "$BIN" --frames many
expect missing_value_is_exit_2 2 "option '--frames' needs a value" \
	"$BIN" --frames
expect too_small_size_is_exit_2 2 "bad --size '59'" "$BIN" --size 59
expect too_large_size_is_exit_2 2 "bad --size '1515'" "$BIN" --size=1515
expect unknown_pattern_is_exit_2 2 "unknown pattern 'foo'" \
	"$BIN" --pattern tx,foo
expect switch_with_one_guest_is_exit_2 2 'switch needs --guests 2' \
	"$BIN" --guests 1 --pattern switch
expect unwritable_pcap_is_an_error 1 "capture: .*no/x.pcap: No such file" \
	"$BIN" --frames 10 --pcap "$T/no/x.pcap"
expect bench_with_pcap_is_exit_2 2 'a benchmark runs one direction.* no --pcap' \
	"$BIN" --bench --pcap "$T/x.pcap"

tap_done
