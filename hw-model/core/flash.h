/* SPDX-License-Identifier: MIT */
/*
 * flash.h - the NIC's flash: two firmware banks and a bank-table sector,
 * kept in a backing file so that it survives the process (a QEMU restart).
 *
 * Erased flash reads 0xff.  Every write goes straight to the file (pwrite):
 * killing the process loses nothing already written.  The layout of the
 * file is cdna_nic.h's CDNA_FLASH_* (bank 0, bank 1, table).
 */
#ifndef CDNA_FLASH_H
#define CDNA_FLASH_H

#include <stddef.h>
#include <stdint.h>

struct cdna_flash;

/* path NULL: in memory only.  A missing or empty file is created erased;
 * a file of another size is refused (it is not a cdna flash).  NULL on
 * failure with a sentence in err. */
struct cdna_flash *cdna_flash_open(const char *path, char *err,
				   size_t err_len);
void cdna_flash_close(struct cdna_flash *flash);

/* The whole flash, CDNA_FLASH_FILE_SIZE bytes, read only. */
const uint8_t *cdna_flash_data(const struct cdna_flash *flash);
/* Bank b's CDNA_FLASH_BANK_SIZE bytes; NULL for b out of range. */
const uint8_t *cdna_flash_bank(const struct cdna_flash *flash, uint32_t b);

/* Write (0xff fill when data is NULL) len bytes at off; 0, or -1 with
 * err set when the range is outside the flash or the file write fails
 * (the flash in memory is then unchanged). */
int cdna_flash_write(struct cdna_flash *flash, uint32_t off,
		     const void *data, size_t len, char *err, size_t err_len);

/*
 * Power-cut simulation (tests).  Writes are counted in 4-byte units (a
 * write of len bytes is ceil(len / 4) units, persisted in address order).
 * After cdna_flash_set_cut(flash, n) the flash persists n more units, then
 * power is gone: the write that crosses the limit keeps only its first
 * units (in the file and in memory alike), and it and every later write
 * fail without changing anything.  A new cdna_flash_open of the same file
 * is the restart.  n < 0: no cut (the default).
 */
void cdna_flash_set_cut(struct cdna_flash *flash, int64_t units);
/* Units the flash still persists before the cut: 0 once power is gone
 * (the limit reached, whether or not a write crossed it), -1 with no cut
 * set. */
int64_t cdna_flash_cut_left(const struct cdna_flash *flash);
/* Units persisted since open: a dry run counts the cut points with it. */
uint64_t cdna_flash_units(const struct cdna_flash *flash);

#endif /* CDNA_FLASH_H */
