/* SPDX-License-Identifier: MIT */
/*
 * test_image.c - CRC-32 and the firmware image checks (cdna/image.h,
 * firmware/image/).  Images are built in memory with the library's own
 * encoder; where a test needs a bad field behind a good header CRC it
 * re-seals the header so that the intended check, not the CRC, fires.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "crc32.h"
#include "image_check.h"

#define PAYLOAD_SIZE 4096u
#define IMG_SIZE     (CDNA_IMAGE_HEADER_SIZE + PAYLOAD_SIZE)
#define STACK_TOP    (CDNA_NIC_SRAM_BASE + CDNA_NIC_SRAM_SIZE)
#define ENTRY        (CDNA_NIC_CODE_BASE + 0x101u)

static uint8_t img[IMG_SIZE];
static struct cdna_image_header hdr;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A valid image: a vector table, then pseudo-random code bytes. */
static void make_image(void)
{
	uint32_t x = 0x12345678u;
	uint8_t *payload = img + CDNA_IMAGE_HEADER_SIZE;

	for (unsigned i = 0; i < PAYLOAD_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		payload[i] = (uint8_t)(x >> 16);
	}
	put32(payload, STACK_TOP);
	put32(payload + 4, ENTRY);

	cdna_image_header_init(&hdr);
	hdr.fw_version = CDNA_FW_VERSION(1, 2, 3);
	hdr.load_addr = CDNA_NIC_CODE_BASE;
	hdr.entry = ENTRY;
	hdr.stack_top = STACK_TOP;
	hdr.payload_size = PAYLOAD_SIZE;
	hdr.flags = CDNA_IMAGE_F_TEST;
	memcpy(hdr.name, "test-fw", 7);
	hdr.build_time = 1700000000u;
	cdna_image_encode_header(&hdr, payload, img);
}

/* Re-encode hdr as is (payload CRC included) with a fresh header CRC. */
static void reseal(void)
{
	cdna_image_encode_header(&hdr, NULL, img);
}

static enum cdna_image_error check_img(void)
{
	return cdna_image_check(img, IMG_SIZE, NULL);
}

/* ---- CRC-32 ------------------------------------------------------------ */

TEST(crc32_check_value_of_123456789)
{
	CHECK_EQ(cdna_crc32(0, "123456789", 9), 0xcbf43926u);
}

TEST(crc32_known_vectors)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	CHECK_EQ(cdna_crc32(0, "a", 1), 0xe8b7be43u);
	CHECK_EQ(cdna_crc32(0, "abc", 3), 0x352441c2u);
	CHECK_EQ(cdna_crc32(0, fox, sizeof(fox) - 1), 0x414fa339u);
	CHECK_EQ(cdna_crc32(0, "\0\0\0\0", 4), 0x2144df1cu);
}

TEST(crc32_of_nothing_is_the_start_value)
{
	CHECK_EQ(cdna_crc32(0, NULL, 0), 0);
	CHECK_EQ(cdna_crc32(0xcbf43926u, "", 0), 0xcbf43926u);
}

TEST(crc32_chaining_equals_one_pass)
{
	static const char s[] = "123456789";

	for (size_t split = 0; split <= 9; split++) {
		uint32_t c = cdna_crc32(0, s, split);

		CHECK_EQ(cdna_crc32(c, s + split, 9 - split), 0xcbf43926u);
	}
}

TEST(crc32_byte_at_a_time_equals_one_pass)
{
	uint32_t c = 0;

	make_image();
	for (size_t i = 0; i < IMG_SIZE; i++)
		c = cdna_crc32(c, img + i, 1);
	CHECK_EQ(c, cdna_crc32(0, img, IMG_SIZE));
}

/* ---- encoding ---------------------------------------------------------- */

TEST(header_encodes_little_endian_at_documented_offsets)
{
	make_image();
	CHECK(memcmp(img, "CDNA", 4) == 0);
	CHECK_EQ(img[0x04], 1);
	CHECK_EQ(img[0x05], 0);
	CHECK_EQ(img[0x06], 64);
	CHECK_EQ(img[0x07], 0);
	CHECK(memcmp(img + 0x08, "\x03\x02\x01\x00", 4) == 0);
	CHECK(memcmp(img + 0x0c, "\x02\x00\x4a\xcd", 4) == 0);
	CHECK(memcmp(img + 0x14, "\x01\x01\x00\x00", 4) == 0);
	CHECK(memcmp(img + 0x18, "\x00\x00\x04\x20", 4) == 0);
	CHECK(memcmp(img + 0x1c, "\x00\x10\x00\x00", 4) == 0);
	CHECK(memcmp(img + 0x24, "\x01\x00\x00\x00", 4) == 0);
	CHECK(memcmp(img + 0x28, "test-fw\0\0\0\0\0\0\0\0\0", 16) == 0);
	CHECK(memcmp(img + 0x38, "\x00\xf1\x53\x65", 4) == 0);
}

