/* SPDX-License-Identifier: MIT */
/*
 * nic_bar.c - the NIC's PCI register files, BAR0 (one page per context)
 * and BAR2 (management, hypervisor, statistics), exactly as
 * include/cdna/regs.h documents them.  Registers are 32 bits; an aligned
 * 64-bit access is two of them, low word first; anything else reads 0,
 * is ignored and is counted (and logged) as a guest error.
 */
#include "nic_priv.h"

#include <stddef.h>
#include <string.h>

static void kick(struct cdna_nic *nic)
{
	if (nic->ops.kick)
		nic->ops.kick(nic->ops.opaque);
}

/* The firmware's statistics block in SRAM, if the address it published
 * lies inside SRAM; NULL otherwise (statistics then read 0). */
static const struct cdna_fw_stats_block *fw_stats(struct cdna_nic *nic)
{
	uint32_t a = nic->hw->fw_stats_addr;

	if (a < CDNA_NIC_SRAM_BASE || (a & 3u) ||
	    a - CDNA_NIC_SRAM_BASE >
		    CDNA_NIC_SRAM_SIZE - sizeof(struct cdna_fw_stats_block))
		return NULL;
	return (const void *)(nic->hw->sram + (a - CDNA_NIC_SRAM_BASE));
}

/* ---- BAR0: context pages -------------------------------------------- */

static uint32_t bar0_read(struct cdna_nic *nic, uint32_t off)
{
	struct nic_hw *hw = nic->hw;
	uint32_t c = off / 0x1000u, reg = off % 0x1000u;

	if (c >= nic->num_ctx)
		return 0;        /* an absent context (MGMT_NUM_CTX) */
	switch (reg) {
	case CTX_TX_PROD:    return hw->db_tx_prod[c];
	case CTX_RX_PROD:    return hw->db_rx_prod[c];
	case CTX_IRQ_ENABLE: return (hw->irq_enable >> c) & 1u;
	case CTX_IRQ_STATUS: return (hw->int_pending >> c) & 1u;
	case CTX_STATUS:
		return CTX_STATUS_STATE(nic_hw_cfg_read(hw, c, CFG_STATE)) |
		       (nic->link_up ? CTX_STATUS_LINK_UP : 0) |
		       (nic_fw_state(nic) == CDNA_FW_STATE_RUNNING
				? CTX_STATUS_FW_UP : 0);
	case CTX_MAC_LO:     return nic_hw_cfg_read(hw, c, CFG_MAC_LO);
	case CTX_MAC_HI:     return nic_hw_cfg_read(hw, c, CFG_MAC_HI);
	case CTX_INDEX:      return c;
	default:             return 0;
	}
}

static void bar0_write(struct cdna_nic *nic, uint32_t off, uint32_t val)
{
	uint32_t c = off / 0x1000u, reg = off % 0x1000u;

	if (c >= nic->num_ctx)
		return;
	switch (reg) {
	case CTX_TX_PROD:
		nic_hw_doorbell_tx(nic->hw, c, val);
		kick(nic);
		break;
	case CTX_RX_PROD:
		nic_hw_doorbell_rx(nic->hw, c, val);
		kick(nic);
		break;
	case CTX_IRQ_ENABLE:
		nic_hw_set_irq_enable(nic->hw, c, val & 1u);
		break;
	default:
		break;
	}
}

/* ---- BAR2 page 0: management ---------------------------------------- */

static uint32_t mgmt_read(struct cdna_nic *nic, uint32_t off)
{
	const struct cdna_fw_stats_block *fs;
	struct nic_hw *hw = nic->hw;

	if (off >= MGMT_CTX(0) && off < MGMT_CTX(CDNA_NUM_CTX)) {
		uint32_t c = (off - MGMT_CTX(0)) / 0x10u;

		switch ((off - MGMT_CTX(0)) % 0x10u) {
		case MGMT_CTX_MAC_LO: return nic->mgmt_mac_lo[c];
		case MGMT_CTX_MAC_HI: return nic_hw_cfg_read(hw, c, CFG_MAC_HI);
		case MGMT_CTX_FLAGS:  return nic_hw_cfg_read(hw, c, CFG_FLAGS);
		default:              return nic->mgmt_owner[c];
		}
	}
	switch (off) {
	case MGMT_ID:          return CDNA_HW_ID;
	case MGMT_NUM_CTX:     return nic->num_ctx;
	case MGMT_FW_STATE:    return nic_fw_state(nic);
	case MGMT_FW_VERSION:  return nic_fw_version(nic);
	case MGMT_BOOT_BANK:   return nic_boot_bank(nic);
	case MGMT_BOOT_ERROR:
		return (nic->boot.error[0] & 0xffu) |
		       (nic->boot.error[1] & 0xffu) << 8;
	case MGMT_FAULT_CAUSE: return nic->fault_cause;
	case MGMT_FAULT_PC:    return nic->fault_pc;
	case MGMT_HEARTBEAT:   return hw->heartbeat;
	case MGMT_MAC_RX_DROPS:
		return hw->rx_drops + (uint32_t)nic->rx_dropped_dead;
	case MGMT_RX_NO_MATCH:
		fs = fw_stats(nic);
		return fs ? fs->nic.rx_no_match : 0;
	case MGMT_DMA_FAULTS:  return hw->dma_faults;
	case MGMT_MAC_LO:      return nic->mac_lo;
	case MGMT_MAC_HI:      return nic->mac_hi;
	case MGMT_BOOT_FLAGS:  return nic->boot.flags;
	default:
		if (off >= MGMT_FLASH_BANK)
			return nic_flash_read(nic, off);
		return 0;
	}
}

