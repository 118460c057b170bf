/* SPDX-License-Identifier: MIT */
/*
 * test_nic_model.c - the NIC model (hw-model/core/cdna_nic.h) as a platform
 * sees it: the boot ROM and flash, the BAR register files, the real
 * firmware image running in the ISS, faults of the NIC processor, idling.
 *
 * Images: $BUILD/firmware/cdna-fw.img and the test firmware
 * $BUILD/firmware/test/fault-{memory,undef,loop}.img.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/host_mem.h"
#include <cdna/desc.h>
#include "cdna_nic.h"
#include "image_check.h"

#define HOST_BASE 0x100000ull
#define HOST_SIZE (4u << 20)

/* The platform: host memory, a wire, an interrupt line, a clock. */
struct plat {
	struct host_mem hm;
	uint64_t now_us;
	uint32_t wire_frames;
	uint8_t last_frame[CDNA_MAX_FRAME];
	size_t last_len;
	int irq_level;
	uint32_t irq_raises;
	uint32_t kicks;
	char console[256];
	char last_info[256];
};

static struct plat P;

static void wire_tx(void *o, const uint8_t *f, size_t len)
{
	(void)o;
	P.wire_frames++;
	memcpy(P.last_frame, f, len);
	P.last_len = len;
}

static void set_irq(void *o, int level)
{
	(void)o;
	P.irq_level = level;
	P.irq_raises += level;
}

static uint64_t now_us(void *o)
{
	(void)o;
	return P.now_us;
}

static void log_cb(void *o, enum cdna_nic_log_level l, const char *msg)
{
	(void)o;
	if (getenv("NIC_LOG"))
		fprintf(stderr, "# nic: %s\n", msg);
	if (l == CDNA_LOG_FW_CONSOLE)
		snprintf(P.console, sizeof(P.console), "%s", msg);
	if (l == CDNA_LOG_INFO)
		snprintf(P.last_info, sizeof(P.last_info), "%s", msg);
}

static void kick(void *o)
{
	(void)o;
	P.kicks++;
}

static const struct cdna_nic_ops ops = {
	.opaque = &P.hm, .dma_read = host_mem_dma_read,
	.dma_write = host_mem_dma_write, .wire_tx = wire_tx, .set_irq = set_irq,
	.now_us = now_us, .log = log_cb, .kick = kick,
};

/* A NIC configured by cfg, with an in-memory flash holding bank0/bank1
 * (NULL: erased). */
static struct cdna_nic *nic_cfg_with(const struct cdna_nic_config *cfg,
				     const void *bank0, size_t len0,
				     const void *bank1, size_t len1)
{
	struct cdna_nic *nic;
	char err[256];

	host_mem_free(&P.hm);
	memset(&P, 0, sizeof(P));
	host_mem_init(&P.hm, HOST_BASE, HOST_SIZE);
	P.now_us = 1000;
	nic = cdna_nic_new(cfg, &ops, err, sizeof(err));
	if (!nic)
		check_fail(__FILE__, __LINE__, "cdna_nic_new: %s", err);
	if ((bank0 && cdna_nic_flash_program(nic, 0, bank0, len0, err,
					     sizeof(err))) ||
	    (bank1 && cdna_nic_flash_program(nic, 1, bank1, len1, err,
					     sizeof(err))))
		check_fail(__FILE__, __LINE__, "flash: %s", err);
	cdna_nic_reset(nic);
	cdna_nic_run(nic);
	return nic;
}

static struct cdna_nic *nic_with(const void *bank0, size_t len0,
				 const void *bank1, size_t len1,
				 uint32_t watchdog_ms)
{
	struct cdna_nic_config cfg = { .watchdog_ms = watchdog_ms };

	return nic_cfg_with(&cfg, bank0, len0, bank1, len1);
}

/* The real firmware on a NIC configured by cfg. */
static struct cdna_nic *nic_real_cfg(const struct cdna_nic_config *cfg)
{
	size_t n;
	uint8_t *img = build_image("cdna-fw.img", &n);
	struct cdna_nic *nic = nic_cfg_with(cfg, img, n, NULL, 0);

	free(img);
	return nic;
}

static struct cdna_nic *nic_real(void)
{
	struct cdna_nic_config cfg = { 0 };

	return nic_real_cfg(&cfg);
}

static uint32_t bar2(struct cdna_nic *nic, uint32_t off)
{
	return (uint32_t)cdna_nic_bar_read(nic, 2, off, 4);
}

