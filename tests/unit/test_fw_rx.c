/* SPDX-License-Identifier: MIT */
/*
 * test_fw_rx.c - receive demultiplexing by destination MAC: unicast to its
 * one context, broadcast and multicast to every context that wants them,
 * frames between contexts switched inside the NIC, and receive-side
 * refusals.
 */
#include <string.h>

#include "../lib/check.h"
#include "fw_harness.h"
#include "../../firmware/src/fw.h"

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };
static const uint8_t mcast_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

/* Frames delivered to c so far (its rx_cons). */
static uint32_t got(struct harness *h, uint32_t c)
{
	return h_rx_cons(h, c);
}

static struct harness *three_contexts(uint32_t rxf1)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, CDNA_CTXF_BCAST | CDNA_CTXF_MCAST);
	h_ctx_enable(h, 1, NULL, rxf1);
	h_ctx_enable(h, 2, NULL, CDNA_CTXF_BCAST);
	for (uint32_t c = 0; c < 3; c++)
		h_rx_post(h, c, 16, 2048);
	h_run(h);
	return h;
}

TEST(rx_unicast_goes_only_to_the_owner_of_the_mac)
{
	struct harness *h = three_contexts(0);

	CHECK_EQ(h_wire_in(h, h->ctx[1].mac, far_mac, 700, 0x40), 0);
	h_run(h);
	CHECK_EQ(got(h, 0), 0);
	CHECK_EQ(got(h, 1), 1);
	CHECK_EQ(got(h, 2), 0);
	CHECK_EQ(h_rx_wb(h, 1, 0),
		 700 | (uint32_t)(CDNA_DESC_DONE | CDNA_DESC_EOP) << 16);
	CHECK(memcmp(h_rx_buf(h, 1, 0), h->ctx[1].mac, 6) == 0);
	CHECK(h_payload_ok(h_rx_buf(h, 1, 0), 700, 0x40));
	h_free(h);
}

TEST(rx_unicast_to_unknown_mac_is_dropped_and_counted)
{
	struct harness *h = three_contexts(0);
	static const uint8_t nobody[6] = { 0x02, 0, 0, 0, 0, 0x77 };

	h_wire_in(h, nobody, far_mac, 100, 1);
	h_run(h);
	CHECK_EQ(got(h, 0) + got(h, 1) + got(h, 2), 0);
	CHECK_EQ(h_fw_nic_stats(h)->rx_no_match, 1);
	h_free(h);
}

TEST(rx_broadcast_goes_to_every_context_that_accepts_it)
{
	struct harness *h = three_contexts(0);

	h_wire_in(h, h_bcast, far_mac, 60, 9);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	CHECK_EQ(got(h, 1), 0); /* filter without CDNA_CTXF_BCAST */
	CHECK_EQ(got(h, 2), 1);
	CHECK(h_payload_ok(h_rx_buf(h, 0, 0), 60, 9));
	CHECK(h_payload_ok(h_rx_buf(h, 2, 0), 60, 9));
	h_free(h);
}

TEST(rx_multicast_goes_only_to_contexts_accepting_multicast)
{
	struct harness *h = three_contexts(CDNA_CTXF_MCAST);

	h_wire_in(h, mcast_mac, far_mac, 90, 3);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	CHECK_EQ(got(h, 1), 1);
	CHECK_EQ(got(h, 2), 0);
	h_free(h);
}

TEST(switch_unicast_between_contexts_stays_inside_the_nic)
{
	struct harness *h = three_contexts(0);

	h_tx_frame(h, 0, h->ctx[2].mac, 1000, 0x21, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(got(h, 2), 1);
	CHECK_EQ(got(h, 1), 0);
	CHECK(h_payload_ok(h_rx_buf(h, 2, 0), 1000, 0x21));
	CHECK(memcmp(h_rx_buf(h, 2, 0) + 6, h->ctx[0].mac, 6) == 0);
	CHECK_EQ(h_tx_cons(h, 0), 1);
	CHECK_EQ(h->hw->cnt[0].tx_frames, 1);
	CHECK_EQ(h->hw->cnt[2].rx_frames, 1);
	CHECK_EQ(h->hw->cnt[2].rx_bytes, 1000);
	h_free(h);
}

TEST(switch_broadcast_reaches_wire_and_other_contexts_not_sender)
{
	struct harness *h = three_contexts(CDNA_CTXF_BCAST);

	h_tx_frame(h, 0, h_bcast, 300, 0x11, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK(h_payload_ok(h->wire[0].data, 300, 0x11));
	CHECK_EQ(got(h, 0), 0);
	CHECK_EQ(got(h, 1), 1);
	CHECK_EQ(got(h, 2), 1);
	h_free(h);
}

TEST(switch_frame_to_own_mac_goes_to_the_wire)
{
	struct harness *h = three_contexts(0);

	h_tx_frame(h, 1, h->ctx[1].mac, 100, 1, 1);
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(got(h, 1), 0);
	h_free(h);
}

TEST(rx_without_posted_buffer_is_dropped_and_counted)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_wire_in(h, h->ctx[0].mac, far_mac, 100, 1);
	h_run(h);
	CHECK_EQ(got(h, 0), 0);
	CHECK_EQ(h_fw_stats(h, 0)->dropped[CDNA_DROP_RX_NO_BUF], 1);
	/* Once a buffer is posted, the next frame lands. */
	h_rx_post(h, 0, 1, 2048);
	h_wire_in(h, h->ctx[0].mac, far_mac, 100, 2);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	CHECK(h_payload_ok(h_rx_buf(h, 0, 0), 100, 2));
	h_free(h);
}

TEST(rx_buffer_too_small_is_handed_back_with_error)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_rx_post(h, 0, 1, 64);
	h_rx_post(h, 0, 1, 2048);
	h_wire_in(h, h->ctx[0].mac, far_mac, 500, 5);
	h_run(h);
	CHECK_EQ(got(h, 0), 2);
	CHECK_EQ(h_rx_wb(h, 0, 0), (uint32_t)CDNA_DESC_ERR << 16);
	CHECK_EQ(h_rx_wb(h, 0, 1),
		 500 | (uint32_t)(CDNA_DESC_DONE | CDNA_DESC_EOP) << 16);
	CHECK(h_payload_ok(h_rx_buf(h, 0, 1), 500, 5));
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_RX_BUF_SMALL], 1);
	h_free(h);
}

