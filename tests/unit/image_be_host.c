/* SPDX-License-Identifier: MIT */
/*
 * image_be_host.c - test_image_be: run image_be_guest (the image library
 * built for big-endian ARM) under unicorn on an image made here, and report, TAP
 * style, whether it decoded, checked and re-encoded the image as a
 * little-endian host does.
 *
 * Usage: test_image_be [GUEST.bin]; the default is image_be_guest.bin in
 * the directory of this program (where mk/image.mk builds both).
 */
#include <stdio.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "crc32.h"
#include "image_check.h"
#include "image_be.h"

static uint8_t img[CDNA_IMAGE_HEADER_SIZE + BE_PAYLOAD];
static int failed;

static void make_image(void)
{
	struct cdna_image_header h;
	uint8_t *payload = img + CDNA_IMAGE_HEADER_SIZE;
	uint32_t x = 7;

	for (unsigned i = 0; i < BE_PAYLOAD; i++) {
		x = x * 1103515245u + 12345u;
		payload[i] = (uint8_t)(x >> 16);
	}
	cdna_image_header_init(&h);
	h.fw_version = BE_VERSION;
	h.entry = BE_ENTRY;
	h.stack_top = BE_STACK;
	h.payload_size = BE_PAYLOAD;
	h.build_time = BE_TIME;
	memcpy(h.name, BE_NAME, sizeof(BE_NAME) - 1);
	cdna_image_encode_header(&h, payload, img);
}

static void report(const char *name, uint32_t got, uint32_t want)
{
	if (got == want) {
		printf("ok - %s\n", name);
	} else {
		printf("not ok - %s\n#   got 0x%x, want 0x%x\n", name, got, want);
		failed++;
	}
}

static int load_guest(uc_engine *uc, const char *path)
{
	static uint8_t code[BE_RES - BE_CODE];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(code, 1, sizeof(code), f);
	fclose(f);
	return uc_mem_write(uc, BE_CODE, code, n) ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint8_t r[BE_R_NUM * 4];
	uint32_t res[BE_R_NUM], sp = BE_STACK_PTR;
	char guest[4096];
	uc_engine *uc;
	uc_err err;

	if (argc > 2) {
		fprintf(stderr, "usage: test_image_be [GUEST.bin]\n");
		return 2;
	}
	if (argc == 2) {
		snprintf(guest, sizeof(guest), "%s", argv[1]);
	} else {
		const char *slash = strrchr(argv[0], '/');
		int dir = slash ? (int)(slash - argv[0]) : 1;

		snprintf(guest, sizeof(guest), "%.*s/image_be_guest.bin", dir,
			 slash ? argv[0] : ".");
	}
	make_image();
	/* BE8: big-endian data, little-endian instructions (ARMv7). */
	if (uc_open(UC_ARCH_ARM, UC_MODE_ARM | UC_MODE_ARMBE8, &uc) ||
	    uc_mem_map(uc, 0, BE_MEM_SIZE, UC_PROT_ALL) ||
	    load_guest(uc, guest) ||
	    uc_mem_write(uc, BE_IMG, img, sizeof(img)) ||
	    uc_reg_write(uc, UC_ARM_REG_SP, &sp)) {
		fprintf(stderr, "test_image_be: cannot set up unicorn\n");
		return 2;
	}
	/* The guest ends in a branch-to-self: stop on a budget, then look. */
	err = uc_emu_start(uc, BE_CODE, 0xffffffffu, 5u * 1000 * 1000,
			   20u * 1000 * 1000);
	/* A crash is a failure too: say where, then report what got done. */
	if (err != UC_ERR_OK) {
		uint32_t pc = 0;

		uc_reg_read(uc, UC_ARM_REG_PC, &pc);
		printf("#   unicorn: %s at pc 0x%08x\n", uc_strerror(err), pc);
	}
	if (uc_mem_read(uc, BE_RES, r, sizeof(r)))
		memset(r, 0, sizeof(r));
	uc_close(uc);
	for (unsigned i = 0; i < BE_R_NUM; i++)
		res[i] = (uint32_t)r[4 * i] << 24 | (uint32_t)r[4 * i + 1] << 16 |
			 (uint32_t)r[4 * i + 2] << 8 | r[4 * i + 3];

	report("be_guest_ran_to_completion", res[BE_R_DONE], BE_DONE_MAGIC);
	report("be_guest_cpu_is_big_endian", res[BE_R_BIG_ENDIAN], 1);
	report("be_crc32_check_value", res[BE_R_CRC], 0xcbf43926u);
	report("be_host_made_image_checks_ok", res[BE_R_CHECK], CDNA_IMAGE_OK);
	report("be_header_fields_decode_as_encoded", res[BE_R_FIELDS], 1);
	report("be_encode_gives_the_same_header_bytes", res[BE_R_ENCODE], 1);
	report("be_truncation_detected", res[BE_R_TRUNCATED],
	       CDNA_IMAGE_TRUNCATED);
	report("be_header_flip_detected", res[BE_R_HDR_FLIP],
	       CDNA_IMAGE_BAD_HEADER_CRC);
	report("be_payload_flip_detected", res[BE_R_PAYLOAD_FLIP],
	       CDNA_IMAGE_BAD_PAYLOAD_CRC);
	return failed ? 1 : 0;
}
