/* SPDX-License-Identifier: MIT */
/*
 * test_flash.c - flashing the NIC through BAR2's flash window (regs.h
 * MGMT_FLASH_*): the protocol one behaviour per test, the boot ROM's
 * trial, commit and rollback with the real images, and power cuts at
 * every cut point (a chunk boundary of the transfer, every 4-byte step of
 * every bank-table write), each followed by a restart on the same flash
 * file, a check of what the NIC boots and shows, and a retried flash.
 *
 * Images: $BUILD/firmware/cdna-fw.img (1.0.0), test/cdna-fw-v2.img
 * (1.1.0) and test/fault-boot.img (crashes before it reports RUNNING).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/host_mem.h"
#include "bootrom.h"
#include "cdna_nic.h"
#include "flash_table.h"
#include "image_check.h"

#define HOST_BASE 0x100000ull
#define HOST_SIZE (1u << 20)
#define V1 CDNA_FW_VERSION(1, 0, 0)
#define V2 CDNA_FW_VERSION(1, 1, 0)
#define VCRASH CDNA_FW_VERSION(0, 0, 1)
/* A chunk: 4 KiB of DATA writes, the unit a host reports progress in. */
#define CHUNK_WORDS 1024u
#define TABLE_UNITS (FLASH_TABLE_SLOT_SIZE / 4)

static struct host_mem HM;
static uint64_t NOW = 1000;
static char PATH[64];

static uint64_t now_us(void *o)
{
	(void)o;
	return NOW;
}

static void log_cb(void *o, enum cdna_nic_log_level l, const char *msg)
{
	(void)o;
	(void)l;
	if (getenv("NIC_LOG"))
		fprintf(stderr, "# nic: %s\n", msg);
}

static const struct cdna_nic_ops ops = {
	.opaque = &HM, .dma_read = host_mem_dma_read,
	.dma_write = host_mem_dma_write, .now_us = now_us, .log = log_cb,
};

/* ---- the platform: a NIC on the flash file PATH --------------------- */

static struct cdna_nic *nic_open(void)
{
	struct cdna_nic_config cfg = { .flash_path = PATH };
	struct cdna_nic *nic;
	char err[256];

	if (!HM.mem)
		host_mem_init(&HM, HOST_BASE, HOST_SIZE);
	nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	if (!nic)
		check_fail(__FILE__, __LINE__, "cdna_nic_new: %s", err);
	cdna_nic_run(nic);
	return nic;
}

/* Power off and on: a new NIC on the same flash file. */
static struct cdna_nic *restart(struct cdna_nic *nic)
{
	cdna_nic_free(nic);
	return nic_open();
}

static void file_put(const uint8_t *bytes)
{
	int fd = open(PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, bytes, CDNA_FLASH_FILE_SIZE) !=
			      (ssize_t)CDNA_FLASH_FILE_SIZE)
		check_fail(__FILE__, __LINE__, "cannot write %s", PATH);
	close(fd);
}

static uint8_t *file_get(void)
{
	uint8_t *b = malloc(CDNA_FLASH_FILE_SIZE);
	int fd = open(PATH, O_RDONLY);

	if (!b || fd < 0 || read(fd, b, CDNA_FLASH_FILE_SIZE) !=
				    (ssize_t)CDNA_FLASH_FILE_SIZE)
		check_fail(__FILE__, __LINE__, "cannot read %s", PATH);
	close(fd);
	return b;
}

/* A factory flash: v1 in bank 0 (cdna-image flash's layout), no table. */
static struct cdna_nic *factory_nic(void)
{
	struct fw_img v1 = fw_img_load("cdna-fw.img");
	struct cdna_nic *nic;
	char err[256];

	unlink(PATH);
	nic = nic_open();
	if (cdna_nic_flash_program(nic, 0, v1.b, v1.n, err, sizeof(err)))
		check_fail(__FILE__, __LINE__, "program: %s", err);
	free(v1.b);
	return restart(nic);
}

static uint32_t rd(struct cdna_nic *nic, uint32_t off)
{
	return (uint32_t)cdna_nic_bar_read(nic, 2, off, 4);
}

static void wr(struct cdna_nic *nic, uint32_t off, uint32_t v)
{
	cdna_nic_bar_write(nic, 2, off, v, 4);
}

