/* SPDX-License-Identifier: MIT */
/*
 * nic_hw.c - the NIC's internal hardware blocks (see nic_hw.h and the
 * contract in include/cdna/nic-hw.h).  Every command completes inside the
 * register write that starts it, as the contract promises the firmware.
 */
#include "nic_hw.h"

#include <stdlib.h>
#include <string.h>

struct nic_hw *nic_hw_new(const struct nic_hw_ops *ops)
{
	struct nic_hw *hw = calloc(1, sizeof(*hw));

	if (!hw)
		return NULL;
	/* Page-aligned so that an ISS can map it as the processor's SRAM. */
	hw->sram = aligned_alloc(4096, CDNA_NIC_SRAM_SIZE);
	if (!hw->sram) {
		free(hw);
		return NULL;
	}
	memset(hw->sram, 0, CDNA_NIC_SRAM_SIZE);
	hw->ops = *ops;
	nic_hw_reset(hw);
	return hw;
}

void nic_hw_free(struct nic_hw *hw)
{
	if (!hw)
		return;
	free(hw->sram);
	free(hw);
}

void nic_hw_reset(struct nic_hw *hw)
{
	struct nic_hw_ops ops = hw->ops;
	uint8_t *sram = hw->sram;

	memset(hw, 0, sizeof(*hw));
	hw->ops = ops;
	hw->sram = sram;
}

/* A 32-bit value as the little-endian bytes host memory holds. */
static void put_le32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

static uint64_t now_us(struct nic_hw *hw)
{
	return hw->ops.now_us ? hw->ops.now_us(hw->ops.opaque) : 0;
}

/* ---- SYS ------------------------------------------------------------------ */

static void timer_check(struct nic_hw *hw)
{
	if (hw->timer_at && !hw->timer_fired &&
	    (int32_t)((uint32_t)now_us(hw) - hw->timer_at) >= 0)
		hw->timer_fired = 1;
}

uint32_t nic_hw_events(struct nic_hw *hw)
{
	uint32_t ev = 0;

	timer_check(hw);
	if (hw->db_pending)
		ev |= SYS_EV_DOORBELL;
	if (hw->rx_count)
		ev |= SYS_EV_MAC_RX;
	if (hw->cfg_pending)
		ev |= SYS_EV_CFG;
	if (hw->timer_fired)
		ev |= SYS_EV_TIMER;
	return ev;
}

static uint32_t sys_read(struct nic_hw *hw, uint32_t off)
{
	switch (off) {
	case SYS_ID:            return CDNA_HW_ID;
	case SYS_NUM_CTX:       return CDNA_NUM_CTX;
	case SYS_FW_STATE:      return hw->fw_state;
	case SYS_FW_VERSION:    return hw->fw_version;
	case SYS_EVENTS:        return nic_hw_events(hw);
	case SYS_TIME_US:       return (uint32_t)now_us(hw);
	case SYS_TIMER_AT:      return hw->timer_at;
	case SYS_HEARTBEAT:     return hw->heartbeat;
	case SYS_FW_STATS_ADDR: return hw->fw_stats_addr;
	case SYS_FW_ERROR:      return hw->fw_error;
	default:                return 0;
	}
}

static void sys_write(struct nic_hw *hw, uint32_t off, uint32_t val)
{
	switch (off) {
	case SYS_FW_STATE:      hw->fw_state = val; break;
	case SYS_FW_VERSION:    hw->fw_version = val; break;
	case SYS_TIMER_AT:      hw->timer_at = val; hw->timer_fired = 0; break;
	case SYS_HEARTBEAT:     hw->heartbeat = val; break;
	case SYS_FW_STATS_ADDR: hw->fw_stats_addr = val; break;
	case SYS_FW_ERROR:      hw->fw_error = val; break;
	case SYS_UART_TX:
		if (hw->ops.uart)
			hw->ops.uart(hw->ops.opaque, (uint8_t)val);
		break;
	default:
		break;
	}
}

/* ---- DMA ------------------------------------------------------------------ */

/* SRAM range check; returns the host pointer or NULL. */
static uint8_t *sram_range(struct nic_hw *hw, uint32_t addr, uint32_t len)
{
	if (addr < CDNA_NIC_SRAM_BASE)
		return NULL;
	addr -= CDNA_NIC_SRAM_BASE;
	if (addr > CDNA_NIC_SRAM_SIZE || len > CDNA_NIC_SRAM_SIZE - addr)
		return NULL;
	return hw->sram + addr;
}