TEST(header_crcs_cover_payload_and_header_bytes_0_to_60)
{
	uint32_t pcrc, hcrc;

	make_image();
	pcrc = cdna_crc32(0, img + CDNA_IMAGE_HEADER_SIZE, PAYLOAD_SIZE);
	hcrc = cdna_crc32(0, img, 60);
	CHECK_EQ(hdr.payload_crc, pcrc);
	CHECK_EQ(hdr.header_crc, hcrc);
	CHECK_EQ(img[0x20] | img[0x21] << 8 | img[0x22] << 16 |
		 (uint32_t)img[0x23] << 24, pcrc);
	CHECK_EQ(img[0x3c] | img[0x3d] << 8 | img[0x3e] << 16 |
		 (uint32_t)img[0x3f] << 24, hcrc);
}

TEST(decode_inverts_encode)
{
	struct cdna_image_header d;

	make_image();
	cdna_image_decode_header(img, &d);
	CHECK(memcmp(&d, &hdr, sizeof(d)) == 0);
}

/* ---- valid images ------------------------------------------------------ */

TEST(valid_image_checks_ok)
{
	make_image();
	CHECK_EQ(check_img(), CDNA_IMAGE_OK);
}

TEST(valid_image_fills_decoded_header)
{
	struct cdna_image_header d;

	make_image();
	memset(&d, 0xa5, sizeof(d));
	CHECK_EQ(cdna_image_check(img, IMG_SIZE, &d), CDNA_IMAGE_OK);
	CHECK(memcmp(&d, &hdr, sizeof(d)) == 0);
}

TEST(check_reads_unaligned_buffers)
{
	static uint8_t shifted[IMG_SIZE + 3];

	make_image();
	memcpy(shifted + 3, img, IMG_SIZE);
	CHECK_EQ(cdna_image_check(shifted + 3, IMG_SIZE, NULL), CDNA_IMAGE_OK);
}

TEST(payload_filling_all_of_code_ram_is_ok)
{
	size_t size = CDNA_IMAGE_MAX_SIZE;
	uint8_t *big = calloc(1, size);

	CHECK(big);
	make_image();
	hdr.payload_size = CDNA_NIC_CODE_SIZE;
	cdna_image_encode_header(&hdr, big + CDNA_IMAGE_HEADER_SIZE, big);
	CHECK_EQ(cdna_image_check(big, size, NULL), CDNA_IMAGE_OK);
	free(big);
}

TEST(name_of_exactly_16_characters_is_ok)
{
	make_image();
	memcpy(hdr.name, "0123456789abcdef", 16);
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_OK);
}

TEST(stack_top_at_sram_end_is_ok)
{
	make_image();
	hdr.stack_top = CDNA_NIC_SRAM_BASE + CDNA_NIC_SRAM_SIZE;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_OK);
	hdr.stack_top = CDNA_NIC_SRAM_BASE + 8;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_OK);
}

TEST(entry_at_last_halfword_of_payload_is_ok)
{
	make_image();
	hdr.entry = hdr.load_addr + PAYLOAD_SIZE - 2 + 1;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_OK);
}

/* ---- corruption -------------------------------------------------------- */

/* What a corrupted byte at offset off must be reported as. */
static enum cdna_image_error expected_for_flip(size_t off)
{
	if (off < 4)
		return CDNA_IMAGE_BAD_MAGIC;
	if (off < CDNA_IMAGE_HEADER_SIZE)
		return CDNA_IMAGE_BAD_HEADER_CRC;
	return CDNA_IMAGE_BAD_PAYLOAD_CRC;
}

TEST(every_single_byte_change_is_detected)
{
	static const uint8_t masks[] = {
		0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff, 0x5a,
	};

	make_image();
	for (size_t off = 0; off < IMG_SIZE; off++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			enum cdna_image_error err;

			img[off] ^= masks[m];
			err = check_img();
			img[off] ^= masks[m];
			if (err != expected_for_flip(off))
				check_fail(__FILE__, __LINE__,
					   "byte %zu ^ 0x%02x: got %d, want %d",
					   off, masks[m], (int)err,
					   (int)expected_for_flip(off));
		}
	}
	CHECK_EQ(check_img(), CDNA_IMAGE_OK);
}