/* The host's side: BEGIN, DATA words, VERIFY; the final STATUS. */
static uint32_t flash_bytes(struct cdna_nic *nic, uint32_t bank,
			    const uint8_t *b, size_t n)
{
	wr(nic, MGMT_FLASH_BANK, bank);
	wr(nic, MGMT_FLASH_SIZE, (uint32_t)n);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	if (rd(nic, MGMT_FLASH_STATUS) != CDNA_FLASH_ST_OK)
		return rd(nic, MGMT_FLASH_STATUS);
	for (size_t o = 0; o < n; o += 4) {
		uint32_t w = 0;

		for (size_t i = 0; i < 4 && o + i < n; i++)
			w |= (uint32_t)b[o + i] << (8 * i);
		wr(nic, MGMT_FLASH_DATA, w);
	}
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_VERIFY);
	return rd(nic, MGMT_FLASH_STATUS);
}

static uint32_t flash_img(struct cdna_nic *nic, uint32_t bank,
			  const struct fw_img *i)
{
	return flash_bytes(nic, bank, i->b, i->n);
}

static void reset(struct cdna_nic *nic)
{
	wr(nic, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
	cdna_nic_run(nic);
}

/* Let the health deadline of a trial pass. */
static void past_deadline(struct cdna_nic *nic)
{
	NOW += (uint64_t)CDNA_FLASH_TRIAL_MS * 1000u;
	cdna_nic_run(nic);
}

static uint32_t st(struct cdna_nic *nic, uint32_t b)
{
	return rd(nic, MGMT_FLASH_BANK_ST(b));
}

static uint32_t ver(struct cdna_nic *nic, uint32_t b)
{
	return rd(nic, MGMT_FLASH_BANK_VER(b));
}

static void expect_running(struct cdna_nic *nic, uint32_t bank, uint32_t v)
{
	CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK_EQ(rd(nic, MGMT_BOOT_BANK), bank);
	CHECK_EQ(rd(nic, MGMT_FW_VERSION), v);
}

static int mem_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	return !memcmp(a, b, n);
}

__attribute__((constructor)) static void make_path(void)
{
	int fd;

	snprintf(PATH, sizeof(PATH), "/tmp/cdna-test-flash.XXXXXX");
	fd = mkstemp(PATH);
	if (fd >= 0)
		close(fd);
}

__attribute__((destructor)) static void drop_path(void)
{
	unlink(PATH);
	host_mem_free(&HM);
}

/* ---- protocol ------------------------------------------------------- */

TEST(a_factory_flash_shows_bank0_active_and_bank1_empty)
{
	struct cdna_nic *nic = factory_nic();

	expect_running(nic, 0, V1);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(ver(nic, 0), V1);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_EMPTY);
	CHECK_EQ(ver(nic, 1), 0);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), 0);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_OK);
	cdna_nic_free(nic);
}

TEST(a_verified_image_is_pending_and_boots_as_a_trial_that_commits)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_PENDING);
	CHECK_EQ(ver(nic, 1), V2);
	/* The old firmware serves on until the reset. */
	expect_running(nic, 0, V1);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_ACTIVE);
	reset(nic);
	expect_running(nic, 1, V2);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS),
		 MGMT_BOOT_F_TABLE | MGMT_BOOT_F_TRIAL);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_VALID);
	CHECK_EQ(ver(nic, 0), V1);
	/* Committed: the next reset boots it again, not as a trial. */
	reset(nic);
	expect_running(nic, 1, V2);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), MGMT_BOOT_F_TABLE);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(a_nic_without_firmware_can_be_flashed)
{
	struct fw_img v1 = fw_img_load("cdna-fw.img");
	struct cdna_nic *nic;

	unlink(PATH);
	nic = nic_open();
	CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_NO_FW);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_EMPTY);
	CHECK_EQ(flash_img(nic, 0, &v1), CDNA_FLASH_ST_OK);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_PENDING);
	reset(nic);
	expect_running(nic, 0, V1);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_EMPTY);
	free(v1.b);
	cdna_nic_free(nic);
}

