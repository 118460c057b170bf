/* SPDX-License-Identifier: MIT */
/*
 * attacks.c - one hostile guest's attacks, one function each, mounted
 * while the well-behaved guests' traffic runs (the scene calls .step at
 * every traffic step; s->step counts from 1).  Each names the counter that
 * must move when the attack is refused.
 */
#include "attacks.h"

#include <string.h>

static struct cdna_guest_buf gbuf(uint64_t addr, uint32_t len, uint16_t flags)
{
	return (struct cdna_guest_buf){ .addr = addr, .len = (uint16_t)len,
					.flags = flags };
}

/* Post one buffer and expect the refusal. */
static void try1(struct scene *s, const char *what, unsigned ring,
		 uint64_t addr, uint32_t len, uint16_t flags,
		 enum cdna_hv_refusal reason)
{
	struct cdna_guest_buf b = gbuf(addr, len, flags);
	struct cdna_op_enqueue op;
	long rc = atk_enqueue(s, ring, &b, 1, &op);

	atk_expect_refused(s, what, rc, &op, reason);
}

/* Post n buffers, each its own half page of the attacker's RX pages, and
 * expect them all accepted. */
static void post_rx(struct scene *s, uint32_t n)
{
	struct cdna_guest_buf b[CDNA_ENQUEUE_MAX];
	struct cdna_op_enqueue op;

	while (n) {
		uint32_t k = n < CDNA_ENQUEUE_MAX ? n : CDNA_ENQUEUE_MAX;

		for (uint32_t i = 0; i < k; i++)
			b[i] = gbuf(s->atk_rx + ((s->atk_rx_prod + i) %
						 (2 * ATK_PAGES)) * 2048u,
				    2048, 0);
		if (atk_enqueue(s, CDNA_RING_RX, b, k, &op) || op.done != k) {
			if (!s->violated)
				strcpy(s->why, "a legitimate RX post was "
				       "refused");
			s->violated = 1;
			return;
		}
		n -= k;
	}
	s->atk_calls_ok++;
	atk_store(s, atk_ctx_reg(ATK_CTX, CTX_RX_PROD), s->atk_rx_prod);
}

static void violation(struct scene *s, const char *what)
{
	if (!s->violated)
		snprintf(s->why, sizeof(s->why), "%s", what);
	s->violated = 1;
}

/* Frames from the wire for the attacker's MAC, outside the ledger. */
static void wire_to_attacker(struct scene *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *f = wire_queue_next(&s->tb.wire);

		if (!f)
			return;
		memset(f, 0xa5, 200);
		memcpy(f, s->atk.mac, 6);
		tb_node_mac(TB_WIRE, f + 6);
		f[12] = 0x88;
		f[13] = 0xb6;
		wire_queue_commit(&s->tb.wire, 200);
	}
}

/*
 * After an RX attack: ring the doorbell as if the refused buffers had been
 * taken, and send the attacker frames.  Had the hypervisor let a buffer
 * through, the NIC would now write those frames into the page it names,
 * and the secret pages' bytes would show it.
 */
static void rx_follow_up(struct scene *s)
{
	atk_store(s, atk_ctx_reg(ATK_CTX, CTX_RX_PROD), s->atk_rx_prod + 4);
	wire_to_attacker(s, 8);
}

/* ---- buffers the hypervisor must refuse ----------------------------------- */

static void foreign_page(struct scene *s)
{
	if (s->step == 2)
		rx_follow_up(s);
	if (s->step != 1)
		return;
	/* The well-behaved guest's secret page: to receive into it, or to
	 * send it out to the wire. */
	try1(s, "RX into a guest's page", CDNA_RING_RX, s->kept[0], 2048, 0,
	     CDNA_HV_NOT_OWNED);
	try1(s, "TX from a guest's page", CDNA_RING_TX, s->kept[0] + 64, 1000,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNED);
	try1(s, "RX into a guest's RX buffer", CDNA_RING_RX,
	     s->tb.guest[1].rx_buf, 2048, 0, CDNA_HV_NOT_OWNED);
}

static uint64_t count_not_owned(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_NOT_OWNED);
}

