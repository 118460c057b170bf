/* SPDX-License-Identifier: MIT */
/*
 * fw.c - the firmware's event loop and its per-packet paths.
 *
 * One turn of the loop: apply configuration changes, take doorbells,
 * receive up to FW_RX_BUDGET frames from the wire, run up to FW_TX_ROUNDS
 * deficit-round-robin rounds over the contexts with transmit work, then
 * publish consumer indexes and interrupt bits once for everything that turn
 * completed.  Publishing once per turn is the firmware's interrupt and
 * status coalescing: a busy context costs one status write and one
 * interrupt bit per turn, not per frame.
 *
 * Register pressure is the design constraint: on the emulated NIC a store
 * to SRAM costs about 57 ns, and every value the compiler cannot keep in a
 * register is a store.  So each per-frame loop lives in a function of its
 * own with few live values (tx_ctx per transmit visit, rx_wire per turn),
 * its common case is inline there, and everything rare (refusals, faults,
 * multi-fragment frames, copies to other contexts) is out of line.
 * `make bench-firmware` shows where every remaining store comes from.
 */
#include "fw.h"
#include "dma.h"

struct fw_state fw;

/* Turn-local record of what to publish.  Kept in registers: its address
 * never reaches an out-of-line function (those report through
 * fw.slow_dirty_rx instead). */
struct fw_turn {
	uint32_t dirty_tx; /* bit c: tx_cons moved */
	uint32_t dirty_rx; /* bit c: rx_cons moved */
};

/* ---- hardware verbs ------------------------------------------------------ */

/* Context c's descriptor cache in area FW_TX_CACHE or FW_RX_CACHE. */
FW_INLINE uint32_t desc_cache(uint32_t area, uint32_t c)
{
	return area + c * FW_DESC_CACHE * 16u;
}

/* The cached copy of ring index idx in a context's cache. */
FW_INLINE const uint8_t *cached_desc(uint32_t cache, uint32_t idx)
{
	return sram_ptr(cache + (idx & (FW_DESC_CACHE - 1)) * 16u);
}

/*
 * Copy ring descriptors [from, from + n) into the context's cache, n limited
 * by what is posted (avail), by free cache slots (room) and by the ends of
 * the ring and of the cache (one contiguous burst).  Returns n, 0 on a DMA
 * fault.
 */
FW_INLINE uint32_t desc_fetch(uint32_t ring_lo, uint32_t ring_hi,
			      uint32_t cache, uint32_t from, uint32_t avail,
			      uint32_t room, uint32_t c)
{
	uint32_t n = avail < room ? avail : room;
	uint32_t to_ring_end = CDNA_RING_SLOTS - (from & (CDNA_RING_SLOTS - 1));
	uint32_t to_cache_end = FW_DESC_CACHE - (from & (FW_DESC_CACHE - 1));

	if (n > to_ring_end)
		n = to_ring_end;
	if (n > to_cache_end)
		n = to_cache_end;
	if (dma(ring_lo + (from & (CDNA_RING_SLOTS - 1)) * 16u, ring_hi,
		cache + (from & (FW_DESC_CACHE - 1)) * 16u,
		DMA_CMD_LEN(n * 16u) | DMA_CMD_OP(DMA_OP_TO_SRAM) |
			DMA_CMD_CTX(c)) != DMA_ST_OK)
		return 0;
	return n;
}

/*
 * Refill context c's empty cache for one ring from index cons: up to a
 * cache's worth of what is posted below prod.  0 on a DMA fault, with
 * nothing fetched; the caller refuses and counts.
 */
FW_INLINE int cache_refill(uint32_t ring_lo, uint32_t ring_hi, uint32_t area,
			   uint32_t c, uint32_t cons, uint32_t prod,
			   uint32_t *fetched)
{
	uint32_t n = desc_fetch(ring_lo, ring_hi, desc_cache(area, c), cons,
				prod - cons, FW_DESC_CACHE, c);

	if (n)
		*fetched = cons + n;
	return n != 0;
}