TEST(bank_states_survive_a_restart)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	nic = restart(nic);   /* the pending bank boots at power on too */
	expect_running(nic, 1, V2);
	nic = restart(nic);
	expect_running(nic, 1, V2);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), MGMT_BOOT_F_TABLE);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_VALID);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(flashing_back_and_forth_alternates_banks)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v1 = fw_img_load("cdna-fw.img"), v2 = fw_img_load("test/cdna-fw-v2.img");

	for (int i = 0; i < 4; i++) {
		uint32_t to = (uint32_t)(i + 1) % 2;
		const struct fw_img *im = to ? &v2 : &v1;

		CHECK_EQ(flash_img(nic, to, im), CDNA_FLASH_ST_OK);
		reset(nic);
		expect_running(nic, to, im->version);
		CHECK_EQ(st(nic, to), CDNA_FLASH_BANK_ACTIVE);
		CHECK_EQ(st(nic, 1 - to), CDNA_FLASH_BANK_VALID);
	}
	free(v1.b);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(offset_shows_progress_and_bank_shows_writing)
{
	struct cdna_nic *nic = factory_nic();

	wr(nic, MGMT_FLASH_BANK, 1);
	wr(nic, MGMT_FLASH_SIZE, 4096);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_OK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_WRITING);
	for (int i = 0; i < 10; i++)
		wr(nic, MGMT_FLASH_DATA, 0x12345678);
	CHECK_EQ(rd(nic, MGMT_FLASH_OFFSET), 40);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_CANCEL);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_OK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_INVALID);
	cdna_nic_free(nic);
}

TEST(the_booted_bank_is_refused_and_untouched)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	uint8_t *before = file_get(), *after;

	CHECK_EQ(flash_img(nic, 0, &v2), CDNA_FLASH_ST_BANK_IN_USE);
	wr(nic, MGMT_FLASH_DATA, 0);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_NOT_OPEN);
	after = file_get();
	CHECK(mem_eq(before, after, CDNA_FLASH_FILE_SIZE));
	free(before);
	free(after);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(during_a_trial_both_banks_are_refused)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img crash = fw_img_load("test/fault-boot.img");

	CHECK_EQ(flash_img(nic, 1, &crash), CDNA_FLASH_ST_OK);
	reset(nic);
	CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_FAULT);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_TRIAL);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(flash_img(nic, 0, &crash), CDNA_FLASH_ST_BANK_IN_USE);
	CHECK_EQ(flash_img(nic, 1, &crash), CDNA_FLASH_ST_BANK_IN_USE);
	free(crash.b);
	cdna_nic_free(nic);
}

TEST(bad_bank_zero_and_oversized_sizes_are_refused_at_begin)
{
	struct cdna_nic *nic = factory_nic();
	uint8_t *before = file_get(), *after;

	wr(nic, MGMT_FLASH_BANK, 2);
	wr(nic, MGMT_FLASH_SIZE, 64);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_BAD_BANK);
	wr(nic, MGMT_FLASH_BANK, 1);
	wr(nic, MGMT_FLASH_SIZE, 0);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_BAD_SIZE);
	wr(nic, MGMT_FLASH_SIZE, CDNA_FLASH_BANK_SIZE + 1);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_BAD_SIZE);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_EMPTY);
	wr(nic, MGMT_FLASH_CMD, 99);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_BAD_CMD);
	after = file_get();
	CHECK(mem_eq(before, after, CDNA_FLASH_FILE_SIZE));
	free(before);
	free(after);
	cdna_nic_free(nic);
}

TEST(verify_without_begin_short_transfer_and_overrun_are_refused)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_VERIFY);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_NOT_OPEN);
	/* SIZE says more than the host sends. */
	wr(nic, MGMT_FLASH_BANK, 1);
	wr(nic, MGMT_FLASH_SIZE, (uint32_t)v2.n + 8);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	for (size_t o = 0; o < v2.n; o += 4)
		wr(nic, MGMT_FLASH_DATA, 0);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_VERIFY);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_INCOMPLETE);
	/* The host sends more than SIZE. */
	wr(nic, MGMT_FLASH_SIZE, 8);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	for (int i = 0; i < 3; i++)
		wr(nic, MGMT_FLASH_DATA, 0);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_OVERRUN);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_VERIFY);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_OVERRUN);
	CHECK(st(nic, 1) != CDNA_FLASH_BANK_PENDING);
	reset(nic);
	expect_running(nic, 0, V1);
	free(v2.b);
	cdna_nic_free(nic);
}

/* A bad image: refused with why; table, active bank and boot unchanged. */
static void refused(const uint8_t *b, size_t n, uint32_t why)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	uint8_t *before, *after;
	const size_t bank1 = CDNA_FLASH_BANK_SIZE;

	/* With a table (v2 committed in bank 1, v1 VALID in bank 0), so that
	 * "unchanged" covers the table too. */
	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	reset(nic);
	expect_running(nic, 1, V2);
	before = file_get();
	CHECK_EQ(flash_bytes(nic, 0, b, n),
		 CDNA_FLASH_ST_BAD_IMAGE | why << 8);
	after = file_get();
	CHECK(mem_eq(before + bank1, after + bank1,
		     CDNA_FLASH_FILE_SIZE - bank1));
	CHECK(st(nic, 0) != CDNA_FLASH_BANK_PENDING);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_ACTIVE);
	reset(nic);
	expect_running(nic, 1, V2);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), MGMT_BOOT_F_TABLE);
	free(before);
	free(after);
	free(v2.b);
	cdna_nic_free(nic);
}

