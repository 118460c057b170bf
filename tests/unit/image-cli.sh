#!/usr/bin/env bash
# image-cli.sh - the cdna-image tool, run as users and the build run it.
#
# Uses the real firmware image $BUILD/firmware/cdna-fw.img when it exists,
# else an image made from a small ELF built here with arm-none-eabi-gcc; the
# create tests always use that small ELF.  Prints TAP lines ("ok - name" /
# "not ok - name") for tests/run.sh; exits 1 if any test failed.
set -uo pipefail

BUILD=${BUILD:-build}
BIN=$BUILD/bin/cdna-image
TAP_NAME=image-cli
. "$(dirname "$0")/../lib/tap.sh"

# poke FILE OFFSET BYTE: set one byte (decimal value) in place.
poke() {
	printf "$(printf '\\%03o' "$3")" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# A copy of the good image to damage.
copy() {
	cp "$IMG" "$T/$1"
	echo "$T/$1"
}

if [[ ! -x $BIN ]]; then
	fail "cdna-image is built" "$BIN missing; run make $BIN"
	exit 1
fi

# ---- a small firmware ELF, for create and as a fallback image ----------

have_arm=0
if command -v arm-none-eabi-gcc >/dev/null; then
	cat >"$T/small.ld" <<'EOF'
MEMORY {
	CODE (rwx) : ORIGIN = 0x00000000, LENGTH = 256K
	SRAM (rw)  : ORIGIN = 0x20000000, LENGTH = 256K
}
ENTRY(reset)
SECTIONS {
	.text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > CODE
	.data : { *(.data*) } > SRAM AT> CODE
	.bss : { *(.bss*) } > SRAM
}
EOF
	# Same program, but .data linked without AT>: not loadable.
	sed 's/ > SRAM AT> CODE/ > SRAM/' "$T/small.ld" >"$T/noat.ld"
	cat >"$T/small.c" <<'EOF'
#include <stdint.h>
void reset(void);
__attribute__((section(".vectors"), used))
static const void *vectors[2] = { (void *)0x20040000, (void *)reset };
volatile uint32_t counter = 0x12345678;
uint32_t zero;
void reset(void)
{
	for (;;)
		counter += zero + 1;
}
EOF
	cc_arm=(arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -nostdlib -O2)
	if "${cc_arm[@]}" -T "$T/small.ld" "$T/small.c" -o "$T/small.elf" &&
	   "${cc_arm[@]}" -T "$T/noat.ld" "$T/small.c" -o "$T/noat.elf"; then
		have_arm=1
	fi
fi

IMG=$BUILD/firmware/cdna-fw.img
if [[ ! -f $IMG ]]; then
	if [[ $have_arm -eq 0 ]]; then
		fail "a firmware image to test" "no $IMG and no arm-none-eabi-gcc"
		exit 1
	fi
	IMG=$T/fallback.img
	SOURCE_DATE_EPOCH=0 "$BIN" create --elf "$T/small.elf" \
		--version 1.0.0 --name cdna-fw -o "$IMG" >/dev/null
	if [[ ! -s $IMG ]]; then
		fail "a firmware image to test" "cdna-image create made none"
		exit 1
	fi
fi
echo "# image under test: $IMG"
size=$(stat -c %s "$IMG")
psize=$((size - 64))

# ---- the good image ------------------------------------------------------

expect verify_accepts_the_firmware_image 0 ': OK \(' "$BIN" verify "$IMG"
expect info_prints_the_firmware_version 0 \
	'^fw version: +[0-9]+\.[0-9]+\.[0-9]+ ' "$BIN" info "$IMG"

run "$BIN" info "$IMG"
missing=()
for f in magic 'format version' 'header size' 'fw version' 'hw id' \
	'load address' entry 'stack top' 'payload size' 'payload crc' flags \
	name 'build time' 'header crc' verify; do
	grep -q "^$f: " <<<"$out" || missing+=("$f")
done
if [[ $rc -eq 0 && ${#missing[@]} -eq 0 ]] && grep -q '^verify: *OK' <<<"$out"
then
	pass info_prints_every_header_field
else
	fail info_prints_every_header_field "rc $rc, missing: ${missing[*]}" \
		"$out"
fi

# ---- damaged images --------------------------------------------------------

f=$(copy hdr.img); flip "$f" $((0x10))
expect flipped_header_byte_fails 1 'header CRC mismatch' "$BIN" verify "$f"

f=$(copy magic.img); flip "$f" 1
expect flipped_magic_byte_fails 1 'bad magic' "$BIN" verify "$f"

f=$(copy payload.img); flip "$f" $((64 + psize / 2))
expect flipped_payload_byte_fails 1 \
	'payload CRC mismatch.*expected payload CRC 0x[0-9a-f]{8}, got 0x' \
	"$BIN" verify "$f"

f=$(copy pcrc.img); flip "$f" $((0x20))
expect flipped_payload_crc_field_fails 1 'header CRC mismatch' \
	"$BIN" verify "$f"

f=$(copy hcrc.img); flip "$f" $((0x3c))
expect flipped_header_crc_field_fails 1 \
	'header CRC mismatch.*expected header CRC 0x[0-9a-f]{8}, got 0x' \
	"$BIN" verify "$f"

f=$(copy last.img); flip "$f" $((size - 1))
expect flipped_last_byte_fails 1 'payload CRC mismatch' "$BIN" verify "$f"

head -c $((size - 1)) "$IMG" >"$T/trunc.img"
expect truncated_image_fails 1 \
	"truncated.*size $((size - 1)), expected $size =" \
	"$BIN" verify "$T/trunc.img"

head -c 10 "$IMG" >"$T/short.img"
expect image_shorter_than_header_fails 1 'shorter than its 64-byte header' \
	"$BIN" verify "$T/short.img"

: >"$T/empty.img"
expect empty_image_fails 1 'empty' "$BIN" verify "$T/empty.img"

f=$(copy trailing.img); printf 'x' >>"$f"
expect appended_byte_fails 1 \
	"trailing bytes.*size $((size + 1)), expected $size =" \
	"$BIN" verify "$f"

head -c 1048576 /dev/zero >"$T/big.img"
expect oversized_file_is_refused 1 'too large' "$BIN" verify "$T/big.img"
expect oversized_file_is_refused_by_info 1 'too large' "$BIN" info "$T/big.img"

# A 1 MiB stream is cut off after a bounded read, not read to the end.
expect oversized_stream_is_refused 1 'too large' \
	"$BIN" verify <(head -c 1048576 /dev/zero)

f=$(copy wrongmagic.img); printf 'ELF!' | dd of="$f" conv=notrunc status=none
expect wrong_magic_fails 1 'bad magic.*magic 0x' "$BIN" verify "$f"

expect info_of_damaged_image_fails 1 '^verify: +FAILED: header CRC mismatch' \
	"$BIN" info "$T/hdr.img"

expect verify_of_several_files_reports_the_bad_one 1 \
	"trunc.img: image is truncated" \
	"$BIN" verify "$IMG" "$T/trunc.img"

# ---- usage -----------------------------------------------------------------

expect nonexistent_file_is_exit_2 2 'cannot open.*No such file' \
	"$BIN" verify "$T/no-such.img"
expect directory_is_exit_2 2 'is a directory' "$BIN" verify "$T"
expect unknown_verify_option_is_exit_2 2 "unknown option '--bogus'" \
	"$BIN" verify --bogus "$IMG"
expect unknown_info_option_is_exit_2 2 "unknown option '-x'" \
	"$BIN" info -x "$IMG"
expect unknown_create_option_is_exit_2 2 "unknown option '--elff'" \
	"$BIN" create --elff "$T/small.elf" --version 1.0.0 -o "$T/x.img"
expect unknown_command_is_exit_2 2 "unknown command 'frob'" "$BIN" frob
expect missing_command_is_exit_2 2 'missing command' "$BIN"
expect verify_without_file_is_exit_2 2 'missing FILE' "$BIN" verify
expect main_help_is_exit_0 0 '^Usage: cdna-image COMMAND' "$BIN" --help
expect verify_help_is_exit_0 0 '^Usage: cdna-image verify' "$BIN" verify --help
expect info_help_is_exit_0 0 '^Usage: cdna-image info' "$BIN" info --help
expect create_help_is_exit_0 0 '^Usage: cdna-image create' "$BIN" create --help
expect create_without_version_is_exit_2 2 'missing --version' \
	"$BIN" create --elf "$T/small.elf" -o "$T/x.img"
expect create_with_bad_version_is_exit_2 2 "bad --version '1.2'" \
	"$BIN" create --elf "$T/small.elf" --version 1.2 -o "$T/x.img"
expect create_with_bad_flags_is_exit_2 2 "bad --flags 'lots'" \
	"$BIN" create --elf "$T/small.elf" --version 1.0.0 --flags lots \
	-o "$T/x.img"
expect create_with_long_name_is_exit_2 2 "bad --name" \
	"$BIN" create --elf "$T/small.elf" --version 1.0.0 \
	--name 0123456789abcdefg -o "$T/x.img"

# ---- create ----------------------------------------------------------------

# same_as_objcopy NAME ELF IMG: IMG's payload is ELF's objcopy binary.
same_as_objcopy() {
	arm-none-eabi-objcopy -O binary "$2" "$T/objcopy.bin"
	if tail -c +65 "$3" | cmp -s - "$T/objcopy.bin"; then
		pass "$1"
	else
		fail "$1" "payload of $3 differs from objcopy -O binary $2"
	fi
}

create_tests() {
	local a=$T/a.img b=$T/b.img

	expect create_from_elf_succeeds 0 'created' env -u SOURCE_DATE_EPOCH \
		"$BIN" create --elf "$T/small.elf" --version 1.2.3 -o "$a"
	expect created_image_verifies 0 'a.img: OK \(small 1\.2\.3, ' \
		"$BIN" verify "$a"
	expect created_image_has_elf_layout 0 \
		'load address: +0x0+ .*entry: +0x0+[0-9a-f] .*stack top: +0x20040000' \
		bash -c "'$BIN' info '$a' | tr '\n' ' '"
	if [[ -e $a.tmp ]]; then
		fail create_leaves_no_temporary_file "$a.tmp exists"
	else
		pass create_leaves_no_temporary_file
	fi

	env -u SOURCE_DATE_EPOCH "$BIN" create --elf "$T/small.elf" \
		--version 1.2.3 -o "$b" >/dev/null
	if cmp -s "$a" "$b"; then
		pass create_is_reproducible
	else
		fail create_is_reproducible "two runs differ"
	fi
	expect build_time_defaults_to_0 0 '^build time: +0 \(1970' \
		"$BIN" info "$a"

	SOURCE_DATE_EPOCH=1700000000 "$BIN" create --elf "$T/small.elf" \
		--version 1.2.3 --name my-fw --flags 0x1 -o "$b" >/dev/null
	expect create_uses_source_date_epoch 0 \
		'^build time: +1700000000 \(2023-11-14T22:13:20Z\)' \
		"$BIN" info "$b"
	expect create_sets_name_and_flags 0 \
		'flags: +0x00000001 \(test\).*name: +"my-fw"' \
		bash -c "'$BIN' info '$b' | tr '\n' ' '"
	expect bad_source_date_epoch_is_exit_2 2 'SOURCE_DATE_EPOCH' \
		env SOURCE_DATE_EPOCH=yesterday "$BIN" create \
		--elf "$T/small.elf" --version 1.0.0 -o "$T/x.img"

	printf 'not an elf\n' >"$T/text.elf"
	expect create_rejects_non_elf 1 'not an ELF file' \
		"$BIN" create --elf "$T/text.elf" --version 1.0.0 -o "$T/x.img"
	expect create_rejects_64_bit_elf 1 'not ELFCLASS32' \
		"$BIN" create --elf "$BIN" --version 1.0.0 -o "$T/x.img"
	head -c 200 "$T/small.elf" >"$T/cut.elf"
	expect create_rejects_truncated_elf 1 'past the end of the file' \
		"$BIN" create --elf "$T/cut.elf" --version 1.0.0 -o "$T/x.img"
	expect create_rejects_data_without_load_address 1 \
		'outside code RAM.*AT>' \
		"$BIN" create --elf "$T/noat.elf" --version 1.0.0 -o "$T/x.img"
	cp "$T/small.elf" "$T/x86.elf"; poke "$T/x86.elf" 18 3
	expect create_rejects_non_arm_elf 1 'machine 3 is not ARM' \
		"$BIN" create --elf "$T/x86.elf" --version 1.0.0 -o "$T/x.img"
	cp "$T/small.elf" "$T/be.elf"; poke "$T/be.elf" 5 2
	expect create_rejects_big_endian_elf 1 'not little-endian' \
		"$BIN" create --elf "$T/be.elf" --version 1.0.0 -o "$T/x.img"
	cp "$T/small.elf" "$T/rel.elf"; poke "$T/rel.elf" 16 1
	expect create_rejects_relocatable_elf 1 'not an executable' \
		"$BIN" create --elf "$T/rel.elf" --version 1.0.0 -o "$T/x.img"
	cp "$T/small.elf" "$T/phoff.elf"; poke "$T/phoff.elf" 31 127
	expect create_rejects_program_headers_past_eof 1 \
		'program headers .* extend past the end' \
		"$BIN" create --elf "$T/phoff.elf" --version 1.0.0 -o "$T/x.img"
	expect create_rejects_missing_elf 2 'cannot open' \
		"$BIN" create --elf "$T/none.elf" --version 1.0.0 -o "$T/x.img"
	if [[ -e $T/x.img || -e $T/x.img.tmp ]]; then
		fail failed_create_writes_nothing "$T/x.img or .tmp exists"
	else
		pass failed_create_writes_nothing
	fi
	# objcopy -O binary flattens by load address too: an independent oracle.
	if command -v arm-none-eabi-objcopy >/dev/null; then
		same_as_objcopy create_payload_equals_objcopy_binary \
			"$T/small.elf" "$a"
		if [[ -f $BUILD/firmware/cdna-fw.elf && -f $BUILD/firmware/cdna-fw.img ]]
		then
			same_as_objcopy firmware_payload_equals_objcopy_binary \
				"$BUILD/firmware/cdna-fw.elf" \
				"$BUILD/firmware/cdna-fw.img"
		fi
	fi
	expect create_replaces_existing_image 0 'created' \
		"$BIN" create --elf "$T/small.elf" --version 2.0.0 -o "$a"
	expect replaced_image_has_new_version 0 '^fw version: +2\.0\.0 ' \
		"$BIN" info "$a"
}

# ---- flash files -------------------------------------------------------

FLASH_SIZE=$(( 2 * (64 + 0x40000) + 4096 ))  # two banks and the table
run "$BIN" flash -o "$T/flash.bin" "$IMG"
if [[ $rc -ne 0 ]]; then
	fail flash_puts_the_image_in_bank0_of_a_flash_file "exit $rc: $err"
elif [[ $(stat -c %s "$T/flash.bin") -ne $FLASH_SIZE ]] ||
     ! cmp -s -n "$(stat -c %s "$IMG")" "$IMG" "$T/flash.bin"; then
	fail flash_puts_the_image_in_bank0_of_a_flash_file \
		"size $(stat -c %s "$T/flash.bin"), want $FLASH_SIZE, image first"
else
	pass flash_puts_the_image_in_bank0_of_a_flash_file
fi
run "$BIN" flash --bank1 "$IMG" -o "$T/flash2.bin" "$IMG"
if [[ $rc -eq 0 ]] && cmp -s -i 0:$((64 + 0x40000)) -n "$(stat -c %s "$IMG")" \
		"$IMG" "$T/flash2.bin"; then
	pass flash_bank1_puts_the_second_image_in_bank1
else
	fail flash_bank1_puts_the_second_image_in_bank1 "exit $rc: $err"
fi
f=$(copy damaged.img); flip "$f" 20
expect flash_refuses_a_damaged_image 1 'damaged.img: header CRC mismatch' \
	"$BIN" flash -o "$T/bad.bin" "$f"
expect flash_without_output_is_exit_2 2 'missing -o' "$BIN" flash "$IMG"

if [[ $have_arm -eq 1 ]]; then
	create_tests
else
	skip create_tests "arm-none-eabi-gcc cannot build the test ELF"
fi

tap_done
