/* SPDX-License-Identifier: MIT */
/*
 * crc32.h - CRC-32/ISO-HDLC, the CRC of zlib, Ethernet and PNG, as the
 * firmware image format (cdna/image.h) uses it.
 *
 * Freestanding C11 (only <stddef.h> and <stdint.h>): the same code runs in
 * cdna-image, in the NIC model's boot ROM and in dom0's cdnactl.
 */
#ifndef CDNA_CRC32_H
#define CDNA_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Same contract as zlib's crc32(): start with crc = 0; the result of one
 * call is the crc argument of the next to continue over more bytes, so
 * cdna_crc32(cdna_crc32(0, a, n), b, m) is the CRC of a followed by b.
 * buf may be NULL when len is 0.
 */
uint32_t cdna_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* CDNA_CRC32_H */