/* A buffer is acceptable if it is non-empty and stays inside its page. */
FW_INLINE int buf_refusal(uint32_t addr_lo, uint32_t len)
{
	if (len == 0 || len > CDNA_PAGE_SIZE)
		return CDNA_REFUSE_BAD_LEN;
	if ((addr_lo & (CDNA_PAGE_SIZE - 1)) + len > CDNA_PAGE_SIZE)
		return CDNA_REFUSE_CROSSES_PAGE;
	return -1;
}

/* ---- receive: deliver one frame in SRAM to one context --------------------- */


/* A descriptor fetch failed: refuse, and wait for the next doorbell. */
static __attribute__((noinline)) void rx_fetch_fault(uint32_t c, uint32_t cons)
{
	fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
	fw.ctx[c].rx_prod = cons;
}

/*
 * Receive, general case: put the frame at SRAM address local (len bytes)
 * into context c's next RX buffer.  Refused descriptors are handed back
 * with CDNA_DESC_ERR and the next one is tried; the loop ends because each
 * pass consumes one.  Out of line: rx_deliver takes the common case.
 */
static __attribute__((noinline)) void rx_deliver_slow(uint32_t c,
						       uint32_t local,
						       uint32_t len)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t cons = x->rx_cons;
	uint32_t cache = desc_cache(FW_RX_CACHE, c);

	for (;;) {
		const uint8_t *d;
		uint32_t lenflags, addr_lo, buf_len;
		int why;

		if (x->rx_prod == cons) {
			fw_drop(c, CDNA_DROP_RX_NO_BUF, 1);
			break;
		}
		if (x->rx_fetched == cons &&
		    !cache_refill(x->rx_ring_lo, x->rx_ring_hi, FW_RX_CACHE, c,
				  cons, x->rx_prod, &x->rx_fetched)) {
			rx_fetch_fault(c, cons);
			break;
		}
		d = cached_desc(cache, cons);
		if (ld32(d + 12) != x->seq_base + cons) {
			/* Forged, stale or replayed: nothing past here was
			 * written for this lap.  Wait for the next doorbell. */
			fw_refuse(c, CDNA_REFUSE_BAD_SEQ);
			x->rx_prod = x->rx_fetched = cons;
			break;
		}
		lenflags = ld32(d + 8);
		addr_lo = ld32(d);
		buf_len = lenflags & 0xffffu;
		why = buf_refusal(addr_lo, buf_len);
		if (why < 0 && buf_len < len)
			why = CDNA_REFUSE_RX_BUF_SMALL;
		if (why < 0 &&
		    dma_desc_out(cache + (cons & (FW_DESC_CACHE - 1)) * 16u,
				 local, len) != DMA_ST_OK)
			why = CDNA_REFUSE_DMA_FAULT;
		if (why >= 0) {
			fw_refuse(c, (enum cdna_refusal)why);
			dma_rx_done(c, cons, 0, CDNA_DESC_ERR);
			cons++;
			/* A faulting buffer is not retried with another one:
			 * the frame is lost for this context. */
			if (why == CDNA_REFUSE_DMA_FAULT)
				break;
			continue;
		}
		dma_rx_done(c, cons, len, CDNA_DESC_DONE | CDNA_DESC_EOP);
		cons++;
		break;
	}
	if (cons != x->rx_cons) {
		x->rx_cons = cons;
		fw.slow_dirty_rx |= 1u << c;
	}
}

/* The data DMA of rx_deliver failed: as rx_deliver_slow accounts it. */
static __attribute__((noinline)) void rx_data_fault(uint32_t c, uint32_t cons)
{
	fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
	dma_rx_done(c, cons, 0, CDNA_DESC_ERR);
	fw.ctx[c].rx_cons = cons + 1;
	fw.slow_dirty_rx |= 1u << c;
}