static void count_rx(struct nic_hw *hw, uint32_t ctx, uint32_t len)
{
	hw->cnt[ctx].rx_frames++;
	hw->cnt[ctx].rx_bytes += len;
}

/* One aligned 32-bit word into host memory: 0, or -1 when refused. */
static int dma_word(struct nic_hw *hw, uint64_t addr, uint32_t val)
{
	uint8_t le[4];

	put_le32(le, val);
	if (addr & 3u)
		return -1;
	return hw->ops.dma_write(hw->ops.opaque, addr, le, 4) ? -1 : 0;
}

static uint32_t dma_run(struct nic_hw *hw, uint32_t cmd)
{
	uint64_t host = (uint64_t)hw->dma_host_hi << 32 | hw->dma_host_lo;
	uint32_t len = cmd & 0xffffu;
	uint32_t op = (cmd >> 16) & 0xfu;
	uint8_t *local;

	switch (op) {
	case DMA_OP_TO_SRAM:
	case DMA_OP_TO_HOST:
		if (!len)
			return DMA_ST_BAD_CMD;
		local = sram_range(hw, hw->dma_local, len);
		if (!local)
			return DMA_ST_LOCAL_FAULT;
		if (op == DMA_OP_TO_SRAM) {
			if (hw->ops.dma_read(hw->ops.opaque, host, local, len))
				return DMA_ST_HOST_FAULT;
		} else {
			if (hw->ops.dma_write(hw->ops.opaque, host, local, len))
				return DMA_ST_HOST_FAULT;
		}
		return DMA_ST_OK;
	case DMA_OP_IMM32:
		return dma_word(hw, host, hw->dma_imm) ? DMA_ST_HOST_FAULT
						       : DMA_ST_OK;
	default:
		return DMA_ST_BAD_CMD;
	}
}

/*
 * DMA_DESC (out = 0): desc.len bytes from host desc.addr into SRAM;
 * DMA_DESC_OUT (out = 1): DMA_OUT_LEN bytes from SRAM to host desc.addr.
 * The descriptor is the one the firmware checked, read from SRAM.
 */
static uint32_t dma_by_desc(struct nic_hw *hw, uint32_t v, int out)
{
	const uint8_t *d = sram_range(hw, DMA_DESC_AT_ADDR(v), 16);
	uint32_t len = out ? (v >> 21) & 0x7ffu : (uint32_t)(d[8] | d[9] << 8);
	uint64_t host = 0;
	uint8_t *local;

	for (int i = 7; i >= 0; i--)
		host = host << 8 | d[i];
	if (!len)
		return DMA_ST_BAD_CMD;
	local = sram_range(hw, DMA_DESC_TO_ADDR(v), len);
	if (!local)
		return DMA_ST_LOCAL_FAULT;
	if (out ? hw->ops.dma_write(hw->ops.opaque, host, local, len)
		: hw->ops.dma_read(hw->ops.opaque, host, local, len))
		return DMA_ST_HOST_FAULT;
	return DMA_ST_OK;
}

/* DMA_RX_DONE: the RX write-back word into the latched ring. */
static uint32_t dma_rx_done_run(struct nic_hw *hw, uint32_t v)
{
	uint32_t ctx = (v >> 24) & 0x1fu, idx = (v >> 16) & 0xffu;
	uint32_t flags = v >> 29, len = v & 0xffffu;
	const uint32_t *a = hw->dma_ctx[ctx];
	uint64_t ring = (uint64_t)a[DMA_CTX_RX_RING_HI / 4] << 32 |
			a[DMA_CTX_RX_RING_LO / 4];

	if (dma_word(hw, ring + idx * sizeof(struct cdna_desc) +
			     CDNA_DESC_OFF_LEN, len | flags << 16))
		return DMA_ST_HOST_FAULT;
	if ((flags & CDNA_DESC_DONE) && !(flags & CDNA_DESC_ERR))
		count_rx(hw, ctx, len);
	return DMA_ST_OK;
}

/* DMA_PUB_*: a consumer index into a context's latched status block. */
static uint32_t dma_pub_run(struct nic_hw *hw, uint32_t off, uint32_t val)
{
	uint32_t ctx = (off - DMA_PUB_TX_CONS(0)) / 8;
	const uint32_t *a = hw->dma_ctx[ctx];
	uint64_t status = (uint64_t)a[DMA_CTX_STATUS_HI / 4] << 32 |
			  a[DMA_CTX_STATUS_LO / 4];

	return dma_word(hw, status + ((off & 4u) ? CDNA_STATUS_OFF_RX_CONS
						  : CDNA_STATUS_OFF_TX_CONS),
			val) ? DMA_ST_HOST_FAULT : DMA_ST_OK;
}