static void bar2_wr(struct cdna_nic *nic, uint32_t off, uint32_t v)
{
	cdna_nic_bar_write(nic, 2, off, v, 4);
}

static void bar0_wr(struct cdna_nic *nic, uint32_t c, uint32_t reg,
		    uint32_t v)
{
	cdna_nic_bar_write(nic, 0, CDNA_BAR0_CTX(c) + reg, v, 4);
}

static uint8_t *host(uint64_t a)
{
	return host_mem_at(&P.hm, a);
}

/* Context c in native mode: rings at fixed host pages, MAC 02:..:c+1. */
#define RING_TX(c)   (HOST_BASE + 0x10000u * (c) + 0x0000u)
#define RING_RX(c)   (HOST_BASE + 0x10000u * (c) + 0x1000u)
#define STATUS(c)    (HOST_BASE + 0x10000u * (c) + 0x2000u)
#define BUF(c, i)    (HOST_BASE + 0x10000u * (c) + 0x4000u + 0x800u * (i))
#define INTVEC       (HOST_BASE + 0x300000u)
#define SEQ_BASE(c)  (0x51000000u + (c) * 0x100u)

static void ctx_enable(struct cdna_nic *nic, uint32_t c)
{
	uint32_t hv = CDNA_BAR2_HV + HV_CTX(c);

	bar2_wr(nic, CDNA_BAR2_HV + HV_INTVEC_LO, (uint32_t)INTVEC);
	bar2_wr(nic, CDNA_BAR2_HV + HV_INTVEC_HI, 0);
	bar2_wr(nic, MGMT_CTX(c) + MGMT_CTX_MAC_LO, 0x00000002u);
	bar2_wr(nic, MGMT_CTX(c) + MGMT_CTX_MAC_HI, (c + 1) << 8);
	bar2_wr(nic, MGMT_CTX(c) + MGMT_CTX_FLAGS, CDNA_CTXF_BCAST);
	bar2_wr(nic, hv + HV_CTX_TX_RING_LO, (uint32_t)RING_TX(c));
	bar2_wr(nic, hv + HV_CTX_RX_RING_LO, (uint32_t)RING_RX(c));
	bar2_wr(nic, hv + HV_CTX_STATUS_LO, (uint32_t)STATUS(c));
	bar2_wr(nic, hv + HV_CTX_SEQ_BASE, SEQ_BASE(c));
	bar2_wr(nic, hv + HV_CTX_CTRL, CDNA_CTX_CTRL_ENABLE);
	bar0_wr(nic, c, CTX_IRQ_ENABLE, 1);
	cdna_nic_run(nic);
}

static void put_desc(uint64_t ring, uint32_t idx, uint64_t addr, uint16_t len,
		     uint16_t flags, uint32_t seq)
{
	struct cdna_desc d = { .addr = addr, .len = len, .flags = flags,
			       .seq = seq };

	memcpy(host(ring + 16u * (idx % CDNA_RING_SLOTS)), &d, sizeof(d));
}

/* Frame i of context c to the far end: 60 bytes, payload byte i. */
static void put_tx_frame(uint32_t c, uint32_t idx, uint32_t seq_delta)
{
	static const uint8_t far[6] = { 0x02, 0xfa, 0, 0, 0, 1 };
	uint8_t *f = host(BUF(c, idx % 8));

	memcpy(f, far, 6);
	memcpy(f + 6, (uint8_t[6]){ 0x02, 0, 0, 0, 0, (uint8_t)(c + 1) }, 6);
	f[12] = 0x88, f[13] = 0xb5;
	memset(f + 14, (int)idx, 46);
	put_desc(RING_TX(c), idx, BUF(c, idx % 8), 60, CDNA_DESC_EOP,
		 SEQ_BASE(c) + idx + seq_delta);
}

static uint32_t status_word(uint32_t c, uint32_t off)
{
	uint32_t v;

	memcpy(&v, host(STATUS(c) + off), 4);
	return v;
}

/* ---- boot ROM and flash --------------------------------------------- */