/* v1 changed by f, as a host might send it. */
static void refused_v1(void (*f)(uint8_t *b, size_t *n), uint32_t why)
{
	struct fw_img v1 = fw_img_load("cdna-fw.img");
	uint8_t *b = realloc(v1.b, v1.n + 64);
	size_t n = v1.n;

	f(b, &n);
	refused(b, n, why);
	free(b);
}

static void rehdr(uint8_t *b)
{
	struct cdna_image_header h;

	cdna_image_decode_header(b, &h);
	cdna_image_encode_header(&h, NULL, b);
}

static void payload_bit(uint8_t *b, size_t *n) { b[*n - 7] ^= 0x10; }
static void header_bit(uint8_t *b, size_t *n) { (void)n; b[0x29] ^= 1; }
static void truncate8(uint8_t *b, size_t *n) { (void)b; *n -= 8; }
static void trailing(uint8_t *b, size_t *n) { memset(b + *n, 0, 8); *n += 8; }
static void magic(uint8_t *b, size_t *n) { (void)n; b[0] = 'X'; }
static void format(uint8_t *b, size_t *n)
{
	(void)n;
	b[CDNA_IMAGE_OFF_FORMAT_VERSION] = 2;
	rehdr(b);
}
static void hw_id(uint8_t *b, size_t *n)
{
	(void)n;
	b[CDNA_IMAGE_OFF_HW_ID] ^= 1;
	rehdr(b);
}

TEST(a_corrupt_payload_is_refused_and_nothing_changes)
{
	refused_v1(payload_bit, CDNA_IMAGE_BAD_PAYLOAD_CRC);
}

TEST(a_corrupt_header_is_refused_and_nothing_changes)
{
	refused_v1(header_bit, CDNA_IMAGE_BAD_HEADER_CRC);
}

TEST(a_truncated_image_is_refused_and_nothing_changes)
{
	refused_v1(truncate8, CDNA_IMAGE_TRUNCATED);
}

TEST(trailing_bytes_are_refused_and_nothing_changes)
{
	refused_v1(trailing, CDNA_IMAGE_TRAILING);
}

TEST(a_file_that_is_no_image_is_refused_and_nothing_changes)
{
	refused_v1(magic, CDNA_IMAGE_BAD_MAGIC);
}

TEST(an_unknown_format_is_refused_and_nothing_changes)
{
	refused_v1(format, CDNA_IMAGE_BAD_FORMAT);
}

TEST(an_image_for_another_nic_is_refused_and_nothing_changes)
{
	refused_v1(hw_id, CDNA_IMAGE_WRONG_HW);
}

/* The header CRC of an image, as its bytes say (image.h 0x3c). */
static uint32_t header_crc_of(const struct fw_img *i)
{
	struct cdna_image_header h;

	cdna_image_decode_header(i->b, &h);
	return h.header_crc;
}