static uint32_t dma_read_reg(struct nic_hw *hw, uint32_t off)
{
	if (off >= DMA_CTX(0) && off < DMA_CTX(CDNA_NUM_CTX))
		return hw->dma_ctx[(off - DMA_CTX(0)) / 0x10][(off & 0xfu) / 4];
	switch (off) {
	case DMA_HOST_LO: return hw->dma_host_lo;
	case DMA_HOST_HI: return hw->dma_host_hi;
	case DMA_LOCAL:   return hw->dma_local;
	case DMA_IMM:     return hw->dma_imm;
	case DMA_STATUS:  return hw->dma_status;
	case DMA_FAULTS:  return hw->dma_faults;
	default:          return 0;
	}
}

static void dma_write_reg(struct nic_hw *hw, uint32_t off, uint32_t val)
{
	switch (off) {
	case DMA_HOST_LO: hw->dma_host_lo = val; break;
	case DMA_HOST_HI: hw->dma_host_hi = val; break;
	case DMA_LOCAL:   hw->dma_local = val; break;
	case DMA_IMM:     hw->dma_imm = val; break;
	case DMA_CMD:
	case DMA_DESC:
	case DMA_DESC_OUT:
	case DMA_RX_DONE:
		hw->dma_status = off == DMA_CMD      ? dma_run(hw, val)
			       : off == DMA_DESC     ? dma_by_desc(hw, val, 0)
			       : off == DMA_DESC_OUT ? dma_by_desc(hw, val, 1)
						     : dma_rx_done_run(hw, val);
		if (hw->dma_status != DMA_ST_OK)
			hw->dma_faults++;
		break;
	default:
		if (off >= DMA_CTX(0) && off < DMA_CTX(CDNA_NUM_CTX)) {
			hw->dma_ctx[(off - DMA_CTX(0)) / 0x10][(off & 0xfu) / 4] =
				val;
		} else if (off >= DMA_PUB_TX_CONS(0) &&
			   off < DMA_PUB_TX_CONS(CDNA_NUM_CTX)) {
			hw->dma_status = dma_pub_run(hw, off, val);
			if (hw->dma_status != DMA_ST_OK)
				hw->dma_faults++;
		}
		break;
	}
}

/* ---- MAC ------------------------------------------------------------------ */

static void mac_tx(struct nic_hw *hw, uint32_t addr, uint32_t cmd,
		   int to_wire)
{
	uint32_t len = cmd & 0xffffu;
	uint32_t ctx = (cmd >> 24) & 0x1fu;
	uint8_t *frame = sram_range(hw, addr, len);

	if (len < CDNA_MIN_FRAME || len > CDNA_MAX_FRAME || !frame)
		return; /* the MAC sends nothing it cannot frame */
	hw->cnt[ctx].tx_frames++;
	hw->cnt[ctx].tx_bytes += len;
	if (to_wire && hw->ops.wire_tx)
		hw->ops.wire_tx(hw->ops.opaque, frame, len);
}

static void mac_rx_pop(struct nic_hw *hw)
{
	if (hw->rx_count) {
		hw->rx_head = (hw->rx_head + 1) % hw->rx_slots;
		hw->rx_count--;
	}
}

static uint32_t mac_read(struct nic_hw *hw, uint32_t off)
{
	switch (off) {
	case MAC_TX_ADDR:   return hw->mac_tx_addr;
	case MAC_RX_BASE:   return hw->rx_base;
	case MAC_RX_SLOTS:  return hw->rx_slots;
	case MAC_RX_ENABLE: return hw->rx_enable;
	case MAC_RX_NEXT:
		mac_rx_pop(hw);
		/* fall through */
	case MAC_RX_HEAD:
		if (!hw->rx_count)
			return 0;
		return MAC_RX_HEAD_VALID | hw->rx_head << 16 |
		       hw->rx_len[hw->rx_head];
	case MAC_RX_DROPS:  return hw->rx_drops;
	default:            return 0;
	}
}

