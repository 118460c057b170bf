/* SPDX-License-Identifier: MIT */
/*
 * test_fw_ctx.c - context life cycle and reporting: enable, revoke with
 * stop and drain, statistics, status block, interrupt vector, health.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "fw_harness.h"

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };

static uint32_t state(struct harness *h, uint32_t c)
{
	return nic_hw_cfg_read(h->hw, c, CFG_STATE);
}

TEST(ctx_enable_reports_running_and_firmware_reports_version)
{
	struct harness *h = h_new();

	CHECK_EQ(h->hw->fw_state, CDNA_FW_STATE_RUNNING);
	CHECK_EQ(h->hw->fw_version, CDNA_FW_VERSION(1, 0, 0));
	CHECK_EQ(state(h, 4), CDNA_CTX_STATE_DISABLED);
	h_ctx_enable(h, 4, NULL, 0);
	CHECK_EQ(state(h, 4), CDNA_CTX_STATE_RUNNING);
	h_free(h);
}

TEST(ctx_enable_with_misaligned_ring_is_refused)
{
	struct harness *h = h_new();

	nic_hw_cfg_write(h->hw, 0, CFG_TX_RING_LO, 0x100010);
	nic_hw_cfg_write(h->hw, 0, CFG_RX_RING_LO, 0x101000);
	nic_hw_cfg_write(h->hw, 0, CFG_STATUS_LO, 0x102000);
	nic_hw_cfg_write(h->hw, 0, CFG_CTRL, CDNA_CTX_CTRL_ENABLE);
	h_run(h);
	CHECK(state(h, 0) != CDNA_CTX_STATE_RUNNING);
	CHECK(h->hw->fw_error != 0);
	h_free(h);
}

TEST(ctx_revoke_stops_and_refuses_doorbells_that_race_it)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 100, 1, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	/* Three more posted and rung, revoked before the firmware runs:
	 * the revoke wins, the doorbell is refused. */
	for (int i = 0; i < 3; i++)
		h_tx_frame(h, 0, far_mac, 100, 2, 1);
	h_tx_ring(h, 0);
	h_ctx_revoke(h, 0);
	CHECK_EQ(state(h, 0), CDNA_CTX_STATE_STOPPED);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_NOT_ENABLED], 1);
	CHECK_EQ(h_fw_stats(h, 0)->revokes, 1);
	CHECK_EQ(h_tx_cons(h, 0), 1);
	h_free(h);
}

TEST(ctx_revoke_discards_accepted_but_unsent_tx)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	/* The first fragment of a two-fragment frame is accepted and waits
	 * for its EOP; the revoke discards it. */
	h_tx_frame(h, 0, far_mac, 600, 1, 2);
	nic_hw_doorbell_tx(h->hw, 0, 1);
	h_run(h);
	h_ctx_revoke(h, 0);
	CHECK_EQ(state(h, 0), CDNA_CTX_STATE_STOPPED);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(h_fw_stats(h, 0)->dropped[CDNA_DROP_REVOKED], 1);
	CHECK_EQ(h_tx_cons(h, 0), 0);
	h_free(h);
}

TEST(ctx_after_revoke_nic_never_touches_its_memory)
{
	struct harness *h = h_new();
	struct h_ctx *x;
	uint8_t *snapshot = malloc(CDNA_PAGE_SIZE * 3);

	h_ctx_enable(h, 0, NULL, CDNA_CTXF_BCAST);
	x = &h->ctx[0];
	h_rx_post(h, 0, 8, 2048);
	h_run(h);
	h_ctx_revoke(h, 0);
	memcpy(snapshot, h_mem(h, x->rx_ring), CDNA_PAGE_SIZE);
	memcpy(snapshot + CDNA_PAGE_SIZE, h_mem(h, x->status), CDNA_PAGE_SIZE);
	memcpy(snapshot + 2 * CDNA_PAGE_SIZE, h_mem(h, x->rx_buf),
	       CDNA_PAGE_SIZE);
	/* Frames for its MAC, broadcasts, and doorbells after the revoke. */
	h_wire_in(h, x->mac, far_mac, 100, 1);
	h_wire_in(h, h_bcast, far_mac, 100, 2);
	h_tx_frame(h, 0, far_mac, 100, 3, 1);
	h_tx_ring(h, 0);
	h_run(h);
	nic_hw_doorbell_rx(h->hw, 0, 8);
	h_run(h);
	CHECK(memcmp(snapshot, h_mem(h, x->rx_ring), CDNA_PAGE_SIZE) == 0);
	CHECK(memcmp(snapshot + CDNA_PAGE_SIZE, h_mem(h, x->status),
		     CDNA_PAGE_SIZE) == 0);
	CHECK(memcmp(snapshot + 2 * CDNA_PAGE_SIZE, h_mem(h, x->rx_buf),
		     CDNA_PAGE_SIZE) == 0);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_NOT_ENABLED], 2);
	CHECK_EQ(h_fw_nic_stats(h)->rx_no_match, 1);
	free(snapshot);
	h_free(h);
}

