/* SPDX-License-Identifier: MIT */
/*
 * cdna_nic.c - the NIC model's life cycle: power on, boot ROM, the
 * processor's runs, faults, the wire and the interrupt line.  The register
 * files are nic_bar.c; the hardware blocks nic_hw.c; the processor iss.h.
 */
#include "nic_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_check.h"

#define WATCHDOG_DEFAULT_MS 2000u

void nic_log(struct cdna_nic *nic, enum cdna_nic_log_level level,
	     const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!nic->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nic->ops.log(nic->ops.opaque, level, msg);
}

/* ---- the hardware blocks' view of the platform ---------------------- */

static int hw_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct cdna_nic *nic = opaque;

	return nic->ops.dma_read(nic->ops.opaque, addr, buf, len);
}

static int hw_dma_write(void *opaque, uint64_t addr, const void *buf,
			size_t len)
{
	struct cdna_nic *nic = opaque;

	return nic->ops.dma_write(nic->ops.opaque, addr, buf, len);
}

static void hw_wire_tx(void *opaque, const uint8_t *frame, size_t len)
{
	struct cdna_nic *nic = opaque;

	if (nic->ops.wire_tx)
		nic->ops.wire_tx(nic->ops.opaque, frame, len);
}

static void hw_raise_irq(void *opaque)
{
	struct cdna_nic *nic = opaque;

	nic->irqs++;
	nic->irq_level = 1;
	if (nic->ops.set_irq)
		nic->ops.set_irq(nic->ops.opaque, 1);
}

uint64_t nic_now_us(struct cdna_nic *nic)
{
	return nic->ops.now_us ? nic->ops.now_us(nic->ops.opaque) : 0;
}

static uint64_t hw_now_us(void *opaque)
{
	return nic_now_us(opaque);
}

/* The firmware's console, a line at a time. */
static void hw_uart(void *opaque, uint8_t byte)
{
	struct cdna_nic *nic = opaque;

	if (byte != '\n' && byte != '\r' &&
	    nic->console_len < NIC_CONSOLE_LINE - 1) {
		nic->console[nic->console_len++] = (char)byte;
		return;
	}
	if (byte == '\r' && !nic->console_len)
		return;
	nic->console[nic->console_len] = '\0';
	nic_log(nic, CDNA_LOG_FW_CONSOLE, "%s", nic->console);
	nic->console_len = 0;
	if (byte != '\n' && byte != '\r')
		nic->console[nic->console_len++] = (char)byte;
}

/* ---- the processor's view of the peripheral window ------------------ */

static uint32_t iss_mmio_read(void *opaque, uint32_t addr)
{
	struct cdna_nic *nic = opaque;
	uint32_t v;

	nic_lock(nic);
	v = nic_hw_read(nic->hw, addr);
	nic_unlock(nic);
	return v;
}

static void iss_mmio_write(void *opaque, uint32_t addr, uint32_t val)
{
	struct cdna_nic *nic = opaque;

	nic_lock(nic);
	nic_hw_write(nic->hw, addr, val);
	nic_unlock(nic);
}

static void watchdog_bite(void *opaque)
{
	struct cdna_nic *nic = opaque;

	atomic_store(&nic->watchdog_bit, 1);
	cdna_iss_halt(nic->iss);
}

/* ---- states --------------------------------------------------------- */

uint32_t nic_fw_state(const struct cdna_nic *nic)
{
	if (nic->reset_pending)
		return CDNA_FW_STATE_RESET;
	if (nic->boot.bank < 0)
		return CDNA_FW_STATE_NO_FW;
	if (!nic->fw_alive)
		return CDNA_FW_STATE_FAULT;
	/* The firmware reports BOOTING, then RUNNING; nothing else is
	 * its to claim. */
	return nic->hw->fw_state == CDNA_FW_STATE_RUNNING
		       ? CDNA_FW_STATE_RUNNING : CDNA_FW_STATE_BOOTING;
}

uint32_t nic_fw_version(const struct cdna_nic *nic)
{
	return nic_fw_state(nic) == CDNA_FW_STATE_RUNNING ? nic->hw->fw_version
							  : 0;
}

