/* SPDX-License-Identifier: MIT */
/*
 * image_be_guest.c - the image library on a big-endian CPU.  Built for
 * big-endian ARM (BE8) and run under unicorn by image_be_host.c (the
 * program test_image_be), which puts an image made on the little-endian
 * host at BE_IMG and reads the results back from BE_RES.  Freestanding:
 * linking without libc also proves the library needs none.
 */
#include "crc32.h"
#include "image_check.h"
#include "image_be.h"

static volatile uint32_t *const res = (volatile uint32_t *)BE_RES;

/* 1 when the header fields decoded to what the host encoded. */
static uint32_t fields_ok(const struct cdna_image_header *h)
{
	static const char name[CDNA_IMAGE_NAME_LEN] = BE_NAME;

	for (unsigned i = 0; i < CDNA_IMAGE_NAME_LEN; i++)
		if (h->name[i] != name[i])
			return 0;
	return h->magic == CDNA_IMAGE_MAGIC && h->fw_version == BE_VERSION &&
	       h->hw_id == CDNA_HW_ID && h->entry == BE_ENTRY &&
	       h->stack_top == BE_STACK && h->payload_size == BE_PAYLOAD &&
	       h->build_time == BE_TIME;
}

static uint32_t encode_same(struct cdna_image_header *h, const uint8_t *img)
{
	uint8_t out[CDNA_IMAGE_HEADER_SIZE];

	cdna_image_encode_header(h, img + CDNA_IMAGE_HEADER_SIZE, out);
	for (unsigned i = 0; i < CDNA_IMAGE_HEADER_SIZE; i++)
		if (out[i] != img[i])
			return 0;
	return 1;
}

void guest_main(void)
{
	uint8_t *img = (uint8_t *)BE_IMG;
	const uint32_t size = CDNA_IMAGE_HEADER_SIZE + BE_PAYLOAD;
	struct cdna_image_header h;
	const uint32_t one = 1;

	res[BE_R_BIG_ENDIAN] = *(const volatile uint8_t *)&one == 0;
	res[BE_R_CRC] = cdna_crc32(0, "123456789", 9);
	res[BE_R_CHECK] = cdna_image_check(img, size, &h);
	res[BE_R_FIELDS] = fields_ok(&h);
	res[BE_R_ENCODE] = encode_same(&h, img);
	res[BE_R_TRUNCATED] = cdna_image_check(img, size - 1, 0);
	img[0x1c] ^= 1;
	res[BE_R_HDR_FLIP] = cdna_image_check(img, size, 0);
	img[0x1c] ^= 1;
	img[size - 1] ^= 1;
	res[BE_R_PAYLOAD_FLIP] = cdna_image_check(img, size, 0);
	img[size - 1] ^= 1;
	res[BE_R_DONE] = BE_DONE_MAGIC;
}

/* No C runtime: set nothing up, the host sets SP. */
__attribute__((naked, section(".text.start"))) void _start(void)
{
	__asm__ volatile("bl guest_main\n1: b 1b");
}