/*
 * Receive, common case: a buffer is posted and its descriptor is sound.
 * One SRAM store (rx_cons), plus rx_fetched once per cache refill.
 * Anything else goes to rx_deliver_slow, which starts over from the same
 * state (nothing has been consumed or counted when it hands over).
 */
FW_INLINE void rx_deliver(uint32_t c, uint32_t local, uint32_t len,
			  struct fw_turn *t)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t cons = x->rx_cons;
	const uint8_t *d;
	uint32_t d_bus, lenflags, addr_lo, buf_len;

	if (__builtin_expect(x->rx_prod == cons, 0))
		goto slow;
	if (x->rx_fetched == cons &&
	    __builtin_expect(!cache_refill(x->rx_ring_lo, x->rx_ring_hi,
					   FW_RX_CACHE, c, cons, x->rx_prod,
					   &x->rx_fetched), 0)) {
		rx_fetch_fault(c, cons);
		return;
	}
	/* Computed after the fetch, so it is not held across it. */
	d_bus = desc_cache(FW_RX_CACHE, c) + (cons & (FW_DESC_CACHE - 1)) * 16u;
	d = sram_ptr(d_bus);
	lenflags = ld32(d + 8);
	addr_lo = ld32(d);
	buf_len = lenflags & 0xffffu;
	if (__builtin_expect(ld32(d + 12) != x->seq_base + cons ||
			     buf_len < len || buf_len > CDNA_PAGE_SIZE ||
			     (addr_lo & (CDNA_PAGE_SIZE - 1)) + buf_len >
				     CDNA_PAGE_SIZE, 0))
		goto slow;
	if (__builtin_expect(dma_desc_out(d_bus, local, len) != DMA_ST_OK, 0)) {
		rx_data_fault(c, cons);
		return;
	}
	dma_rx_done(c, cons, len, CDNA_DESC_DONE | CDNA_DESC_EOP);
	x->rx_cons = cons + 1;
	t->dirty_rx |= 1u << c;
	return;
slow:
	rx_deliver_slow(c, local, len);
}

/* Contexts that take a group-addressed frame with this first word. */
FW_INLINE uint32_t group_members(uint32_t dst_lo, uint32_t dst_hi)
{
	if (dst_lo == 0xffffffffu && dst_hi == 0xffffu)
		return fw.want_bcast;
	return fw.want_mcast;
}

/*
 * Deliver one frame to every context in m; returns the contexts whose
 * rx_cons moved.  Out of line: the copies of broadcast, multicast and
 * NIC-internal traffic are the exception on both paths that call it, and
 * inlining them there would push those paths' values out of registers.
 */
static __attribute__((noinline)) uint32_t deliver_to(uint32_t m,
						     uint32_t local,
						     uint32_t len)
{
	struct fw_turn t = { 0, 0 };

	while (m) {
		rx_deliver((uint32_t)__builtin_ctz(m), local, len, &t);
		m &= m - 1;
	}
	return t.dirty_rx;
}

/* ---- receive from the wire -------------------------------------------------- */

/* Frames from the wire, up to FW_RX_BUDGET; returns the dirty_rx mask. */
static __attribute__((noinline)) uint32_t rx_wire(void)
{
	struct fw_turn turn = { 0, 0 };
	struct fw_turn *t = &turn;

	uint32_t head = hw_rd(CDNA_NIC_MAC + MAC_RX_HEAD);

	for (uint32_t budget = FW_RX_BUDGET; budget; budget--) {
		uint32_t len, local, dst_lo, dst_hi;
		const uint8_t *p;

		if (!(head & MAC_RX_HEAD_VALID))
			break;
		len = MAC_RX_HEAD_LEN(head);
		local = FW_MAC_RX + MAC_RX_HEAD_SLOT(head) * MAC_RX_SLOT_SIZE;
		p = sram_ptr(local);
		if (len < CDNA_MIN_FRAME || len > MAC_RX_SLOT_SIZE) {
			fw_stats()->nic.rx_bad_frame++;
		} else {
			dst_lo = ld32(p);
			dst_hi = ld16(p + 4);
			if (dst_lo & 1u) {
				uint32_t m = group_members(dst_lo, dst_hi) & fw.running;

				if (m)
					t->dirty_rx |= deliver_to(m, local, len);
			} else {
				int c = fw_mac_lookup(dst_lo, dst_hi);

				if (c >= 0)
					rx_deliver((uint32_t)c, local, len, t);
				else if (fw.promisc)
					t->dirty_rx |= deliver_to(
						fw.promisc & -fw.promisc, local, len);
				else
					fw_stats()->nic.rx_no_match++;
			}
		}
		/* Release this frame's slot and look at the next: one
		 * access, not two. */
		head = hw_rd(CDNA_NIC_MAC + MAC_RX_NEXT);
	}
	return turn.dirty_rx;
}

