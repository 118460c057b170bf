/* SPDX-License-Identifier: MIT */
/*
 * guest.c - a guest's rings, buffers, doorbells and completions in native
 * mode (see guest.h).
 */
#include "guest.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"

static void bar2_wr(struct tb_guest *g, uint32_t off, uint32_t val)
{
	cdna_nic_bar_write(g->nic, 2, off, val, 4);
}

/* A guest's store to its BAR0 page: straight to the NIC in native mode,
 * through its mappings in protected mode. */
static void bar0_wr(struct tb_guest *g, uint32_t reg, uint32_t val)
{
	if (g->hv)
		dom_mmio_write(g->dom, g->domid, TB_BAR0_BASE +
			       CDNA_BAR0_CTX(g->ctx) + reg, val);
	else
		cdna_nic_bar_write(g->nic, 0, CDNA_BAR0_CTX(g->ctx) + reg, val,
				   4);
}

void guest_init(struct tb_guest *g, struct cdna_nic *nic, struct hostmem *hm,
		unsigned ctx, uint32_t seq_base)
{
	*g = (struct tb_guest){ .nic = nic, .hm = hm, .ctx = ctx,
				.seq_base = seq_base, .check_overrun = 1 };
	tb_node_mac(ctx, g->mac);
	/* The NIC writes RX buffers, RX write-backs and the status block,
	 * nothing else: hostmem refuses (and reports) any other write. */
	g->tx_ring = hostmem_alloc(hm, 1, HM_NIC_READS);
	g->rx_ring = hostmem_alloc(hm, 1, HM_NIC_WRITES_BACK);
	g->status = hostmem_alloc(hm, 1, HM_NIC_WRITES);
	g->tx_buf = hostmem_alloc(hm, TB_BUF_PAGES, HM_NIC_READS);
	g->rx_buf = hostmem_alloc(hm, TB_BUF_PAGES, HM_NIC_WRITES);
}

void guest_init_protected(struct tb_guest *g, struct cdna_nic *nic,
			  struct tb_domains *dom, struct cdna_hv *hv,
			  unsigned ctx, uint16_t domid)
{
	*g = (struct tb_guest){ .nic = nic, .hm = dom->hm, .ctx = ctx,
				.check_overrun = 1, .hv = hv, .dom = dom,
				.domid = domid };
	tb_node_mac(ctx, g->mac);
	g->arg_page = dom_alloc(dom, domid, 1, TB_PG_RAM);
	g->tx_buf = dom_alloc(dom, domid, TB_BUF_PAGES, TB_PG_RAM);
	g->rx_buf = dom_alloc(dom, domid, TB_BUF_PAGES, TB_PG_RAM);
}

void guest_attach(struct tb_guest *g, const struct cdna_op_assign *a)
{
	g->tx_ring = a->tx_ring;
	g->rx_ring = a->rx_ring;
	g->status = a->status;
}

void guest_configure(struct tb_guest *g, uint32_t ctx_flags)
{
	uint32_t m = MGMT_CTX(g->ctx), h = CDNA_BAR2_HV + HV_CTX(g->ctx);

	bar2_wr(g, m + MGMT_CTX_FLAGS, ctx_flags);
	bar2_wr(g, m + MGMT_CTX_OWNER, g->ctx + 1);
	bar2_wr(g, m + MGMT_CTX_MAC_LO, guest_mac_lo(g));
	/* The high half last: it makes the MAC take effect. */
	bar2_wr(g, m + MGMT_CTX_MAC_HI, guest_mac_hi(g));

	bar2_wr(g, h + HV_CTX_TX_RING_LO, (uint32_t)g->tx_ring);
	bar2_wr(g, h + HV_CTX_TX_RING_HI, (uint32_t)(g->tx_ring >> 32));
	bar2_wr(g, h + HV_CTX_RX_RING_LO, (uint32_t)g->rx_ring);
	bar2_wr(g, h + HV_CTX_RX_RING_HI, (uint32_t)(g->rx_ring >> 32));
	bar2_wr(g, h + HV_CTX_STATUS_LO, (uint32_t)g->status);
	bar2_wr(g, h + HV_CTX_STATUS_HI, (uint32_t)(g->status >> 32));
	bar2_wr(g, h + HV_CTX_SEQ_BASE, g->seq_base);
	/* ENABLE after the fields it takes (regs.h). */
	bar2_wr(g, h + HV_CTX_CTRL, CDNA_CTX_CTRL_ENABLE);
}

uint32_t guest_state(struct tb_guest *g)
{
	return (uint32_t)cdna_nic_bar_read(g->nic, 2, CDNA_BAR2_HV +
					   HV_CTX(g->ctx) + HV_CTX_STATE, 4);
}

