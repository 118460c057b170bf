/* SPDX-License-Identifier: MIT */
/* fw_harness.c - see fw_harness.h. */
#include "fw_harness.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/src/fw.h"

const uint8_t h_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static int in_host(uint64_t addr, size_t len)
{
	return addr >= H_HOST_BASE && len <= H_HOST_SIZE &&
	       addr - H_HOST_BASE <= H_HOST_SIZE - len;
}

static int h_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct harness *h = opaque;

	if (!in_host(addr, len))
		return -1;
	memcpy(buf, h->mem + (addr - H_HOST_BASE), len);
	return 0;
}

static int h_dma_write(void *opaque, uint64_t addr, const void *buf,
		       size_t len)
{
	struct harness *h = opaque;

	if (!in_host(addr, len))
		return -1;
	memcpy(h->mem + (addr - H_HOST_BASE), buf, len);
	return 0;
}

static void h_wire_tx(void *opaque, const uint8_t *frame, size_t len)
{
	struct harness *h = opaque;

	assert(len <= CDNA_MAX_FRAME);
	if (h->n_wire == H_WIRE_MAX)
		return;
	h->wire[h->n_wire].len = (uint16_t)len;
	memcpy(h->wire[h->n_wire].data, frame, len);
	h->n_wire++;
}

static void h_irq(void *opaque)
{
	((struct harness *)opaque)->irqs++;
}

static uint64_t h_now(void *opaque)
{
	return ((struct harness *)opaque)->now_us;
}

static uint32_t hw_read_cb(void *opaque, uint32_t addr)
{
	return nic_hw_read(opaque, addr);
}

static void hw_write_cb(void *opaque, uint32_t addr, uint32_t val)
{
	nic_hw_write(opaque, addr, val);
}

static struct fw_host_hw host_hw;

struct harness *h_new(void)
{
	return h_new_fw(NULL);
}

struct harness *h_new_fw(const struct h_fw_ops *fw_ops)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct nic_hw_ops ops = {
		.dma_read = h_dma_read, .dma_write = h_dma_write,
		.wire_tx = h_wire_tx, .raise_irq = h_irq, .now_us = h_now,
	};

	assert(h);
	h->mem = calloc(1, H_HOST_SIZE);
	h->wire = calloc(H_WIRE_MAX, sizeof(*h->wire));
	assert(h->mem && h->wire);
	h->next_page = H_HOST_BASE;
	h->now_us = 1000;
	ops.opaque = h;
	h->hw = nic_hw_new(&ops);
	assert(h->hw);
	h->fw_ops = fw_ops;
	if (fw_ops) {
		fw_ops->boot(h);
	} else {
		host_hw = (struct fw_host_hw){ .opaque = h->hw,
					       .read = hw_read_cb,
					       .write = hw_write_cb,
					       .sram = h->hw->sram };
		fw_hw = &host_hw;
		fw_init();
	}
	assert(h->hw->fw_state == CDNA_FW_STATE_RUNNING);
	h->intvec = h_alloc_pages(h, 2);
	nic_hw_set_intvec(h->hw, h->intvec);
	return h;
}

void h_free(struct harness *h)
{
	nic_hw_free(h->hw);
	free(h->mem);
	free(h->wire);
	free(h);
}

uint8_t *h_mem(struct harness *h, uint64_t addr)
{
	assert(in_host(addr, 1));
	return h->mem + (addr - H_HOST_BASE);
}

uint32_t h_rd32(struct harness *h, uint64_t addr)
{
	uint32_t v;

	memcpy(&v, h_mem(h, addr), 4);
	return v;
}

void h_wr32(struct harness *h, uint64_t addr, uint32_t v)
{
	memcpy(h_mem(h, addr), &v, 4);
}

uint64_t h_alloc_pages(struct harness *h, uint32_t n)
{
	uint64_t a = h->next_page;

	h->next_page += (uint64_t)n * CDNA_PAGE_SIZE;
	assert(h->next_page <= H_HOST_BASE + H_HOST_SIZE);
	return a;
}