static void mgmt_write(struct cdna_nic *nic, uint32_t off, uint32_t val)
{
	struct nic_hw *hw = nic->hw;

	if (off >= MGMT_CTX(0) && off < MGMT_CTX(CDNA_NUM_CTX)) {
		uint32_t c = (off - MGMT_CTX(0)) / 0x10u;

		switch ((off - MGMT_CTX(0)) % 0x10u) {
		case MGMT_CTX_MAC_LO:
			nic->mgmt_mac_lo[c] = val;
			break;
		case MGMT_CTX_MAC_HI:
			/* Both halves reach the firmware together. */
			nic_hw_cfg_write(hw, c, CFG_MAC_LO, nic->mgmt_mac_lo[c]);
			nic_hw_cfg_write(hw, c, CFG_MAC_HI, val & 0xffffu);
			kick(nic);
			break;
		case MGMT_CTX_FLAGS:
			nic_hw_cfg_write(hw, c, CFG_FLAGS, val);
			kick(nic);
			break;
		default:
			nic->mgmt_owner[c] = val;
			break;
		}
		return;
	}
	if (off == MGMT_NIC_CTRL && (val & CDNA_NIC_CTRL_RESET))
		nic_request_reset(nic);
	else if (off >= MGMT_FLASH_BANK)
		nic_flash_write(nic, off, val);
}

/* ---- BAR2 page 1: hypervisor ---------------------------------------- */

static uint32_t hv_read(struct cdna_nic *nic, uint32_t off)
{
	struct nic_hw *hw = nic->hw;

	if (off >= HV_CTX(0) && off < HV_CTX(CDNA_NUM_CTX)) {
		uint32_t c = (off - HV_CTX(0)) / 0x40u;
		uint32_t reg = (off - HV_CTX(0)) % 0x40u;

		if (reg <= HV_CTX_SEQ_BASE || reg == HV_CTX_STATE)
			return nic_hw_cfg_read(hw, c, reg);
		return 0;
	}
	switch (off) {
	case HV_INTVEC_LO:  return nic->intvec_lo;
	case HV_INTVEC_HI:  return nic->intvec_hi;
	case HV_INT_CONS:   return hw->int_cons;
	case HV_INT_MOD_US: return hw->int_mod_us;
	default:            return 0;
	}
}

static void hv_write(struct cdna_nic *nic, uint32_t off, uint32_t val)
{
	struct nic_hw *hw = nic->hw;

	if (off >= HV_CTX(0) && off < HV_CTX(CDNA_NUM_CTX)) {
		uint32_t c = (off - HV_CTX(0)) / 0x40u;
		uint32_t reg = (off - HV_CTX(0)) % 0x40u;

		/* HV_CTX_CTRL..HV_CTX_SEQ_BASE are the CFG_* registers of
		 * the same offsets (nic-hw.h); the firmware sees them when
		 * CTRL changes. */
		if (reg == HV_CTX_CTRL && val == CDNA_CTX_CTRL_ENABLE &&
		    c >= nic->num_ctx) {
			nic->guest_errors++;
			nic_log(nic, CDNA_LOG_GUEST_ERROR, "cdna: context %u "
				"enabled, but this NIC offers %u contexts "
				"(MGMT_NUM_CTX): ignored", c, nic->num_ctx);
			return;
		}
		if (reg <= HV_CTX_SEQ_BASE) {
			nic_hw_cfg_write(hw, c, reg, val);
			kick(nic);
		}
		return;
	}
	switch (off) {
	case HV_INTVEC_LO:
		nic->intvec_lo = val;
		break;
	case HV_INTVEC_HI:
		nic->intvec_hi = val;
		nic_hw_set_intvec(hw, (uint64_t)val << 32 | nic->intvec_lo);
		break;
	case HV_INT_CONS:
		nic_hw_set_int_cons(hw, val);
		/* INTx: asserted while the vector holds unread entries. */
		if (hw->int_cons == hw->intvec_prod)
			nic_lower_irq(nic);
		break;
	case HV_INT_MOD_US:
		nic_hw_set_int_mod(hw, val);
		break;
	default:
		break;
	}
}