/* ---- transmit ---------------------------------------------------------------- */

/* Count a refused frame, out of the transmit loop's way. */
static __attribute__((noinline)) void tx_refuse(uint32_t c,
						enum cdna_refusal why)
{
	fw_refuse(c, why);
}

/*
 * Send the frame staged at SRAM address local for context c to the wire,
 * and say which contexts of this NIC must get a copy: another context's
 * unicast is switched inside (it never reaches the wire); broadcast and
 * multicast go to the wire and to every other context that wants them;
 * unknown unicast, like a switch floods it, to the wire and to the
 * bridging context.  A frame with another source MAC than the context's
 * is refused unless the context may bridge (CDNA_CTXF_ANY_SRC).  Returns
 * the contexts to deliver to; the caller delivers (at once, or batched).
 */
FW_INLINE uint32_t tx_dispatch(uint32_t c, uint32_t local, uint32_t len)
{
	const uint8_t *p = sram_ptr(local);
	const struct fw_ctx *x = &fw.ctx[c];
	uint32_t dst_lo, dst_hi;
	int to;

	if (__builtin_expect((ld32(p + 6) != x->mac_lo ||
			      ld16(p + 10) != x->mac_hi) &&
			     !(fw.any_src & (1u << c)), 0)) {
		tx_refuse(c, CDNA_REFUSE_SPOOFED_SRC);
		return 0;
	}
	/* Loaded after the check, so they are not held across its call. */
	dst_lo = ld32(p);
	dst_hi = ld16(p + 4);
	if (!(dst_lo & 1u)) {
		to = fw_mac_lookup(dst_lo, dst_hi);
		if (to >= 0 && (uint32_t)to != c) {
			hw_wr(CDNA_NIC_MAC + MAC_CNT_TX,
			      MAC_TX_LEN(len) | MAC_TX_CTX(c));
			return 1u << to;
		}
	}
	hw_wr(CDNA_NIC_MAC + MAC_TX_SEND,
	      MAC_TX_LEN(len) | MAC_TX_SLOT(local) | MAC_TX_CTX(c));
	if (dst_lo & 1u)
		return group_members(dst_lo, dst_hi) & fw.running & ~(1u << c);
	/* Unknown destination (to < 0): flood to the lowest bridging
	 * context too; a frame to the sender's own MAC only to the wire. */
	return to < 0 ? fw.promisc & ~(1u << c) & -(fw.promisc & ~(1u << c)) : 0;
}

/*
 * Copy the n frames staged by one transmit visit to the contexts each must
 * reach.  Out of line and once per batch: delivering inside the transmit
 * loop would push its values out of registers, and a call per frame would
 * push registers on every frame.
 */
static __attribute__((noinline)) uint32_t deliver_switched(uint32_t n)
{
	struct fw_turn t = { 0, 0 };

	for (uint32_t i = 0; i < n; i++) {
		uint32_t m = fw.switched[i].to;

		while (m) {
			rx_deliver((uint32_t)__builtin_ctz(m), FW_TX_STAGE(i),
				   fw.switched[i].len, &t);
			m &= m - 1;
		}
	}
	return t.dirty_rx;
}

