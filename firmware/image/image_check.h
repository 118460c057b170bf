/* SPDX-License-Identifier: MIT */
/*
 * image_check.h - decode, encode and verify firmware images (cdna/image.h).
 *
 * Freestanding C11 (only <stddef.h> and <stdint.h>): shared by cdna-image,
 * the NIC model's boot ROM and cdnactl.  Header fields are read and written
 * byte by byte as little-endian, never by casting the buffer to the struct,
 * so the code is right on any host byte order and any buffer alignment.
 */
#ifndef CDNA_IMAGE_CHECK_H
#define CDNA_IMAGE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "cdna/image.h"

/*
 * Verify the image img[0, size).  Returns CDNA_IMAGE_OK or the first failing
 * check, in the order of enum cdna_image_error.  When size is at least a
 * header, *hdr_out (if hdr_out is not NULL) receives the decoded header,
 * whatever the result, so a caller can explain a failure; otherwise
 * *hdr_out is left untouched.
 */
enum cdna_image_error cdna_image_check(const void *img, size_t size,
				       struct cdna_image_header *hdr_out);

/* One human sentence per code; never NULL, even for unknown values. */
const char *cdna_image_strerror(enum cdna_image_error err);

/*
 * The layout rule (CDNA_IMAGE_BAD_LAYOUT) that h breaks, as a short phrase
 * for diagnostics ("entry point lacks the Thumb bit"), or NULL if h's
 * load_addr, entry, stack_top, payload_size and name are all acceptable.
 */
const char *cdna_image_layout_problem(const struct cdna_image_header *h);

/* Header bytes -> struct, fields converted from little-endian. */
void cdna_image_decode_header(const uint8_t in[CDNA_IMAGE_HEADER_SIZE],
			      struct cdna_image_header *h);

/*
 * A header with the constant fields (magic, format_version, header_size,
 * hw_id = CDNA_HW_ID) set and every other field 0.
 */
void cdna_image_header_init(struct cdna_image_header *h);

/*
 * Struct -> 64 header bytes.  If payload is not NULL, h->payload_crc is first
 * set to the CRC of payload[0, h->payload_size); h->header_crc is always set
 * to the CRC of the encoded bytes [0, 0x3c).  Every other field is written
 * as given, which lets tests build deliberately bad but sealed headers.
 */
void cdna_image_encode_header(struct cdna_image_header *h, const void *payload,
			      uint8_t out[CDNA_IMAGE_HEADER_SIZE]);

/* Offsets of the header fields in the encoded image (see image.h). */
#define CDNA_IMAGE_OFF_MAGIC          0x00u
#define CDNA_IMAGE_OFF_FORMAT_VERSION 0x04u
#define CDNA_IMAGE_OFF_HEADER_SIZE    0x06u
#define CDNA_IMAGE_OFF_FW_VERSION     0x08u
#define CDNA_IMAGE_OFF_HW_ID          0x0cu
#define CDNA_IMAGE_OFF_LOAD_ADDR      0x10u
#define CDNA_IMAGE_OFF_ENTRY          0x14u
#define CDNA_IMAGE_OFF_STACK_TOP      0x18u
#define CDNA_IMAGE_OFF_PAYLOAD_SIZE   0x1cu
#define CDNA_IMAGE_OFF_PAYLOAD_CRC    0x20u
#define CDNA_IMAGE_OFF_FLAGS          0x24u
#define CDNA_IMAGE_OFF_NAME           0x28u
#define CDNA_IMAGE_OFF_BUILD_TIME     0x38u
#define CDNA_IMAGE_OFF_HEADER_CRC     0x3cu

#endif /* CDNA_IMAGE_CHECK_H */