TEST(nic_boots_the_flashed_image_and_shows_it_running_in_bar2)
{
	struct cdna_nic *nic = nic_real();

	CHECK_EQ(bar2(nic, MGMT_ID), CDNA_HW_ID);
	CHECK_EQ(bar2(nic, MGMT_NUM_CTX), CDNA_NUM_CTX);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK_EQ(bar2(nic, MGMT_FW_VERSION), CDNA_FW_VERSION(1, 0, 0));
	CHECK_EQ(bar2(nic, MGMT_BOOT_BANK), 0);
	CHECK_EQ(bar2(nic, MGMT_BOOT_ERROR),
		 CDNA_IMAGE_OK | CDNA_IMAGE_EMPTY << 8);
	CHECK(strstr(P.console, "running") != NULL);
	cdna_nic_free(nic);
}

TEST(mgmt_num_ctx_shows_the_contexts_the_platform_configured)
{
	struct cdna_nic_config cfg = { .num_ctx = 4 };
	struct cdna_nic *nic = nic_real_cfg(&cfg);

	CHECK_EQ(bar2(nic, MGMT_NUM_CTX), 4);
	cdna_nic_free(nic);
}

TEST(num_ctx_past_the_hardware_is_refused_with_a_reason)
{
	struct cdna_nic_config cfg = { .num_ctx = CDNA_NUM_CTX + 1 };
	char err[256] = "";

	CHECK(cdna_nic_new(&cfg, &ops, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "contexts") != NULL);
}

TEST(enabling_a_context_past_num_ctx_is_ignored_as_a_guest_error)
{
	struct cdna_nic_config cfg = { .num_ctx = 4 };
	struct cdna_nic *nic = nic_real_cfg(&cfg);
	struct cdna_nic_info info;

	ctx_enable(nic, 4);
	CHECK_EQ(bar2(nic, CDNA_BAR2_HV + HV_CTX(4) + HV_CTX_STATE),
		 CDNA_CTX_STATE_DISABLED);
	cdna_nic_get_info(nic, &info);
	CHECK_EQ(info.guest_errors, 1);
	/* The last context that exists still works. */
	ctx_enable(nic, 3);
	CHECK_EQ(bar2(nic, CDNA_BAR2_HV + HV_CTX(3) + HV_CTX_STATE),
		 CDNA_CTX_STATE_RUNNING);
	cdna_nic_free(nic);
}

TEST(bar0_page_of_a_context_past_num_ctx_reads_zero)
{
	struct cdna_nic_config cfg = { .num_ctx = 4 };
	struct cdna_nic *nic = nic_real_cfg(&cfg);

	CHECK_EQ(cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(3) + CTX_INDEX, 4), 3);
	CHECK_EQ(cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(4) + CTX_INDEX, 4), 0);
	CHECK_EQ(cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(31) + CTX_STATUS, 4),
		 0);
	bar0_wr(nic, 4, CTX_TX_PROD, 5);
	CHECK_EQ(cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(4) + CTX_TX_PROD, 4),
		 0);
	cdna_nic_free(nic);
}

TEST(mgmt_mac_shows_the_nic_own_mac_byte0_lowest)
{
	struct cdna_nic_config cfg = {
		.mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	};
	struct cdna_nic *nic = nic_real_cfg(&cfg);

	CHECK_EQ(bar2(nic, MGMT_MAC_LO), 0x12005452u);
	CHECK_EQ(bar2(nic, MGMT_MAC_HI), 0x5634u);
	cdna_nic_free(nic);
}

TEST(mgmt_mac_without_a_configured_mac_is_02_cd_4a_00_00_00)
{
	struct cdna_nic *nic = nic_real();

	CHECK_EQ(bar2(nic, MGMT_MAC_LO), 0x004acd02u);
	CHECK_EQ(bar2(nic, MGMT_MAC_HI), 0);
	cdna_nic_free(nic);
}

TEST(nic_with_erased_flash_shows_no_firmware_and_why_per_bank)
{
	struct cdna_nic *nic = nic_with(NULL, 0, NULL, 0, 0);

	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_NO_FW);
	CHECK_EQ(bar2(nic, MGMT_FW_VERSION), 0);
	CHECK_EQ(bar2(nic, MGMT_BOOT_BANK), MGMT_BOOT_BANK_NONE);
	CHECK_EQ(bar2(nic, MGMT_BOOT_ERROR),
		 CDNA_IMAGE_EMPTY | CDNA_IMAGE_EMPTY << 8);
	CHECK(strstr(P.last_info, "no valid firmware") != NULL);
	/* Still a device: frames are taken and dropped, counted. */
	CHECK(cdna_nic_can_receive(nic) > 0);
	CHECK_EQ(cdna_nic_receive(nic, (uint8_t[60]){ 0 }, 60), -1);
	CHECK_EQ(bar2(nic, MGMT_MAC_RX_DROPS), 1);
	cdna_nic_free(nic);
}