static void dom0_page(struct scene *s)
{
	if (s->step == 2)
		rx_follow_up(s);
	if (s->step != 1)
		return;
	try1(s, "RX into dom0's page", CDNA_RING_RX, s->kept[2], 2048, 0,
	     CDNA_HV_NOT_OWNED);
	try1(s, "TX from dom0's page", CDNA_RING_TX, s->kept[3], 1514,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNED);
}

static void hypervisor_page(struct scene *s)
{
	if (s->step == 2)
		rx_follow_up(s);
	if (s->step != 1)
		return;
	try1(s, "RX into a hypervisor page", CDNA_RING_RX, s->kept[4], 2048, 0,
	     CDNA_HV_NOT_RAM);
	/* Rings are where a guest would most like to write. */
	try1(s, "RX into a guest's RX ring", CDNA_RING_RX,
	     s->tb.guest[0].rx_ring, 2048, 0, CDNA_HV_NOT_RAM);
	try1(s, "RX into its own TX ring", CDNA_RING_RX, s->atk.tx_ring, 2048,
	     0, CDNA_HV_NOT_RAM);
	try1(s, "TX from the NIC's BAR0", CDNA_RING_TX, TB_BAR0_BASE, 64,
	     CDNA_DESC_EOP, CDNA_HV_NOT_RAM);
}

static uint64_t count_not_ram(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_NOT_RAM);
}

static void read_only_rx(struct scene *s)
{
	if (s->step == 1)
		try1(s, "RX into a read-only page", CDNA_RING_RX, s->atk_ro,
		     2048, 0, CDNA_HV_NOT_WRITABLE);
	else if (s->step == 2)
		rx_follow_up(s);
}

static uint64_t count_not_writable(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_NOT_WRITABLE);
}

static void page_table_rx(struct scene *s)
{
	if (s->step == 1)
		try1(s, "RX into a page table", CDNA_RING_RX, s->atk_pt, 2048,
		     0, CDNA_HV_NOT_WRITABLE);
	else if (s->step == 2)
		rx_follow_up(s);
}

static void granted_page_rx(struct scene *s)
{
	if (s->step == 2)
		rx_follow_up(s);
	if (s->step != 1)
		return;
	/* The second guest grants the attacker its secret page (as a
	 * netfront grants a buffer): still not the attacker's to DMA into. */
	dom_grant(&s->tb.dom, s->kept[1], ATK_DOM);
	try1(s, "RX into a granted-in page", CDNA_RING_RX, s->kept[1], 2048, 0,
	     CDNA_HV_NOT_OWNED);
}

static void crossing_page(struct scene *s)
{
	if (s->step == 2)
		rx_follow_up(s);
	if (s->step != 1)
		return;
	try1(s, "RX across a page boundary", CDNA_RING_RX, s->atk_rx + 4000,
	     1514, 0, CDNA_HV_CROSSES_PAGE);
	/* Into the next page, which is the attacker's too: still refused,
	 * the rule is per descriptor. */
	try1(s, "TX across a page boundary", CDNA_RING_TX, s->atk_tx + 4095,
	     60, CDNA_DESC_EOP, CDNA_HV_CROSSES_PAGE);
}

static uint64_t count_crosses(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_CROSSES_PAGE);
}

static void bad_lengths(struct scene *s)
{
	struct cdna_guest_buf frags[CDNA_MAX_FRAGS + 1];
	struct cdna_op_enqueue op;
	long rc;

	if (s->step != 1)
		return;
	try1(s, "RX of length 0", CDNA_RING_RX, s->atk_rx, 0, 0,
	     CDNA_HV_BAD_LEN);
	try1(s, "TX of length 0", CDNA_RING_TX, s->atk_tx, 0, CDNA_DESC_EOP,
	     CDNA_HV_BAD_LEN);
	try1(s, "TX over the MTU", CDNA_RING_TX, s->atk_tx, 1600,
	     CDNA_DESC_EOP, CDNA_HV_BAD_LEN);
	try1(s, "RX over a page", CDNA_RING_RX, s->atk_rx, 5000, 0,
	     CDNA_HV_BAD_LEN);
	/* An over-MTU frame in fragments: the first ones are fine, the one
	 * that makes it too long is not. */
	for (unsigned i = 0; i < 4; i++)
		frags[i] = gbuf(s->atk_tx + i * 1024u, 500, i == 3 ?
				CDNA_DESC_EOP : 0);
	rc = atk_enqueue(s, CDNA_RING_TX, frags, 4, &op);
	if (rc != -CDNA_EINVAL || op.done != 3 ||
	    op.reason != CDNA_HV_BAD_LEN)
		violation(s, "an over-MTU frame in fragments was accepted");
	/* Close the open frame properly so the NIC is not left waiting. */
	try1(s, "closing fragment over the MTU", CDNA_RING_TX, s->atk_tx,
	     100, CDNA_DESC_EOP, CDNA_HV_BAD_LEN);
}