static void mac_write(struct nic_hw *hw, uint32_t off, uint32_t val)
{
	switch (off) {
	case MAC_TX_ADDR:  hw->mac_tx_addr = val; break;
	case MAC_TX_CMD:   mac_tx(hw, hw->mac_tx_addr, val, 1); break;
	case MAC_TX_SEND:  mac_tx(hw, MAC_TX_SLOT_ADDR(val), val, 1); break;
	case MAC_CNT_TX:
		hw->cnt[(val >> 24) & 0x1fu].tx_frames++;
		hw->cnt[(val >> 24) & 0x1fu].tx_bytes += val & 0xffffu;
		break;
	case MAC_RX_BASE:
		if (!hw->rx_enable)
			hw->rx_base = val;
		break;
	case MAC_RX_SLOTS:
		if (!hw->rx_enable && val >= 1 && val <= MAC_RX_MAX_SLOTS)
			hw->rx_slots = val;
		break;
	case MAC_RX_ENABLE:
		/* Enabling needs a slot area that lies inside SRAM. */
		hw->rx_enable = (val & 1u) && hw->rx_slots &&
				sram_range(hw, hw->rx_base,
					   hw->rx_slots * MAC_RX_SLOT_SIZE);
		if (!hw->rx_enable)
			hw->rx_count = 0;
		break;
	case MAC_RX_POP:
		mac_rx_pop(hw);
		break;
	default:
		break;
	}
}

int nic_hw_wire_rx(struct nic_hw *hw, const uint8_t *frame, size_t len)
{
	uint32_t slot;

	if (!hw->rx_enable || len == 0 || len > MAC_RX_SLOT_SIZE ||
	    hw->rx_count == hw->rx_slots) {
		hw->rx_drops++;
		return -1;
	}
	slot = (hw->rx_head + hw->rx_count) % hw->rx_slots;
	memcpy(hw->sram + (hw->rx_base - CDNA_NIC_SRAM_BASE) +
		       slot * MAC_RX_SLOT_SIZE,
	       frame, len);
	hw->rx_len[slot] = (uint16_t)len;
	hw->rx_count++;
	return 0;
}

uint32_t nic_hw_rx_space(const struct nic_hw *hw)
{
	return hw->rx_enable ? hw->rx_slots - hw->rx_count : 0;
}

/* ---- INT ------------------------------------------------------------------ */

static int intvec_put(struct nic_hw *hw, uint32_t mask)
{
	uint8_t le[4];
	uint32_t prod = hw->intvec_prod + 1;

	if (!hw->intvec_addr ||
	    hw->intvec_prod - hw->int_cons >= CDNA_INTVEC_SLOTS)
		return -1;
	put_le32(le, mask);
	if (hw->ops.dma_write(hw->ops.opaque,
			      hw->intvec_addr +
				      offsetof(struct cdna_intvec, mask) +
				      4u * (hw->intvec_prod % CDNA_INTVEC_SLOTS),
			      le, 4))
		return -1;
	put_le32(le, prod);
	if (hw->ops.dma_write(hw->ops.opaque, hw->intvec_addr, le, 4))
		return -1;
	hw->intvec_prod = prod;
	return 0;
}

static void irq_raise(struct nic_hw *hw)
{
	uint64_t now = now_us(hw);

	if (hw->int_mod_us && hw->last_irq_us &&
	    now - hw->last_irq_us < hw->int_mod_us) {
		hw->irq_deferred = 1;
		return;
	}
	hw->irq_deferred = 0;
	hw->last_irq_us = now ? now : 1;
	if (hw->ops.raise_irq)
		hw->ops.raise_irq(hw->ops.opaque);
}

/* Move pending, enabled bits into the vector and interrupt. */
static void int_deliver(struct nic_hw *hw)
{
	uint32_t bits = hw->int_pending & hw->irq_enable;

	if (!bits || intvec_put(hw, bits))
		return;
	hw->int_pending &= ~bits;
	irq_raise(hw);
}

void nic_hw_set_irq_enable(struct nic_hw *hw, uint32_t ctx, int on)
{
	if (ctx >= CDNA_NUM_CTX)
		return;
	if (on)
		hw->irq_enable |= 1u << ctx;
	else
		hw->irq_enable &= ~(1u << ctx);
	int_deliver(hw);
}

void nic_hw_set_intvec(struct nic_hw *hw, uint64_t addr)
{
	hw->intvec_addr = addr;
	hw->intvec_prod = hw->int_cons = 0;
	int_deliver(hw);
}

void nic_hw_set_int_cons(struct nic_hw *hw, uint32_t cons)
{
	/* A consumer past the producer would open the ring to overwrites. */
	if (hw->intvec_prod - cons > CDNA_INTVEC_SLOTS)
		return;
	hw->int_cons = cons;
	int_deliver(hw);
}

void nic_hw_set_int_mod(struct nic_hw *hw, uint32_t us)
{
	hw->int_mod_us = us;
}