/* What tx_frame_slow says besides "consumed n, charged b". */
#define TX_SLOW_OVER_DEFICIT 0xffffffffu /* the frame waits a round */
#define TX_SLOW_WAIT         0xfffffffeu /* nothing to do until a doorbell */
#define TX_SLOW_RESULT(n, charged) ((n) | (charged) << 8)

/*
 * Transmit, general case: the frame at index cons has several fragments,
 * is refused, or is not complete yet.  Out of line so that the common
 * case's loop keeps its values in registers.  It gathers the frame at SRAM
 * address stage and delivers its copies at once.  Returns TX_SLOW_* or
 * TX_SLOW_RESULT(descriptors consumed, bytes to charge).
 */
static __attribute__((noinline)) uint32_t
tx_frame_slow(uint32_t c, uint32_t cons, int32_t deficit, uint32_t stage)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t cache = desc_cache(FW_TX_CACHE, c);
	uint32_t avail = x->tx_prod - cons;
	uint32_t want = avail < CDNA_MAX_FRAGS ? avail : CDNA_MAX_FRAGS;
	uint32_t nfrag = 0, flen = 0, eop = 0, off = 0, to;
	int why = -1;

	/* A frame may wrap the ring or the cache: up to two bursts. */
	while (x->tx_fetched - cons < want) {
		uint32_t n = desc_fetch(x->tx_ring_lo, x->tx_ring_hi, cache,
					x->tx_fetched, x->tx_prod - x->tx_fetched,
					FW_DESC_CACHE - (x->tx_fetched - cons), c);
		if (!n) {
			fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
			x->tx_prod = x->tx_fetched = cons;
			return TX_SLOW_WAIT;
		}
		x->tx_fetched += n;
	}
	for (; nfrag < want && !eop; nfrag++) {
		const uint8_t *d = cached_desc(cache, cons + nfrag);
		uint32_t lenflags = ld32(d + 8);
		int bad;

		if (ld32(d + 12) != x->seq_base + cons + nfrag) {
			/* Slots from here on were not written for this lap:
			 * forget them and wait for the next doorbell. */
			fw_refuse(c, CDNA_REFUSE_BAD_SEQ);
			x->tx_prod = x->tx_fetched = cons + nfrag;
			return TX_SLOW_WAIT;
		}
		bad = buf_refusal(ld32(d), lenflags & 0xffffu);
		if (bad >= 0 && why < 0)
			why = bad;
		flen += lenflags & 0xffffu;
		eop = (lenflags >> 16) & CDNA_DESC_EOP;
	}
	if (x->tx_skip) {
		/* The rest of a frame refused for too many fragments:
		 * consume through its EOP, sending nothing. */
		if (eop)
			x->tx_skip = 0;
		return TX_SLOW_RESULT(nfrag, 0);
	}
	if (!eop) {
		if (want < CDNA_MAX_FRAGS)
			return TX_SLOW_WAIT; /* the rest is not posted yet */
		fw_refuse(c, CDNA_REFUSE_TOO_MANY_FRAGS);
		x->tx_skip = 1;
		return TX_SLOW_RESULT(nfrag, 0);
	}
	if (why < 0 && (flen < CDNA_MIN_FRAME || flen > CDNA_MAX_FRAME))
		why = CDNA_REFUSE_BAD_LEN;
	if (why >= 0) {
		fw_refuse(c, (enum cdna_refusal)why);
		return TX_SLOW_RESULT(nfrag, 0);
	}
	if ((int32_t)flen > deficit)
		return TX_SLOW_OVER_DEFICIT;
	/* Gather the fragments into the staging buffer. */
	for (uint32_t i = 0; i < nfrag; i++) {
		const uint8_t *d = cached_desc(cache, cons + i);
		uint32_t len = ld32(d + 8) & 0xffffu;

		if (dma(ld32(d), ld32(d + 4), stage + off,
			DMA_CMD_LEN(len) | DMA_CMD_OP(DMA_OP_TO_SRAM) |
				DMA_CMD_CTX(c)) != DMA_ST_OK) {
			fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
			return TX_SLOW_RESULT(nfrag, flen);
		}
		off += len;
	}
	to = tx_dispatch(c, stage, flen);
	if (to)
		fw.slow_dirty_rx |= deliver_to(to, stage, flen);
	return TX_SLOW_RESULT(nfrag, flen);
}