static uint64_t count_bad_len(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_BAD_LEN);
}

static void ring_overflow(struct scene *s)
{
	struct cdna_guest_buf b[CDNA_ENQUEUE_MAX];
	struct cdna_op_enqueue op;
	long rc;

	if (s->step != 1)
		return;
	/* No frame comes for the attacker: its RX ring fills and stays
	 * full. */
	post_rx(s, CDNA_RING_SLOTS);
	for (unsigned i = 0; i < CDNA_ENQUEUE_MAX; i++)
		b[i] = gbuf(s->atk_rx, 2048, 0);
	rc = atk_enqueue(s, CDNA_RING_RX, b, CDNA_ENQUEUE_MAX, &op);
	atk_expect_refused(s, "RX past a full ring", rc, &op,
			   CDNA_HV_RING_FULL);
	/* Ringing for more than was posted changes nothing either. */
	atk_store(s, atk_ctx_reg(ATK_CTX, CTX_RX_PROD),
		  s->atk_rx_prod + CDNA_RING_SLOTS);
}

static uint64_t count_ring_full(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_RING_FULL);
}

/* ---- doorbells and rings ------------------------------------------------- */

static uint64_t count_seq_and_range(struct scene *s)
{
	return nic_refused(s, ATK_CTX, CDNA_REFUSE_BAD_SEQ) +
	       nic_refused(s, ATK_CTX, CDNA_REFUSE_DOORBELL_RANGE);
}

static void forged_producer(struct scene *s)
{
	if (s->step != 1)
		return;
	atk_send(s, 4, 60);
	/* Slots past the real producer were never written: seq 0. */
	atk_store(s, atk_ctx_reg(ATK_CTX, CTX_TX_PROD), s->atk_tx_prod + 40);
	/* More than a ring ahead. */
	atk_store(s, atk_ctx_reg(ATK_CTX, CTX_RX_PROD), 100000);
}

static void stale_descriptors(struct scene *s)
{
	/* Fill the ring past one lap so that its slots hold descriptors
	 * of the previous lap, then point the doorbell at them. */
	if (s->step == 1)
		atk_send(s, 200, 60);
	else if (s->step == 2)
		atk_send(s, 120, 60);
	else if (s->step == 3) {
		/* Replay: the slots after the producer are last lap's. */
		atk_store(s, atk_ctx_reg(ATK_CTX, CTX_TX_PROD),
			  s->atk_tx_prod + 30);
	} else if (s->step == 4) {
		/* Stale: a producer behind the consumer. */
		atk_store(s, atk_ctx_reg(ATK_CTX, CTX_TX_PROD),
			  s->atk_tx_prod - 10);
	} else if (s->step == 5) {
		/* And a legitimate frame still goes. */
		if (atk_send(s, 1, 60) != 1)
			violation(s, "a legitimate frame after the replay was "
				  "refused");
	}
}

static void other_ctx_doorbell(struct scene *s)
{
	if (s->step != 1)
		return;
	if (atk_store(s, atk_ctx_reg(0, CTX_TX_PROD), 77) == 0 ||
	    atk_store(s, atk_ctx_reg(1, CTX_RX_PROD), 99999) == 0 ||
	    atk_store(s, atk_ctx_reg(1, CTX_IRQ_ENABLE), 0) == 0 ||
	    /* The hypervisor's BAR2 page is nobody's but Xen's. */
	    atk_store(s, TB_BAR2_BASE + CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_CTRL,
		      CDNA_CTX_CTRL_REVOKE) == 0)
		violation(s, "a store to another context's page went through");
}