TEST(truncation_at_every_length_is_detected)
{
	make_image();
	for (size_t len = 0; len < IMG_SIZE; len++) {
		enum cdna_image_error want = len == 0 ? CDNA_IMAGE_EMPTY :
			len < CDNA_IMAGE_HEADER_SIZE ?
			CDNA_IMAGE_TRUNCATED_HEADER : CDNA_IMAGE_TRUNCATED;
		enum cdna_image_error err = cdna_image_check(img, len, NULL);

		if (err != want)
			check_fail(__FILE__, __LINE__,
				   "length %zu: got %d, want %d", len,
				   (int)err, (int)want);
	}
}

TEST(trailing_byte_is_detected)
{
	static uint8_t longer[IMG_SIZE + 1];

	make_image();
	memcpy(longer, img, IMG_SIZE);
	CHECK_EQ(cdna_image_check(longer, IMG_SIZE + 1, NULL),
		 CDNA_IMAGE_TRAILING);
}

TEST(empty_image_is_reported_empty)
{
	CHECK_EQ(cdna_image_check(NULL, 0, NULL), CDNA_IMAGE_EMPTY);
}

TEST(erased_flash_is_bad_magic)
{
	static uint8_t erased[IMG_SIZE];

	memset(erased, 0xff, sizeof(erased));
	CHECK_EQ(cdna_image_check(erased, sizeof(erased), NULL),
		 CDNA_IMAGE_BAD_MAGIC);
}

TEST(wrong_magic_is_reported_even_with_a_valid_header_crc)
{
	make_image();
	hdr.magic = 0x464c457fu; /* "\177ELF" */
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_MAGIC);
}

TEST(wrong_header_crc_is_reported)
{
	make_image();
	img[0x3c] ^= 1;
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_HEADER_CRC);
}

TEST(unknown_format_version_is_reported)
{
	make_image();
	hdr.format_version = 2;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_FORMAT);
}

TEST(wrong_header_size_is_reported)
{
	make_image();
	hdr.header_size = 128;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_FORMAT);
}

TEST(wrong_hw_id_is_reported)
{
	make_image();
	hdr.hw_id = CDNA_HW_ID + 1;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_WRONG_HW);
}

TEST(zero_payload_size_is_reported)
{
	make_image();
	hdr.payload_size = 0;
	reseal();
	CHECK_EQ(cdna_image_check(img, CDNA_IMAGE_HEADER_SIZE, NULL),
		 CDNA_IMAGE_BAD_SIZE);
}

TEST(payload_larger_than_code_ram_is_reported)
{
	make_image();
	hdr.payload_size = CDNA_NIC_CODE_SIZE + 1;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_SIZE);
	hdr.payload_size = UINT32_MAX;
	reseal();
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_SIZE);
}

/* ---- layout ------------------------------------------------------------ */

/* Change the header with stmt, re-seal, expect BAD_LAYOUT. */
#define CHECK_LAYOUT_BAD(stmt)                                              \
	do {                                                                \
		make_image();                                               \
		stmt;                                                       \
		reseal();                                                   \
		CHECK_EQ(check_img(), CDNA_IMAGE_BAD_LAYOUT);               \
		CHECK(cdna_image_layout_problem(&hdr) != NULL);             \
	} while (0)

TEST(misaligned_load_address_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.load_addr = 2);
}

TEST(load_address_outside_code_ram_is_bad_layout)
{
	CHECK_LAYOUT_BAD((hdr.load_addr = CDNA_NIC_SRAM_BASE,
			  hdr.entry = CDNA_NIC_SRAM_BASE + 1));
	CHECK_LAYOUT_BAD((hdr.load_addr = CDNA_NIC_CODE_SIZE,
			  hdr.entry = CDNA_NIC_CODE_SIZE + 1));
}

TEST(payload_past_code_ram_end_is_bad_layout)
{
	CHECK_LAYOUT_BAD((hdr.load_addr = CDNA_NIC_CODE_SIZE - PAYLOAD_SIZE + 4,
			  hdr.entry = hdr.load_addr + 1));
}