/* The faults of tx_ctx's common case. */
static __attribute__((noinline)) void tx_fetch_fault(uint32_t c, uint32_t cons)
{
	fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
	fw.ctx[c].tx_prod = fw.ctx[c].tx_fetched = cons;
}

/*
 * One DRR visit of context c: add credit to its deficit and send whole
 * frames while the deficit allows; returns the contexts whose rx_cons moved
 * (frames switched to them).  Out of line, with few values live in its
 * loop, so that the common case (a frame in one sound descriptor) keeps
 * them all in registers: its SRAM stores are the prologue's pushes and
 * tx_cons and deficit once per visit, and tx_fetched once per cache refill.
 * Refused frames are consumed without being charged.
 */
static __attribute__((noinline)) uint32_t tx_ctx(uint32_t c, int32_t credit)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t cons = x->tx_cons;
	int32_t deficit = x->deficit + credit;
	uint32_t dirty_rx = 0;
	uint32_t staged = 0; /* frames in fw.switched, waiting for delivery */

	for (;;) {
		const uint8_t *d;
		uint32_t lenflags, addr_lo, len, r, to;

		if (x->tx_prod == cons) {
			/* DRR: an idle context keeps no credit. */
			deficit = 0;
			fw.tx_ready &= ~(1u << c);
			break;
		}
		if (x->tx_fetched == cons &&
		    __builtin_expect(!cache_refill(x->tx_ring_lo, x->tx_ring_hi,
						   FW_TX_CACHE, c, cons,
						   x->tx_prod, &x->tx_fetched), 0)) {
			tx_fetch_fault(c, cons);
			continue;
		}
		d = cached_desc(desc_cache(FW_TX_CACHE, c), cons);
		lenflags = ld32(d + 8);
		addr_lo = ld32(d);
		len = lenflags & 0xffffu;
		if (__builtin_expect(ld32(d + 12) == x->seq_base + cons &&
				     ((lenflags >> 16) & CDNA_DESC_EOP) &&
				     !x->tx_skip && len >= CDNA_MIN_FRAME &&
				     len <= CDNA_MAX_FRAME &&
				     (addr_lo & (CDNA_PAGE_SIZE - 1)) + len <=
					     CDNA_PAGE_SIZE, 1)) {
			if ((int32_t)len > deficit)
				break;
			/* Stage after the frames already waiting for their
			 * switched delivery. */
			if (__builtin_expect(dma_desc(desc_cache(FW_TX_CACHE, c) +
						      (cons & (FW_DESC_CACHE - 1)) * 16u,
						      FW_TX_STAGE(staged)) !=
					     DMA_ST_OK, 0))
				tx_refuse(c, CDNA_REFUSE_DMA_FAULT);
			else if ((to = tx_dispatch(c, FW_TX_STAGE(staged), len)) != 0) {
				fw.switched[staged].to = to;
				fw.switched[staged].len = len;
				if (++staged == FW_TX_STAGE_SLOTS) {
					dirty_rx |= deliver_switched(staged);
					staged = 0;
				}
			}
			deficit -= (int32_t)len;
			cons++;
			continue;
		}
		/* Frames to one context keep their order: deliver what is
		 * staged before the slow path delivers its own frame. */
		if (staged) {
			dirty_rx |= deliver_switched(staged);
			staged = 0;
		}
		r = tx_frame_slow(c, cons, deficit, FW_TX_STAGE(0));
		if (r == TX_SLOW_OVER_DEFICIT)
			break;
		if (r == TX_SLOW_WAIT) {
			deficit = 0;
			fw.tx_ready &= ~(1u << c);
			break;
		}
		cons += r & 0xffu;
		deficit -= (int32_t)(r >> 8);
	}
	if (staged)
		dirty_rx |= deliver_switched(staged);
	x->tx_cons = cons;
	x->deficit = deficit;
	return dirty_rx;
}

