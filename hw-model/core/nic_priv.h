/* SPDX-License-Identifier: MIT */
/*
 * nic_priv.h - the NIC model's state, shared by its own files only
 * (cdna_nic.c: life cycle, boot, processor; nic_bar.c: register files;
 * flash_ctl.c: the flash window and the trial's commit).
 */
#ifndef CDNA_NIC_PRIV_H
#define CDNA_NIC_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include "bootrom.h"
#include "cdna_nic.h"
#include "flash.h"
#include "iss.h"
#include "nic_hw.h"
#include "watchdog.h"

#define NIC_CONSOLE_LINE 160

/* The flash window's registers and its open transfer (regs.h). */
struct nic_flash_window {
	uint32_t bank, offset, size, status;   /* the registers */
	int open;                /* BEGIN done, VERIFY/CANCEL not yet */
	uint32_t open_bank, open_size;         /* latched by BEGIN */
	uint32_t spoiled;        /* CDNA_FLASH_ST_* of the first refused DATA */
	uint32_t high;           /* bytes of the image written (high-water) */
};

struct cdna_nic {
	struct cdna_nic_config cfg;
	uint32_t num_ctx;            /* cfg.num_ctx resolved: 1..CDNA_NUM_CTX */
	uint32_t mac_lo, mac_hi;     /* cfg.mac as MGMT_MAC_LO/HI read it */
	struct cdna_nic_ops ops;
	pthread_mutex_t lock;        /* only with cfg.locked */

	struct nic_hw *hw;           /* DMA, MAC, INT, mirrors, counters */
	struct cdna_iss *iss;        /* the processor */
	struct cdna_flash *flash;
	struct cdna_watchdog *wd;

	/* The boot ROM's verdict and the processor's fate. */
	struct cdna_boot_choice boot;
	int fw_alive;                /* booted, not faulted */
	int need_run;                /* run even without events (boot) */
	int reset_pending;           /* reset at the start of the next run */
	atomic_int watchdog_bit;
	int trial;                   /* booted as a trial, not committed */
	uint64_t trial_start_us;     /* when the trial booted */
	struct nic_flash_window win;
	uint32_t fault_cause, fault_pc;
	int link_up;
	int irq_level;

	/* BAR2 page 0 context table: MAC_LO waits for MAC_HI. */
	uint32_t mgmt_mac_lo[CDNA_NUM_CTX];
	uint32_t mgmt_owner[CDNA_NUM_CTX];
	/* BAR2 page 1: the interrupt vector address, armed by the HI write. */
	uint32_t intvec_lo, intvec_hi;

	char console[NIC_CONSOLE_LINE];
	uint32_t console_len;

	uint64_t runs, irqs, guest_errors, rx_dropped_dead;
};

/* The model's lock, with cfg.locked only.  Inline: the processor's every
 * peripheral access takes it. */
static inline void nic_lock(struct cdna_nic *nic)
{
	if (nic->cfg.locked)
		pthread_mutex_lock(&nic->lock);
}

static inline void nic_unlock(struct cdna_nic *nic)
{
	if (nic->cfg.locked)
		pthread_mutex_unlock(&nic->lock);
}
void nic_log(struct cdna_nic *nic, enum cdna_nic_log_level level,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A full reset of hardware and processor, with the lock held: on the
 * thread that runs the processor (cdna_nic_run). */
void nic_reset_locked(struct cdna_nic *nic);
/* Reset from any thread (BAR write, PCI reset), lock held: shows RESET
 * now, done by the next cdna_nic_run. */
void nic_request_reset(struct cdna_nic *nic);
/* What BAR2 (and cdna_nic_get_info) shows: the firmware state, the
 * running firmware's version (0 when none runs), the bank booted. */
uint32_t nic_fw_state(const struct cdna_nic *nic);
uint32_t nic_fw_version(const struct cdna_nic *nic);
uint32_t nic_boot_bank(const struct cdna_nic *nic);
/* Deassert the interrupt line (INTx) if it is asserted. */
void nic_lower_irq(struct cdna_nic *nic);
/* The platform's clock (0 without one). */
uint64_t nic_now_us(struct cdna_nic *nic);

/* flash_ctl.c: the window's registers (MGMT_FLASH_*), a bank's state
 * (CDNA_FLASH_BANK_*) and version as the window shows them. */
uint32_t nic_flash_read(struct cdna_nic *nic, uint32_t off);
void nic_flash_write(struct cdna_nic *nic, uint32_t off, uint32_t val);
uint32_t nic_flash_bank_state(struct cdna_nic *nic, uint32_t b,
			      uint32_t *version);
/* A trial's health, on the thread that runs the processor: commits it once
 * the firmware reports RUNNING; 1 when CDNA_FLASH_TRIAL_MS passed without
 * (the caller resets the NIC: the boot ROM rolls back). */
int nic_trial_check(struct cdna_nic *nic);
/* Microseconds until the trial's deadline; UINT64_MAX without a trial. */
uint64_t nic_trial_until(struct cdna_nic *nic);

#endif /* CDNA_NIC_PRIV_H */