TEST(boot_rom_refuses_each_bad_image_with_its_reason)
{
	size_t n;
	uint8_t *good = build_image("cdna-fw.img", &n);
	uint8_t *bad = malloc(n);
	static const struct {
		const char *what;
		size_t at;      /* byte to flip, or SIZE_MAX */
		size_t len;     /* bytes programmed: n - len_cut */
		uint32_t error;
	} cases[] = {
		{ "payload byte flipped", 100, 0, CDNA_IMAGE_BAD_PAYLOAD_CRC },
		{ "header byte flipped", 0x10, 0, CDNA_IMAGE_BAD_HEADER_CRC },
		{ "wrong magic", 0, 0, CDNA_IMAGE_BAD_MAGIC },
		{ "truncated by 100 bytes", SIZE_MAX, 100,
		  CDNA_IMAGE_BAD_PAYLOAD_CRC },
		{ "header only", SIZE_MAX, 1, CDNA_IMAGE_BAD_PAYLOAD_CRC },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cdna_nic *nic;
		size_t len = n;

		memcpy(bad, good, n);
		if (cases[i].at != SIZE_MAX)
			bad[cases[i].at] ^= 0x40;
		if (cases[i].len == 1)
			len = CDNA_IMAGE_HEADER_SIZE;
		else
			len -= cases[i].len;
		nic = nic_with(bad, len, NULL, 0, 0);
		printf("# %s: %s\n", cases[i].what, P.last_info);
		CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_NO_FW);
		CHECK_EQ(bar2(nic, MGMT_BOOT_ERROR) & 0xff, cases[i].error);
		cdna_nic_free(nic);
	}
	free(bad);
	free(good);
}

TEST(boot_rom_refuses_an_oversized_image_header)
{
	size_t n;
	uint8_t *img = build_image("cdna-fw.img", &n);
	struct cdna_image_header h;
	struct cdna_nic *nic;

	cdna_image_decode_header(img, &h);
	h.payload_size = CDNA_NIC_CODE_SIZE + 4;   /* sealed, but too big */
	cdna_image_encode_header(&h, NULL, img);
	nic = nic_with(img, n, NULL, 0, 0);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_NO_FW);
	CHECK_EQ(bar2(nic, MGMT_BOOT_ERROR) & 0xff, CDNA_IMAGE_BAD_SIZE);
	cdna_nic_free(nic);
	free(img);
}

TEST(boot_rom_refuses_an_image_built_for_another_hardware_revision)
{
	size_t n;
	uint8_t *img = build_image("cdna-fw.img", &n);
	struct cdna_image_header h;
	struct cdna_nic *nic;

	cdna_image_decode_header(img, &h);
	h.hw_id = CDNA_HW_ID - 1;   /* the previous register interface */
	cdna_image_encode_header(&h, NULL, img);
	nic = nic_with(img, n, NULL, 0, 0);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_NO_FW);
	CHECK_EQ(bar2(nic, MGMT_BOOT_ERROR) & 0xff, CDNA_IMAGE_WRONG_HW);
	cdna_nic_free(nic);
	free(img);
}

TEST(boot_rom_boots_bank1_when_bank0_is_corrupt)
{
	size_t n;
	uint8_t *good = build_image("cdna-fw.img", &n);
	uint8_t *bad = malloc(n);
	struct cdna_nic *nic;

	memcpy(bad, good, n);
	bad[n - 1] ^= 1;
	nic = nic_with(bad, n, good, n, 0);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK_EQ(bar2(nic, MGMT_BOOT_BANK), 1);
	CHECK_EQ(bar2(nic, MGMT_BOOT_ERROR),
		 CDNA_IMAGE_BAD_PAYLOAD_CRC | CDNA_IMAGE_OK << 8);
	cdna_nic_free(nic);
	free(bad);
	free(good);
}

