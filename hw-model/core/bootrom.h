/* SPDX-License-Identifier: MIT */
/*
 * bootrom.h - the NIC's boot ROM: verify each flash bank's image (the same
 * checks as cdna-image verify: header, CRCs, hardware id, layout) and pick
 * the bank to boot.
 *
 * Until the bank table of the flashing work exists, the rule is: bank 0 if
 * its image verifies, else bank 1, else none (FW_STATE NO_FW).
 */
#ifndef CDNA_BOOTROM_H
#define CDNA_BOOTROM_H

#include <stdint.h>
#include <cdna/image.h>

#include "cdna_nic.h"
#include "flash.h"

struct cdna_boot_choice {
	int bank;                            /* bank to boot; -1: none */
	uint32_t error[CDNA_FLASH_BANKS];    /* enum cdna_image_error */
	struct cdna_image_header hdr;        /* the chosen bank's header */
	const uint8_t *payload;              /* in the flash */
};

/* Check one bank: CDNA_IMAGE_EMPTY for an erased bank. */
enum cdna_image_error cdna_bootrom_check_bank(const uint8_t *bank,
					      struct cdna_image_header *hdr);
void cdna_bootrom_choose(const struct cdna_flash *flash,
			 struct cdna_boot_choice *out);

#endif /* CDNA_BOOTROM_H */
