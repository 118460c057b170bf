/* SPDX-License-Identifier: MIT */
/*
 * cdna/image.h - the flashable NIC firmware image format.
 *
 * Contract between: the firmware build (writes images through cdna-image),
 * cdna-image (create/verify/info), the NIC model's boot ROM (verifies a flash
 * bank before booting it) and cdnactl (verifies before flashing).
 *
 * An image is a 64-byte header followed immediately by the payload, nothing
 * else: the file size must equal header_size + payload_size.  A flash bank
 * is larger than its image: the boot ROM checks header_size + payload_size
 * bytes of it, as the header says (an erased bank reads as bad magic).  Every multi-byte
 * field is little-endian.  The payload is the raw bytes the boot ROM copies to
 * load_addr in the NIC's code RAM (see nic-hw.h) before it jumps to entry with
 * the stack pointer set to stack_top.
 *
 * Integrity: payload_crc covers the payload; header_crc covers header bytes
 * [0, 60), i.e. every header field including payload_crc.  Together they
 * make every single-byte change anywhere in the image detectable, and the
 * size rule makes truncation and trailing bytes detectable.
 *
 * CRC: CRC-32/ISO-HDLC (the one of zlib, Ethernet and PNG): reflected
 * polynomial 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF.
 */
#ifndef CDNA_IMAGE_H
#define CDNA_IMAGE_H

#include <stdint.h>
#include "nic-hw.h"

#define CDNA_IMAGE_MAGIC          0x414e4443u /* "CDNA" read as LE bytes */
#define CDNA_IMAGE_FORMAT_VERSION 1u
#define CDNA_IMAGE_HEADER_SIZE    64u
#define CDNA_IMAGE_NAME_LEN       16u

/* Image flags (bit set). */
#define CDNA_IMAGE_F_TEST         (1u << 0) /* built for tests, not for users */

/* Firmware version encoding: major.minor.patch in one word. */
#define CDNA_FW_VERSION(maj, min, pat) \
	(((uint32_t)(maj) << 16) | ((uint32_t)(min) << 8) | (uint32_t)(pat))
#define CDNA_FW_VERSION_MAJOR(v)  (((v) >> 16) & 0xffffu)
#define CDNA_FW_VERSION_MINOR(v)  (((v) >> 8) & 0xffu)
#define CDNA_FW_VERSION_PATCH(v)  ((v) & 0xffu)

struct cdna_image_header {
	uint32_t magic;          /* 0x00 CDNA_IMAGE_MAGIC */
	uint16_t format_version; /* 0x04 CDNA_IMAGE_FORMAT_VERSION */
	uint16_t header_size;    /* 0x06 CDNA_IMAGE_HEADER_SIZE */
	uint32_t fw_version;     /* 0x08 CDNA_FW_VERSION(major, minor, patch) */
	uint32_t hw_id;          /* 0x0c NIC this image runs on: CDNA_HW_ID */
	uint32_t load_addr;      /* 0x10 NIC bus address the payload is copied
	                          *      to; inside code RAM, 4-byte aligned */
	uint32_t entry;          /* 0x14 entry point, Thumb bit set, inside the
	                          *      loaded payload */
	uint32_t stack_top;      /* 0x18 initial SP, inside SRAM, 8-aligned */
	uint32_t payload_size;   /* 0x1c bytes after the header; > 0, at most
	                          *      the code RAM size, and it must fit
	                          *      in code RAM from load_addr */
	uint32_t payload_crc;    /* 0x20 CRC-32 of the payload */
	uint32_t flags;          /* 0x24 CDNA_IMAGE_F_*; unknown bits are
	                          *      ignored by every reader */
	char     name[CDNA_IMAGE_NAME_LEN]; /* 0x28 printable ASCII, NUL-padded;
	                          *      16 characters leave no NUL: print it
	                          *      with "%.16s" */
	uint32_t build_time;     /* 0x38 seconds since the epoch (UTC); from
	                          *      SOURCE_DATE_EPOCH for reproducibility */
	uint32_t header_crc;     /* 0x3c CRC-32 of header bytes [0, 0x3c) */
};

_Static_assert(sizeof(struct cdna_image_header) == CDNA_IMAGE_HEADER_SIZE,
	       "image header is 64 bytes");

/* The largest image: a header and a payload filling the NIC's code RAM. */
#define CDNA_IMAGE_MAX_SIZE (CDNA_IMAGE_HEADER_SIZE + CDNA_NIC_CODE_SIZE)

/*
 * Why an image is refused, checked in this order (the first failing check
 * is reported).  The boot ROM shows the code in BAR2 MGMT_BOOT_ERROR.
 */
enum cdna_image_error {
	CDNA_IMAGE_OK = 0,
	CDNA_IMAGE_EMPTY,           /* no bytes at all (erased bank) */
	CDNA_IMAGE_TRUNCATED_HEADER,/* fewer than 64 bytes */
	CDNA_IMAGE_BAD_MAGIC,       /* magic is not "CDNA" */
	CDNA_IMAGE_BAD_HEADER_CRC,  /* header bytes do not match header_crc */
	CDNA_IMAGE_BAD_FORMAT,      /* unknown format_version/header_size */
	CDNA_IMAGE_WRONG_HW,        /* hw_id is not CDNA_HW_ID */
	CDNA_IMAGE_BAD_SIZE,        /* payload_size 0 or larger than code RAM */
	CDNA_IMAGE_TRUNCATED,       /* fewer bytes than header + payload */
	CDNA_IMAGE_TRAILING,        /* more bytes than header + payload */
	CDNA_IMAGE_BAD_PAYLOAD_CRC, /* payload does not match payload_crc */
	CDNA_IMAGE_BAD_LAYOUT,      /* load_addr, entry or stack_top outside
	                             * code RAM / SRAM or misaligned, the
	                             * payload does not fit from load_addr,
	                             * or the name is not printable ASCII */
	CDNA_IMAGE_ERROR_NUM
};

#endif /* CDNA_IMAGE_H */