/* Write the descriptor of ring index idx: addr, len, flags, seq. */
static void desc_write(struct tb_guest *g, uint64_t ring, uint32_t idx,
		       uint64_t addr, uint32_t len, uint32_t flags)
{
	uint64_t d = ring + (idx % CDNA_RING_SLOTS) * sizeof(struct cdna_desc);

	hostmem_wr64(g->hm, d, addr);
	hostmem_wr32(g->hm, d + CDNA_DESC_OFF_LEN, len | flags << 16);
	hostmem_wr32(g->hm, d + 12, g->seq_base + idx);
}

/* Protected mode: hand the buffers queued for ring r to the hypervisor,
 * as a driver does before it rings the doorbell. */
static void flush(struct tb_guest *g, unsigned r)
{
	struct cdna_op_enqueue op = {
		.ctx = (uint16_t)g->ctx, .ring = (uint8_t)r,
		.count = g->npend[r],
		.bufs = g->arg_page + sizeof(struct cdna_op_enqueue),
	};
	const struct cdna_hv_caller who = { .domid = g->domid };
	/* What the hypervisor's producer must be after this batch. */
	uint32_t want = r == CDNA_RING_TX ? g->tx_prod : g->rx_prod;
	uint8_t *arg = hostmem_ptr(g->hm, g->arg_page);
	long rc;

	if (!g->npend[r])
		return;
	memcpy(arg, &op, sizeof(op));
	memcpy(arg + sizeof(op), g->pend[r], op.count * sizeof(g->pend[r][0]));
	rc = cdna_hv_op(g->hv, &who, CDNA_OP_ENQUEUE, g->arg_page);
	memcpy(&op, arg, sizeof(op));
	g->hcalls++;
	if (rc || op.done != g->npend[r] ||
	    op.prod != want) {
		g->hcall_failures++;
		g->last_error = rc;
	}
	g->npend[r] = 0;
}

/* Describe a buffer for ring r, index idx: written into the ring (native)
 * or queued for the hypervisor (protected). */
static void post(struct tb_guest *g, unsigned r, uint32_t idx, uint64_t addr,
		 uint32_t len, uint32_t flags)
{
	if (!g->hv) {
		desc_write(g, r == CDNA_RING_TX ? g->tx_ring : g->rx_ring, idx,
			   addr, len, flags);
		return;
	}
	if (g->npend[r] == CDNA_ENQUEUE_MAX)
		flush(g, r);
	g->pend[r][g->npend[r]++] = (struct cdna_guest_buf){
		.addr = addr, .len = (uint16_t)len, .flags = (uint16_t)flags
	};
}

static uint64_t rx_slot_buf(const struct tb_guest *g, uint32_t idx)
{
	return g->rx_buf + (uint64_t)(idx % CDNA_RING_SLOTS) * TB_BUF_SIZE;
}

/* Post RX buffers up to a full ring and ring the doorbell.  Each buffer
 * is filled with TB_RX_CANARY first, so that a NIC writing past the
 * frame it delivers shows. */
static void rx_refill(struct tb_guest *g)
{
	uint32_t start = g->rx_prod;

	while (g->rx_prod - g->rx_done < CDNA_RING_SLOTS) {
		uint64_t buf = rx_slot_buf(g, g->rx_prod);

		if (g->check_overrun)
			memset(hostmem_ptr(g->hm, buf), TB_RX_CANARY,
			       TB_BUF_SIZE);
		post(g, CDNA_RING_RX, g->rx_prod, buf, TB_BUF_SIZE, 0);
		g->rx_prod++;
	}
	if (g->rx_prod == start)
		return;
	if (g->hv)
		flush(g, CDNA_RING_RX);
	bar0_wr(g, CTX_RX_PROD, g->rx_prod);
}

void guest_start(struct tb_guest *g)
{
	rx_refill(g);
	guest_irq_enable(g, 1);
}

void guest_irq_enable(struct tb_guest *g, int on)
{
	bar0_wr(g, CTX_IRQ_ENABLE, on ? 1 : 0);
}

int guest_irq_held(struct tb_guest *g)
{
	return (int)(cdna_nic_bar_read(g->nic, 0, CDNA_BAR0_CTX(g->ctx) +
				       CTX_IRQ_STATUS, 4) & 1u);
}

uint8_t *guest_tx_slot_buf(struct tb_guest *g, uint32_t s)
{
	return hostmem_ptr(g->hm, g->tx_buf +
			   (uint64_t)(s % CDNA_RING_SLOTS) * TB_BUF_SIZE);
}