static uint64_t count_doorbells(struct scene *s)
{
	return s->tb.dom.refused_doorbells;
}

static void write_own_ring(struct scene *s)
{
	struct cdna_desc forged = { .addr = s->kept[0], .len = 2048 };

	if (s->step != 1)
		return;
	if (dom_write(&s->tb.dom, ATK_DOM, s->atk.rx_ring, &forged,
		      sizeof(forged)) == 0 ||
	    dom_write(&s->tb.dom, ATK_DOM, s->atk.status, &forged, 4) == 0 ||
	    dom_write(&s->tb.dom, ATK_DOM, s->tb.guest[0].tx_ring, &forged,
		      sizeof(forged)) == 0)
		violation(s, "a guest store to a ring went through");
}

static uint64_t count_writes(struct scene *s)
{
	return s->tb.dom.refused_writes;
}

/* ---- revoke and page lifetime -------------------------------------------- */

static void after_revoke(struct scene *s)
{
	struct cdna_op_revoke r;

	if (s->step == 1) {
		atk_send(s, 8, 60);
		post_rx(s, 16);
	} else if (s->step == 2) {
		if (atk_revoke(s, &r) || r.refs_returned == 0)
			violation(s, "revoke failed or returned nothing");
	} else if (s->step == 3) {
		struct cdna_guest_buf b = gbuf(s->atk_tx, 60, CDNA_DESC_EOP);
		struct cdna_op_enqueue op;
		long rc = atk_enqueue(s, CDNA_RING_TX, &b, 1, &op);

		atk_expect_refused(s, "ENQUEUE after revoke", rc, &op,
				   CDNA_HV_NOT_OWNER);
		if (atk_store(s, atk_ctx_reg(ATK_CTX, CTX_TX_PROD), 9) == 0)
			violation(s, "a doorbell after revoke went through");
	}
}

static uint64_t count_not_owner(struct scene *s)
{
	return hv_refused(s, ATK_CTX, CDNA_HV_NOT_OWNER) +
	       s->tb.dom.refused_doorbells;
}

static void freed_in_flight(struct scene *s)
{
	uint64_t page = s->atk_rx;

	if (s->step == 1) {
		post_rx(s, 32);
		/* Balloon out a page the NIC may still write, then try to
		 * hand it to a well-behaved guest. */
		dom_release(&s->tb.dom, ATK_DOM, page);
		if (dom_transfer(&s->tb.dom, page, 1) == 0)
			violation(s, "a referenced page was transferred");
		if (dom_alloc(&s->tb.dom, 1, 1, TB_PG_RAM) == page)
			violation(s, "a referenced page was handed out");
		/* The attacker cannot name it any more. */
		try1(s, "RX into a page given up", CDNA_RING_RX, page, 2048, 0,
		     CDNA_HV_NOT_OWNED);
	} else if (s->step == 2) {
		/* Frames land in the page given up, and nowhere else. */
		wire_to_attacker(s, 20);
	}
}

static uint64_t count_transfers(struct scene *s)
{
	return s->tb.dom.refused_transfers;
}

/* ---- flooding and the revoke storm ---------------------------------------- */

static void flood(struct scene *s)
{
	/* Every step: as many frames as the ring takes, and more. */
	uint32_t room = CDNA_RING_SLOTS - (s->atk_tx_prod -
		hostmem_rd32(&s->tb.hm, s->atk.status +
			     CDNA_STATUS_OFF_TX_CONS));
	struct cdna_guest_buf b = gbuf(s->atk_tx, 512, CDNA_DESC_EOP);
	struct cdna_op_enqueue op;

	atk_send(s, room, 512);
	/* One past the ring: counted, not taken. */
	atk_enqueue(s, CDNA_RING_TX, &b, 1, &op);
}

/* While the hypervisor waits for the NIC to stop the context, the
 * attacker keeps ringing: through its mapping (gone: refused) and, as
 * writes already on their way through the fabric would, straight at the
 * NIC. */