void nic_hw_tick(struct nic_hw *hw)
{
	timer_check(hw);
	int_deliver(hw);
	if (hw->irq_deferred)
		irq_raise(hw);
}

/* ---- DB and CFG ----------------------------------------------------------- */

void nic_hw_doorbell_tx(struct nic_hw *hw, uint32_t ctx, uint32_t prod)
{
	if (ctx >= CDNA_NUM_CTX)
		return;
	hw->db_tx_prod[ctx] = prod;
	hw->db_pending |= 1u << ctx;
}

void nic_hw_doorbell_rx(struct nic_hw *hw, uint32_t ctx, uint32_t prod)
{
	if (ctx >= CDNA_NUM_CTX)
		return;
	hw->db_rx_prod[ctx] = prod;
	hw->db_pending |= 1u << ctx;
}

void nic_hw_cfg_write(struct nic_hw *hw, uint32_t ctx, uint32_t reg,
		      uint32_t val)
{
	if (ctx >= CDNA_NUM_CTX || reg >= CFG_STATE || (reg & 3u))
		return;
	hw->cfg[ctx].reg[reg / 4] = val;
	hw->cfg_pending |= 1u << ctx;
}

uint32_t nic_hw_cfg_read(const struct nic_hw *hw, uint32_t ctx, uint32_t reg)
{
	if (ctx >= CDNA_NUM_CTX || reg > CFG_STATE || (reg & 3u))
		return 0;
	return hw->cfg[ctx].reg[reg / 4];
}

static uint32_t db_read(struct nic_hw *hw, uint32_t off)
{
	uint32_t v;

	if (off == DB_PENDING) {
		v = hw->db_pending;
		hw->db_pending = 0;
		return v;
	}
	if (off >= DB_TX_PROD(0) && off < DB_TX_PROD(CDNA_NUM_CTX)) {
		uint32_t c = (off - DB_TX_PROD(0)) / 8;

		return (off & 4u) ? hw->db_rx_prod[c] : hw->db_tx_prod[c];
	}
	return 0;
}

static uint32_t cfg_block_read(struct nic_hw *hw, uint32_t off)
{
	uint32_t v;

	if (off == CFG_PENDING) {
		v = hw->cfg_pending;
		hw->cfg_pending = 0;
		return v;
	}
	if (off >= CFG_CTX(0) && off < CFG_CTX(CDNA_NUM_CTX))
		return nic_hw_cfg_read(hw, (off - CFG_CTX(0)) / 0x40,
				       (off - CFG_CTX(0)) % 0x40);
	return 0;
}

static void cfg_block_write(struct nic_hw *hw, uint32_t off, uint32_t val)
{
	/* The firmware writes only each context's CFG_STATE. */
	if (off >= CFG_CTX(0) && off < CFG_CTX(CDNA_NUM_CTX) &&
	    (off - CFG_CTX(0)) % 0x40 == CFG_STATE)
		hw->cfg[(off - CFG_CTX(0)) / 0x40].reg[CFG_STATE / 4] = val;
}

/* ---- dispatch ------------------------------------------------------------- */

uint32_t nic_hw_read(struct nic_hw *hw, uint32_t addr)
{
	uint32_t off = addr & 0xfffu;

	if (addr < CDNA_NIC_PERIPH || (addr & 3u))
		return 0;
	switch (addr & ~0xfffu) {
	case CDNA_NIC_SYS: return sys_read(hw, off);
	case CDNA_NIC_DMA: return dma_read_reg(hw, off);
	case CDNA_NIC_MAC: return mac_read(hw, off);
	case CDNA_NIC_INT: return off == INT_PENDING ? hw->int_pending : 0;
	case CDNA_NIC_DB:  return db_read(hw, off);
	case CDNA_NIC_CFG: return cfg_block_read(hw, off);
	default:           return 0;
	}
}

void nic_hw_write(struct nic_hw *hw, uint32_t addr, uint32_t val)
{
	uint32_t off = addr & 0xfffu;

	if (addr < CDNA_NIC_PERIPH || (addr & 3u))
		return;
	switch (addr & ~0xfffu) {
	case CDNA_NIC_SYS: sys_write(hw, off, val); break;
	case CDNA_NIC_DMA: dma_write_reg(hw, off, val); break;
	case CDNA_NIC_MAC: mac_write(hw, off, val); break;
	case CDNA_NIC_INT:
		if (off == INT_SET) {
			hw->int_pending |= val;
			int_deliver(hw);
		}
		break;
	case CDNA_NIC_CFG: cfg_block_write(hw, off, val); break;
	default: break;
	}
}