uint8_t *guest_tx_next_buf(struct tb_guest *g)
{
	return guest_tx_slot_buf(g, g->tx_prod);
}

void guest_tx_post(struct tb_guest *g, uint32_t len)
{
	post(g, CDNA_RING_TX, g->tx_prod,
	     g->tx_buf + (uint64_t)(g->tx_prod % CDNA_RING_SLOTS) * TB_BUF_SIZE,
	     len, CDNA_DESC_EOP);
	g->tx_prod++;
}

void guest_tx_doorbell(struct tb_guest *g)
{
	if (g->tx_prod == g->tx_rung)
		return;
	flush(g, CDNA_RING_TX);
	bar0_wr(g, CTX_TX_PROD, g->tx_prod);
	g->tx_rung = g->tx_prod;
}

static void fault(const struct tb_rx_sink *sink, unsigned ctx,
		  const char *what)
{
	if (sink && sink->fault)
		sink->fault(sink->arg, ctx, what);
}

static uint32_t status_rd(const struct tb_guest *g, uint32_t off)
{
	return hostmem_rd32(g->hm, g->status + off);
}

/* A consumer index from the status block, checked against what was
 * posted: the new completions, or -1 (and a fault) when the NIC claims
 * more than that. */
static int64_t completions(struct tb_guest *g, const struct tb_rx_sink *sink,
			   const char *ring, uint32_t off, uint32_t prod,
			   uint32_t done)
{
	uint32_t cons = status_rd(g, off);
	char what[128];

	if (cons - done > prod - done) {
		snprintf(what, sizeof(what), "status %s_cons %u is past the "
			 "%s producer %u (reaped %u)", ring, cons, ring, prod,
			 done);
		fault(sink, g->ctx, what);
		return -1;
	}
	return cons - done;
}

uint32_t guest_reap_tx(struct tb_guest *g, const struct tb_rx_sink *sink)
{
	int64_t n = completions(g, sink, "tx", CDNA_STATUS_OFF_TX_CONS,
				g->tx_prod, g->tx_done);

	if (n < 0)
		return 0;
	g->tx_done += (uint32_t)n;
	return (uint32_t)n;
}

/* The write-back of RX index idx: len | flags << 16. */
static uint32_t rx_writeback(const struct tb_guest *g, uint32_t idx)
{
	return hostmem_rd32(g->hm, g->rx_ring + (idx % CDNA_RING_SLOTS) *
				   sizeof(struct cdna_desc) + CDNA_DESC_OFF_LEN);
}

/* The first byte past len that is not the canary any more, or 0. */
static uint32_t rx_overrun(const uint8_t *buf, uint32_t len)
{
	for (uint32_t i = len; i < TB_BUF_SIZE; i++)
		if (buf[i] != TB_RX_CANARY)
			return i;
	return 0;
}

uint32_t guest_reap_rx(struct tb_guest *g, const struct tb_rx_sink *sink)
{
	int64_t got = completions(g, sink, "rx", CDNA_STATUS_OFF_RX_CONS,
				  g->rx_prod, g->rx_done);
	uint32_t n, cons;
	char what[160];

	if (got < 0)
		return 0;
	n = (uint32_t)got;
	cons = g->rx_done + n;
	for (; g->rx_done != cons; g->rx_done++) {
		uint32_t idx = g->rx_done, lenflags = rx_writeback(g, idx);
		uint32_t len = lenflags & 0xffffu, flags = lenflags >> 16, bad;
		const uint8_t *buf = hostmem_ptr(g->hm, rx_slot_buf(g, idx));

		if (flags != (CDNA_DESC_DONE | CDNA_DESC_EOP) ||
		    len < CDNA_MIN_FRAME || len > TB_BUF_SIZE) {
			snprintf(what, sizeof(what), "RX index %u: write-back "
				 "len %u flags 0x%x, want a frame with "
				 "DONE|EOP", idx, len, flags);
			fault(sink, g->ctx, what);
			continue;
		}
		if (g->check_overrun && (bad = rx_overrun(buf, len)) != 0) {
			snprintf(what, sizeof(what), "RX index %u: the NIC "
				 "wrote byte %u of a buffer holding a %u-byte "
				 "frame", idx, bad, len);
			fault(sink, g->ctx, what);
		}
		if (sink && sink->frame)
			sink->frame(sink->arg, g->ctx, buf, len);
	}
	rx_refill(g);
	return n;
}

int guest_has_news(const struct tb_guest *g)
{
	return status_rd(g, CDNA_STATUS_OFF_TX_CONS) != g->tx_done ||
	       status_rd(g, CDNA_STATUS_OFF_RX_CONS) != g->rx_done;
}