TEST(flash_backing_file_keeps_the_image_across_nic_instances)
{
	char path[] = "/tmp/cdna-flash-XXXXXX";
	struct cdna_nic_config cfg = { 0 };
	struct cdna_nic *nic;
	char err[256];
	size_t n;
	uint8_t *img = build_image("cdna-fw.img", &n);
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	cfg.flash_path = path;
	nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	CHECK(nic != NULL);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_NO_FW);
	CHECK_EQ(cdna_nic_flash_program(nic, 0, img, n, err, sizeof(err)), 0);
	cdna_nic_free(nic);

	nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	CHECK(nic != NULL);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	cdna_nic_free(nic);
	unlink(path);
	free(img);
}

TEST(flash_file_of_the_wrong_size_is_refused_with_a_reason)
{
	char path[] = "/tmp/cdna-flash-XXXXXX";
	struct cdna_nic_config cfg = { 0 };
	char err[256] = "";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "not a flash", 11), 11);
	close(fd);
	cfg.flash_path = path;
	CHECK(cdna_nic_new(&cfg, &ops, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "not a cdna flash") != NULL);
	unlink(path);
}

/* ---- BAR register files --------------------------------------------- */

TEST(bar_accesses_of_every_width_and_offset_are_answered_without_harm)
{
	struct cdna_nic *nic = nic_real();
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	uint64_t errors_before;
	struct cdna_nic_info info;

	for (uint32_t off = 0; off < CDNA_BAR2_SIZE + 16; off++)
		for (unsigned s = 0; s < 4; s++)
			cdna_nic_bar_read(nic, 2, off, sizes[s]);
	for (uint32_t off = 0; off < 2 * 0x1000u; off++)
		for (unsigned s = 0; s < 4; s++)
			cdna_nic_bar_read(nic, 0, off, sizes[s]);
	cdna_nic_bar_read(nic, 0, CDNA_BAR0_SIZE - 4, 8);
	cdna_nic_bar_read(nic, 1, 0, 4);
	cdna_nic_bar_read(nic, 2, UINT64_MAX - 3, 4);
	cdna_nic_get_info(nic, &info);
	errors_before = info.guest_errors;
	/* Odd widths and unaligned writes are dropped and counted. */
	cdna_nic_bar_write(nic, 2, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET, 2);
	cdna_nic_bar_write(nic, 2, MGMT_NIC_CTRL + 1, CDNA_NIC_CTRL_RESET, 4);
	cdna_nic_bar_write(nic, 0, 1, 5, 4);
	cdna_nic_get_info(nic, &info);
	CHECK_EQ(info.guest_errors, errors_before + 3);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK_EQ(cdna_nic_bar_read(nic, 2, MGMT_ID, 2), 0);
	CHECK_EQ(cdna_nic_bar_read(nic, 2, MGMT_ID + 1, 4), 0);
	cdna_nic_free(nic);
}

TEST(bar_64bit_read_is_two_registers_low_word_first)
{
	struct cdna_nic *nic = nic_real();

	CHECK_EQ(cdna_nic_bar_read(nic, 2, MGMT_ID, 8),
		 (uint64_t)CDNA_NUM_CTX << 32 | CDNA_HW_ID);
	cdna_nic_free(nic);
}

TEST(context_page_shows_index_mac_state_and_doorbells)
{
	struct cdna_nic *nic = nic_real();
	uint32_t st;

	ctx_enable(nic, 3);
	CHECK_EQ(cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(3) + CTX_INDEX, 4), 3);
	st = (uint32_t)cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(3) + CTX_STATUS,
					 4);
	CHECK_EQ(CTX_STATUS_STATE(st), CDNA_CTX_STATE_RUNNING);
	CHECK(st & CTX_STATUS_LINK_UP);
	CHECK(st & CTX_STATUS_FW_UP);
	CHECK_EQ(cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(3) + CTX_MAC_HI, 4),
		 4u << 8);
	CHECK_EQ(bar2(nic, CDNA_BAR2_HV + HV_CTX(3) + HV_CTX_STATE),
		 CDNA_CTX_STATE_RUNNING);
	CHECK_EQ(bar2(nic, CDNA_BAR2_HV + HV_CTX(3) + HV_CTX_SEQ_BASE),
		 SEQ_BASE(3));
	cdna_nic_set_link(nic, 0);
	st = (uint32_t)cdna_nic_bar_read(nic, 0, CDNA_BAR0_CTX(3) + CTX_STATUS,
					 4);
	CHECK(!(st & CTX_STATUS_LINK_UP));
	cdna_nic_free(nic);
}

/* ---- traffic through the real firmware ------------------------------ */

