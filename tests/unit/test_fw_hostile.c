/* SPDX-License-Identifier: MIT */
/*
 * test_fw_hostile.c - a driver that writes garbage: random descriptors
 * (wrong sequence numbers, wild addresses, bad lengths and flags) and
 * random doorbells, mixed with sound ones, for thousands of steps.  The
 * firmware must never act on a descriptor whose sequence number is wrong
 * (victim memory named only by such descriptors stays byte-identical, and
 * no victim byte ever reaches the wire), never hang, and keep serving good
 * descriptors afterwards.  Seeded, so a failure replays.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "fw_harness.h"

#define VICTIM_BYTE 0xee
#define VICTIM_PAGES 16u

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: small, seedable, good enough to pick actions. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

struct world {
	struct harness *h;
	uint64_t victim;
	uint8_t *victim_copy;
};

/* A descriptor that deserves to be refused or ignored: wrong sequence
 * number, and anything at all elsewhere (often the victim). */
static void write_garbage(struct world *w, uint32_t c, int rx)
{
	struct h_ctx *x = &w->h->ctx[c];
	/* Mostly just past the producer, where a forged doorbell looks. */
	uint32_t idx = (rx ? x->rx_prod : x->tx_prod) +
		       (rnd() % 4 ? rnd() % 8 : rnd() % 300);
	/* Mostly plausible, so that only the sequence number betrays it. */
	uint64_t addr = rnd() % 4 ? w->victim + 64 * (rnd() % (VICTIM_PAGES * 32))
				  : (uint64_t)rnd() << (rnd() % 32);
	uint16_t len = rnd() % 4 ? (uint16_t)(60 + rnd() % 1000) : (uint16_t)rnd();
	uint16_t flags = rnd() % 4 ? CDNA_DESC_EOP : (uint16_t)rnd();
	uint32_t delta = rnd() % 2 ? CDNA_RING_SLOTS * (1 + rnd() % 3)
				   : 1 + rnd() % 0xffff;

	h_write_desc(w->h, c, rx, idx, addr, len, flags, delta);
}

/* A descriptor with the right sequence number, into the context's own
 * buffers, but possibly with a bad length or a page crossing. */
static void write_sound(struct world *w, uint32_t c, int rx)
{
	struct h_ctx *x = &w->h->ctx[c];
	uint32_t cons = rx ? h_rx_cons(w->h, c) : h_tx_cons(w->h, c);
	uint32_t idx;
	uint64_t base;
	uint16_t len = rnd() % 8 ? (uint16_t)(60 + rnd() % 1400)
				 : (uint16_t)(rnd() % 5000);
	uint32_t off = rnd() % 8 ? 0 : rnd() % 4096;

	/* Like any driver, never more than a ring ahead of the NIC. */
	if ((rx ? x->rx_prod : x->tx_prod) - cons >= CDNA_RING_SLOTS - 1)
		return;
	idx = rx ? x->rx_prod++ : x->tx_prod++;
	base = (rx ? x->rx_buf : x->tx_buf) + (idx % CDNA_RING_SLOTS) * 2048u;
	if (!rx) {
		uint8_t *p = h_mem(w->h, base);

		memcpy(p, far_mac, 6);
		memcpy(p + 6, x->mac, 6);
		memset(p + 12, 0x42, 2048 - 12);
	}
	h_write_desc(w->h, c, rx, idx, base + off, len,
		     rx ? 0 : (uint16_t)(rnd() % 4 ? CDNA_DESC_EOP : 0), 0);
}

static void ring(struct world *w, uint32_t c, int rx)
{
	struct h_ctx *x = &w->h->ctx[c];
	uint32_t prod = rx ? x->rx_prod : x->tx_prod;

	switch (rnd() % 4) {
	case 0: prod += rnd() % 40; break;          /* forged ahead */
	case 1: prod = rnd(); break;                /* nonsense */
	default: break;                             /* honest */
	}
	if (rx)
		nic_hw_doorbell_rx(w->h->hw, c, prod);
	else
		nic_hw_doorbell_tx(w->h->hw, c, prod);
}

