/* SPDX-License-Identifier: MIT */
/*
 * fw.c - the firmware's event loop and its per-packet paths.
 *
 * One turn of fw_poll: apply configuration changes, take doorbells, receive
 * frames from the wire, run one deficit-round-robin pass over the contexts
 * with transmit work, then publish consumer indexes and interrupt bits once
 * for everything that turn completed.  Publishing once per turn is the
 * interrupt and status coalescing: a busy context costs one status write and
 * one interrupt bit per turn, not per frame.
 *
 * The per-packet helpers are always_inline so the loop keeps indexes in
 * registers and stores each one back once per context per turn.
 */
#include "fw.h"

struct fw_state fw;

/* Turn-local record of what to publish. */
struct fw_turn {
	uint32_t dirty_tx; /* bit c: tx_cons moved */
	uint32_t dirty_rx; /* bit c: rx_cons moved */
};

/* ---- hardware verbs ------------------------------------------------------ */

/* Run one DMA command; returns DMA_STATUS (0 = done). */
FW_INLINE uint32_t dma(uint32_t host_lo, uint32_t host_hi, uint32_t local,
		       uint32_t cmd)
{
	hw_wr(CDNA_NIC_DMA + DMA_HOST_LO, host_lo);
	hw_wr(CDNA_NIC_DMA + DMA_HOST_HI, host_hi);
	hw_wr(CDNA_NIC_DMA + DMA_LOCAL, local);
	hw_wr(CDNA_NIC_DMA + DMA_CMD, cmd);
	return hw_rd(CDNA_NIC_DMA + DMA_STATUS);
}

/* Write one aligned 32-bit word into host memory (status, write-back). */
FW_INLINE void dma_imm(uint32_t host_lo, uint32_t host_hi, uint32_t val,
		       uint32_t c)
{
	hw_wr(CDNA_NIC_DMA + DMA_HOST_LO, host_lo);
	hw_wr(CDNA_NIC_DMA + DMA_HOST_HI, host_hi);
	hw_wr(CDNA_NIC_DMA + DMA_IMM, val);
	hw_wr(CDNA_NIC_DMA + DMA_CMD, DMA_CMD_OP(DMA_OP_IMM32) | DMA_CMD_CTX(c));
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

FW_INLINE void rx_writeback(const struct fw_ctx *x, uint32_t idx,
			    uint32_t lenflags, uint32_t c)
{
	dma_imm(x->rx_ring_lo + (idx & (CDNA_RING_SLOTS - 1)) * 16u +
			CDNA_DESC_OFF_LEN,
		x->rx_ring_hi, lenflags, c);
}

/*
 * Put the frame at SRAM address local (len bytes) into context c's next RX
 * buffer.  Refused descriptors are handed back with CDNA_DESC_ERR and the
 * next one is tried; the loop ends because each turn consumes one.
 */
FW_INLINE void rx_deliver(uint32_t c, uint32_t local, uint32_t len,
			  struct fw_turn *t)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t cons = x->rx_cons;
	uint32_t cache = FW_RX_CACHE + c * FW_DESC_CACHE * 16u;

	for (;;) {
		const uint8_t *d;
		uint32_t lenflags, addr_lo, buf_len;
		int why;

		if (x->rx_prod == cons) {
			fw_drop(c, CDNA_DROP_RX_NO_BUF, 1);
			break;
		}
		if (x->rx_fetched == cons) {
			uint32_t n = desc_fetch(x->rx_ring_lo, x->rx_ring_hi,
						cache, cons, x->rx_prod - cons,
						FW_DESC_CACHE, c);
			if (!n) {
				fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
				x->rx_prod = cons;
				break;
			}
			x->rx_fetched = cons + n;
		}
		d = sram_ptr(cache + (cons & (FW_DESC_CACHE - 1)) * 16u);
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
		    dma(addr_lo, ld32(d + 4), local,
			DMA_CMD_LEN(len) | DMA_CMD_OP(DMA_OP_TO_HOST) |
				DMA_CMD_CTX(c) | DMA_CMD_COUNT_RX) != DMA_ST_OK)
			why = CDNA_REFUSE_DMA_FAULT;
		if (why >= 0) {
			fw_refuse(c, (enum cdna_refusal)why);
			rx_writeback(x, cons, (uint32_t)CDNA_DESC_ERR << 16, c);
			cons++;
			/* A faulting buffer is not retried with another one:
			 * the frame is lost for this context. */
			if (why == CDNA_REFUSE_DMA_FAULT)
				break;
			continue;
		}
		rx_writeback(x, cons,
			     len | (uint32_t)(CDNA_DESC_DONE | CDNA_DESC_EOP) << 16,
			     c);
		cons++;
		break;
	}
	if (cons != x->rx_cons) {
		x->rx_cons = cons;
		t->dirty_rx |= 1u << c;
	}
}