static void storm(struct testbed *tb)
{
	struct scene *s = tb->hook_arg;

	for (unsigned i = 0; i < 8; i++) {
		uint32_t v = (uint32_t)prng_next(&tb->prng);

		atk_store(s, atk_ctx_reg(ATK_CTX, i & 1 ? CTX_RX_PROD :
					 CTX_TX_PROD), v);
		cdna_nic_bar_write(tb->nic, 0, CDNA_BAR0_CTX(ATK_CTX) +
				   (i & 1 ? CTX_RX_PROD : CTX_TX_PROD), v, 4);
	}
}

static void revoke_storm(struct scene *s)
{
	struct cdna_op_revoke r;
	struct cdna_op_stats st = { .ctx = ATK_CTX };

	if (s->step == 1) {
		atk_send(s, 200, 1000);
		post_rx(s, 64);
	} else if (s->step == 2) {
		board_dom0_op(&s->tb, CDNA_OP_STATS, &st);
		s->tb.relax_hook = storm;
		if (atk_revoke(s, &r) || r.refs_returned != st.refs_held)
			violation(s, "revoke under a doorbell storm did not "
				  "return every reference");
		s->tb.relax_hook = NULL;
		/* And after it, more of the same. */
		storm(&s->tb);
	}
}

static uint64_t count_storm(struct scene *s)
{
	return s->tb.dom.refused_doorbells +
	       nic_refused(s, ATK_CTX, CDNA_REFUSE_NOT_ENABLED);
}

const struct attack attacks[] = {
	{ .name = "foreign_page", .counter = "hv NOT_OWNED",
	  .step = foreign_page, .count = count_not_owned },
	{ .name = "dom0_page", .counter = "hv NOT_OWNED",
	  .step = dom0_page, .count = count_not_owned },
	{ .name = "hypervisor_page", .counter = "hv NOT_RAM",
	  .step = hypervisor_page, .count = count_not_ram },
	{ .name = "read_only_page_as_rx_target", .counter = "hv NOT_WRITABLE",
	  .step = read_only_rx, .count = count_not_writable },
	{ .name = "page_table_page_as_rx_target", .counter = "hv NOT_WRITABLE",
	  .step = page_table_rx, .count = count_not_writable },
	{ .name = "granted_in_page_as_rx_target", .counter = "hv NOT_OWNED",
	  .step = granted_page_rx, .count = count_not_owned },
	{ .name = "buffer_crossing_a_page", .counter = "hv CROSSES_PAGE",
	  .step = crossing_page, .count = count_crosses },
	{ .name = "zero_and_over_mtu_lengths", .counter = "hv BAD_LEN",
	  .step = bad_lengths, .count = count_bad_len },
	{ .name = "ring_overflow", .counter = "hv RING_FULL",
	  .step = ring_overflow, .count = count_ring_full },
	{ .name = "forged_producer_index", .counter = "nic BAD_SEQ+RANGE",
	  .step = forged_producer, .count = count_seq_and_range },
	{ .name = "replayed_and_stale_descriptors", .counter = "nic BAD_SEQ+RANGE",
	  .step = stale_descriptors, .count = count_seq_and_range },
	{ .name = "doorbell_to_another_context", .counter = "mmu doorbells",
	  .step = other_ctx_doorbell, .count = count_doorbells },
	{ .name = "store_to_a_ring", .counter = "mmu stores",
	  .step = write_own_ring, .count = count_writes },
	{ .name = "context_used_after_revoke", .counter = "hv NOT_OWNER+mmu",
	  .step = after_revoke, .count = count_not_owner },
	{ .name = "page_freed_while_in_flight", .counter = "transfers",
	  .step = freed_in_flight, .count = count_transfers },
	{ .name = "flood_to_starve_others", .counter = "hv RING_FULL",
	  .step = flood, .count = count_ring_full, .fairness = 1 },
	{ .name = "doorbell_storm_during_revoke", .counter = "mmu+nic NOT_ENABLED",
	  .step = revoke_storm, .count = count_storm },
};

const unsigned attack_count = sizeof(attacks) / sizeof(attacks[0]);