uint32_t nic_boot_bank(const struct cdna_nic *nic)
{
	return nic->boot.bank < 0 ? MGMT_BOOT_BANK_NONE
				  : (uint32_t)nic->boot.bank;
}

const char *cdna_nic_fw_state_name(uint32_t state)
{
	switch (state) {
	case CDNA_FW_STATE_RESET:   return "reset";
	case CDNA_FW_STATE_BOOTING: return "booting";
	case CDNA_FW_STATE_RUNNING: return "running";
	case CDNA_FW_STATE_NO_FW:   return "no valid firmware";
	case CDNA_FW_STATE_FAULT:   return "faulted";
	default:                    return "unknown state";
	}
}

const char *cdna_nic_fault_name(uint32_t cause)
{
	switch (cause) {
	case CDNA_FAULT_NONE:     return "no fault";
	case CDNA_FAULT_MEMORY:   return "memory access outside the map";
	case CDNA_FAULT_UNDEF:    return "undefined instruction";
	case CDNA_FAULT_WATCHDOG: return "watchdog: ran too long without "
					 "waiting for an event";
	case CDNA_FAULT_OTHER:    return "exception (BKPT, SVC or other)";
	default:                  return "unknown fault";
	}
}

void nic_lower_irq(struct cdna_nic *nic)
{
	if (!nic->irq_level)
		return;
	nic->irq_level = 0;
	if (nic->ops.set_irq)
		nic->ops.set_irq(nic->ops.opaque, 0);
}

/* The boot ROM: choose a bank, load it, let the processor go. */
static void boot(struct cdna_nic *nic)
{
	char err[160];

	cdna_bootrom_choose(nic->flash, &nic->boot);
	if (nic->boot.flags & MGMT_BOOT_F_ROLLBACK)
		nic_log(nic, CDNA_LOG_INFO, "boot ROM: the last trial never "
			"reported healthy: marked FAILED, rollback");
	if (nic->boot.flags & MGMT_BOOT_F_FLASH_ERR)
		nic_log(nic, CDNA_LOG_INFO, "boot ROM: bank table: %s",
			nic->boot.table_err);
	if (nic->boot.bank < 0) {
		nic_log(nic, CDNA_LOG_INFO,
			"boot ROM: no valid firmware: bank 0: %s; bank 1: %s",
			cdna_image_strerror(nic->boot.error[0]),
			cdna_image_strerror(nic->boot.error[1]));
		return;
	}
	nic->hw->fw_state = CDNA_FW_STATE_BOOTING;
	/* From here the trial's clock runs: a firmware that cannot even
	 * start is rolled back like one that crashes. */
	nic->trial = !!(nic->boot.flags & MGMT_BOOT_F_TRIAL);
	nic->trial_start_us = nic_now_us(nic);
	if (cdna_iss_boot(nic->iss, nic->boot.hdr.load_addr,
			  nic->boot.payload, nic->boot.hdr.payload_size,
			  nic->boot.hdr.entry, nic->boot.hdr.stack_top, err,
			  sizeof(err))) {
		nic_log(nic, CDNA_LOG_INFO, "boot ROM: %s", err);
		nic->fault_cause = CDNA_FAULT_OTHER;
		return;
	}
	nic_log(nic, CDNA_LOG_INFO, "boot ROM: bank %d%s, firmware %u.%u.%u "
		"\"%.16s\"", nic->boot.bank,
		nic->trial ? " (trial)" : "",
		CDNA_FW_VERSION_MAJOR(nic->boot.hdr.fw_version),
		CDNA_FW_VERSION_MINOR(nic->boot.hdr.fw_version),
		CDNA_FW_VERSION_PATCH(nic->boot.hdr.fw_version),
		nic->boot.hdr.name);
	nic->fw_alive = 1;
	nic->need_run = 1;
}