TEST(ctx_reenable_after_revoke_starts_fresh_and_works)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 100, 1, 1);
	h_tx_ring(h, 0);
	h_run(h);
	h_ctx_revoke(h, 0);
	h_ctx_enable(h, 0, NULL, 0); /* new rings, new seq_base, index 0 */
	CHECK_EQ(state(h, 0), CDNA_CTX_STATE_RUNNING);
	h_tx_frame(h, 0, far_mac, 120, 5, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 2);
	CHECK(h_payload_ok(h->wire[1].data, 120, 5));
	CHECK_EQ(h_tx_cons(h, 0), 1);
	h_free(h);
}

TEST(ctx_revoke_of_one_leaves_others_running)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	h_ctx_revoke(h, 0);
	h_tx_frame(h, 1, far_mac, 100, 1, 1);
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(state(h, 1), CDNA_CTX_STATE_RUNNING);
	h_free(h);
}

TEST(stats_hardware_counts_frames_and_bytes_per_context)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	h_rx_post(h, 1, 4, 2048);
	h_tx_frame(h, 0, far_mac, 100, 1, 1);
	h_tx_frame(h, 0, far_mac, 200, 1, 1);
	h_tx_ring(h, 0);
	h_wire_in(h, h->ctx[1].mac, far_mac, 300, 1);
	h_run(h);
	CHECK_EQ(h->hw->cnt[0].tx_frames, 2);
	CHECK_EQ(h->hw->cnt[0].tx_bytes, 300);
	CHECK_EQ(h->hw->cnt[1].rx_frames, 1);
	CHECK_EQ(h->hw->cnt[1].rx_bytes, 300);
	CHECK_EQ(h->hw->cnt[0].rx_frames, 0);
	CHECK_EQ(h->hw->cnt[1].tx_frames, 0);
	h_free(h);
}

TEST(stats_refusals_are_counted_per_context_and_per_reason)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	nic_hw_doorbell_tx(h->hw, 0, 1000);       /* range */
	h_tx_frame(h, 1, far_mac, 5, 1, 1);       /* runt */
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_DOORBELL_RANGE], 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_LEN], 0);
	CHECK_EQ(h_fw_stats(h, 1)->refused[CDNA_REFUSE_BAD_LEN], 1);
	CHECK_EQ(h_fw_stats(h, 1)->refused[CDNA_REFUSE_DOORBELL_RANGE], 0);
	h_free(h);
}

TEST(irq_completions_append_context_bits_to_the_vector)
{
	struct harness *h = h_new();
	uint32_t prod, mask = 0;

	h_ctx_enable(h, 2, NULL, 0);
	h_ctx_enable(h, 5, NULL, 0);
	h_rx_post(h, 5, 2, 2048);
	h_tx_frame(h, 2, far_mac, 100, 1, 1);
	h_tx_ring(h, 2);
	h_wire_in(h, h->ctx[5].mac, far_mac, 100, 1);
	h_run(h);
	prod = h_rd32(h, h->intvec);
	CHECK(prod >= 1);
	for (uint32_t i = 0; i < prod; i++)
		mask |= h_rd32(h, h->intvec + 64 + 4 * i);
	CHECK_EQ(mask, (1u << 2) | (1u << 5));
	CHECK(h->irqs >= 1);
	h_free(h);
}

TEST(irq_masked_context_is_held_pending_until_enabled)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	nic_hw_set_irq_enable(h->hw, 0, 0);
	h_tx_frame(h, 0, far_mac, 100, 1, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h_rd32(h, h->intvec), 0);
	CHECK_EQ(h->hw->int_pending, 1);
	nic_hw_set_irq_enable(h->hw, 0, 1);
	CHECK_EQ(h_rd32(h, h->intvec), 1);
	CHECK_EQ(h_rd32(h, h->intvec + 64), 1);
	h_free(h);
}

TEST(irq_coalescing_limits_interrupt_rate)
{
	struct harness *h = h_new();
	uint32_t before;

	h_ctx_enable(h, 0, NULL, 0);
	nic_hw_set_int_mod(h->hw, 50);
	before = h->irqs;
	for (int i = 0; i < 5; i++) {
		h_tx_frame(h, 0, far_mac, 100, 1, 1);
		h_tx_ring(h, 0);
		h_run(h);
	}
	CHECK_EQ(h->irqs, before + 1);
	h->now_us += 60;
	nic_hw_tick(h->hw);
	CHECK_EQ(h->irqs, before + 2);
	h_free(h);
}

TEST(status_block_carries_consumer_indexes)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_rx_post(h, 0, 3, 2048);
	for (int i = 0; i < 7; i++)
		h_tx_frame(h, 0, far_mac, 100, 1, 1);
	h_tx_ring(h, 0);
	h_wire_in(h, h->ctx[0].mac, far_mac, 100, 1);
	h_wire_in(h, h->ctx[0].mac, far_mac, 100, 1);
	h_run(h);
	CHECK_EQ(h_tx_cons(h, 0), 7);
	CHECK_EQ(h_rx_cons(h, 0), 2);
	h_free(h);
}

TEST(health_heartbeat_advances_with_time)
{
	struct harness *h = h_new();
	uint32_t hb = h->hw->heartbeat;

	h->now_us += 150000;
	h_run(h);
	CHECK(h->hw->heartbeat > hb);
	h_free(h);
}
