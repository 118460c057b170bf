/* SPDX-License-Identifier: MIT */
/*
 * test_activation.c - new firmware activated under assigned contexts, in
 * protected mode: the real NIC model running the real firmware, the
 * hypervisor core on simulated domains (tests/protection/scene.h), dom0
 * flashing through the window and resetting the NIC with
 * CDNA_OP_NIC_RESET, as `cdnactl flash --activate` does under Xen.
 *
 * The guest here is the scene's third domain (its "attacker", playing by
 * the rules): it sends frames before and after, restarting its rings at
 * index 0 when its status page says the NIC was reset under it, as the
 * Linux driver does.  One behaviour per test.
 */
#include <stdlib.h>

#include "check.h"
#include "host_mem.h"
#include "image_check.h"
#include "scene.h"

/* cdna_nic_run calls a boot, trial and commit (or rollback) may take. */
#define BOOT_RUNS 5000

static struct scene S;
static int started;

static uint32_t mgmt(uint32_t reg)
{
	return board_mgmt(&S.tb, reg);
}

static void mgmt_wr(uint32_t reg, uint32_t val)
{
	cdna_nic_bar_write(S.tb.nic, 2, CDNA_BAR2_MGMT + reg, val, 4);
}

/* dom0 writes img into the bank the NIC did not boot: the final STATUS. */
static uint32_t flash(const struct fw_img *img)
{
	uint32_t bank = mgmt(MGMT_BOOT_BANK) == 0 ? 1 : 0;

	mgmt_wr(MGMT_FLASH_BANK, bank);
	mgmt_wr(MGMT_FLASH_SIZE, (uint32_t)img->n);
	mgmt_wr(MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	for (size_t o = 0; o < img->n; o += 4) {
		uint32_t w = 0;

		for (size_t i = 0; i < 4 && o + i < img->n; i++)
			w |= (uint32_t)img->b[o + i] << (8 * i);
		mgmt_wr(MGMT_FLASH_DATA, w);
	}
	mgmt_wr(MGMT_FLASH_CMD, CDNA_FLASH_CMD_VERIFY);
	return mgmt(MGMT_FLASH_STATUS) & 0xff;
}

static int on_trial(void)
{
	return mgmt(MGMT_FLASH_BANK_ST(0)) == CDNA_FLASH_BANK_TRIAL ||
	       mgmt(MGMT_FLASH_BANK_ST(1)) == CDNA_FLASH_BANK_TRIAL;
}

/* What dom0 does between BEGIN and END: let the NIC boot, until the
 * firmware runs and no bank is on trial (committed or rolled back). */
static void wait_firmware(void)
{
	for (int i = 0; i < BOOT_RUNS; i++) {
		if (mgmt(MGMT_FW_STATE) == CDNA_FW_STATE_RUNNING && !on_trial())
			return;
		cdna_nic_run(S.tb.nic);
		/* 1 ms a turn: a trial's health deadline passes in time. */
		S.tb.clock.ns += 1000000u;
	}
	check_fail(__FILE__, __LINE__, "firmware state %u, trial %d after %d "
		   "runs", mgmt(MGMT_FW_STATE), on_trial(), BOOT_RUNS);
}

static long nic_reset(uint32_t phase, struct cdna_op_nic_reset *op)
{
	*op = (struct cdna_op_nic_reset){ .phase = phase };
	return board_dom0_op(&S.tb, CDNA_OP_NIC_RESET, op);
}

/* The whole activation as dom0 does it. */
static void activate(struct cdna_op_nic_reset *begin,
		     struct cdna_op_nic_reset *end)
{
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, begin), 0);
	wait_firmware();
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, end), 0);
}

static uint32_t status_word(unsigned ctx, uint32_t off)
{
	uint64_t addr = ctx == ATK_CTX ? S.atk.status : 0;

	if (ctx != ATK_CTX)
		addr = S.tb.guest[ctx].status;
	return hostmem_rd32(&S.tb.hm, addr + off);
}

/* The guest's driver: the status page says the NIC was reset under it. */
static void guest_restart(void)
{
	S.atk_tx_prod = S.atk_rx_prod = 0;
}

/* n frames sent by the guest reach the wire. */
static void send_reaches_wire(uint32_t n)
{
	uint64_t before = S.tb.wire.from_untracked;

	CHECK_EQ(atk_send(&S, n, 60), n);
	CHECK_EQ(board_drain(&S.tb), 0);
	CHECK_EQ(S.tb.wire.from_untracked - before, n);
}

static void setup(void)
{
	if (started)
		scene_free(&S);
	started = 1;
	if (scene_init(&S, 1, 1))
		check_fail(__FILE__, __LINE__, "the scene does not start");
	send_reaches_wire(8);
}

TEST(activation_boots_the_new_firmware_under_assigned_contexts)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_op_nic_reset b, e;

	setup();
	CHECK_EQ(flash(&v2), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	CHECK_EQ(mgmt(MGMT_FW_VERSION), v2.version);
	CHECK_EQ(b.contexts, 3);    /* the two guests and this one */
	CHECK_EQ(e.contexts, 3);
	CHECK_EQ(b.failed + e.failed, 0);
	free(v2.b);
}