/*
 * DRR rounds: every context with work gets one visit per round, in context
 * order.  Rounds follow each other, so the order is cyclic: after the last
 * context of a round comes the first of the next, and no context gets two
 * quanta in a row while another waits.  A turn runs up to FW_TX_ROUNDS
 * rounds, so that the turn's fixed costs are shared by many frames and
 * received frames still get their turn soon.
 */
/* One visit of context c with credit bytes, recorded in the turn. */
FW_INLINE void tx_visit(uint32_t c, int32_t credit, struct fw_turn *t)
{
	uint32_t before = fw.ctx[c].tx_cons;

	t->dirty_rx |= tx_ctx(c, credit);
	if (fw.ctx[c].tx_cons != before)
		t->dirty_tx |= 1u << c;
}

FW_INLINE void tx_rounds(struct fw_turn *t)
{
	uint32_t m = fw.tx_ready & fw.running;

	/* Alone, a context owes fairness to no one: one long visit saves
	 * the per-visit costs of many short ones. */
	if (m && !(m & (m - 1))) {
		tx_visit((uint32_t)__builtin_ctz(m),
			 (int32_t)(FW_DRR_QUANTUM * FW_TX_SOLO_QUANTA), t);
		return;
	}
	for (uint32_t round = 0; round < FW_TX_ROUNDS && m; round++) {
		do {
			uint32_t c = (uint32_t)__builtin_ctz(m);

			m &= m - 1;
			tx_visit(c, (int32_t)FW_DRR_QUANTUM, t);
		} while (m);
		m = fw.tx_ready & fw.running;
	}
}

/* ---- doorbells --------------------------------------------------------------- */

/* Accept a producer index if it leaves at most a ring's worth posted. */
FW_INLINE int prod_ok(uint32_t c, uint32_t prod, uint32_t cons)
{
	if (prod - cons > CDNA_RING_SLOTS) {
		fw_refuse(c, CDNA_REFUSE_DOORBELL_RANGE);
		return 0;
	}
	return 1;
}

FW_INLINE void doorbells(uint32_t pending)
{
	while (pending) {
		uint32_t c = (uint32_t)__builtin_ctz(pending);
		uint32_t bit = 1u << c;
		struct fw_ctx *x = &fw.ctx[c];
		uint32_t tp, rp;

		pending &= pending - 1;
		if (!(fw.running & bit)) {
			fw_refuse(c, CDNA_REFUSE_NOT_ENABLED);
			continue;
		}
		tp = hw_rd(CDNA_NIC_DB + DB_TX_PROD(c));
		rp = hw_rd(CDNA_NIC_DB + DB_RX_PROD(c));
		if (tp != x->tx_prod && prod_ok(c, tp, x->tx_cons)) {
			x->tx_prod = tp;
			/* A producer moved back drops cached slots past it. */
			if (x->tx_fetched - x->tx_cons > tp - x->tx_cons)
				x->tx_fetched = tp;
			if (tp != x->tx_cons)
				fw.tx_ready |= bit;
			else
				fw.tx_ready &= ~bit;
		}
		if (rp != x->rx_prod && prod_ok(c, rp, x->rx_cons)) {
			x->rx_prod = rp;
			if (x->rx_fetched - x->rx_cons > rp - x->rx_cons)
				x->rx_fetched = rp;
		}
	}
}

/* ---- publish ------------------------------------------------------------------ */