TEST(frame_posted_on_a_context_ring_leaves_on_the_wire_and_is_counted)
{
	struct cdna_nic *nic = nic_real();

	ctx_enable(nic, 0);
	put_tx_frame(0, 0, 0);
	bar0_wr(nic, 0, CTX_TX_PROD, 1);
	CHECK(P.kicks > 0);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 1);
	CHECK_EQ(P.last_len, 60);
	CHECK_EQ(P.last_frame[11], 1);
	CHECK_EQ(status_word(0, CDNA_STATUS_OFF_TX_CONS), 1);
	CHECK_EQ(bar2(nic, MGMT_STATS(0) + STAT_TX_FRAMES), 1);
	CHECK_EQ(bar2(nic, MGMT_STATS(0) + STAT_TX_BYTES_LO), 60);
	/* The completion raised the interrupt through the vector. */
	CHECK_EQ(P.irq_level, 1);
	cdna_nic_free(nic);
}

TEST(frame_from_the_wire_lands_in_its_context_and_intx_drops_on_int_cons)
{
	struct cdna_nic *nic = nic_real();
	uint8_t f[100];
	uint32_t prod, wb;

	ctx_enable(nic, 2);
	put_desc(RING_RX(2), 0, BUF(2, 0), 2048, 0, SEQ_BASE(2));
	bar0_wr(nic, 2, CTX_RX_PROD, 1);
	memcpy(f, (uint8_t[6]){ 0x02, 0, 0, 0, 0, 3 }, 6);
	memcpy(f + 6, (uint8_t[6]){ 0x02, 0xfa, 0, 0, 0, 1 }, 6);
	f[12] = 0x88, f[13] = 0xb5;
	memset(f + 14, 0xab, sizeof(f) - 14);
	CHECK(cdna_nic_can_receive(nic) > 0);
	CHECK_EQ(cdna_nic_receive(nic, f, sizeof(f)), 0);
	cdna_nic_run(nic);
	CHECK_EQ(status_word(2, CDNA_STATUS_OFF_RX_CONS), 1);
	memcpy(&wb, host(RING_RX(2) + CDNA_DESC_OFF_LEN), 4);
	CHECK_EQ(wb & 0xffff, sizeof(f));
	CHECK(wb >> 16 & CDNA_DESC_DONE);
	CHECK(memcmp(host(BUF(2, 0)), f, sizeof(f)) == 0);
	CHECK_EQ(bar2(nic, MGMT_STATS(2) + STAT_RX_FRAMES), 1);
	/* The vector names context 2; reading it lowers INTx. */
	memcpy(&prod, host(INTVEC), 4);
	CHECK(prod >= 1);
	CHECK_EQ(P.irq_level, 1);
	bar2_wr(nic, CDNA_BAR2_HV + HV_INT_CONS, prod);
	CHECK_EQ(P.irq_level, 0);
	cdna_nic_free(nic);
}

TEST(descriptor_with_a_wrong_sequence_is_refused_and_counted_then_good_ones_flow)
{
	struct cdna_nic *nic = nic_real();

	ctx_enable(nic, 1);
	put_tx_frame(1, 0, CDNA_RING_SLOTS);   /* last lap's seq: stale */
	bar0_wr(nic, 1, CTX_TX_PROD, 1);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 0);
	CHECK_EQ(bar2(nic, MGMT_STATS(1) + STAT_REFUSED(CDNA_REFUSE_BAD_SEQ)),
		 1);
	put_tx_frame(1, 0, 0);
	bar0_wr(nic, 1, CTX_TX_PROD, 1);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 1);
	cdna_nic_free(nic);
}

TEST(doorbell_past_the_ring_is_refused_and_counted)
{
	struct cdna_nic *nic = nic_real();

	ctx_enable(nic, 0);
	bar0_wr(nic, 0, CTX_TX_PROD, CDNA_RING_SLOTS + 1);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 0);
	CHECK_EQ(bar2(nic, MGMT_STATS(0) +
			  STAT_REFUSED(CDNA_REFUSE_DOORBELL_RANGE)), 1);
	cdna_nic_free(nic);
}