TEST(bank_crc_is_the_header_crc_of_the_image_a_bank_holds)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v1 = fw_img_load("cdna-fw.img"), v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(rd(nic, MGMT_FLASH_BANK_CRC(0)), header_crc_of(&v1));
	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	CHECK_EQ(rd(nic, MGMT_FLASH_BANK_CRC(1)), header_crc_of(&v2));
	CHECK(header_crc_of(&v1) != header_crc_of(&v2));
	free(v1.b);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(bank_crc_reads_0_for_an_empty_or_invalid_bank)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_EMPTY);
	CHECK_EQ(rd(nic, MGMT_FLASH_BANK_CRC(1)), 0);
	v2.b[v2.n - 5] ^= 0x40;   /* refused by VERIFY: the bank is INVALID */
	CHECK_EQ(flash_img(nic, 1, &v2) & 0xffu, CDNA_FLASH_ST_BAD_IMAGE);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_INVALID);
	CHECK_EQ(rd(nic, MGMT_FLASH_BANK_CRC(1)), 0);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(cancel_unpends_a_pending_bank)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	wr(nic, MGMT_FLASH_BANK, 1);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_CANCEL);
	CHECK_EQ(rd(nic, MGMT_FLASH_STATUS), CDNA_FLASH_ST_OK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_VALID);
	reset(nic);
	expect_running(nic, 0, V1);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), MGMT_BOOT_F_TABLE);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(a_crash_at_boot_rolls_back_at_the_health_deadline)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img crash = fw_img_load("test/fault-boot.img");
	uint64_t until;

	CHECK_EQ(flash_img(nic, 1, &crash), CDNA_FLASH_ST_OK);
	reset(nic);
	CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_FAULT);
	CHECK_EQ(rd(nic, MGMT_BOOT_BANK), 1);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS),
		 MGMT_BOOT_F_TABLE | MGMT_BOOT_F_TRIAL);
	/* The platform is told when to come back. */
	until = cdna_nic_run(nic);
	CHECK_EQ(until, (uint64_t)CDNA_FLASH_TRIAL_MS * 1000u);
	NOW += until - 1;
	cdna_nic_run(nic);
	CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_FAULT);
	NOW += 1;
	cdna_nic_run(nic);
	expect_running(nic, 0, V1);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS),
		 MGMT_BOOT_F_TABLE | MGMT_BOOT_F_ROLLBACK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_FAILED);
	CHECK_EQ(ver(nic, 1), VCRASH);
	CHECK_EQ(st(nic, 0), CDNA_FLASH_BANK_ACTIVE);
	/* FAILED stays FAILED, and never boots again. */
	reset(nic);
	expect_running(nic, 0, V1);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), MGMT_BOOT_F_TABLE);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_FAILED);
	free(crash.b);
	cdna_nic_free(nic);
}

TEST(a_reset_before_the_commit_rolls_back)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img crash = fw_img_load("test/fault-boot.img");

	CHECK_EQ(flash_img(nic, 1, &crash), CDNA_FLASH_ST_OK);
	reset(nic);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_TRIAL);
	reset(nic);
	expect_running(nic, 0, V1);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS),
		 MGMT_BOOT_F_TABLE | MGMT_BOOT_F_ROLLBACK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_FAILED);
	free(crash.b);
	cdna_nic_free(nic);
}

TEST(a_failed_bank_can_be_flashed_again)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img crash = fw_img_load("test/fault-boot.img");
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(flash_img(nic, 1, &crash), CDNA_FLASH_ST_OK);
	reset(nic);
	reset(nic);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_FAILED);
	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_PENDING);
	reset(nic);
	expect_running(nic, 1, V2);
	CHECK_EQ(st(nic, 1), CDNA_FLASH_BANK_ACTIVE);
	free(crash.b);
	free(v2.b);
	cdna_nic_free(nic);
}

TEST(the_factory_programmer_voids_a_stale_record)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct fw_img crash = fw_img_load("test/fault-boot.img");
	char err[256];

	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	reset(nic);
	expect_running(nic, 1, V2);
	/* The table says bank 1 ACTIVE with v2; the programmer puts
	 * another image there: the record no longer counts. */
	CHECK_EQ(cdna_nic_flash_program(nic, 1, crash.b, crash.n, err,
					sizeof(err)), 0);
	reset(nic);
	expect_running(nic, 0, V1);
	CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS),
		 MGMT_BOOT_F_TABLE | MGMT_BOOT_F_FALLBACK);
	free(v2.b);
	free(crash.b);
	cdna_nic_free(nic);
}

static double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(time_to_flash_one_image_through_the_window)
{
	struct cdna_nic *nic = factory_nic();
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	double t0, t1, t2;

	t0 = secs();
	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	t1 = secs();
	reset(nic);
	expect_running(nic, 1, V2);
	t2 = secs();
	printf("# flash %zu bytes (%zu DATA writes) through the window: "
	       "%.1f ms (%.2f MB/s); reset, trial boot and commit: %.1f ms\n",
	       v2.n, (v2.n + 3) / 4, (t1 - t0) * 1e3,
	       (double)v2.n / (t1 - t0) / 1e6, (t2 - t1) * 1e3);
	free(v2.b);
	cdna_nic_free(nic);
}

/* ---- power cuts ------------------------------------------------------ */

/*
 * A scenario: from a start state (a flash file), flash img into bank to,
 * VERIFY, reset (the boot ROM writes TRIAL), then the commit (a good
 * image reports RUNNING) or, for the crash image, the health deadline and
 * the rollback.  Flash writes, in 4-byte units: the transfer (T units, one
 * per DATA write), then three bank-table writes of TABLE_UNITS each
 * (pending, trial, commit or rollback).  A cut after k units, then a
 * restart, must leave what the phase k falls in says.
 */
