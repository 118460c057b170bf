/* SPDX-License-Identifier: MIT */
/*
 * test_fw_tx.c - the firmware's transmit path: frames from a context's ring
 * reach the wire intact, and every malformed or forged descriptor is
 * refused, counted per reason, and leaves the context working.
 */
#include <string.h>

#include "../lib/check.h"
#include "fw_harness.h"

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };

/* Post one good frame on c, ring, run; 1 if it reached the wire intact. */
static int good_frame_goes_out(struct harness *h, uint32_t c, uint8_t tag)
{
	uint32_t before = h->n_wire;

	h_tx_frame(h, c, far_mac, 200, tag, 1);
	h_tx_ring(h, c);
	h_run(h);
	return h->n_wire == before + 1 && h->wire[before].len == 200 &&
	       h_payload_ok(h->wire[before].data, 200, tag);
}

TEST(tx_frame_reaches_wire_intact)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 1514, 7, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h->wire[0].len, 1514);
	CHECK(memcmp(h->wire[0].data, far_mac, 6) == 0);
	CHECK(memcmp(h->wire[0].data + 6, h->ctx[0].mac, 6) == 0);
	CHECK(h_payload_ok(h->wire[0].data, 1514, 7));
	CHECK_EQ(h_tx_cons(h, 0), 1);
	h_free(h);
}

TEST(tx_multi_fragment_frame_is_gathered_in_order)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 1500, 9, 3);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h->wire[0].len, 1500);
	CHECK(h_payload_ok(h->wire[0].data, 1500, 9));
	CHECK_EQ(h_tx_cons(h, 0), 3);
	h_free(h);
}

TEST(tx_many_frames_across_ring_wrap_all_sent_in_order)
{
	struct harness *h = h_new();
	uint32_t sent = 0;

	h_ctx_enable(h, 0, NULL, 0);
	/* 3 laps of the ring in batches of 100 (the driver reuses slots
	 * once the NIC has consumed them). */
	for (int batch = 0; batch < 8; batch++) {
		for (int i = 0; i < 100; i++)
			h_tx_frame(h, 0, far_mac, 60 + (sent + i) % 100,
				   (uint8_t)(sent + i), 1);
		h_tx_ring(h, 0);
		h_run(h);
		sent += 100;
		CHECK_EQ(h_tx_cons(h, 0), sent);
	}
	CHECK_EQ(h->n_wire, 800);
	for (uint32_t i = 0; i < 800; i++) {
		CHECK_EQ(h->wire[i].len, 60 + i % 100);
		CHECK(h_payload_ok(h->wire[i].data, h->wire[i].len, (uint8_t)i));
	}
	h_free(h);
}

TEST(tx_wrong_seq_is_refused_and_context_keeps_working)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	/* Slot 0 carries a sequence number one lap old. */
	h_write_desc(h, 0, 0, 0, x->tx_buf, 100, CDNA_DESC_EOP,
		     (uint32_t)-CDNA_RING_SLOTS);
	nic_hw_doorbell_tx(h->hw, 0, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	CHECK_EQ(h_tx_cons(h, 0), 0);
	/* The writer now puts a proper descriptor in the slot. */
	x->tx_prod = 0;
	CHECK(good_frame_goes_out(h, 0, 3));
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	h_free(h);
}

TEST(tx_forged_producer_sends_only_written_descriptors)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 100, 1, 1);
	h_tx_frame(h, 0, far_mac, 100, 2, 1);
	/* Two descriptors written, the doorbell claims 40. */
	nic_hw_doorbell_tx(h->hw, 0, 40);
	h_run(h);
	CHECK_EQ(h->n_wire, 2);
	CHECK_EQ(h_tx_cons(h, 0), 2);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	CHECK(good_frame_goes_out(h, 0, 5));
	CHECK_EQ(h_tx_cons(h, 0), 3);
	h_free(h);
}

TEST(tx_replayed_descriptor_from_earlier_lap_is_refused)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	for (uint32_t i = 0; i < CDNA_RING_SLOTS; i++)
		h_tx_frame(h, 0, far_mac, 64, (uint8_t)i, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, CDNA_RING_SLOTS);
	/* A full lap later, the guest rings past the ring's old contents. */
	nic_hw_doorbell_tx(h->hw, 0, CDNA_RING_SLOTS + 5);
	h_run(h);
	CHECK_EQ(h->n_wire, CDNA_RING_SLOTS);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	h_free(h);
}