static int victim_intact(struct world *w)
{
	return memcmp(h_mem(w->h, w->victim), w->victim_copy,
		      VICTIM_PAGES * 4096) == 0;
}

static int wire_has_victim_bytes(struct harness *h)
{
	for (uint32_t i = 0; i < h->n_wire; i++)
		for (uint32_t b = 0; b + 4 <= h->wire[i].len; b++)
			if (h->wire[i].data[b] == VICTIM_BYTE &&
			    h->wire[i].data[b + 1] == VICTIM_BYTE &&
			    h->wire[i].data[b + 2] == VICTIM_BYTE &&
			    h->wire[i].data[b + 3] == VICTIM_BYTE)
				return 1;
	return 0;
}

static void chaos(uint64_t seed, uint32_t steps)
{
	struct world w = { 0 };
	uint32_t refused = 0;

	rng_state = seed;
	w.h = h_new();
	w.victim = h_alloc_pages(w.h, VICTIM_PAGES);
	memset(h_mem(w.h, w.victim), VICTIM_BYTE, VICTIM_PAGES * 4096);
	w.victim_copy = malloc(VICTIM_PAGES * 4096);
	memcpy(w.victim_copy, h_mem(w.h, w.victim), VICTIM_PAGES * 4096);
	for (uint32_t c = 0; c < 4; c++)
		h_ctx_enable(w.h, c, NULL, CDNA_CTXF_BCAST);

	for (uint32_t step = 0; step < steps; step++) {
		uint32_t c = rnd() % 4;
		int rx = (int)(rnd() % 2);

		switch (rnd() % 6) {
		case 0: write_garbage(&w, c, rx); break;
		case 1: case 2: write_sound(&w, c, rx); break;
		case 3: ring(&w, c, rx); break;
		case 4:
			h_wire_in(w.h, rnd() % 3 ? w.h->ctx[c].mac : h_bcast,
				  far_mac, 14 + rnd() % 1500, (uint8_t)step);
			break;
		default:
			w.h->n_wire = 0;
			h_run(w.h);
			CHECK(!wire_has_victim_bytes(w.h));
			break;
		}
	}
	h_run(w.h);
	CHECK(victim_intact(&w));
	CHECK(!wire_has_victim_bytes(w.h));
	for (uint32_t c = 0; c < 4; c++)
		for (int r = 0; r < CDNA_REFUSE_NUM; r++)
			refused += h_fw_stats(w.h, c)->refused[r];
	CHECK(refused > 0); /* the garbage was seen, and refused */

	/* Afterwards, a revoke and a fresh start give a working context. */
	h_ctx_revoke(w.h, 0);
	h_ctx_enable(w.h, 0, NULL, 0);
	w.h->n_wire = 0;
	h_tx_frame(w.h, 0, far_mac, 300, 0x5a, 1);
	h_tx_ring(w.h, 0);
	h_rx_post(w.h, 0, 2, 2048);
	h_wire_in(w.h, w.h->ctx[0].mac, far_mac, 200, 0x6b);
	h_run(w.h);
	CHECK_EQ(w.h->n_wire, 1);
	CHECK(h_payload_ok(w.h->wire[0].data, 300, 0x5a));
	CHECK_EQ(h_rx_cons(w.h, 0), 1);
	CHECK(h_payload_ok(h_rx_buf(w.h, 0, 0), 200, 0x6b));
	CHECK(victim_intact(&w));
	free(w.victim_copy);
	h_free(w.h);
}

TEST(hostile_driver_seed_1_never_reaches_victim_memory)
{
	chaos(1, 100000);
}

TEST(hostile_driver_seed_2_never_reaches_victim_memory)
{
	chaos(0x9e3779b97f4a7c15ull, 100000);
}

TEST(hostile_driver_seed_3_never_reaches_victim_memory)
{
	chaos(0xdeadbeefcafef00dull, 100000);
}