/* ---- BAR2 page 2: statistics ---------------------------------------- */

static uint32_t stats_read(struct cdna_nic *nic, uint32_t off)
{
	uint32_t c = (off - CDNA_BAR2_STATS) / 0x80u;
	uint32_t reg = (off - CDNA_BAR2_STATS) % 0x80u;
	const struct nic_hw_counters *n;
	const struct cdna_fw_stats_block *fs;

	if (c >= CDNA_NUM_CTX)
		return 0;
	n = &nic->hw->cnt[c];
	fs = fw_stats(nic);
	switch (reg) {
	case STAT_TX_FRAMES:   return (uint32_t)n->tx_frames;
	case STAT_TX_BYTES_LO: return (uint32_t)n->tx_bytes;
	case STAT_TX_BYTES_HI: return (uint32_t)(n->tx_bytes >> 32);
	case STAT_RX_FRAMES:   return (uint32_t)n->rx_frames;
	case STAT_RX_BYTES_LO: return (uint32_t)n->rx_bytes;
	case STAT_RX_BYTES_HI: return (uint32_t)(n->rx_bytes >> 32);
	case STAT_REVOKES:     return fs ? fs->ctx[c].revokes : 0;
	default:
		break;
	}
	if (!fs)
		return 0;
	if (reg >= STAT_REFUSED(0) && reg < STAT_REFUSED(CDNA_REFUSE_NUM))
		return fs->ctx[c].refused[(reg - STAT_REFUSED(0)) / 4];
	if (reg >= STAT_DROPPED(0) && reg < STAT_DROPPED(CDNA_DROP_NUM))
		return fs->ctx[c].dropped[(reg - STAT_DROPPED(0)) / 4];
	return 0;
}

/* ---- dispatch ------------------------------------------------------- */

static uint32_t reg_read(struct cdna_nic *nic, int bar, uint32_t off)
{
	if (bar == 0)
		return bar0_read(nic, off);
	switch (off & ~0xfffu) {
	case CDNA_BAR2_MGMT:  return mgmt_read(nic, off);
	case CDNA_BAR2_HV:    return hv_read(nic, off - CDNA_BAR2_HV);
	case CDNA_BAR2_STATS: return stats_read(nic, off);
	default:              return 0;
	}
}

static void reg_write(struct cdna_nic *nic, int bar, uint32_t off,
		      uint32_t val)
{
	if (bar == 0) {
		bar0_write(nic, off, val);
		return;
	}
	switch (off & ~0xfffu) {
	case CDNA_BAR2_MGMT: mgmt_write(nic, off, val); break;
	case CDNA_BAR2_HV:   hv_write(nic, off - CDNA_BAR2_HV, val); break;
	default:             break; /* statistics are read only */
	}
}

/* 0 when [off, off + size) is a register access the BARs answer. */
static int bad_access(struct cdna_nic *nic, int bar, uint64_t off,
		      unsigned size, const char *dir)
{
	uint64_t bar_size = bar == 0 ? CDNA_BAR0_SIZE
			  : bar == 2 ? CDNA_BAR2_SIZE : 0;

	if ((size == 4 || size == 8) && !(off & (size - 1)) &&
	    off < bar_size && size <= bar_size - off)
		return 0;
	nic->guest_errors++;
	nic_log(nic, CDNA_LOG_GUEST_ERROR,
		"cdna: %s of %u bytes at BAR%d offset 0x%llx ignored: "
		"registers are aligned 32-bit words", dir, size, bar,
		(unsigned long long)off);
	return -1;
}

uint64_t cdna_nic_bar_read(struct cdna_nic *nic, int bar, uint64_t off,
			   unsigned size)
{
	uint64_t v = 0;

	nic_lock(nic);
	if (!bad_access(nic, bar, off, size, "read")) {
		v = reg_read(nic, bar, (uint32_t)off);
		if (size == 8)
			v |= (uint64_t)reg_read(nic, bar, (uint32_t)off + 4)
			     << 32;
	}
	nic_unlock(nic);
	return v;
}

void cdna_nic_bar_write(struct cdna_nic *nic, int bar, uint64_t off,
			uint64_t val, unsigned size)
{
	nic_lock(nic);
	if (!bad_access(nic, bar, off, size, "write")) {
		reg_write(nic, bar, (uint32_t)off, (uint32_t)val);
		if (size == 8)
			reg_write(nic, bar, (uint32_t)off + 4,
				  (uint32_t)(val >> 32));
	}
	nic_unlock(nic);
}