TEST(rx_descriptor_with_wrong_seq_is_refused_and_buffer_untouched)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	memset(h_mem(h, x->rx_buf), 0xcc, 2048);
	h_write_desc(h, 0, 1, 0, x->rx_buf, 2048, 0, 77);
	nic_hw_doorbell_rx(h->hw, 0, 1);
	h_wire_in(h, x->mac, far_mac, 100, 1);
	h_run(h);
	CHECK_EQ(got(h, 0), 0);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	CHECK_EQ(*h_mem(h, x->rx_buf), 0xcc);
	/* A correct descriptor in the slot works. */
	x->rx_prod = 0;
	h_rx_post(h, 0, 1, 2048);
	h_wire_in(h, x->mac, far_mac, 100, 2);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	h_free(h);
}

TEST(rx_buffer_crossing_page_is_refused_with_error)
{
	struct harness *h = h_new();
	struct h_ctx *x;

	h_ctx_enable(h, 0, NULL, 0);
	x = &h->ctx[0];
	h_write_desc(h, 0, 1, 0, x->rx_buf + 3000, 2048, 0, 0);
	nic_hw_doorbell_rx(h->hw, 0, 1);
	h_wire_in(h, x->mac, far_mac, 100, 1);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	CHECK_EQ(h_rx_wb(h, 0, 0), (uint32_t)CDNA_DESC_ERR << 16);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_CROSSES_PAGE], 1);
	h_free(h);
}

TEST(rx_doorbell_past_ring_is_refused)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	nic_hw_doorbell_rx(h->hw, 0, CDNA_RING_SLOTS + 1);
	h_run(h);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_DOORBELL_RANGE], 1);
	h_rx_post(h, 0, 1, 2048);
	h_wire_in(h, h->ctx[0].mac, far_mac, 100, 1);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	h_free(h);
}

TEST(rx_mac_change_takes_effect_for_demux)
{
	struct harness *h = h_new();
	static const uint8_t new_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	h_ctx_enable(h, 0, NULL, 0);
	h_rx_post(h, 0, 4, 2048);
	nic_hw_cfg_write(h->hw, 0, CFG_MAC_LO, 0x33221102u);
	nic_hw_cfg_write(h->hw, 0, CFG_MAC_HI, 0x5544u);
	h_run(h);
	h_wire_in(h, h->ctx[0].mac, far_mac, 100, 1); /* old MAC */
	h_wire_in(h, new_mac, far_mac, 100, 2);
	h_run(h);
	CHECK_EQ(got(h, 0), 1);
	CHECK(h_payload_ok(h_rx_buf(h, 0, 0), 100, 2));
	CHECK_EQ(h_fw_nic_stats(h)->rx_no_match, 1);
	h_free(h);
}

TEST(rx_many_contexts_each_get_their_own_frames)
{
	struct harness *h = h_new();

	for (uint32_t c = 0; c < CDNA_NUM_CTX; c++) {
		h_ctx_enable(h, c, NULL, 0);
		h_rx_post(h, c, 8, 2048);
	}
	for (uint32_t round = 0; round < 4; round++) {
		for (uint32_t c = 0; c < CDNA_NUM_CTX; c++)
			h_wire_in(h, h->ctx[c].mac, far_mac, 64 + c,
				  (uint8_t)(c * 4 + round));
		h_run(h);
	}
	for (uint32_t c = 0; c < CDNA_NUM_CTX; c++) {
		CHECK_EQ(got(h, c), 4);
		for (uint32_t i = 0; i < 4; i++)
			CHECK(h_payload_ok(h_rx_buf(h, c, i), 64 + c,
					   (uint8_t)(c * 4 + i)));
	}
	h_free(h);
}