void nic_reset_locked(struct cdna_nic *nic)
{
	nic->reset_pending = 0;
	nic_hw_reset(nic->hw);
	memset(nic->hw->sram, 0, CDNA_NIC_SRAM_SIZE);
	nic_lower_irq(nic);
	memset(nic->mgmt_mac_lo, 0, sizeof(nic->mgmt_mac_lo));
	memset(nic->mgmt_owner, 0, sizeof(nic->mgmt_owner));
	nic->intvec_lo = nic->intvec_hi = 0;
	nic->console_len = 0;
	nic->fw_alive = 0;
	nic->need_run = 0;
	nic->trial = 0;
	memset(&nic->win, 0, sizeof(nic->win));
	nic->fault_cause = CDNA_FAULT_NONE;
	nic->fault_pc = 0;
	nic->rx_dropped_dead = 0;   /* MAC_RX_DROPS restarts with the MAC's */
	atomic_store(&nic->watchdog_bit, 0);
	boot(nic);
}

static void fault(struct cdna_nic *nic, enum cdna_iss_stop stop, uint32_t pc)
{
	switch (stop) {
	case CDNA_ISS_FAULT_MEMORY: nic->fault_cause = CDNA_FAULT_MEMORY; break;
	case CDNA_ISS_FAULT_UNDEF:  nic->fault_cause = CDNA_FAULT_UNDEF; break;
	case CDNA_ISS_HALTED:
		nic->fault_cause = atomic_load(&nic->watchdog_bit)
					   ? CDNA_FAULT_WATCHDOG
					   : CDNA_FAULT_OTHER;
		break;
	default:                    nic->fault_cause = CDNA_FAULT_OTHER; break;
	}
	nic->fault_pc = pc;
	nic->fw_alive = 0;
	nic->hw->fw_state = CDNA_FW_STATE_FAULT;
	nic_log(nic, CDNA_LOG_INFO, "firmware fault: %s at pc 0x%08x; the NIC "
		"processor is halted until the NIC is reset",
		cdna_nic_fault_name(nic->fault_cause), pc);
}

/* ---- verbs ---------------------------------------------------------- */

