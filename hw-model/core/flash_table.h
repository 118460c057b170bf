/* SPDX-License-Identifier: MIT */
/*
 * flash_table.h - the bank table in the flash's table sector: which bank
 * holds which image in which state (regs.h CDNA_FLASH_BANK_*).
 *
 * Two copies (slots A and B, 64 bytes each, at 0 and 2048 of the sector),
 * each with a sequence number and a CRC.  An update writes the slot that
 * does not hold the newest valid copy, with the next sequence number; a
 * reader takes the valid slot with the highest sequence.  A write cut
 * anywhere therefore leaves the old table (the torn slot fails its CRC)
 * or the new one, never a mix.  No valid slot: the flash has no table
 * (fresh, or made by the factory programmer or cdna-image flash).
 *
 * Slot layout, 32-bit little-endian words:
 *   0 magic FLASH_TABLE_MAGIC   1 seq
 *   2 + 4b: bank b's state, fw_version, image_crc (the image's header_crc:
 *           which image the record speaks of), 0
 *   10..14 0   15 CRC-32 (image.h) of words 0..14
 * A record only counts while its bank holds a valid image whose
 * header_crc is image_crc: rewriting a bank voids its record by itself.
 */
#ifndef CDNA_FLASH_TABLE_H
#define CDNA_FLASH_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "cdna_nic.h"
#include "flash.h"

#define FLASH_TABLE_MAGIC     0x54424443u /* "CDBT" as LE bytes */
#define FLASH_TABLE_SLOT_SIZE 64u
#define FLASH_TABLE_SLOTS     2u
#define FLASH_TABLE_SLOT_OFF(s) \
	(CDNA_FLASH_BANKS * CDNA_FLASH_BANK_SIZE + (s) * 2048u)

/* A bank's record: state 0 (CDNA_FLASH_BANK_EMPTY) is "no record". */
struct flash_table_rec {
	uint32_t state;      /* VALID, PENDING, TRIAL, ACTIVE or FAILED */
	uint32_t fw_version;
	uint32_t image_crc;
};

struct flash_table {
	uint32_t seq;
	struct flash_table_rec bank[CDNA_FLASH_BANKS];
};

/* The newest valid copy into t: 1, or 0 (t zeroed) when there is none. */
int flash_table_read(const struct cdna_flash *flash, struct flash_table *t);
/* Write t as the new table (t->seq becomes the next sequence number): 0,
 * or -1 with err set (the flash failed; the old table stands). */
int flash_table_write(struct cdna_flash *flash, struct flash_table *t,
		      char *err, size_t err_len);

#endif /* CDNA_FLASH_TABLE_H */
