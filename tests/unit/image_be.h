/* SPDX-License-Identifier: MIT */
/* image_be.h - what image_be_host.c and image_be_guest.c agree on. */
#ifndef CDNA_IMAGE_BE_H
#define CDNA_IMAGE_BE_H

#define BE_CODE       0x00010000u /* guest code, linked here */
#define BE_RES        0x000f0000u /* results: uint32_t[BE_R_NUM], BE */
#define BE_IMG        0x00100000u /* the image under test */
#define BE_STACK_PTR  0x00080000u
#define BE_MEM_SIZE   0x00200000u

/* The image the host builds. */
#define BE_PAYLOAD    4096u
#define BE_VERSION    0x00030405u /* 3.4.5 */
#define BE_ENTRY      0x00000101u
#define BE_STACK      0x20040000u
#define BE_TIME       1700000000u
#define BE_NAME       "be-test"

enum {
	BE_R_BIG_ENDIAN,   /* 1: the guest CPU really is big-endian */
	BE_R_CRC,          /* CRC of "123456789" */
	BE_R_CHECK,        /* check of the image */
	BE_R_FIELDS,       /* 1: decoded fields as encoded on the host */
	BE_R_ENCODE,       /* 1: re-encoding gives the host's header bytes */
	BE_R_TRUNCATED,    /* check of the image less its last byte */
	BE_R_HDR_FLIP,     /* check with a header byte flipped */
	BE_R_PAYLOAD_FLIP, /* check with a payload byte flipped */
	BE_R_DONE,         /* BE_DONE_MAGIC once finished */
	BE_R_NUM
};
#define BE_DONE_MAGIC 0x600dd00eu

#endif /* CDNA_IMAGE_BE_H */
