/* SPDX-License-Identifier: MIT */
/*
 * image_check.c - decode, encode and verify firmware images (cdna/image.h).
 *
 * Freestanding: no libc calls (not even memcpy), because the boot ROM of the
 * NIC model links this file without one.
 */
#include "image_check.h"

#include "crc32.h"

/* The offsets below are the wire format; the struct must agree with them. */
#define CHECK_OFF(field, off) \
	_Static_assert(offsetof(struct cdna_image_header, field) == (off), \
		       #field " offset")
CHECK_OFF(magic, CDNA_IMAGE_OFF_MAGIC);
CHECK_OFF(format_version, CDNA_IMAGE_OFF_FORMAT_VERSION);
CHECK_OFF(header_size, CDNA_IMAGE_OFF_HEADER_SIZE);
CHECK_OFF(fw_version, CDNA_IMAGE_OFF_FW_VERSION);
CHECK_OFF(hw_id, CDNA_IMAGE_OFF_HW_ID);
CHECK_OFF(load_addr, CDNA_IMAGE_OFF_LOAD_ADDR);
CHECK_OFF(entry, CDNA_IMAGE_OFF_ENTRY);
CHECK_OFF(stack_top, CDNA_IMAGE_OFF_STACK_TOP);
CHECK_OFF(payload_size, CDNA_IMAGE_OFF_PAYLOAD_SIZE);
CHECK_OFF(payload_crc, CDNA_IMAGE_OFF_PAYLOAD_CRC);
CHECK_OFF(flags, CDNA_IMAGE_OFF_FLAGS);
CHECK_OFF(name, CDNA_IMAGE_OFF_NAME);
CHECK_OFF(build_time, CDNA_IMAGE_OFF_BUILD_TIME);
CHECK_OFF(header_crc, CDNA_IMAGE_OFF_HEADER_CRC);

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void cdna_image_decode_header(const uint8_t in[CDNA_IMAGE_HEADER_SIZE],
			      struct cdna_image_header *h)
{
	h->magic = get_le32(in + CDNA_IMAGE_OFF_MAGIC);
	h->format_version = get_le16(in + CDNA_IMAGE_OFF_FORMAT_VERSION);
	h->header_size = get_le16(in + CDNA_IMAGE_OFF_HEADER_SIZE);
	h->fw_version = get_le32(in + CDNA_IMAGE_OFF_FW_VERSION);
	h->hw_id = get_le32(in + CDNA_IMAGE_OFF_HW_ID);
	h->load_addr = get_le32(in + CDNA_IMAGE_OFF_LOAD_ADDR);
	h->entry = get_le32(in + CDNA_IMAGE_OFF_ENTRY);
	h->stack_top = get_le32(in + CDNA_IMAGE_OFF_STACK_TOP);
	h->payload_size = get_le32(in + CDNA_IMAGE_OFF_PAYLOAD_SIZE);
	h->payload_crc = get_le32(in + CDNA_IMAGE_OFF_PAYLOAD_CRC);
	h->flags = get_le32(in + CDNA_IMAGE_OFF_FLAGS);
	for (unsigned i = 0; i < CDNA_IMAGE_NAME_LEN; i++)
		h->name[i] = (char)in[CDNA_IMAGE_OFF_NAME + i];
	h->build_time = get_le32(in + CDNA_IMAGE_OFF_BUILD_TIME);
	h->header_crc = get_le32(in + CDNA_IMAGE_OFF_HEADER_CRC);
}

void cdna_image_header_init(struct cdna_image_header *h)
{
	h->magic = CDNA_IMAGE_MAGIC;
	h->format_version = CDNA_IMAGE_FORMAT_VERSION;
	h->header_size = CDNA_IMAGE_HEADER_SIZE;
	h->fw_version = 0;
	h->hw_id = CDNA_HW_ID;
	h->load_addr = 0;
	h->entry = 0;
	h->stack_top = 0;
	h->payload_size = 0;
	h->payload_crc = 0;
	h->flags = 0;
	for (unsigned i = 0; i < CDNA_IMAGE_NAME_LEN; i++)
		h->name[i] = '\0';
	h->build_time = 0;
	h->header_crc = 0;
}

void cdna_image_encode_header(struct cdna_image_header *h, const void *payload,
			      uint8_t out[CDNA_IMAGE_HEADER_SIZE])
{
	if (payload)
		h->payload_crc = cdna_crc32(0, payload, h->payload_size);

	put_le32(out + CDNA_IMAGE_OFF_MAGIC, h->magic);
	put_le16(out + CDNA_IMAGE_OFF_FORMAT_VERSION, h->format_version);
	put_le16(out + CDNA_IMAGE_OFF_HEADER_SIZE, h->header_size);
	put_le32(out + CDNA_IMAGE_OFF_FW_VERSION, h->fw_version);
	put_le32(out + CDNA_IMAGE_OFF_HW_ID, h->hw_id);
	put_le32(out + CDNA_IMAGE_OFF_LOAD_ADDR, h->load_addr);
	put_le32(out + CDNA_IMAGE_OFF_ENTRY, h->entry);
	put_le32(out + CDNA_IMAGE_OFF_STACK_TOP, h->stack_top);
	put_le32(out + CDNA_IMAGE_OFF_PAYLOAD_SIZE, h->payload_size);
	put_le32(out + CDNA_IMAGE_OFF_PAYLOAD_CRC, h->payload_crc);
	put_le32(out + CDNA_IMAGE_OFF_FLAGS, h->flags);
	for (unsigned i = 0; i < CDNA_IMAGE_NAME_LEN; i++)
		out[CDNA_IMAGE_OFF_NAME + i] = (uint8_t)h->name[i];
	put_le32(out + CDNA_IMAGE_OFF_BUILD_TIME, h->build_time);

	h->header_crc = cdna_crc32(0, out, CDNA_IMAGE_OFF_HEADER_CRC);
	put_le32(out + CDNA_IMAGE_OFF_HEADER_CRC, h->header_crc);
}

/* Printable characters, then only NULs: safe to print with "%.16s". */
static int name_ok(const char *name)
{
	unsigned i = 0;

	while (i < CDNA_IMAGE_NAME_LEN && name[i] != '\0') {
		if (name[i] < 0x20 || name[i] > 0x7e)
			return 0;
		i++;
	}
	while (i < CDNA_IMAGE_NAME_LEN) {
		if (name[i] != '\0')
			return 0;
		i++;
	}
	return 1;
}

/*
 * The range tests use unsigned wrap-around: "x - base >= size" is true for
 * x below base as well as for x at or beyond base + size, in one compare
 * and without 64-bit arithmetic (cheap in the boot ROM).
 */
const char *cdna_image_layout_problem(const struct cdna_image_header *h)
{
	uint32_t load_off = h->load_addr - CDNA_NIC_CODE_BASE;
	uint32_t entry = h->entry & ~1u;

	if (h->load_addr & 3u)
		return "load address is not 4-byte aligned";
	if (load_off >= CDNA_NIC_CODE_SIZE)
		return "load address is outside code RAM";
	/* load_off < CODE_SIZE here, so the subtraction cannot wrap. */
	if (h->payload_size > CDNA_NIC_CODE_SIZE - load_off)
		return "payload extends beyond the end of code RAM";
	if (!(h->entry & 1u))
		return "entry point lacks the Thumb bit (bit 0)";
	if (entry - h->load_addr >= h->payload_size)
		return "entry point is outside the loaded payload";
	if (h->stack_top & 7u)
		return "initial stack pointer is not 8-byte aligned";
	/* Full descending stack: SRAM end itself is valid, SRAM base not. */
	if (h->stack_top - CDNA_NIC_SRAM_BASE - 1u >= CDNA_NIC_SRAM_SIZE)
		return "initial stack pointer is outside SRAM";
	if (!name_ok(h->name))
		return "name is not NUL-padded printable ASCII";
	return NULL;
}

enum cdna_image_error cdna_image_check(const void *img, size_t size,
				       struct cdna_image_header *hdr_out)
{
	const uint8_t *p = img;
	struct cdna_image_header local;
	/* Decode straight into the caller's struct: no struct copy (memcpy). */
	struct cdna_image_header *h = hdr_out ? hdr_out : &local;
	size_t have;

	if (size == 0)
		return CDNA_IMAGE_EMPTY;
	if (size < CDNA_IMAGE_HEADER_SIZE)
		return CDNA_IMAGE_TRUNCATED_HEADER;

	cdna_image_decode_header(p, h);
	if (h->magic != CDNA_IMAGE_MAGIC)
		return CDNA_IMAGE_BAD_MAGIC;
	if (cdna_crc32(0, p, CDNA_IMAGE_OFF_HEADER_CRC) != h->header_crc)
		return CDNA_IMAGE_BAD_HEADER_CRC;
	if (h->format_version != CDNA_IMAGE_FORMAT_VERSION ||
	    h->header_size != CDNA_IMAGE_HEADER_SIZE)
		return CDNA_IMAGE_BAD_FORMAT;
	if (h->hw_id != CDNA_HW_ID)
		return CDNA_IMAGE_WRONG_HW;
	/*
	 * Only the absolute bound here; whether the payload fits at
	 * load_addr is a layout rule, checked once the bytes are known good.
	 */
	if (h->payload_size == 0 || h->payload_size > CDNA_NIC_CODE_SIZE)
		return CDNA_IMAGE_BAD_SIZE;

	have = size - CDNA_IMAGE_HEADER_SIZE;
	if (have < h->payload_size)
		return CDNA_IMAGE_TRUNCATED;
	if (have > h->payload_size)
		return CDNA_IMAGE_TRAILING;
	if (cdna_crc32(0, p + CDNA_IMAGE_HEADER_SIZE, h->payload_size) !=
	    h->payload_crc)
		return CDNA_IMAGE_BAD_PAYLOAD_CRC;
	if (cdna_image_layout_problem(h))
		return CDNA_IMAGE_BAD_LAYOUT;
	return CDNA_IMAGE_OK;
}

const char *cdna_image_strerror(enum cdna_image_error err)
{
	/* Lower case, no final period: callers print "FILE: <this> (...)". */
	switch (err) {
	case CDNA_IMAGE_OK:
		return "image is valid";
	case CDNA_IMAGE_EMPTY:
		return "image is empty: it has no bytes at all";
	case CDNA_IMAGE_TRUNCATED_HEADER:
		return "image is shorter than its 64-byte header";
	case CDNA_IMAGE_BAD_MAGIC:
		return "bad magic: this is not a cdna firmware image";
	case CDNA_IMAGE_BAD_HEADER_CRC:
		return "header CRC mismatch: the image header is corrupt";
	case CDNA_IMAGE_BAD_FORMAT:
		return "unsupported image format version or header size";
	case CDNA_IMAGE_WRONG_HW:
		return "image is built for a different NIC: wrong hardware id";
	case CDNA_IMAGE_BAD_SIZE:
		return "payload size is zero or larger than the NIC's code RAM";
	case CDNA_IMAGE_TRUNCATED:
		return "image is truncated: it is shorter than header plus payload";
	case CDNA_IMAGE_TRAILING:
		return "image has trailing bytes after its payload";
	case CDNA_IMAGE_BAD_PAYLOAD_CRC:
		return "payload CRC mismatch: the image payload is corrupt";
	case CDNA_IMAGE_BAD_LAYOUT:
		return "bad layout: load address, entry point, stack pointer "
		       "or name is invalid";
	case CDNA_IMAGE_ERROR_NUM:
		break;
	}
	return "unknown image error";
}
