/* SPDX-License-Identifier: MIT */
/*
 * traffic.c - the verifying run: frames of the chosen patterns, picked by
 * the seeded PRNG, sent in steps.
 *
 * A step takes up to a random number of frames, in order, until the next
 * one does not fit: its sender's TX ring is full, one of its receiving
 * guests has no posted RX buffer left for it, or the far end's queue is
 * full.  So no guest's RX ring and no MAC receive slot can overflow, and a
 * frame lost is a bug, never congestion.  Then the guests ring their
 * doorbells, the NIC runs until it waits (fed by the far end as its MAC
 * makes room), and the guests take their completions as their interrupts
 * say.
 */
#include <string.h>

#include "testbed.h"

struct plan {
	struct tb_frame_id id;
	uint64_t expect;   /* TB_NODE_BIT of every receiver */
};

/* What a step may still use. */
struct budget {
	uint32_t tx[CDNA_NUM_CTX]; /* free TX slots per guest */
	uint32_t rx[CDNA_NUM_CTX]; /* posted RX buffers per guest */
	unsigned wire;             /* room in the far end's queue */
};

static uint64_t all_guests(const struct testbed *tb)
{
	return TB_NODE_BIT(tb->nguests) - 1;
}

static unsigned pick_pattern(struct testbed *tb)
{
	unsigned set = tb->opts.patterns;
	unsigned k = prng_below(&tb->prng, (uint32_t)__builtin_popcount(set));

	while (k--)
		set &= set - 1;
	return (unsigned)__builtin_ctz(set);
}

static unsigned pick_guest(struct testbed *tb)
{
	return prng_below(&tb->prng, tb->nguests);
}

/* A guest other than src (there are at least two: opts.c sees to it). */
static unsigned pick_other_guest(struct testbed *tb, unsigned src)
{
	unsigned g = prng_below(&tb->prng, tb->nguests - 1);

	return g >= src ? g + 1 : g;
}

static void plan_frame(struct testbed *tb, struct plan *p)
{
	unsigned pattern = pick_pattern(tb);

	p->id = (struct tb_frame_id){ .pattern = (uint8_t)pattern };
	p->id.len = (uint16_t)(tb->opts.size != TB_SIZE_MIX ? tb->opts.size :
			       TB_MIN_LEN + prng_below(&tb->prng, TB_MAX_LEN -
							TB_MIN_LEN + 1));
	switch (pattern) {
	case TB_PAT_TX:
		p->id.src = (uint8_t)pick_guest(tb);
		p->id.dst = TB_WIRE;
		p->expect = TB_NODE_BIT(TB_WIRE);
		break;
	case TB_PAT_RX:
		p->id.src = TB_WIRE;
		p->id.dst = (uint8_t)pick_guest(tb);
		p->expect = TB_NODE_BIT(p->id.dst);
		break;
	case TB_PAT_SWITCH:
		p->id.src = (uint8_t)pick_guest(tb);
		p->id.dst = (uint8_t)pick_other_guest(tb, p->id.src);
		p->expect = TB_NODE_BIT(p->id.dst);
		break;
	case TB_PAT_BCAST_GUEST:
		/* The firmware sends it to the wire and to every other
		 * context that takes broadcast, never back to the sender
		 * (tx_dispatch in firmware/src/fw.c). */
		p->id.src = (uint8_t)pick_guest(tb);
		p->id.dst = TB_BCAST;
		p->expect = TB_NODE_BIT(TB_WIRE) |
			    (all_guests(tb) & ~TB_NODE_BIT(p->id.src));
		break;
	default: /* TB_PAT_BCAST_WIRE */
		p->id.src = TB_WIRE;
		p->id.dst = TB_BCAST;
		p->expect = all_guests(tb);
		break;
	}
}

static int fits(const struct testbed *tb, const struct plan *p,
		const struct budget *b)
{
	if (p->id.src == TB_WIRE ? !b->wire : !b->tx[p->id.src])
		return 0;
	for (unsigned c = 0; c < tb->nguests; c++)
		if ((p->expect & TB_NODE_BIT(c)) && !b->rx[c])
			return 0;
	return 1;
}

/*
 * --self-test: the one deliberate fault, on the first frame it applies to.
 * Called with the frame built in buf; returns 1 if the frame must not be
 * sent at all.
 */
static int self_test(struct testbed *tb, const struct plan *p,
		     struct budget *b, uint8_t *buf)
{
	unsigned src = p->id.src, other;
	struct tb_guest *g;

	if (tb->self_tested)
		return 0;
	switch (tb->opts.self_test) {
	case TB_SELF_CORRUPT:
		if (src == TB_WIRE)
			return 0;
		buf[TB_HDR_LEN] ^= 0x01;
		break;
	case TB_SELF_DROP:
		if (src != TB_WIRE)
			return 0;
		tb->self_tested = 1;
		return 1;
	case TB_SELF_DUPLICATE:
		if (p->id.pattern != TB_PAT_TX || b->tx[src] < 2)
			return 0;
		g = &tb->guest[src];
		guest_tx_post(g, p->id.len);
		memcpy(guest_tx_next_buf(g), buf, p->id.len);
		b->tx[src]--;
		break;
	case TB_SELF_MISDELIVER:
		other = (src + 1) % tb->nguests;
		if (p->id.pattern != TB_PAT_TX || other == src || !b->rx[other])
			return 0;
		tb_node_mac(other, buf);
		b->rx[other]--;
		break;
	default:
		return 0;
	}
	tb->self_tested = 1;
	return 0;
}