struct scenario {
	const char *img;
	uint32_t to;                        /* bank flashed */
	int good;                           /* commits, or crashes */
	void (*prepare)(struct cdna_nic *nic);
	/* Filled in by scenario_setup: */
	uint8_t *tmpl;                      /* the start state's flash file */
	struct fw_img im;
	uint32_t from, from_ver, init_flags;
	uint32_t init_to_st, init_to_crc;
	uint64_t units;                     /* T */
};

static void prep_none(struct cdna_nic *nic)
{
	(void)nic;
}

/* v1 ACTIVE in bank 0, the crash image FAILED in bank 1. */
static void prep_failed(struct cdna_nic *nic)
{
	struct fw_img crash = fw_img_load("test/fault-boot.img");

	CHECK_EQ(flash_img(nic, 1, &crash), CDNA_FLASH_ST_OK);
	reset(nic);
	reset(nic);
	free(crash.b);
}

/* v2 ACTIVE in bank 1, v1 VALID in bank 0. */
static void prep_upgraded(struct cdna_nic *nic)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");

	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	reset(nic);
	free(v2.b);
}

static void scenario_setup(struct scenario *s)
{
	struct cdna_nic *nic = factory_nic();
	struct cdna_image_header h;

	s->prepare(nic);
	cdna_nic_free(nic);
	s->tmpl = file_get();
	s->im = fw_img_load(s->img);
	nic = nic_open();
	CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	s->from = rd(nic, MGMT_BOOT_BANK);
	CHECK(s->from != s->to);
	s->from_ver = rd(nic, MGMT_FW_VERSION);
	s->init_flags = rd(nic, MGMT_BOOT_FLAGS);
	s->init_to_st = st(nic, s->to);
	s->init_to_crc = cdna_bootrom_check_bank(s->tmpl + s->to *
						 CDNA_FLASH_BANK_SIZE, &h)
				 == CDNA_IMAGE_OK ? h.header_crc : 0;
	CHECK_EQ(st(nic, s->from), CDNA_FLASH_BANK_ACTIVE);
	cdna_nic_free(nic);
	s->units = (s->im.n + 3) / 4;
}

static void scenario_free(struct scenario *s)
{
	free(s->tmpl);
	free(s->im.b);
}

/* The scenario's steps with a cut after cut units (< 0: none); the units
 * persisted. */
static uint64_t scenario_run(struct scenario *s, int64_t cut)
{
	struct cdna_nic *nic;
	uint64_t u0, n;

	file_put(s->tmpl);
	nic = nic_open();
	u0 = cdna_nic_flash_units(nic);
	cdna_nic_flash_cut_after(nic, cut);
	flash_img(nic, s->to, &s->im);
	reset(nic);
	if (!s->good)
		past_deadline(nic);
	n = cdna_nic_flash_units(nic) - u0;
	cdna_nic_free(nic);
	return n;
}

