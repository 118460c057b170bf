/* SPDX-License-Identifier: MIT */
/*
 * test_fw_sched.c - transmit scheduling: deficit round robin shares the
 * wire fairly in bytes between contexts, whatever their frame sizes.
 */
#include "../lib/check.h"
#include "fw_harness.h"
#include "../../firmware/src/fw.h"

/* Full-size frames one DRR quantum lets a context send in a row. */
#define Q ((uint32_t)(FW_DRR_QUANTUM / CDNA_MAX_FRAME))

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };

/* Source context of wire frame i (from the source MAC's last byte). */
static uint32_t src_ctx(struct harness *h, uint32_t i)
{
	return h->wire[i].data[11] - 1u;
}

/* Bytes each context got in the first n wire frames. */
static void bytes_in_prefix(struct harness *h, uint32_t n, uint64_t *bytes,
			    uint32_t nctx)
{
	for (uint32_t c = 0; c < nctx; c++)
		bytes[c] = 0;
	for (uint32_t i = 0; i < n; i++)
		bytes[src_ctx(h, i)] += h->wire[i].len;
}

TEST(sched_equal_contexts_alternate_on_the_wire)
{
	struct harness *h = h_new();
	uint32_t count[2] = { 0, 0 };

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	for (uint32_t c = 0; c < 2; c++) {
		for (int i = 0; i < 100; i++)
			h_tx_frame(h, c, far_mac, 1514, (uint8_t)i, 1);
		h_tx_ring(h, c);
	}
	h_run(h);
	CHECK_EQ(h->n_wire, 200);
	/* In every prefix the two differ by at most one DRR quantum (Q full
	 * frames). */
	for (uint32_t i = 0; i < 200; i++) {
		count[src_ctx(h, i)]++;
		CHECK(count[0] <= count[1] + Q && count[1] <= count[0] + Q);
	}
	h_free(h);
}

TEST(sched_shares_bytes_not_frames_between_small_and_large_frames)
{
	struct harness *h = h_new();
	uint64_t bytes[2];

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	for (int i = 0; i < 250; i++)
		h_tx_frame(h, 0, far_mac, 64, (uint8_t)i, 1);
	for (int i = 0; i < 30; i++)
		h_tx_frame(h, 1, far_mac, 1514, (uint8_t)i, 1);
	h_tx_ring(h, 0);
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 280);
	/* While both have work (the first 10 KB or so of each), the bytes
	 * each sent stay within two quanta of each other. */
	for (uint32_t n = 10; n < 200; n += 10) {
		bytes_in_prefix(h, n, bytes, 2);
		if (bytes[0] >= 250 * 64 || bytes[1] >= 30 * 1514)
			break;
		CHECK(bytes[0] + 2 * FW_DRR_QUANTUM >= bytes[1]);
		CHECK(bytes[1] + 2 * FW_DRR_QUANTUM >= bytes[0]);
	}
	h_free(h);
}

TEST(sched_every_one_of_32_contexts_gets_its_turn)
{
	struct harness *h = h_new();
	uint32_t first_seen[CDNA_NUM_CTX];

	for (uint32_t c = 0; c < CDNA_NUM_CTX; c++)
		h_ctx_enable(h, c, NULL, 0);
	/* More than a quantum each: every context needs several visits. */
	for (uint32_t c = 0; c < CDNA_NUM_CTX; c++) {
		for (uint32_t i = 0; i < Q + 2; i++)
			h_tx_frame(h, c, far_mac, 1514, (uint8_t)i, 1);
		h_tx_ring(h, c);
		first_seen[c] = UINT32_MAX;
	}
	h_run(h);
	CHECK_EQ(h->n_wire, (Q + 2) * CDNA_NUM_CTX);
	for (uint32_t i = 0; i < h->n_wire; i++)
		if (first_seen[src_ctx(h, i)] == UINT32_MAX)
			first_seen[src_ctx(h, i)] = i;
	/* Within the first round every context has sent (Q frames each). */
	for (uint32_t c = 0; c < CDNA_NUM_CTX; c++)
		CHECK(first_seen[c] < Q * CDNA_NUM_CTX);
	h_free(h);
}

TEST(sched_idle_context_does_not_bank_credit)
{
	struct harness *h = h_new();
	uint32_t run0 = 0;

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	/* Context 0 sends alone for a while, then both have backlog. */
	for (int i = 0; i < 50; i++)
		h_tx_frame(h, 0, far_mac, 64, 1, 1);
	h_tx_ring(h, 0);
	h_run(h);
	h->n_wire = 0;
	for (int i = 0; i < 40; i++) {
		h_tx_frame(h, 0, far_mac, 1514, 2, 1);
		h_tx_frame(h, 1, far_mac, 1514, 3, 1);
	}
	h_tx_ring(h, 0);
	h_tx_ring(h, 1);
	h_run(h);
	CHECK_EQ(h->n_wire, 80);
	/* No context sends more than one quantum (Q frames) in a row. */
	for (uint32_t i = 0; i < 60; i++) {
		run0 = src_ctx(h, i) == 0 ? run0 + 1 : 0;
		CHECK(run0 <= Q);
	}
	h_free(h);
}
