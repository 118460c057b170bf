/* SPDX-License-Identifier: MIT */
/*
 * cfg.c - context configuration: enable, revoke (stop and drain), MAC and
 * flag changes.  The host writes BAR2; the hardware mirrors it in
 * the CFG block and flags the context in CFG_PENDING.  Slow path.
 */
#include "fw.h"
#include "dma.h"

static uint32_t cfg_rd(uint32_t c, uint32_t reg)
{
	return hw_rd(CDNA_NIC_CFG + CFG_CTX(c) + reg);
}

/* The context's state lives in the hardware, where the host reads it;
 * the firmware itself goes by fw.running. */
static void cfg_set_state(uint32_t c, uint32_t state)
{
	hw_wr(CDNA_NIC_CFG + CFG_CTX(c) + CFG_STATE, state);
}


static void ctx_enable(uint32_t c)
{
	struct fw_ctx *x = &fw.ctx[c];

	*x = (struct fw_ctx){ 0 };
	x->tx_ring_lo = cfg_rd(c, CFG_TX_RING_LO);
	x->tx_ring_hi = cfg_rd(c, CFG_TX_RING_HI);
	x->rx_ring_lo = cfg_rd(c, CFG_RX_RING_LO);
	x->rx_ring_hi = cfg_rd(c, CFG_RX_RING_HI);
	x->status_lo = cfg_rd(c, CFG_STATUS_LO);
	x->status_hi = cfg_rd(c, CFG_STATUS_HI);
	x->seq_base = cfg_rd(c, CFG_SEQ_BASE);
	/* Aligned rings never carry into the high address word, which keeps
	 * that check off the per-packet path. */
	if (((x->tx_ring_lo | x->rx_ring_lo) & (CDNA_PAGE_SIZE - 1)) ||
	    (x->status_lo & (sizeof(struct cdna_ctx_status) - 1))) {
		hw_wr(CDNA_NIC_SYS + SYS_FW_ERROR, FW_ERR_RING_ALIGN);
		cfg_set_state(c, CDNA_CTX_STATE_STOPPED);
		return;
	}
	/* The engine addresses RX slots and the status block by context
	 * (DMA_RX_DONE, DMA_PUB_*). */
	hw_wr(CDNA_NIC_DMA + DMA_CTX(c) + DMA_CTX_RX_RING_LO, x->rx_ring_lo);
	hw_wr(CDNA_NIC_DMA + DMA_CTX(c) + DMA_CTX_RX_RING_HI, x->rx_ring_hi);
	hw_wr(CDNA_NIC_DMA + DMA_CTX(c) + DMA_CTX_STATUS_LO, x->status_lo);
	hw_wr(CDNA_NIC_DMA + DMA_CTX(c) + DMA_CTX_STATUS_HI, x->status_hi);
	/* Start from a clean status block: the writer's view of consumption
	 * must begin at 0 like the indexes. */
	dma_pub(c, CDNA_STATUS_OFF_TX_CONS, 0);
	dma_pub(c, CDNA_STATUS_OFF_RX_CONS, 0);
	fw.running |= 1u << c;
	cfg_set_state(c, CDNA_CTX_STATE_RUNNING);
}

/*
 * Revoke: stop fetching, discard the transmit work that was posted but not
 * sent, publish the final consumer indexes and report STOPPED.  Every DMA
 * this firmware issues completes before the store that starts it retires
 * (nic-hw.h), so once STOPPED is written no access to the context's memory
 * is in flight and the hypervisor may return the context's pages.
 */
static void ctx_revoke(uint32_t c)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t bit = 1u << c;

	fw_drop(c, CDNA_DROP_REVOKED, x->tx_prod - x->tx_cons);
	dma_pub(c, CDNA_STATUS_OFF_TX_CONS, x->tx_cons);
	dma_pub(c, CDNA_STATUS_OFF_RX_CONS, x->rx_cons);
	fw.running &= ~bit;
	fw.tx_ready &= ~bit;
	x->tx_prod = x->tx_fetched = x->tx_cons;
	x->rx_prod = x->rx_fetched = x->rx_cons;
	fw_stats()->ctx[c].revokes++;
	cfg_set_state(c, CDNA_CTX_STATE_STOPPED);
}

static uint32_t set_bit(uint32_t mask, uint32_t bit, uint32_t on)
{
	return on ? mask | bit : mask & ~bit;
}

static void ctx_load_identity(uint32_t c)
{
	struct fw_ctx *x = &fw.ctx[c];
	uint32_t flags = cfg_rd(c, CFG_FLAGS);
	uint32_t bit = 1u << c;

	x->mac_lo = cfg_rd(c, CFG_MAC_LO);
	x->mac_hi = cfg_rd(c, CFG_MAC_HI) & 0xffffu;
	fw.want_bcast = set_bit(fw.want_bcast, bit, flags & CDNA_CTXF_BCAST);
	fw.want_mcast = set_bit(fw.want_mcast, bit, flags & CDNA_CTXF_MCAST);
	fw.promisc = set_bit(fw.promisc, bit, flags & CDNA_CTXF_PROMISC);
	fw.any_src = set_bit(fw.any_src, bit, flags & CDNA_CTXF_ANY_SRC);
}

void fw_cfg_apply(uint32_t pending)
{
	while (pending) {
		uint32_t c = (uint32_t)__builtin_ctz(pending);
		uint32_t bit = 1u << c;
		uint32_t ctrl = cfg_rd(c, CFG_CTRL);

		pending &= pending - 1;
		/* Ring addresses are taken only on the transition to RUNNING:
		 * moving a live ring needs a revoke first. */
		if (ctrl == CDNA_CTX_CTRL_ENABLE && !(fw.running & bit))
			ctx_enable(c);
		else if (ctrl != CDNA_CTX_CTRL_ENABLE && (fw.running & bit))
			ctx_revoke(c);
		ctx_load_identity(c);
	}
	fw.want_bcast &= fw.running;
	fw.want_mcast &= fw.running;
	fw.promisc &= fw.running;
	fw.any_src &= fw.running;
	fw_mac_rebuild();
}

/* Rebuild the MAC -> context hash over the running contexts. */
void fw_mac_rebuild(void)
{
	for (uint32_t i = 0; i < sizeof(fw.mac_hash); i++)
		fw.mac_hash[i] = 0;
	for (uint32_t c = 0; c < CDNA_NUM_CTX; c++) {
		const struct fw_ctx *x = &fw.ctx[c];
		uint32_t h;

		if (!(fw.running & (1u << c)))
			continue;
		/* Multicast or all-zero MACs never match a unicast frame. */
		if ((x->mac_lo & 1u) || (x->mac_lo == 0 && x->mac_hi == 0))
			continue;
		/* Two contexts with one MAC: the lower one keeps it. */
		if (fw_mac_lookup(x->mac_lo, x->mac_hi) >= 0)
			continue;
		h = fw_mac_hash(x->mac_lo, x->mac_hi);
		while (fw.mac_hash[h])
			h = (h + 1) & (FW_MAC_BUCKETS - 1);
		fw.mac_hash[h] = (uint8_t)(c + 1);
	}
}
