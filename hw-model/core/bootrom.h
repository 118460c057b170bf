/* SPDX-License-Identifier: MIT */
/*
 * bootrom.h - the NIC's boot ROM: verify each flash bank's image (the same
 * checks as cdna-image verify: header, CRCs, hardware id, layout), read
 * the bank table (flash_table.h) and pick the bank to boot.
 *
 * With a bank table, at every reset, in this order:
 *   - a bank whose record says TRIAL never committed: it becomes FAILED
 *     (table written) and the boot goes on as below (rollback);
 *   - a PENDING bank becomes TRIAL (table written first: a crash of the
 *     trial is then remembered) and boots;
 *   - else the ACTIVE bank boots;
 *   - else (FALLBACK) the first bank that verifies and is not FAILED.
 * A record counts only while its bank verifies and holds the image the
 * record names.  Without a table: bank 0 if it verifies, else bank 1, else
 * none (FW_STATE NO_FW), as before the table existed.
 */
#ifndef CDNA_BOOTROM_H
#define CDNA_BOOTROM_H

#include <stdint.h>
#include <cdna/image.h>

#include "cdna_nic.h"
#include "flash.h"
#include "flash_table.h"

struct cdna_boot_choice {
	int bank;                            /* bank to boot; -1: none */
	uint32_t flags;                      /* MGMT_BOOT_F_* */
	uint32_t error[CDNA_FLASH_BANKS];    /* enum cdna_image_error */
	struct cdna_image_header hdr;        /* the chosen bank's header */
	const uint8_t *payload;              /* in the flash */
	char table_err[128];                 /* with MGMT_BOOT_F_FLASH_ERR */
};

/* Check one bank: CDNA_IMAGE_EMPTY for an erased bank. */
enum cdna_image_error cdna_bootrom_check_bank(const uint8_t *bank,
					      struct cdna_image_header *hdr);
/* 1 when table record r speaks of the image bank holds (err, hdr: the
 * bank's check). */
int cdna_bootrom_rec_holds(const struct flash_table_rec *r, uint32_t err,
			   const struct cdna_image_header *hdr);
/* Choose, writing the table where the rules above say so. */
void cdna_bootrom_choose(struct cdna_flash *flash,
			 struct cdna_boot_choice *out);

#endif /* CDNA_BOOTROM_H */