TEST(tx_descriptor_of_earlier_assignment_is_refused)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	/* Right index, but written under another seq_base. */
	h_write_desc(h, 0, 0, 0, x->tx_buf, 100, CDNA_DESC_EOP, 0x1234567u);
	nic_hw_doorbell_tx(h->hw, 0, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	h_free(h);
}

TEST(tx_zero_length_fragment_is_refused_and_consumed)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	h_write_desc(h, 0, 0, 0, x->tx_buf, 0, CDNA_DESC_EOP, 0);
	x->tx_prod = 1;
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_LEN], 1);
	CHECK_EQ(h_tx_cons(h, 0), 2);
	h_free(h);
}

TEST(tx_over_mtu_frame_is_refused_and_consumed)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, CDNA_MAX_FRAME + 1, 1, 2);
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_LEN], 1);
	CHECK_EQ(h_tx_cons(h, 0), 3);
	h_free(h);
}

TEST(tx_runt_frame_shorter_than_header_is_refused)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 13, 1, 1);
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_LEN], 1);
	h_free(h);
}

TEST(tx_buffer_crossing_page_is_refused)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	h_write_desc(h, 0, 0, 0, x->tx_buf + 4000, 200, CDNA_DESC_EOP, 0);
	x->tx_prod = 1;
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_CROSSES_PAGE], 1);
	h_free(h);
}

TEST(tx_frame_with_too_many_fragments_is_refused)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 600, 1, CDNA_MAX_FRAGS + 1);
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_TOO_MANY_FRAGS], 1);
	/* The fifth fragment is discarded with its frame, never sent as a
	 * frame of its own; then the good frame goes out. */
	CHECK_EQ(h_tx_cons(h, 0), CDNA_MAX_FRAGS + 2);
	h_free(h);
}

TEST(tx_doorbell_past_ring_is_refused)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	nic_hw_doorbell_tx(h->hw, 0, CDNA_RING_SLOTS + 1);
	h_run(h);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_DOORBELL_RANGE], 1);
	nic_hw_doorbell_tx(h->hw, 0, (uint32_t)-3); /* "behind" the consumer */
	h_run(h);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_DOORBELL_RANGE], 2);
	CHECK_EQ(h->n_wire, 0);
	CHECK(good_frame_goes_out(h, 0, 4));
	h_free(h);
}

TEST(tx_buffer_outside_host_memory_is_a_dma_fault)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	h_write_desc(h, 0, 0, 0, 0x1000, 100, CDNA_DESC_EOP, 0);
	x->tx_prod = 1;
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_DMA_FAULT], 1);
	CHECK_EQ(h->hw->dma_faults, 1);
	h_free(h);
}

TEST(tx_partially_posted_frame_waits_for_its_last_fragment)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 600, 6, 2);
	nic_hw_doorbell_tx(h->hw, 0, 1); /* only the first fragment */
	h_run(h);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(h_tx_cons(h, 0), 0);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK(h_payload_ok(h->wire[0].data, 600, 6));
	h_free(h);
}

TEST(tx_doorbell_on_disabled_context_is_refused)
{
	struct harness *h = h_new();

	nic_hw_doorbell_tx(h->hw, 3, 1);
	h_run(h);
	CHECK_EQ(h_fw_stats(h, 3)->refused[CDNA_REFUSE_NOT_ENABLED], 1);
	CHECK_EQ(h->n_wire, 0);
	h_free(h);
}

TEST(tx_refusals_do_not_touch_other_contexts)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	nic_hw_doorbell_tx(h->hw, 0, 100); /* forged, nothing written */
	h_tx_frame(h, 1, far_mac, 300, 8, 1);
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK(h_payload_ok(h->wire[0].data, 300, 8));
	for (int r = 0; r < CDNA_REFUSE_NUM; r++)
		CHECK_EQ(h_fw_stats(h, 1)->refused[r], 0);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	h_free(h);
}

TEST(tx_frame_with_spoofed_source_mac_is_refused)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	h_tx_frame(h, 0, far_mac, 200, 1, 1);
	/* Rewrite the source MAC inside the posted buffer. */
	h_mem(h, x->tx_buf)[11] ^= 0x40;
	CHECK(good_frame_goes_out(h, 0, 4));
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_SPOOFED_SRC], 1);
	CHECK_EQ(h_tx_cons(h, 0), 2);
	h_free(h);
}

TEST(tx_bridging_context_may_send_any_source_mac)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, CDNA_CTXF_ANY_SRC);
	h_tx_frame(h, 0, far_mac, 200, 1, 1);
	h_mem(h, h->ctx[0].tx_buf)[11] ^= 0x40;
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_SPOOFED_SRC], 0);
	h_free(h);
}