TEST(rx_demux_separates_macs_whose_hashes_collide)
{
	struct harness *h = h_new();
	uint8_t macs[3][6];
	uint32_t found = 0, want_hash = 0;

	/* Three unicast MACs that land in the same hash bucket. */
	for (uint32_t v = 1; v < 0x10000 && found < 3; v++) {
		uint8_t m[6] = { 0x02, 0x00, 0x00, 0x00, (uint8_t)(v >> 8),
				 (uint8_t)v };
		uint32_t lo = m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24;
		uint32_t hash = fw_mac_hash(lo, m[4] | m[5] << 8);

		if (found == 0)
			want_hash = hash;
		if (hash == want_hash)
			memcpy(macs[found++], m, 6);
	}
	CHECK_EQ(found, 3);
	for (uint32_t c = 0; c < 3; c++) {
		h_ctx_enable(h, c, macs[c], 0);
		h_rx_post(h, c, 4, 2048);
	}
	for (uint32_t c = 0; c < 3; c++)
		h_wire_in(h, macs[2 - c], far_mac, 100, (uint8_t)(0x10 * (2 - c)));
	h_run(h);
	for (uint32_t c = 0; c < 3; c++) {
		CHECK_EQ(got(h, c), 1);
		CHECK(h_payload_ok(h_rx_buf(h, c, 0), 100, (uint8_t)(0x10 * c)));
	}
	/* Revoking the first of the chain keeps the others reachable. */
	h_ctx_revoke(h, 0);
	h_wire_in(h, macs[2], far_mac, 100, 0x77);
	h_run(h);
	CHECK_EQ(got(h, 2), 2);
	h_free(h);
}

TEST(rx_unmatched_unicast_goes_to_the_promiscuous_context)
{
	struct harness *h = h_new();
	static const uint8_t behind_bridge[6] = { 0x02, 0xbb, 0, 0, 0, 0x09 };

	h_ctx_enable(h, 0, NULL, CDNA_CTXF_BCAST);
	h_ctx_enable(h, 1, NULL, CDNA_CTXF_BCAST | CDNA_CTXF_PROMISC |
				     CDNA_CTXF_ANY_SRC);
	h_rx_post(h, 0, 4, 2048);
	h_rx_post(h, 1, 4, 2048);
	h_wire_in(h, behind_bridge, far_mac, 300, 0x31);
	h_wire_in(h, h->ctx[0].mac, far_mac, 300, 0x32);
	h_run(h);
	CHECK_EQ(got(h, 0), 1); /* its own frame only */
	CHECK(h_payload_ok(h_rx_buf(h, 0, 0), 300, 0x32));
	CHECK_EQ(got(h, 1), 1); /* the unmatched one */
	CHECK(h_payload_ok(h_rx_buf(h, 1, 0), 300, 0x31));
	CHECK_EQ(h_fw_nic_stats(h)->rx_no_match, 0);
	h_free(h);
}

TEST(switch_unknown_unicast_floods_wire_and_promiscuous_context)
{
	struct harness *h = h_new();
	static const uint8_t behind_bridge[6] = { 0x02, 0xbb, 0, 0, 0, 0x09 };

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, CDNA_CTXF_PROMISC | CDNA_CTXF_ANY_SRC);
	h_ctx_enable(h, 2, NULL, 0);
	h_rx_post(h, 1, 4, 2048);
	h_rx_post(h, 2, 4, 2048);
	h_tx_frame(h, 0, behind_bridge, 400, 0x41, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(got(h, 1), 1);
	CHECK_EQ(got(h, 2), 0);
	CHECK(h_payload_ok(h_rx_buf(h, 1, 0), 400, 0x41));
	/* The bridge's own unknown unicast is not reflected back to it. */
	h_tx_frame(h, 1, behind_bridge, 100, 0x42, 1);
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 2);
	CHECK_EQ(got(h, 1), 1);
	h_free(h);
}

TEST(switch_keeps_frame_order_across_fast_and_multi_fragment_frames)
{
	struct harness *h = h_new();

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	h_rx_post(h, 1, 32, 2048);
	/* Single-descriptor frames are batched, multi-fragment ones take
	 * the slow path: the receiver must see them in sending order. */
	for (uint32_t i = 0; i < 24; i++)
		h_tx_frame(h, 0, h->ctx[1].mac, 200 + i, (uint8_t)i,
			   i % 5 == 3 ? 2 : 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(got(h, 1), 24);
	for (uint32_t i = 0; i < 24; i++) {
		CHECK_EQ(h_rx_wb(h, 1, i) & 0xffff, 200 + i);
		CHECK(h_payload_ok(h_rx_buf(h, 1, i), 200 + i, (uint8_t)i));
	}
	CHECK_EQ(h->n_wire, 0);
	h_free(h);
}