/* MGMT_MAC_LO/HI: the NIC's own MAC, laid out as MGMT_CTX_MAC_*. */
static void set_own_mac(struct cdna_nic *nic, const uint8_t mac[6])
{
	static const uint8_t mac_default[6] = { 0x02, 0xcd, 0x4a, 0, 0, 0 };
	static const uint8_t zero[6];
	const uint8_t *m = memcmp(mac, zero, 6) ? mac : mac_default;

	nic->mac_lo = (uint32_t)m[0] | (uint32_t)m[1] << 8 |
		      (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
	nic->mac_hi = (uint32_t)m[4] | (uint32_t)m[5] << 8;
}

struct cdna_nic *cdna_nic_new(const struct cdna_nic_config *cfg,
			      const struct cdna_nic_ops *ops,
			      char *err, size_t err_len)
{
	struct cdna_nic *nic = calloc(1, sizeof(*nic));
	struct nic_hw_ops hw_ops = {
		.dma_read = hw_dma_read, .dma_write = hw_dma_write,
		.wire_tx = hw_wire_tx, .raise_irq = hw_raise_irq,
		.now_us = hw_now_us, .uart = hw_uart,
	};
	struct cdna_iss_mmio mmio = {
		.read = iss_mmio_read, .write = iss_mmio_write,
	};

	if (!nic) {
		snprintf(err, err_len, "NIC model: out of memory");
		return NULL;
	}
	if (!ops->dma_read || !ops->dma_write) {
		snprintf(err, err_len, "NIC model: the platform gives no DMA");
		free(nic);
		return NULL;
	}
	if (cfg->num_ctx > CDNA_NUM_CTX) {
		snprintf(err, err_len, "NIC model: %u contexts asked for; the "
			 "NIC has 1 to %u", cfg->num_ctx, CDNA_NUM_CTX);
		free(nic);
		return NULL;
	}
	nic->cfg = *cfg;
	nic->num_ctx = cfg->num_ctx ? cfg->num_ctx : CDNA_NUM_CTX;
	set_own_mac(nic, cfg->mac);
	nic->cfg.flash_path = NULL; /* not kept: the caller owns the string */
	nic->ops = *ops;
	pthread_mutex_init(&nic->lock, NULL);
	hw_ops.opaque = nic;
	mmio.opaque = nic;
	nic->link_up = 1;
	nic->hw = nic_hw_new(&hw_ops);
	if (!nic->hw) {
		snprintf(err, err_len, "NIC model: out of memory");
		goto fail;
	}
	nic->iss = cdna_iss_new(nic->hw->sram, &mmio, err, err_len);
	if (!nic->iss)
		goto fail;
	nic->flash = cdna_flash_open(cfg->flash_path, err, err_len);
	if (!nic->flash)
		goto fail;
	nic->wd = cdna_watchdog_new(cfg->watchdog_ms ? cfg->watchdog_ms
						     : WATCHDOG_DEFAULT_MS,
				    watchdog_bite, nic);
	if (!nic->wd) {
		snprintf(err, err_len, "NIC model: cannot start the watchdog");
		goto fail;
	}
	nic_reset_locked(nic);
	cdna_nic_run(nic);
	return nic;
fail:
	cdna_nic_free(nic);
	return NULL;
}

void cdna_nic_free(struct cdna_nic *nic)
{
	if (!nic)
		return;
	cdna_watchdog_free(nic->wd);
	cdna_iss_free(nic->iss);
	cdna_flash_close(nic->flash);
	nic_hw_free(nic->hw);
	pthread_mutex_destroy(&nic->lock);
	free(nic);
}

void nic_request_reset(struct cdna_nic *nic)
{
	/* The processor may be mid-run on the platform's NIC thread: the
	 * reset itself happens there, at the start of the next run.  Until
	 * then the NIC shows RESET and takes no frames. */
	nic->reset_pending = 1;
	nic->fw_alive = 0;
	nic_lower_irq(nic);
	if (nic->ops.kick)
		nic->ops.kick(nic->ops.opaque);
}

void cdna_nic_reset(struct cdna_nic *nic)
{
	nic_lock(nic);
	nic_request_reset(nic);
	nic_unlock(nic);
	if (!nic->cfg.locked)
		cdna_nic_run(nic);
}

uint32_t cdna_nic_can_receive(struct cdna_nic *nic)
{
	uint32_t n;

	nic_lock(nic);
	/* A NIC without running firmware takes frames and drops them, so a
	 * backend never stalls behind a dead card. */
	n = nic->fw_alive ? nic_hw_rx_space(nic->hw) : 1;
	nic_unlock(nic);
	return n;
}

int cdna_nic_receive(struct cdna_nic *nic, const uint8_t *frame, size_t len)
{
	int r = -1;

	nic_lock(nic);
	if (nic->fw_alive)
		r = nic_hw_wire_rx(nic->hw, frame, len);
	else
		nic->rx_dropped_dead++;
	nic_unlock(nic);
	if (r == 0 && nic->ops.kick)
		nic->ops.kick(nic->ops.opaque);
	return r;
}

void cdna_nic_set_link(struct cdna_nic *nic, int up)
{
	nic_lock(nic);
	nic->link_up = !!up;
	nic_unlock(nic);
}

/* Microseconds until the hardware next needs time to pass. */
static uint64_t next_deadline(struct cdna_nic *nic)
{
	struct nic_hw *hw = nic->hw;
	uint64_t now = hw_now_us(nic), until = UINT64_MAX;

	if (hw->timer_at && !hw->timer_fired) {
		int32_t d = (int32_t)(hw->timer_at - (uint32_t)now);

		until = d > 0 ? (uint64_t)d : 0;
	}
	if (hw->irq_deferred) {
		uint64_t gap = now - hw->last_irq_us;
		uint64_t d = gap < hw->int_mod_us ? hw->int_mod_us - gap : 0;

		if (d < until)
			until = d;
	}
	if (nic_trial_until(nic) < until)
		until = nic_trial_until(nic);
	return until;
}

uint64_t cdna_nic_run(struct cdna_nic *nic)
{
	uint64_t until;

	nic_lock(nic);
	if (nic->reset_pending || nic_trial_check(nic))
		nic_reset_locked(nic);
again:
	nic_hw_tick(nic->hw);
	while (nic->fw_alive && (nic->need_run || nic_hw_events(nic->hw))) {
		enum cdna_iss_stop stop;
		uint32_t pc;

		nic->need_run = 0;
		nic->runs++;
		nic_unlock(nic);
		cdna_watchdog_arm(nic->wd);
		stop = cdna_iss_run(nic->iss, &pc);
		cdna_watchdog_disarm(nic->wd);
		nic_lock(nic);
		if (stop != CDNA_ISS_WAITING) {
			fault(nic, stop, pc);
			break;
		}
		/* Time passed while the processor ran. */
		nic_hw_tick(nic->hw);
	}
	/* A trial commits here; one out of time is reset (rollback), and
	 * the firmware booted instead runs at once. */
	if (nic_trial_check(nic)) {
		nic_reset_locked(nic);
		goto again;
	}
	until = next_deadline(nic);
	nic_unlock(nic);
	return until;
}

int cdna_nic_flash_program(struct cdna_nic *nic, uint32_t bank,
			   const void *data, size_t len,
			   char *err, size_t err_len)
{
	int r = -1;

	if (bank >= CDNA_FLASH_BANKS || len > CDNA_FLASH_BANK_SIZE) {
		snprintf(err, err_len,
			 "flash: bank %u, %zu bytes: a bank is 0..%u and holds "
			 "at most %u bytes", bank, len, CDNA_FLASH_BANKS - 1,
			 CDNA_FLASH_BANK_SIZE);
		return -1;
	}
	nic_lock(nic);
	if (!cdna_flash_write(nic->flash, bank * CDNA_FLASH_BANK_SIZE, NULL,
			      CDNA_FLASH_BANK_SIZE, err, err_len) &&
	    !cdna_flash_write(nic->flash, bank * CDNA_FLASH_BANK_SIZE, data,
			      len, err, err_len))
		r = 0;
	nic_unlock(nic);
	return r;
}

void cdna_nic_get_info(struct cdna_nic *nic, struct cdna_nic_info *info)
{
	nic_lock(nic);
	memset(info, 0, sizeof(*info));
	info->fw_state = nic_fw_state(nic);
	info->fw_version = nic_fw_version(nic);
	info->boot_bank = nic_boot_bank(nic);
	info->boot_flags = nic->boot.flags;
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++)
		info->boot_error[b] = nic->boot.error[b];
	info->fault_cause = nic->fault_cause;
	info->fault_pc = nic->fault_pc;
	info->runs = nic->runs;
	info->irqs = nic->irqs;
	info->guest_errors = nic->guest_errors;
	nic_unlock(nic);
}