void h_ctx_enable(struct harness *h, uint32_t c, const uint8_t *mac,
		  uint32_t flags)
{
	struct h_ctx *x = &h->ctx[c];
	static const uint8_t base_mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	*x = (struct h_ctx){ 0 };
	x->tx_ring = h_alloc_pages(h, 1);
	x->rx_ring = h_alloc_pages(h, 1);
	x->status = h_alloc_pages(h, 1);
	x->tx_buf = h_alloc_pages(h, CDNA_RING_SLOTS / 2);
	x->rx_buf = h_alloc_pages(h, CDNA_RING_SLOTS / 2);
	x->seq_base = 0x5e000000u + c * 0x1000u;
	memcpy(x->mac, mac ? mac : base_mac, 6);
	if (!mac)
		x->mac[5] = (uint8_t)(c + 1);
	nic_hw_cfg_write(h->hw, c, CFG_TX_RING_LO, (uint32_t)x->tx_ring);
	nic_hw_cfg_write(h->hw, c, CFG_TX_RING_HI, (uint32_t)(x->tx_ring >> 32));
	nic_hw_cfg_write(h->hw, c, CFG_RX_RING_LO, (uint32_t)x->rx_ring);
	nic_hw_cfg_write(h->hw, c, CFG_RX_RING_HI, (uint32_t)(x->rx_ring >> 32));
	nic_hw_cfg_write(h->hw, c, CFG_STATUS_LO, (uint32_t)x->status);
	nic_hw_cfg_write(h->hw, c, CFG_STATUS_HI, (uint32_t)(x->status >> 32));
	nic_hw_cfg_write(h->hw, c, CFG_SEQ_BASE, x->seq_base);
	nic_hw_cfg_write(h->hw, c, CFG_MAC_LO,
			 x->mac[0] | x->mac[1] << 8 | x->mac[2] << 16 |
				 (uint32_t)x->mac[3] << 24);
	nic_hw_cfg_write(h->hw, c, CFG_MAC_HI, x->mac[4] | x->mac[5] << 8);
	nic_hw_cfg_write(h->hw, c, CFG_FLAGS, flags);
	nic_hw_cfg_write(h->hw, c, CFG_CTRL, CDNA_CTX_CTRL_ENABLE);
	nic_hw_set_irq_enable(h->hw, c, 1);
	h_run(h);
}

void h_ctx_revoke(struct harness *h, uint32_t c)
{
	nic_hw_cfg_write(h->hw, c, CFG_CTRL, CDNA_CTX_CTRL_REVOKE);
	h_run(h);
}

void h_write_desc(struct harness *h, uint32_t c, int rx, uint32_t idx,
		  uint64_t addr, uint16_t len, uint16_t flags,
		  uint32_t seq_delta)
{
	struct h_ctx *x = &h->ctx[c];
	struct cdna_desc d = {
		.addr = addr, .len = len, .flags = flags,
		.seq = x->seq_base + idx + seq_delta,
	};
	uint64_t ring = rx ? x->rx_ring : x->tx_ring;

	memcpy(h_mem(h, ring + (idx % CDNA_RING_SLOTS) * 16u), &d, sizeof(d));
}

static void fill_frame(uint8_t *p, const uint8_t *dst, const uint8_t *src,
		       uint32_t len, uint8_t tag)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = 0x88, p[13] = 0xb5; /* local experimental ethertype */
	for (uint32_t i = CDNA_ETH_HLEN; i < len; i++)
		p[i] = (uint8_t)(tag + (i - CDNA_ETH_HLEN));
}