TEST(load_address_wrapping_around_is_bad_layout)
{
	CHECK_LAYOUT_BAD((hdr.load_addr = 0xfffff000u,
			  hdr.entry = 0xfffff001u));
}

TEST(entry_without_thumb_bit_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.entry = 0x100);
}

TEST(entry_before_payload_is_bad_layout)
{
	CHECK_LAYOUT_BAD((hdr.load_addr = 0x1000, hdr.entry = 0xff1));
}

TEST(entry_at_payload_end_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.entry = hdr.load_addr + PAYLOAD_SIZE + 1);
}

TEST(misaligned_stack_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.stack_top = STACK_TOP - 4);
}

TEST(stack_at_sram_base_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.stack_top = CDNA_NIC_SRAM_BASE);
}

TEST(stack_past_sram_end_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.stack_top = STACK_TOP + 8);
}

TEST(stack_in_code_ram_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.stack_top = 0x1000);
}

TEST(name_with_control_character_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.name[2] = '\n');
}

TEST(name_with_high_byte_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.name[0] = (char)0xc3);
}

TEST(name_with_text_after_nul_is_bad_layout)
{
	CHECK_LAYOUT_BAD(hdr.name[10] = 'x');
}

/* ---- order of checks --------------------------------------------------- */

TEST(first_failing_check_is_reported)
{
	/* Bad magic beats a bad header CRC. */
	make_image();
	img[0] = 'X';
	img[0x30] ^= 1;
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_MAGIC);

	/* Wrong hardware beats a truncated payload. */
	make_image();
	hdr.hw_id = 0;
	reseal();
	CHECK_EQ(cdna_image_check(img, IMG_SIZE - 1, NULL), CDNA_IMAGE_WRONG_HW);

	/* A bad size is found before any payload byte is read. */
	make_image();
	hdr.payload_size = CDNA_NIC_CODE_SIZE + 4;
	reseal();
	CHECK_EQ(cdna_image_check(img, CDNA_IMAGE_HEADER_SIZE, NULL),
		 CDNA_IMAGE_BAD_SIZE);

	/* Trailing bytes beat a corrupt payload. */
	{
		static uint8_t longer[IMG_SIZE + 1];

		make_image();
		img[100] ^= 1;
		memcpy(longer, img, IMG_SIZE);
		CHECK_EQ(cdna_image_check(longer, IMG_SIZE + 1, NULL),
			 CDNA_IMAGE_TRAILING);
	}

	/* A corrupt payload beats a bad layout. */
	make_image();
	hdr.entry = 0x100;
	reseal();
	img[100] ^= 1;
	CHECK_EQ(check_img(), CDNA_IMAGE_BAD_PAYLOAD_CRC);
}

TEST(decoded_header_is_returned_with_errors)
{
	struct cdna_image_header d;

	make_image();
	hdr.hw_id = 0x1234;
	reseal();
	CHECK_EQ(cdna_image_check(img, IMG_SIZE, &d), CDNA_IMAGE_WRONG_HW);
	CHECK_EQ(d.hw_id, 0x1234);
	CHECK_EQ(d.fw_version, CDNA_FW_VERSION(1, 2, 3));
}

TEST(short_image_leaves_header_untouched)
{
	struct cdna_image_header d;

	make_image();
	memset(&d, 0xa5, sizeof(d));
	CHECK_EQ(cdna_image_check(img, 63, &d), CDNA_IMAGE_TRUNCATED_HEADER);
	CHECK_EQ(d.magic, 0xa5a5a5a5u);
}

/* ---- messages ---------------------------------------------------------- */

TEST(strerror_covers_every_code_with_a_distinct_sentence)
{
	for (int i = 0; i < CDNA_IMAGE_ERROR_NUM; i++) {
		const char *s = cdna_image_strerror((enum cdna_image_error)i);

		CHECK(s != NULL);
		CHECK(strlen(s) > 10);
		CHECK(strcmp(s, "unknown image error") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(s, cdna_image_strerror(
				(enum cdna_image_error)j)) != 0);
	}
}

TEST(strerror_of_unknown_code_is_not_null)
{
	CHECK(cdna_image_strerror(CDNA_IMAGE_ERROR_NUM) != NULL);
	CHECK(cdna_image_strerror((enum cdna_image_error)1000) != NULL);
}

TEST(layout_problem_is_null_for_a_valid_header)
{
	make_image();
	CHECK(cdna_image_layout_problem(&hdr) == NULL);
}