static void commit(struct testbed *tb, struct plan *p, struct budget *b)
{
	uint8_t *buf;

	for (unsigned c = 0; c < tb->nguests; c++)
		if (p->expect & TB_NODE_BIT(c))
			b->rx[c]--;
	if (p->id.src == TB_WIRE) {
		buf = wire_queue_next(&tb->wire);
		ledger_send(&tb->ledger, &p->id, p->expect, buf);
		if (!self_test(tb, p, b, buf))
			wire_queue_commit(&tb->wire, p->id.len);
		b->wire--;
	} else {
		struct tb_guest *g = &tb->guest[p->id.src];

		buf = guest_tx_next_buf(g);
		ledger_send(&tb->ledger, &p->id, p->expect, buf);
		self_test(tb, p, b, buf);
		guest_tx_post(g, p->id.len);
		b->tx[p->id.src]--;
	}
}

static void budget_init(const struct testbed *tb, struct budget *b)
{
	for (unsigned c = 0; c < tb->nguests; c++) {
		const struct tb_guest *g = &tb->guest[c];

		b->tx[c] = guest_tx_room(g);
		/* Every completion was reaped: all posted buffers are free. */
		b->rx[c] = g->rx_prod - g->rx_done;
	}
	b->wire = TB_WIRE_QUEUE - wire_queued(&tb->wire);
}

static void on_frame(void *arg, unsigned ctx, const uint8_t *frame,
		     uint32_t len)
{
	struct testbed *tb = arg;

	ledger_receive(&tb->ledger, ctx, frame, len);
}

static void on_fault(void *arg, unsigned ctx, const char *what)
{
	struct testbed *tb = arg;

	ledger_error(&tb->ledger, TB_ERR_DRIVER, "ctx %u: %s", ctx, what);
}

/*
 * NAPI: a driver polling its rings keeps its interrupt disabled.  Some
 * guests, drawn anew each step, do so for the step; the NIC must then hold
 * their bits pending (CTX_IRQ_STATUS) instead of delivering them, and
 * deliver them once enabled again.
 */
static uint32_t irq_mask_some(struct testbed *tb)
{
	uint32_t masked = 0;

	for (unsigned c = 0; c < tb->nguests; c++) {
		if (prng_below(&tb->prng, 4))
			continue;
		guest_irq_enable(&tb->guest[c], 0);
		masked |= 1u << c;
	}
	return masked;
}

/* After the drain: check and lift the masks; the contexts already
 * announced. */
static uint32_t irq_unmask(struct testbed *tb, uint32_t masked)
{
	uint32_t taken = board_take_irqs(tb);

	if (taken & masked)
		ledger_error(&tb->ledger, TB_ERR_DRIVER, "interrupt delivered "
			     "for contexts 0x%08x while they had it disabled",
			     taken & masked);
	for (unsigned c = 0; c < tb->nguests; c++) {
		struct tb_guest *g = &tb->guest[c];

		if (!(masked & (1u << c)))
			continue;
		if (guest_has_news(g) && !guest_irq_held(g))
			ledger_error(&tb->ledger, TB_ERR_DRIVER, "ctx %u: "
				     "completions with its interrupt disabled, "
				     "but CTX_IRQ_STATUS holds none pending", c);
		guest_irq_enable(g, 1);
	}
	return taken;
}

/* After the last step: every TX descriptor completed? */
static void check_tx_done(struct testbed *tb)
{
	for (unsigned c = 0; c < tb->nguests; c++) {
		const struct tb_guest *g = &tb->guest[c];

		if (g->tx_done != g->tx_prod)
			ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: %u TX "
				     "descriptors never completed (tx_cons %u, "
				     "producer %u)", c, g->tx_prod - g->tx_done,
				     g->tx_done, g->tx_prod);
	}
}

void traffic_run(struct testbed *tb)
{
	const struct tb_rx_sink sink = { tb, on_frame, on_fault };
	uint64_t planned = 0;
	struct plan next;
	int have_next = 0;

	while (planned < tb->opts.frames || have_next) {
		/* Steps of random size: from one frame per doorbell to full
		 * rings, so that the firmware sees every kind of batch. */
		unsigned cap = 1 + prng_below(&tb->prng, tb->nguests *
					      CDNA_RING_SLOTS);
		struct budget b;
		unsigned n = 0;
		uint32_t masked;
		char what[96];

		budget_init(tb, &b);
		while (n < cap) {
			if (!have_next) {
				if (planned == tb->opts.frames)
					break;
				plan_frame(tb, &next);
				planned++;
				have_next = 1;
			}
			if (!fits(tb, &next, &b))
				break;
			commit(tb, &next, &b);
			have_next = 0;
			n++;
		}
		if (!n) {
			/* Rings stay full: the NIC stopped completing. */
			ledger_error(&tb->ledger, TB_ERR_NIC, "no room for the "
				     "next frame (%s %s -> %s): the NIC no "
				     "longer completes descriptors; stopping",
				     tb_pattern_name(next.id.pattern),
				     tb_node_name(next.id.src, what, 16),
				     tb_node_name(next.id.dst, what + 16, 16));
			break;
		}
		masked = irq_mask_some(tb);
		if (tb->step_hook)
			tb->step_hook(tb);
		for (unsigned c = 0; c < tb->nguests; c++)
			guest_tx_doorbell(&tb->guest[c]);
		if (board_drain(tb))
			break;
		board_service(tb, &sink, irq_unmask(tb, masked));
	}
	check_tx_done(tb);
	ledger_finish(&tb->ledger);
}