/* Contexts that take a group-addressed frame with this first word. */
FW_INLINE uint32_t group_members(uint32_t dst_lo, uint32_t dst_hi)
{
	if (dst_lo == 0xffffffffu && dst_hi == 0xffffu)
		return fw.want_bcast;
	return fw.want_mcast;
}

/* ---- receive from the wire -------------------------------------------------- */

FW_INLINE void rx_wire(struct fw_turn *t)
{
	for (uint32_t budget = FW_RX_BUDGET; budget; budget--) {
		uint32_t head = hw_rd(CDNA_NIC_MAC + MAC_RX_HEAD);
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

				while (m) {
					rx_deliver((uint32_t)__builtin_ctz(m), local,
						   len, t);
					m &= m - 1;
				}
			} else {
				int c = fw_mac_lookup(dst_lo, dst_hi);

				if (c >= 0)
					rx_deliver((uint32_t)c, local, len, t);
				else
					fw_stats()->nic.rx_no_match++;
			}
		}
		hw_wr(CDNA_NIC_MAC + MAC_RX_POP, 0);
	}
}

/* ---- transmit ---------------------------------------------------------------- */

/*
 * Send the frame assembled in FW_TX_STAGE for context c: to the wire, to
 * another context of this NIC (switched inside: it never reaches the
 * wire), or, for broadcast and multicast, to the wire and to every other
 * context that wants it.
 */
FW_INLINE void tx_dispatch(uint32_t c, uint32_t len, struct fw_turn *t)
{
	const uint8_t *p = sram_ptr(FW_TX_STAGE);
	uint32_t dst_lo = ld32(p);
	uint32_t dst_hi = ld16(p + 4);

	if (dst_lo & 1u) {
		uint32_t m = group_members(dst_lo, dst_hi) & fw.running &
			     ~(1u << c);

		hw_wr(CDNA_NIC_MAC + MAC_TX_CMD, MAC_TX_LEN(len) | MAC_TX_CTX(c));
		while (m) {
			rx_deliver((uint32_t)__builtin_ctz(m), FW_TX_STAGE, len, t);
			m &= m - 1;
		}
		return;
	}
	int to = fw_mac_lookup(dst_lo, dst_hi);

	if (to >= 0 && (uint32_t)to != c) {
		rx_deliver((uint32_t)to, FW_TX_STAGE, len, t);
		hw_wr(CDNA_NIC_MAC + MAC_CNT_TX, MAC_TX_LEN(len) | MAC_TX_CTX(c));
	} else {
		hw_wr(CDNA_NIC_MAC + MAC_TX_CMD, MAC_TX_LEN(len) | MAC_TX_CTX(c));
	}
}

/*
 * One DRR visit of context c: send whole frames while its deficit allows.
 * Bad frames are refused and consumed without being charged.
 */
FW_INLINE void tx_ctx(uint32_t c, struct fw_turn *t)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t bit = 1u << c;
	uint32_t cons = x->tx_cons;
	uint32_t prod = x->tx_prod;
	uint32_t fetched = x->tx_fetched;
	int32_t deficit = x->deficit + (int32_t)FW_DRR_QUANTUM;
	uint32_t cache = FW_TX_CACHE + c * FW_DESC_CACHE * 16u;

	for (;;) {
		uint32_t avail = prod - cons;
		uint32_t want = avail < CDNA_MAX_FRAGS ? avail : CDNA_MAX_FRAGS;
		uint32_t nfrag = 0, flen = 0, eop = 0;
		int why = -1;

		if (!avail) {
			/* DRR: an idle context keeps no credit. */
			deficit = 0;
			fw.tx_ready &= ~bit;
			break;
		}
		if (fetched - cons < want) {
			uint32_t n = desc_fetch(x->tx_ring_lo, x->tx_ring_hi,
						cache, fetched, prod - fetched,
						FW_DESC_CACHE - (fetched - cons), c);
			if (!n) {
				fw_refuse(c, CDNA_REFUSE_DMA_FAULT);
				prod = fetched = cons;
				continue;
			}
			fetched += n;
			continue; /* a wrapped frame needs a second burst */
		}
		for (; nfrag < want && !eop; nfrag++) {
			const uint8_t *d = sram_ptr(
				cache + ((cons + nfrag) & (FW_DESC_CACHE - 1)) * 16u);
			uint32_t lenflags = ld32(d + 8);
			int bad;

			if (ld32(d + 12) != x->seq_base + cons + nfrag) {
				why = CDNA_REFUSE_BAD_SEQ;
				break;
			}
			bad = buf_refusal(ld32(d), lenflags & 0xffffu);
			if (bad >= 0 && why < 0)
				why = bad;
			flen += lenflags & 0xffffu;
			eop = (lenflags >> 16) & CDNA_DESC_EOP;
		}
		if (why == CDNA_REFUSE_BAD_SEQ) {
			/* Slots from cons + nfrag on were not written for this
			 * lap: forget them and wait for the next doorbell. */
			fw_refuse(c, CDNA_REFUSE_BAD_SEQ);
			prod = fetched = cons + nfrag;
			continue;
		}
		if (x->tx_skip) {
			/* Rest of a frame refused for too many fragments:
			 * consume through its EOP, sending nothing. */
			cons += nfrag;
			if (eop)
				x->tx_skip = 0;
			continue;
		}
		if (!eop) {
			if (want == CDNA_MAX_FRAGS) {
				fw_refuse(c, CDNA_REFUSE_TOO_MANY_FRAGS);
				x->tx_skip = 1;
				cons += nfrag;
				continue;
			}
			/* The rest of the frame is not posted yet. */
			fw.tx_ready &= ~bit;
			deficit = 0;
			break;
		}
		if (why < 0 && (flen < CDNA_MIN_FRAME || flen > CDNA_MAX_FRAME))
			why = CDNA_REFUSE_BAD_LEN;
		if (why >= 0) {
			fw_refuse(c, (enum cdna_refusal)why);
			cons += nfrag;
			continue;
		}
		if ((int32_t)flen > deficit)
			break;
		/* Gather the fragments into the staging buffer. */
		uint32_t off = 0;

		for (uint32_t i = 0; i < nfrag; i++) {
			const uint8_t *d = sram_ptr(
				cache + ((cons + i) & (FW_DESC_CACHE - 1)) * 16u);
			uint32_t flen_i = ld32(d + 8) & 0xffffu;

			if (dma(ld32(d), ld32(d + 4), FW_TX_STAGE + off,
				DMA_CMD_LEN(flen_i) | DMA_CMD_OP(DMA_OP_TO_SRAM) |
					DMA_CMD_CTX(c)) != DMA_ST_OK) {
				why = CDNA_REFUSE_DMA_FAULT;
				break;
			}
			off += flen_i;
		}
		if (why >= 0)
			fw_refuse(c, (enum cdna_refusal)why);
		else
			tx_dispatch(c, flen, t);
		deficit -= (int32_t)flen;
		cons += nfrag;
	}
	if (cons != x->tx_cons) {
		x->tx_cons = cons;
		t->dirty_tx |= bit;
	}
	if (prod != x->tx_prod) {
		x->tx_prod = prod;
		if (prod == cons)
			fw.tx_ready &= ~bit;
	}
	if (fetched != x->tx_fetched)
		x->tx_fetched = fetched;
	x->deficit = deficit;
}