void cdna_nic_flash_cut_after(struct cdna_nic *nic, int64_t units)
{
	nic_lock(nic);
	cdna_flash_set_cut(nic->flash, units);
	nic_unlock(nic);
}

uint64_t cdna_nic_flash_units(struct cdna_nic *nic)
{
	uint64_t n;

	nic_lock(nic);
	n = cdna_flash_units(nic->flash);
	nic_unlock(nic);
	return n;
}

int64_t cdna_nic_flash_cut_left(struct cdna_nic *nic)
{
	int64_t n;

	nic_lock(nic);
	n = cdna_flash_cut_left(nic->flash);
	nic_unlock(nic);
	return n;
}

void cdna_nic_set_counting(struct cdna_nic *nic, int on)
{
	cdna_iss_set_counting(nic->iss, on);
}

void cdna_nic_get_cpu_counts(struct cdna_nic *nic,
			     struct cdna_nic_cpu_counts *out)
{
	struct cdna_iss_counts n;

	cdna_iss_get_counts(nic->iss, &n);
	out->insns = n.insns;
	out->sram_stores = n.sram_stores;
	out->mmio_reads = n.mmio_reads;
	out->mmio_writes = n.mmio_writes;
	_Static_assert(CDNA_NIC_STORE_SITES == CDNA_ISS_STORE_SITES,
		       "one store-site table");
	memcpy(out->store_pc, n.store_pc, sizeof(out->store_pc));
	memcpy(out->store_pc_n, n.store_pc_n, sizeof(out->store_pc_n));
}