TEST(activation_returns_every_reference_before_the_reset)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_op_nic_reset b;
	uint64_t held;

	setup();
	held = cdna_hv_refs_held(S.tb.hv);
	CHECK(held > 0);            /* the guests' RX buffers, at least */
	CHECK_EQ(flash(&v2), CDNA_FLASH_ST_OK);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &b), 0);
	CHECK_EQ(b.refs_returned, held);
	CHECK_EQ(cdna_hv_refs_held(S.tb.hv), 0);
	CHECK_EQ(dom_refs(&S.tb.dom), 0);
	CHECK_EQ(status_word(ATK_CTX, CDNA_STATUS_OFF_HV_FLAGS),
		 CDNA_STATUS_SUSPENDED);
	wait_firmware();
	free(v2.b);
}

TEST(each_context_runs_again_with_its_mac_after_activation)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_op_nic_reset b, e;

	setup();
	CHECK_EQ(flash(&v2), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	for (unsigned c = 0; c < S.tb.nguests; c++) {
		uint32_t st = (uint32_t)cdna_nic_bar_read(
			S.tb.nic, 0, CDNA_BAR0_CTX(S.tb.guest[c].ctx) +
			CTX_STATUS, 4);

		CHECK_EQ(CTX_STATUS_STATE(st), CDNA_CTX_STATE_RUNNING);
		CHECK_EQ(status_word(S.tb.guest[c].ctx,
				     CDNA_STATUS_OFF_HV_RESETS), 1);
		CHECK_EQ(mgmt(MGMT_CTX(S.tb.guest[c].ctx) + MGMT_CTX_MAC_LO),
			 guest_mac_lo(&S.tb.guest[c]));
	}
	CHECK_EQ(status_word(ATK_CTX, CDNA_STATUS_OFF_HV_FLAGS), 0);
	CHECK_EQ(status_word(ATK_CTX, CDNA_STATUS_OFF_HV_RESETS), 1);
	free(v2.b);
}

TEST(a_guest_that_restarts_its_rings_sends_again_after_activation)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_op_nic_reset b, e;

	setup();
	CHECK_EQ(flash(&v2), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	guest_restart();
	send_reaches_wire(40);
	CHECK_EQ(hv_refused(&S, ATK_CTX, CDNA_HV_NOT_RUNNING), 0);
	CHECK_EQ(scene_leaked_refs(&S), 0);
	free(v2.b);
}

TEST(old_ring_indexes_after_activation_send_nothing)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct cdna_op_nic_reset b, e;
	uint64_t before;

	setup();
	CHECK_EQ(flash(&v2), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	/* A driver that ignores the reset rings its old producer: the slots
	 * hold nothing of this assignment, the NIC sends nothing. */
	before = S.tb.wire.from_untracked;
	CHECK_EQ(atk_store(&S, atk_ctx_reg(ATK_CTX, CTX_TX_PROD), 8), 0);
	CHECK_EQ(board_drain(&S.tb), 0);
	CHECK_EQ(S.tb.wire.from_untracked, before);
	CHECK(nic_refused(&S, ATK_CTX, CDNA_REFUSE_BAD_SEQ) > 0);
	free(v2.b);
}

TEST(a_crashing_image_rolls_back_and_the_contexts_run_on_the_old_one)
{
	struct fw_img crash = fw_img_load("test/fault-boot.img");
	struct cdna_op_nic_reset b, e;
	uint32_t old;

	setup();
	old = mgmt(MGMT_FW_VERSION);
	CHECK_EQ(flash(&crash), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	CHECK_EQ(mgmt(MGMT_FW_VERSION), old);
	CHECK(mgmt(MGMT_BOOT_FLAGS) & MGMT_BOOT_F_ROLLBACK);
	CHECK_EQ(e.contexts, 3);
	guest_restart();
	send_reaches_wire(8);
	CHECK_EQ(scene_leaked_refs(&S), 0);
	free(crash.b);
}

TEST(activation_twice_counts_two_resets)
{
	struct fw_img v2 = fw_img_load("test/cdna-fw-v2.img");
	struct fw_img v1 = fw_img_load("cdna-fw.img");
	struct cdna_op_nic_reset b, e;

	setup();
	CHECK_EQ(flash(&v2), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	guest_restart();
	send_reaches_wire(8);
	CHECK_EQ(flash(&v1), CDNA_FLASH_ST_OK);
	activate(&b, &e);
	CHECK_EQ(mgmt(MGMT_FW_VERSION), v1.version);
	CHECK_EQ(status_word(ATK_CTX, CDNA_STATUS_OFF_HV_RESETS), 2);
	guest_restart();
	send_reaches_wire(8);
	CHECK_EQ(scene_leaked_refs(&S), 0);
	free(v1.b);
	free(v2.b);
}

__attribute__((destructor)) static void teardown(void)
{
	if (started)
		scene_free(&S);
}