#define CUT_CHECK_EQ(a, b)                                                  \
	do {                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		if (a_ != b_)                                               \
			check_fail(__FILE__, __LINE__, "%s, cut after %llu " \
				   "units: %s == %s (%lld != %lld)", s->img, \
				   (unsigned long long)k, #a, #b, a_, b_);  \
	} while (0)

/* The to-bank's state after k < T units of the transfer: the new image's
 * first 4k bytes over the old bank. */
static uint32_t partial_state(const struct scenario *s, uint64_t k)
{
	uint8_t *bank = malloc(CDNA_FLASH_BANK_SIZE);
	struct cdna_image_header h;
	uint32_t err, r;

	memcpy(bank, s->tmpl + s->to * CDNA_FLASH_BANK_SIZE,
	       CDNA_FLASH_BANK_SIZE);
	memcpy(bank, s->im.b, 4 * k < s->im.n ? 4 * k : s->im.n);
	err = cdna_bootrom_check_bank(bank, &h);
	if (err == CDNA_IMAGE_EMPTY)
		r = CDNA_FLASH_BANK_EMPTY;
	else if (err != CDNA_IMAGE_OK)
		r = CDNA_FLASH_BANK_INVALID;
	else if (h.header_crc == s->init_to_crc)
		r = s->init_to_st;
	else
		r = CDNA_FLASH_BANK_VALID;
	free(bank);
	return r;
}

/* After the cut at k and a restart: what runs, what the window shows, and
 * that a flash then succeeds. */
static void check_after_cut(struct scenario *s, uint64_t k)
{
	const uint64_t T = s->units, t = TABLE_UNITS;
	struct cdna_nic *nic = nic_open();
	uint32_t run_bank, run_ver, flags, st_to, st_from;
	uint8_t *file;

	/* A trial that crashes at the restart rolls back at its deadline. */
	if (rd(nic, MGMT_FW_STATE) != CDNA_FW_STATE_RUNNING)
		past_deadline(nic);
	if (k < T + t) {            /* not pending: nothing changed */
		run_bank = s->from, run_ver = s->from_ver;
		flags = s->init_flags;
		st_to = k < T ? partial_state(s, k) : CDNA_FLASH_BANK_VALID;
		st_from = CDNA_FLASH_BANK_ACTIVE;
	} else if (s->good && (k < T + 2 * t || k >= T + 3 * t)) {
		/* Pending (the restart tries it) or committed. */
		run_bank = s->to, run_ver = s->im.version;
		flags = MGMT_BOOT_F_TABLE |
			(k < T + 2 * t ? MGMT_BOOT_F_TRIAL : 0);
		st_to = CDNA_FLASH_BANK_ACTIVE;
		st_from = CDNA_FLASH_BANK_VALID;
	} else {
		/* A trial never committed, or a rollback done or not. */
		run_bank = s->from, run_ver = s->from_ver;
		flags = MGMT_BOOT_F_TABLE |
			(k < T + 3 * t ? MGMT_BOOT_F_ROLLBACK : 0);
		st_to = CDNA_FLASH_BANK_FAILED;
		st_from = CDNA_FLASH_BANK_ACTIVE;
	}
	CUT_CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CUT_CHECK_EQ(rd(nic, MGMT_BOOT_BANK), run_bank);
	CUT_CHECK_EQ(rd(nic, MGMT_FW_VERSION), run_ver);
	CUT_CHECK_EQ(rd(nic, MGMT_BOOT_FLAGS), flags);
	CUT_CHECK_EQ(st(nic, s->to), st_to);
	CUT_CHECK_EQ(st(nic, s->from), st_from);
	/* Every bank the window calls an image holds one, of that version. */
	file = file_get();
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++) {
		struct cdna_image_header h;
		uint32_t e = cdna_bootrom_check_bank(
			file + b * CDNA_FLASH_BANK_SIZE, &h);

		CUT_CHECK_EQ(st(nic, b) >= CDNA_FLASH_BANK_VALID,
			     e == CDNA_IMAGE_OK);
		CUT_CHECK_EQ(ver(nic, b), e == CDNA_IMAGE_OK ? h.fw_version : 0);
		CUT_CHECK_EQ(st(nic, b) == CDNA_FLASH_BANK_PENDING, 0);
	}
	free(file);
	/* The retry: the image not running, into the bank not booted. */
	{
		struct fw_img other = fw_img_load(run_ver == V1 ? "test/cdna-fw-v2.img"
						       : "cdna-fw.img");
		uint32_t to = 1 - run_bank;

		CUT_CHECK_EQ(flash_img(nic, to, &other), CDNA_FLASH_ST_OK);
		reset(nic);
		CUT_CHECK_EQ(rd(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
		CUT_CHECK_EQ(rd(nic, MGMT_BOOT_BANK), to);
		CUT_CHECK_EQ(rd(nic, MGMT_FW_VERSION), other.version);
		CUT_CHECK_EQ(st(nic, to), CDNA_FLASH_BANK_ACTIVE);
		free(other.b);
	}
	cdna_nic_free(nic);
}

/* Every cut point of scenario s; prints how many of each kind. */
static void cut_everywhere(struct scenario *s)
{
	uint64_t T, total, k, n_xfer = 0, n_table = 0;
	double t0 = secs();

	scenario_setup(s);
	T = s->units;
	total = scenario_run(s, -1);
	/* The transfer, then exactly three table writes: pending, trial,
	 * commit or rollback. */
	CHECK_EQ(total, T + 3 * TABLE_UNITS);
	/* The transfer: before the first write, after every write of the
	 * header (the bytes that make a bank look like an image), at every
	 * 4 KiB chunk boundary, before the last write. */
	for (k = 0; k < T; k = k < CDNA_IMAGE_HEADER_SIZE / 4 ? k + 1
			       : k < CHUNK_WORDS ? CHUNK_WORDS
			       : k + CHUNK_WORDS) {
		scenario_run(s, (int64_t)k);
		check_after_cut(s, k);
		n_xfer++;
	}
	k = T - 1;
	scenario_run(s, (int64_t)k);
	check_after_cut(s, k);
	n_xfer++;
	/* Every 4-byte step of every table write, and the end. */
	for (k = T; k <= total; k++) {
		scenario_run(s, (int64_t)k);
		check_after_cut(s, k);
		n_table++;
	}
	printf("# %s into bank %u: %llu transfer cuts (T = %llu writes), "
	       "%llu table cuts (3 writes x %u steps + completion), "
	       "%.2f s\n", s->img, s->to, (unsigned long long)n_xfer,
	       (unsigned long long)T, (unsigned long long)n_table,
	       TABLE_UNITS, secs() - t0);
	scenario_free(s);
}

TEST(cuts_upgrading_a_factory_flash)
{
	struct scenario s = { .img = "test/cdna-fw-v2.img", .to = 1,
			      .good = 1, .prepare = prep_none };

	cut_everywhere(&s);
}

TEST(cuts_trying_a_crashing_image_on_a_factory_flash)
{
	struct scenario s = { .img = "test/fault-boot.img", .to = 1,
			      .good = 0, .prepare = prep_none };

	cut_everywhere(&s);
}

TEST(cuts_upgrading_over_a_failed_bank)
{
	struct scenario s = { .img = "test/cdna-fw-v2.img", .to = 1,
			      .good = 1, .prepare = prep_failed };

	cut_everywhere(&s);
}

TEST(cuts_trying_a_crashing_image_over_the_previous_version)
{
	struct scenario s = { .img = "test/fault-boot.img", .to = 0,
			      .good = 0, .prepare = prep_upgraded };

	cut_everywhere(&s);
}

/* What QEMU's x-flash-cut-after watches: the units left reach 0 when the
 * power goes, whether a write ends exactly there or crosses it. */
TEST(cut_left_counts_down_to_the_power_cut)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_nic *nic = factory_nic();
	uint64_t u0 = cdna_nic_flash_units(nic);

	CHECK_EQ(cdna_nic_flash_cut_left(nic), -1);
	cdna_nic_flash_cut_after(nic, 3);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 3);
	wr(nic, MGMT_FLASH_BANK, 1);
	wr(nic, MGMT_FLASH_SIZE, (uint32_t)v2.n);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 3);
	wr(nic, MGMT_FLASH_DATA, 1);
	wr(nic, MGMT_FLASH_DATA, 2);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 1);
	wr(nic, MGMT_FLASH_DATA, 3);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 0);
	wr(nic, MGMT_FLASH_DATA, 4);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 0);
	CHECK_EQ(cdna_nic_flash_units(nic) - u0, 3);
	/* A table write crossing the limit: 16 units, 5 of them land. */
	cdna_nic_flash_cut_after(nic, 5);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_CANCEL);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 5);
	cdna_nic_free(nic);
	nic = factory_nic();
	CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
	u0 = cdna_nic_flash_units(nic);
	cdna_nic_flash_cut_after(nic, 5);
	wr(nic, MGMT_FLASH_BANK, 1);
	wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_CANCEL);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), 0);
	CHECK_EQ(cdna_nic_flash_units(nic) - u0, 5);
	cdna_nic_flash_cut_after(nic, -1);
	CHECK_EQ(cdna_nic_flash_cut_left(nic), -1);
	cdna_nic_free(nic);
	free(v2.b);
}