TEST(descriptor_of_out_of_range_length_is_refused_and_counted)
{
	struct cdna_nic *nic = nic_real();

	ctx_enable(nic, 0);
	put_tx_frame(0, 0, 0);
	put_desc(RING_TX(0), 0, BUF(0, 0), 4000, CDNA_DESC_EOP, SEQ_BASE(0));
	bar0_wr(nic, 0, CTX_TX_PROD, 1);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 0);
	CHECK(bar2(nic, MGMT_STATS(0) + STAT_REFUSED(CDNA_REFUSE_BAD_LEN)) +
	      bar2(nic, MGMT_STATS(0) +
			STAT_REFUSED(CDNA_REFUSE_CROSSES_PAGE)) >= 1);
	cdna_nic_free(nic);
}

TEST(dma_to_an_address_the_platform_refuses_is_counted_not_fatal)
{
	struct cdna_nic *nic = nic_real();

	ctx_enable(nic, 0);
	put_desc(RING_TX(0), 0, 0x10, 60, CDNA_DESC_EOP, SEQ_BASE(0));
	bar0_wr(nic, 0, CTX_TX_PROD, 1);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 0);
	CHECK(bar2(nic, MGMT_DMA_FAULTS) >= 1);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	cdna_nic_free(nic);
}

TEST(nic_ctrl_reset_reboots_the_firmware_and_disables_every_context)
{
	struct cdna_nic *nic = nic_real();

	ctx_enable(nic, 0);
	bar2_wr(nic, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RESET);
	cdna_nic_run(nic);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK_EQ(bar2(nic, CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_STATE),
		 CDNA_CTX_STATE_DISABLED);
	CHECK_EQ(bar2(nic, MGMT_STATS(0) + STAT_TX_FRAMES), 0);
	/* And the context can be enabled again. */
	ctx_enable(nic, 0);
	put_tx_frame(0, 0, 0);
	bar0_wr(nic, 0, CTX_TX_PROD, 1);
	cdna_nic_run(nic);
	CHECK_EQ(P.wire_frames, 1);
	cdna_nic_free(nic);
}

/* ---- idling and time ------------------------------------------------ */

TEST(idle_nic_does_not_run_its_processor)
{
	struct cdna_nic *nic = nic_real();
	struct cdna_nic_info a, b;

	cdna_nic_get_info(nic, &a);
	for (int i = 0; i < 100; i++)
		cdna_nic_run(nic);
	cdna_nic_get_info(nic, &b);
	CHECK_EQ(b.runs, a.runs);
	bar0_wr(nic, 0, CTX_TX_PROD, 0);   /* a doorbell: work */
	cdna_nic_run(nic);
	cdna_nic_get_info(nic, &b);
	CHECK_EQ(b.runs, a.runs + 1);
	cdna_nic_free(nic);
}

TEST(run_returns_the_firmware_timer_deadline_and_the_heartbeat_advances)
{
	struct cdna_nic *nic = nic_real();
	uint64_t until = cdna_nic_run(nic);
	uint32_t beat = bar2(nic, MGMT_HEARTBEAT);

	CHECK(until != UINT64_MAX);
	CHECK(until <= 200000);
	P.now_us += until;
	cdna_nic_run(nic);
	CHECK(bar2(nic, MGMT_HEARTBEAT) != beat);
	cdna_nic_free(nic);
}

/* ---- faults of the NIC processor ------------------------------------ */

static struct cdna_nic *nic_fault(const char *kind, uint32_t watchdog_ms)
{
	char name[64];
	size_t n;
	uint8_t *img;
	struct cdna_nic *nic;

	snprintf(name, sizeof(name), "test/fault-%s.img", kind);
	img = build_image(name, &n);
	nic = nic_with(img, n, NULL, 0, watchdog_ms);
	free(img);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	bar0_wr(nic, 0, CTX_TX_PROD, 1);   /* its first event: it crashes */
	cdna_nic_run(nic);
	return nic;
}

static void check_halted(struct cdna_nic *nic, uint32_t cause)
{
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_FAULT);
	CHECK_EQ(bar2(nic, MGMT_FAULT_CAUSE), cause);
	CHECK(bar2(nic, MGMT_FAULT_PC) != 0);
	CHECK(bar2(nic, MGMT_FAULT_PC) < CDNA_NIC_CODE_SIZE);
	CHECK_EQ(bar2(nic, MGMT_FW_VERSION), 0);
	CHECK(!(cdna_nic_bar_read(nic, 0, CTX_STATUS, 4) & CTX_STATUS_FW_UP));
	/* The model lives on: registers answer, frames are dropped. */
	CHECK_EQ(bar2(nic, MGMT_ID), CDNA_HW_ID);
	CHECK_EQ(cdna_nic_receive(nic, (uint8_t[60]){ 0 }, 60), -1);
	cdna_nic_run(nic);
	CHECK(strstr(P.last_info, "firmware fault") != NULL);
}