FW_INLINE void publish(struct fw_turn *t)
{
	uint32_t m = t->dirty_tx;

	if (__builtin_expect(fw.slow_dirty_rx != 0, 0)) {
		t->dirty_rx |= fw.slow_dirty_rx;
		fw.slow_dirty_rx = 0;
	}
	while (m) {
		uint32_t c = (uint32_t)__builtin_ctz(m);

		m &= m - 1;
		dma_pub(c, CDNA_STATUS_OFF_TX_CONS, fw.ctx[c].tx_cons);
	}
	m = t->dirty_rx;
	while (m) {
		uint32_t c = (uint32_t)__builtin_ctz(m);

		m &= m - 1;
		dma_pub(c, CDNA_STATUS_OFF_RX_CONS, fw.ctx[c].rx_cons);
	}
	if (t->dirty_tx | t->dirty_rx)
		hw_wr(CDNA_NIC_INT + INT_SET, t->dirty_tx | t->dirty_rx);
}

/* ---- the loop ------------------------------------------------------------------ */

static void heartbeat(void)
{
	fw.heartbeat++;
	hw_wr(CDNA_NIC_SYS + SYS_HEARTBEAT, fw.heartbeat);
	hw_wr(CDNA_NIC_SYS + SYS_TIMER_AT,
	      (hw_rd(CDNA_NIC_SYS + SYS_TIME_US) + FW_HEARTBEAT_US) | 1u);
}

void fw_init(void)
{
	struct cdna_fw_stats_block *st = fw_stats();

	fw = (struct fw_state){ 0 };
	*st = (struct cdna_fw_stats_block){ 0 };
	hw_wr(CDNA_NIC_SYS + SYS_FW_STATS_ADDR, FW_STATS);
	hw_wr(CDNA_NIC_SYS + SYS_FW_VERSION,
	      CDNA_FW_VERSION(FW_VERSION_MAJOR, FW_VERSION_MINOR,
			      FW_VERSION_PATCH));
	hw_wr(CDNA_NIC_MAC + MAC_RX_BASE, FW_MAC_RX);
	hw_wr(CDNA_NIC_MAC + MAC_RX_SLOTS, FW_MAC_RX_SLOTS);
	/* After a firmware restart the host's configuration is still in the
	 * CFG mirror: take every context's as if it had just changed. */
	(void)hw_rd(CDNA_NIC_CFG + CFG_PENDING);
	fw_cfg_apply(0xffffffffu);
	(void)hw_rd(CDNA_NIC_DB + DB_PENDING);
	hw_wr(CDNA_NIC_MAC + MAC_RX_ENABLE, 1);
	heartbeat();
	hw_wr(CDNA_NIC_SYS + SYS_FW_STATE, CDNA_FW_STATE_RUNNING);
}

/* One turn: everything pending, then publish; 0 when there was nothing. */
FW_INLINE int fw_turn(void)
{
	uint32_t ev = hw_rd(CDNA_NIC_SYS + SYS_EVENTS);
	struct fw_turn t = { 0, 0 };

	if (!ev && !fw.tx_ready)
		return 0;
	if (__builtin_expect(ev & SYS_EV_CFG, 0))
		fw_cfg_apply(hw_rd(CDNA_NIC_CFG + CFG_PENDING));
	if (ev & SYS_EV_DOORBELL)
		doorbells(hw_rd(CDNA_NIC_DB + DB_PENDING));
	if (ev & SYS_EV_MAC_RX)
		t.dirty_rx |= rx_wire();
	if (fw.tx_ready)
		tx_rounds(&t);
	if (__builtin_expect(ev & SYS_EV_TIMER, 0))
		heartbeat();
	publish(&t);
	return 1;
}

int fw_poll(void)
{
	return fw_turn();
}

/* The loop lives in one function so its prologue (register pushes, each an
 * SRAM store) runs once, not once per turn. */
void fw_run(void)
{
	for (;;) {
		if (!fw_turn())
			hw_wait_event();
	}
}