TEST(cuts_cancelling_a_pending_bank)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_nic *nic = factory_nic();
	uint8_t *tmpl;
	uint64_t k;

	cdna_nic_free(nic);
	tmpl = file_get();
	for (k = 0; k <= TABLE_UNITS; k++) {
		/* Pending now: a power on would try it at once. */
		file_put(tmpl);
		nic = nic_open();
		CHECK_EQ(flash_img(nic, 1, &v2), CDNA_FLASH_ST_OK);
		cdna_nic_flash_cut_after(nic, (int64_t)k);
		wr(nic, MGMT_FLASH_BANK, 1);
		wr(nic, MGMT_FLASH_CMD, CDNA_FLASH_CMD_CANCEL);
		nic = restart(nic);
		/* The old table: v2 still pending, the restart tries it. */
		if (k < TABLE_UNITS)
			expect_running(nic, 1, V2);
		else
			expect_running(nic, 0, V1);
		CHECK_EQ(st(nic, rd(nic, MGMT_BOOT_BANK)),
			 CDNA_FLASH_BANK_ACTIVE);
		CHECK_EQ(st(nic, 1 - rd(nic, MGMT_BOOT_BANK)),
			 CDNA_FLASH_BANK_VALID);
		cdna_nic_free(nic);
	}
	printf("# %llu cancel cuts\n", (unsigned long long)k);
	free(tmpl);
	free(v2.b);
}
