/* SPDX-License-Identifier: MIT */
/* flash_table.c - see flash_table.h. */
#include "flash_table.h"

#include <string.h>

#include "crc32.h"

#define SLOT_WORDS (FLASH_TABLE_SLOT_SIZE / 4)

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Slot s decoded into t if it is a valid copy. */
static int slot_read(const struct cdna_flash *flash, uint32_t s,
		     struct flash_table *t)
{
	const uint8_t *p = cdna_flash_data(flash) + FLASH_TABLE_SLOT_OFF(s);
	uint32_t crc_off = (SLOT_WORDS - 1) * 4;

	if (get_le32(p) != FLASH_TABLE_MAGIC ||
	    cdna_crc32(0, p, crc_off) != get_le32(p + crc_off))
		return 0;
	t->seq = get_le32(p + 4);
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++) {
		t->bank[b].state = get_le32(p + 8 + 16 * b);
		t->bank[b].fw_version = get_le32(p + 12 + 16 * b);
		t->bank[b].image_crc = get_le32(p + 16 + 16 * b);
	}
	return 1;
}

/* The slot holding the newest valid copy (into t), or -1. */
static int newest(const struct cdna_flash *flash, struct flash_table *t)
{
	struct flash_table c[FLASH_TABLE_SLOTS];
	int best = -1;

	for (uint32_t s = 0; s < FLASH_TABLE_SLOTS; s++) {
		if (!slot_read(flash, s, &c[s]))
			continue;
		/* Serial-number order: a wrapped sequence still counts up. */
		if (best < 0 || (int32_t)(c[s].seq - c[best].seq) > 0)
			best = (int)s;
	}
	if (best >= 0)
		*t = c[best];
	return best;
}

int flash_table_read(const struct cdna_flash *flash, struct flash_table *t)
{
	if (newest(flash, t) >= 0)
		return 1;
	memset(t, 0, sizeof(*t));
	return 0;
}

int flash_table_write(struct cdna_flash *flash, struct flash_table *t,
		      char *err, size_t err_len)
{
	struct flash_table cur;
	uint8_t slot[FLASH_TABLE_SLOT_SIZE];
	int s = newest(flash, &cur);
	/* Never the slot of the newest copy: a cut must leave it whole. */
	uint32_t to = s < 0 ? 0 : 1u - (uint32_t)s;

	t->seq = s < 0 ? 1 : cur.seq + 1;
	memset(slot, 0, sizeof(slot));
	put_le32(slot, FLASH_TABLE_MAGIC);
	put_le32(slot + 4, t->seq);
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++) {
		put_le32(slot + 8 + 16 * b, t->bank[b].state);
		put_le32(slot + 12 + 16 * b, t->bank[b].fw_version);
		put_le32(slot + 16 + 16 * b, t->bank[b].image_crc);
	}
	put_le32(slot + (SLOT_WORDS - 1) * 4,
		 cdna_crc32(0, slot, (SLOT_WORDS - 1) * 4));
	return cdna_flash_write(flash, FLASH_TABLE_SLOT_OFF(to), slot,
				sizeof(slot), err, err_len);
}