void h_tx_frame(struct harness *h, uint32_t c, const uint8_t *dst,
		uint32_t len, uint8_t tag, uint32_t nfrag)
{
	struct h_ctx *x = &h->ctx[c];
	uint8_t frame[CDNA_MAX_FRAME + 64];
	uint32_t off = 0;

	assert(len <= sizeof(frame) && nfrag >= 1);
	fill_frame(frame, dst, x->mac, len, tag);
	for (uint32_t i = 0; i < nfrag; i++) {
		uint32_t idx = x->tx_prod++;
		uint32_t piece = i + 1 < nfrag ? len / nfrag : len - off;
		uint64_t buf = x->tx_buf + (idx % CDNA_RING_SLOTS) * 2048u;

		assert(piece <= 2048);
		memcpy(h_mem(h, buf), frame + off, piece);
		h_write_desc(h, c, 0, idx, buf, (uint16_t)piece,
			     i + 1 == nfrag ? CDNA_DESC_EOP : 0, 0);
		off += piece;
	}
}

void h_tx_ring(struct harness *h, uint32_t c)
{
	nic_hw_doorbell_tx(h->hw, c, h->ctx[c].tx_prod);
}

void h_rx_post(struct harness *h, uint32_t c, uint32_t n, uint16_t buf_len)
{
	struct h_ctx *x = &h->ctx[c];

	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = x->rx_prod++;

		h_write_desc(h, c, 1, idx,
			     x->rx_buf + (idx % CDNA_RING_SLOTS) * 2048u,
			     buf_len, 0, 0);
	}
	nic_hw_doorbell_rx(h->hw, c, x->rx_prod);
}

int h_wire_in(struct harness *h, const uint8_t *dst, const uint8_t *src,
	      uint32_t len, uint8_t tag)
{
	uint8_t frame[MAC_RX_SLOT_SIZE];

	assert(len <= sizeof(frame));
	fill_frame(frame, dst, src, len, tag);
	return nic_hw_wire_rx(h->hw, frame, len);
}

uint32_t h_run(struct harness *h)
{
	uint32_t turns = 0;

	nic_hw_tick(h->hw);
	if (h->fw_ops) {
		h->fw_ops->run(h);
		return 1;
	}
	while (fw_poll()) {
		turns++;
		assert(turns < 100000 && "firmware never went idle");
	}
	return turns;
}

uint32_t h_tx_cons(struct harness *h, uint32_t c)
{
	return h_rd32(h, h->ctx[c].status + CDNA_STATUS_OFF_TX_CONS);
}

uint32_t h_rx_cons(struct harness *h, uint32_t c)
{
	return h_rd32(h, h->ctx[c].status + CDNA_STATUS_OFF_RX_CONS);
}

const struct cdna_fw_stats *h_fw_stats(struct harness *h, uint32_t c)
{
	const struct cdna_fw_stats_block *b =
		(const void *)(h->hw->sram +
			       (h->hw->fw_stats_addr - CDNA_NIC_SRAM_BASE));
	return &b->ctx[c];
}

const struct cdna_fw_nic_stats *h_fw_nic_stats(struct harness *h)
{
	const struct cdna_fw_stats_block *b =
		(const void *)(h->hw->sram +
			       (h->hw->fw_stats_addr - CDNA_NIC_SRAM_BASE));
	return &b->nic;
}

uint32_t h_rx_wb(struct harness *h, uint32_t c, uint32_t idx)
{
	return h_rd32(h, h->ctx[c].rx_ring + (idx % CDNA_RING_SLOTS) * 16u +
				 CDNA_DESC_OFF_LEN);
}

uint8_t h_rx_tag(struct harness *h, uint32_t c, uint32_t idx)
{
	return *h_mem(h, h->ctx[c].rx_buf + (idx % CDNA_RING_SLOTS) * 2048u +
				 CDNA_ETH_HLEN);
}

int h_payload_ok(const uint8_t *p, uint32_t len, uint8_t tag)
{
	for (uint32_t i = CDNA_ETH_HLEN; i < len; i++)
		if (p[i] != (uint8_t)(tag + (i - CDNA_ETH_HLEN)))
			return 0;
	return 1;
}

const uint8_t *h_rx_buf(struct harness *h, uint32_t c, uint32_t idx)
{
	return h_mem(h, h->ctx[c].rx_buf + (idx % CDNA_RING_SLOTS) * 2048u);
}