TEST(memory_fault_halts_the_firmware_and_shows_fault_and_pc)
{
	struct cdna_nic *nic = nic_fault("memory", 0);

	check_halted(nic, CDNA_FAULT_MEMORY);
	cdna_nic_free(nic);
}

TEST(undefined_instruction_halts_the_firmware_and_shows_fault_and_pc)
{
	struct cdna_nic *nic = nic_fault("undef", 0);

	check_halted(nic, CDNA_FAULT_UNDEF);
	cdna_nic_free(nic);
}

TEST(runaway_loop_is_stopped_by_the_watchdog)
{
	struct cdna_nic *nic = nic_fault("loop", 50);

	check_halted(nic, CDNA_FAULT_WATCHDOG);
	cdna_nic_free(nic);
}

TEST(reset_after_a_fault_boots_the_firmware_again)
{
	struct cdna_nic *nic = nic_fault("memory", 0);

	check_halted(nic, CDNA_FAULT_MEMORY);
	bar2_wr(nic, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
	cdna_nic_run(nic);
	CHECK_EQ(bar2(nic, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK_EQ(bar2(nic, MGMT_FAULT_CAUSE), CDNA_FAULT_NONE);
	cdna_nic_free(nic);
}

/* ---- hostile register traffic --------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A value a hostile host would try: random, small, an index near a
 * boundary, all ones, or an address inside or just outside host memory. */
static uint64_t nasty_value(void)
{
	switch (rng() % 6) {
	case 0:  return rng();
	case 1:  return rng() % 8;
	case 2:  return CDNA_RING_SLOTS + rng() % 3 - 1;
	case 3:  return UINT64_MAX;
	case 4:  return HOST_BASE + (rng() % (HOST_SIZE / 4096)) * 4096;
	default: return HOST_BASE + HOST_SIZE - 8 + rng() % 16;
	}
}

TEST(random_register_writes_and_doorbells_never_break_the_model)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	struct cdna_nic *nic = nic_real();
	struct cdna_nic_info info;

	/* Give the firmware something to chew on: rings of random bytes. */
	for (uint32_t i = 0; i < HOST_SIZE / 8; i++) {
		uint64_t v = rng();

		memcpy(host(HOST_BASE + 8u * i), &v, 8);
	}
	ctx_enable(nic, 0);
	ctx_enable(nic, 1);
	for (int i = 0; i < 200000; i++) {
		int bar = rng() % 3 ? 2 : 0;
		uint64_t off = rng() % (bar ? CDNA_BAR2_SIZE : CDNA_BAR0_SIZE);
		unsigned size = sizes[rng() % 4];

		/* Mostly aligned words, where the registers are. */
		if (rng() % 4)
			off &= ~3ull;
		size = rng() % 4 ? 4 : size;
		/* A reset now and then, not every few hundred writes. */
		if (bar == 2 && off == MGMT_NIC_CTRL)
			continue;
		if (rng() % 2)
			cdna_nic_bar_write(nic, bar, off, nasty_value(), size);
		else
			cdna_nic_bar_read(nic, bar, off, size);
		if (i % 64 == 0) {
			uint8_t frame[128];

			for (size_t k = 0; k < sizeof(frame); k++)
				frame[k] = (uint8_t)rng();
			cdna_nic_receive(nic, frame, 14 + rng() % 100);
		}
		if (i % 16 == 0) {
			P.now_us += rng() % 1000;
			cdna_nic_run(nic);
		}
	}
	cdna_nic_run(nic);
	cdna_nic_get_info(nic, &info);
	printf("# after 200000 hostile accesses: firmware %s, %llu runs, "
	       "%llu guest errors, DMA faults %u\n",
	       cdna_nic_fw_state_name(info.fw_state),
	       (unsigned long long)info.runs,
	       (unsigned long long)info.guest_errors,
	       bar2(nic, MGMT_DMA_FAULTS));
	/* The device still answers, and the firmware survived the host's
	 * nonsense: it refuses what is wrong, it does not crash. */
	CHECK_EQ(bar2(nic, MGMT_ID), CDNA_HW_ID);
	CHECK_EQ(info.fw_state, CDNA_FW_STATE_RUNNING);
	cdna_nic_free(nic);
}
