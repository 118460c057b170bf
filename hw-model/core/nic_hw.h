/* SPDX-License-Identifier: MIT */
/*
 * nic_hw.h - the NIC's internal hardware blocks, as include/cdna/nic-hw.h
 * specifies them: SYS (events, timer, identity), DMA engine, MAC with
 * receive slots, interrupt unit, doorbell mirror and configuration mirror,
 * plus the per-context hardware counters.
 *
 * Portable C, no platform types: the platform (the NIC model, a test
 * harness, later QEMU through the model) gives host memory, the wire, the
 * interrupt line and the clock as callbacks.  Two kinds of verbs:
 *   firmware side   nic_hw_read/nic_hw_write: the processor's loads and
 *                   stores to the peripheral window
 *   host side       doorbells, configuration, received frames, interrupt
 *                   enables: what the PCI BARs and the wire feed in
 */
#ifndef CDNA_NIC_HW_MODEL_H
#define CDNA_NIC_HW_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <cdna/nic-hw.h>
#include <cdna/desc.h>
#include <cdna/regs.h>

struct nic_hw_ops {
	void *opaque;
	/* Host memory access for the DMA engine: 0 on success, -1 when the
	 * platform refuses the range (nothing is transferred then). */
	int (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
	int (*dma_write)(void *opaque, uint64_t addr, const void *buf,
			 size_t len);
	/* A frame leaves through the MAC. */
	void (*wire_tx)(void *opaque, const uint8_t *frame, size_t len);
	/* Pulse (MSI) or assert the physical interrupt. */
	void (*raise_irq)(void *opaque);
	/* Microseconds since an arbitrary origin. */
	uint64_t (*now_us)(void *opaque);
	/* One byte the firmware wrote to its UART; may be NULL. */
	void (*uart)(void *opaque, uint8_t byte);
};

struct nic_hw_counters {
	uint64_t tx_frames, tx_bytes;
	uint64_t rx_frames, rx_bytes;
};

struct nic_hw_cfg_ctx {
	uint32_t reg[16]; /* CFG_CTRL .. CFG_STATE, indexed by offset / 4 */
};

struct nic_hw {
	struct nic_hw_ops ops;
	uint8_t *sram;                  /* CDNA_NIC_SRAM_SIZE bytes */

	/* SYS */
	uint32_t fw_state, fw_version, heartbeat, fw_stats_addr, fw_error;
	uint32_t timer_at;
	int timer_fired;

	/* DMA */
	uint32_t dma_host_lo, dma_host_hi, dma_local, dma_imm;
	uint32_t dma_status, dma_faults;
	uint32_t dma_ctx[CDNA_NUM_CTX][4]; /* DMA_CTX_*, by offset / 4 */

	/* MAC */
	uint32_t mac_tx_addr;
	uint32_t rx_base, rx_slots, rx_enable;
	uint32_t rx_head, rx_count;     /* oldest slot, frames held */
	uint16_t rx_len[MAC_RX_MAX_SLOTS];
	uint32_t rx_drops;

	/* INT */
	uint32_t int_pending;           /* set by firmware, not delivered */
	uint32_t irq_enable;            /* bit c: BAR0 CTX_IRQ_ENABLE */
	uint64_t intvec_addr;
	uint32_t intvec_prod, int_cons;
	uint32_t int_mod_us;
	uint64_t last_irq_us;
	int irq_deferred;               /* an interrupt waits for mod_us */

	/* DB */
	uint32_t db_pending;
	uint32_t db_tx_prod[CDNA_NUM_CTX], db_rx_prod[CDNA_NUM_CTX];

	/* CFG */
	uint32_t cfg_pending;
	struct nic_hw_cfg_ctx cfg[CDNA_NUM_CTX];

	struct nic_hw_counters cnt[CDNA_NUM_CTX];
};

/* Create with zeroed SRAM (owned by the hw); NULL when out of memory. */
struct nic_hw *nic_hw_new(const struct nic_hw_ops *ops);
void nic_hw_free(struct nic_hw *hw);
/* Power-on state: every register, the receive slots, the counters and
 * every context's configuration cleared; SRAM keeps its contents. */
void nic_hw_reset(struct nic_hw *hw);

/* ---- firmware side ---- */
uint32_t nic_hw_read(struct nic_hw *hw, uint32_t addr);
void nic_hw_write(struct nic_hw *hw, uint32_t addr, uint32_t val);
/* SYS_EVENTS: non-zero means the processor has work (WFI returns). */
uint32_t nic_hw_events(struct nic_hw *hw);

/* ---- host side ---- */
void nic_hw_doorbell_tx(struct nic_hw *hw, uint32_t ctx, uint32_t prod);
void nic_hw_doorbell_rx(struct nic_hw *hw, uint32_t ctx, uint32_t prod);
/* Set one CFG_* register of a context and flag the change to firmware. */
void nic_hw_cfg_write(struct nic_hw *hw, uint32_t ctx, uint32_t reg,
		      uint32_t val);
uint32_t nic_hw_cfg_read(const struct nic_hw *hw, uint32_t ctx, uint32_t reg);
void nic_hw_set_irq_enable(struct nic_hw *hw, uint32_t ctx, int on);
void nic_hw_set_intvec(struct nic_hw *hw, uint64_t addr);
void nic_hw_set_int_cons(struct nic_hw *hw, uint32_t cons);
void nic_hw_set_int_mod(struct nic_hw *hw, uint32_t us);
/* A frame from the wire: 0 when taken, -1 when dropped (no free slot,
 * receive disabled, or a length outside 1..MAC_RX_SLOT_SIZE). */
int nic_hw_wire_rx(struct nic_hw *hw, const uint8_t *frame, size_t len);
/* Frames the MAC can still take (for the platform's flow control). */
uint32_t nic_hw_rx_space(const struct nic_hw *hw);
/* Let time pass: fire the timer, deliver deferred interrupts. */
void nic_hw_tick(struct nic_hw *hw);

#endif /* CDNA_NIC_HW_MODEL_H */
