/* SPDX-License-Identifier: MIT */
/* bootrom.c - see bootrom.h. */
#include "bootrom.h"

#include <string.h>

#include "image_check.h"

enum cdna_image_error cdna_bootrom_check_bank(const uint8_t *bank,
					      struct cdna_image_header *hdr)
{
	size_t len = CDNA_IMAGE_HEADER_SIZE;
	struct cdna_image_header h;
	uint32_t i;

	for (i = 0; i < CDNA_IMAGE_HEADER_SIZE && bank[i] == 0xff; i++)
		;
	if (i == CDNA_IMAGE_HEADER_SIZE)
		return CDNA_IMAGE_EMPTY;
	/* A bank is larger than its image: the header says how much of it
	 * the image claims (image.h).  A size beyond the bank is the
	 * header's lie, which the check reports as BAD_SIZE. */
	cdna_image_decode_header(bank, &h);
	if (h.header_size == CDNA_IMAGE_HEADER_SIZE &&
	    h.payload_size <= CDNA_FLASH_BANK_SIZE - CDNA_IMAGE_HEADER_SIZE)
		len += h.payload_size;
	return cdna_image_check(bank, len, hdr);
}

void cdna_bootrom_choose(const struct cdna_flash *flash,
			 struct cdna_boot_choice *out)
{
	memset(out, 0, sizeof(*out));
	out->bank = -1;
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++) {
		struct cdna_image_header h;
		const uint8_t *bank = cdna_flash_bank(flash, b);

		out->error[b] = cdna_bootrom_check_bank(bank, &h);
		if (out->error[b] == CDNA_IMAGE_OK && out->bank < 0) {
			out->bank = (int)b;
			out->hdr = h;
			out->payload = bank + CDNA_IMAGE_HEADER_SIZE;
		}
	}
}
