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

int cdna_bootrom_rec_holds(const struct flash_table_rec *r, uint32_t err,
			   const struct cdna_image_header *hdr)
{
	return r->state != CDNA_FLASH_BANK_EMPTY && err == CDNA_IMAGE_OK &&
	       r->image_crc == hdr->header_crc;
}

/* The first bank whose record holds its image in state st, or -1. */
static int find(const struct flash_table *t, const uint32_t *err,
		const struct cdna_image_header *hdr, uint32_t st)
{
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++)
		if (t->bank[b].state == st &&
		    cdna_bootrom_rec_holds(&t->bank[b], err[b], &hdr[b]))
			return (int)b;
	return -1;
}

static void pick(struct cdna_flash *flash, struct cdna_boot_choice *out,
		 const struct cdna_image_header *hdr, int b)
{
	out->bank = b;
	out->hdr = hdr[b];
	out->payload = cdna_flash_bank(flash, (uint32_t)b) +
		       CDNA_IMAGE_HEADER_SIZE;
}

void cdna_bootrom_choose(struct cdna_flash *flash,
			 struct cdna_boot_choice *out)
{
	struct cdna_image_header hdr[CDNA_FLASH_BANKS];
	struct flash_table t;
	int have, b;

	memset(out, 0, sizeof(*out));
	memset(hdr, 0, sizeof(hdr));
	out->bank = -1;
	for (uint32_t i = 0; i < CDNA_FLASH_BANKS; i++)
		out->error[i] = cdna_bootrom_check_bank(
			cdna_flash_bank(flash, i), &hdr[i]);
	have = flash_table_read(flash, &t);
	if (have) {
		out->flags |= MGMT_BOOT_F_TABLE;
		/* A trial still on record never reported healthy. */
		b = find(&t, out->error, hdr, CDNA_FLASH_BANK_TRIAL);
		if (b >= 0) {
			t.bank[b].state = CDNA_FLASH_BANK_FAILED;
			out->flags |= MGMT_BOOT_F_ROLLBACK;
			if (flash_table_write(flash, &t, out->table_err,
					      sizeof(out->table_err)))
				out->flags |= MGMT_BOOT_F_FLASH_ERR;
		}
		/* The trial only runs once the table says TRIAL: whatever it
		 * does then, the next reset knows it was on trial. */
		b = find(&t, out->error, hdr, CDNA_FLASH_BANK_PENDING);
		if (b >= 0 && !(out->flags & MGMT_BOOT_F_FLASH_ERR)) {
			t.bank[b].state = CDNA_FLASH_BANK_TRIAL;
			if (!flash_table_write(flash, &t, out->table_err,
					       sizeof(out->table_err))) {
				out->flags |= MGMT_BOOT_F_TRIAL;
				pick(flash, out, hdr, b);
				return;
			}
			out->flags |= MGMT_BOOT_F_FLASH_ERR;
		}
		b = find(&t, out->error, hdr, CDNA_FLASH_BANK_ACTIVE);
		if (b >= 0) {
			pick(flash, out, hdr, b);
			return;
		}
	}
	for (uint32_t i = 0; i < CDNA_FLASH_BANKS; i++) {
		if (out->error[i] != CDNA_IMAGE_OK ||
		    (have && t.bank[i].state == CDNA_FLASH_BANK_FAILED &&
		     cdna_bootrom_rec_holds(&t.bank[i], out->error[i],
					    &hdr[i])))
			continue;
		if (have)
			out->flags |= MGMT_BOOT_F_FALLBACK;
		pick(flash, out, hdr, (int)i);
		return;
	}
}