/*
 * One DRR round: every context with work gets one visit, in context order.
 * Rounds follow each other, so the order is cyclic: after the last context
 * of a round comes the first of the next, and no context gets two quanta
 * in a row while another waits.
 */
FW_INLINE void tx_round(struct fw_turn *t)
{
	uint32_t m = fw.tx_ready & fw.running;

	while (m) {
		uint32_t c = (uint32_t)__builtin_ctz(m);

		m &= m - 1;
		tx_ctx(c, t);
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

FW_INLINE void publish(const struct fw_turn *t)
{
	uint32_t m = t->dirty_tx;

	while (m) {
		uint32_t c = (uint32_t)__builtin_ctz(m);
		const struct fw_ctx *x = &fw.ctx[c];

		m &= m - 1;
		dma_imm(x->status_lo + CDNA_STATUS_OFF_TX_CONS, x->status_hi,
			x->tx_cons, c);
	}
	m = t->dirty_rx;
	while (m) {
		uint32_t c = (uint32_t)__builtin_ctz(m);
		const struct fw_ctx *x = &fw.ctx[c];

		m &= m - 1;
		dma_imm(x->status_lo + CDNA_STATUS_OFF_RX_CONS, x->status_hi,
			x->rx_cons, c);
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
	hw_wr(CDNA_NIC_MAC + MAC_TX_ADDR, FW_TX_STAGE);
	/* After a firmware restart the host's configuration is still in the
	 * CFG mirror: take every context's as if it had just changed. */
	(void)hw_rd(CDNA_NIC_CFG + CFG_PENDING);
	fw_cfg_apply(0xffffffffu);
	(void)hw_rd(CDNA_NIC_DB + DB_PENDING);
	hw_wr(CDNA_NIC_MAC + MAC_RX_ENABLE, 1);
	heartbeat();
	hw_wr(CDNA_NIC_SYS + SYS_FW_STATE, CDNA_FW_STATE_RUNNING);
}

int fw_poll(void)
{
	uint32_t ev = hw_rd(CDNA_NIC_SYS + SYS_EVENTS);
	struct fw_turn t = { 0, 0 };

	if (!ev && !fw.tx_ready)
		return 0;
	if (ev & SYS_EV_CFG)
		fw_cfg_apply(hw_rd(CDNA_NIC_CFG + CFG_PENDING));
	if (ev & SYS_EV_DOORBELL)
		doorbells(hw_rd(CDNA_NIC_DB + DB_PENDING));
	if (ev & SYS_EV_MAC_RX)
		rx_wire(&t);
	if (fw.tx_ready)
		tx_round(&t);
	if (ev & SYS_EV_TIMER)
		heartbeat();
	publish(&t);
	return 1;
}
