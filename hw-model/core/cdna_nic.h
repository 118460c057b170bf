/* SPDX-License-Identifier: MIT */
/*
 * cdna_nic.h - the cdna NIC model: the whole device, free of any platform.
 *
 * What a platform (the QEMU glue, the testbed, a unit test) sees of the NIC,
 * modelled on QEMU's hw/net/igb_core.h but stricter: no QEMU type, no
 * thread, no file descriptor crosses this interface.  Verbs:
 *
 *   cdna_nic_new       create from a configuration (flash backing file),
 *                      power on: the boot ROM verifies the flash banks and
 *                      starts the firmware (include/cdna/regs.h FW_STATE)
 *   cdna_nic_reset     PCI reset: the same as MGMT_NIC_CTRL reset
 *   cdna_nic_bar_read  / cdna_nic_bar_write   BAR0 and BAR2, any width and
 *                      offset (regs.h answers for every one of them)
 *   cdna_nic_receive   / cdna_nic_can_receive   a frame from the wire
 *   cdna_nic_run       let the NIC processor work until it waits for an
 *                      event (WFI with nothing pending): returns at once
 *                      when idle, so an idle NIC costs nothing
 *   cdna_nic_free
 *
 * and callbacks (struct cdna_nic_ops) through which the NIC reaches the
 * platform: DMA to host memory, frames out to the wire, the interrupt line,
 * the clock, a log, and a "kick" asking the platform to call cdna_nic_run.
 *
 * Threads: one thread at a time calls cdna_nic_run (the platform's NIC
 * thread, or its only thread).  With cfg.locked the other verbs may come
 * from any thread meanwhile: the model serialises them with its own lock,
 * taken per register access.  The callbacks (DMA, wire, interrupt, kick)
 * run with that lock held, on the thread of the verb that caused them, and
 * must not call back into the model.  The model's only thread of its own
 * is the watchdog's, asleep while the processor is.  A run lasts one turn
 * of the firmware (microseconds): a platform stops its NIC thread by
 * telling it to, kicking it and joining it; then cdna_nic_free.
 *
 * The NIC processor runs the flashed ARM image in an instruction-set
 * simulator (iss.h, Unicorn); it is never host-compiled firmware.
 */
#ifndef CDNA_NIC_MODEL_H
#define CDNA_NIC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <cdna/regs.h>

enum cdna_nic_log_level {
	CDNA_LOG_GUEST_ERROR, /* the host or a guest did something wrong */
	CDNA_LOG_UNIMP,       /* a feature the model lacks */
	CDNA_LOG_INFO,        /* boot, faults, resets */
	CDNA_LOG_FW_CONSOLE,  /* one line the firmware printed */
};

struct cdna_nic_ops {
	void *opaque;
	/* Host memory, by bus address: 0 on success, -1 when the platform
	 * refuses the range (the DMA engine then reports a fault and the
	 * firmware counts it; nothing is transferred). */
	int (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
	int (*dma_write)(void *opaque, uint64_t addr, const void *buf,
			 size_t len);
	/* A frame leaves through the MAC (14..CDNA_MAX_FRAME bytes). */
	void (*wire_tx)(void *opaque, const uint8_t *frame, size_t len);
	/* The physical interrupt: level 1 at every delivery (an MSI platform
	 * sends one message per call with level 1), level 0 once the host's
	 * HV_INT_CONS has caught up with the vector (INTx deasserts). */
	void (*set_irq)(void *opaque, int level);
	/* Microseconds, monotonic, arbitrary origin. */
	uint64_t (*now_us)(void *opaque);
	/* Diagnostics; may be NULL. */
	void (*log)(void *opaque, enum cdna_nic_log_level level,
		    const char *msg);
	/* The NIC has work (doorbell, frame, configuration): call
	 * cdna_nic_run soon.  May be NULL for a platform that calls
	 * cdna_nic_run after every other verb anyway. */
	void (*kick)(void *opaque);
};

struct cdna_nic_config {
	/* Flash backing file: created (erased) when missing, kept across
	 * runs.  NULL: a flash in memory only, erased at creation. */
	const char *flash_path;
	/* MAC the wire side reports (informational; contexts have their
	 * own).  All zero: 02:cd:4a:00:00:00. */
	uint8_t mac[6];
	/* The watchdog: the processor running this many milliseconds of
	 * host time without waiting for an event is a runaway firmware
	 * (CDNA_FAULT_WATCHDOG).  0: 2000 ms. */
	uint32_t watchdog_ms;
	/* Serialise verbs called from different threads (see above). */
	int locked;
	/* Contexts this NIC offers (MGMT_NUM_CTX), 1..CDNA_NUM_CTX; 0:
	 * CDNA_NUM_CTX.  The hardware has CDNA_NUM_CTX: the others stay
	 * absent (enabling one is a guest error, their BAR0 pages read 0). */
	uint32_t num_ctx;
};

struct cdna_nic;

/*
 * Create and power on.  NULL on failure, with a sentence in err (num_ctx
 * out of range, the flash file cannot be opened or has the wrong size,
 * Unicorn fails, out of memory).  A flash without a valid image is not a failure: the NIC comes
 * up with FW_STATE NO_FW and MGMT_BOOT_ERROR saying why.
 */
struct cdna_nic *cdna_nic_new(const struct cdna_nic_config *cfg,
			      const struct cdna_nic_ops *ops,
			      char *err, size_t err_len);
void cdna_nic_free(struct cdna_nic *nic);

/* PCI/function reset: hardware cleared, boot ROM and firmware run anew.
 * The flash keeps its contents. */
void cdna_nic_reset(struct cdna_nic *nic);

/* BARs: bar 0 or 2; size 1, 2, 4 or 8 bytes at any offset.  Only aligned
 * 32-bit accesses reach a register; an 8-byte access is two of them.
 * Everything else reads 0 and is ignored (and logged as a guest error). */
uint64_t cdna_nic_bar_read(struct cdna_nic *nic, int bar, uint64_t off,
			   unsigned size);
void cdna_nic_bar_write(struct cdna_nic *nic, int bar, uint64_t off,
			uint64_t val, unsigned size);

/* The wire.  cdna_nic_can_receive: frames the MAC can take now (0 while
 * the firmware keeps receive disabled or its slots are full: the platform
 * queues and retries after a kick).  A NIC whose firmware is not running
 * (no valid image, faulted, in reset) answers 1 and drops what it gets,
 * as a dead card on a link would, so that no backend stalls behind it.
 * cdna_nic_receive: 0 taken, -1 dropped (counted in MGMT_MAC_RX_DROPS). */
uint32_t cdna_nic_can_receive(struct cdna_nic *nic);
int cdna_nic_receive(struct cdna_nic *nic, const uint8_t *frame, size_t len);

/* The link as the PHY sees it (CTX_STATUS_LINK_UP); up at creation. */
void cdna_nic_set_link(struct cdna_nic *nic, int up);

/*
 * Run the NIC processor until it waits for an event, fire due timers and
 * deliver deferred (coalesced) interrupts.  Returns the microseconds until
 * the next timer deadline (the firmware's SYS_TIMER_AT or a coalesced
 * interrupt), or UINT64_MAX if none: the platform calls again by then.
 */
uint64_t cdna_nic_run(struct cdna_nic *nic);

/* ---- flash (the factory programmer; the host's path is BAR2) --------- */

#define CDNA_FLASH_BANKS      2u
/* The backing file: bank 0, bank 1, then one bank-table sector. */
#define CDNA_FLASH_TABLE_SIZE 4096u
#define CDNA_FLASH_FILE_SIZE  \
	(CDNA_FLASH_BANKS * CDNA_FLASH_BANK_SIZE + CDNA_FLASH_TABLE_SIZE)

/* Erase bank and write len bytes of data at its start, as a programmer
 * would: no check (a corrupt image is the boot ROM's business), no bank
 * table change (a table record whose bank no longer holds its image does
 * not count): it boots at the next reset if the table names no other
 * bank.  0, or -1 with err set (bank out of range, too
 * large, file write failed). */
int cdna_nic_flash_program(struct cdna_nic *nic, uint32_t bank,
			   const void *data, size_t len,
			   char *err, size_t err_len);

/* Power-cut simulation (tests): the flash persists units more 4-byte
 * units of writes (a write of n bytes is n/4 rounded up, in address
 * order), then power is gone: nothing more reaches the flash, though the
 * model runs on.  Free the NIC and create one on the same flash file to
 * restart.  units < 0: no cut.  cdna_nic_flash_units: units persisted
 * since creation (a dry run finds the cut points with it).
 * cdna_nic_flash_cut_left: units the flash still persists before the cut,
 * 0 once the power is gone (a platform that plays the cut for real, QEMU's
 * x-flash-cut-after, ends itself then), -1 with no cut set. */
void cdna_nic_flash_cut_after(struct cdna_nic *nic, int64_t units);
uint64_t cdna_nic_flash_units(struct cdna_nic *nic);
int64_t cdna_nic_flash_cut_left(struct cdna_nic *nic);

/* ---- observation (tests, benchmarks, tools) -------------------------- */

struct cdna_nic_info {
	uint32_t fw_state;            /* CDNA_FW_STATE_* */
	uint32_t fw_version;
	uint32_t boot_bank;
	uint32_t boot_flags;          /* MGMT_BOOT_F_* */
	uint32_t boot_error[CDNA_FLASH_BANKS]; /* enum cdna_image_error */
	uint32_t fault_cause, fault_pc;
	uint64_t runs;                /* cdna_nic_run calls that ran code */
	uint64_t irqs;                /* physical interrupts raised */
	uint64_t guest_errors;        /* bad BAR accesses and the like */
};
void cdna_nic_get_info(struct cdna_nic *nic, struct cdna_nic_info *info);

/* Processor counters for benchmarks: counting slows the ISS down, and
 * switching it flushes the ISS's code cache.  Each field counts since
 * counting was last switched on.  Call both from the thread that runs the
 * NIC, between runs. */
#define CDNA_NIC_STORE_SITES 64
struct cdna_nic_cpu_counts {
	uint64_t insns;       /* ARM instructions executed */
	uint64_t sram_stores; /* stores to SRAM (each register of a PUSH) */
	uint64_t mmio_reads, mmio_writes;
	/* The instructions that made the SRAM stores (the first
	 * CDNA_NIC_STORE_SITES of them), and how many each made. */
	uint32_t store_pc[CDNA_NIC_STORE_SITES];
	uint64_t store_pc_n[CDNA_NIC_STORE_SITES];
};
void cdna_nic_set_counting(struct cdna_nic *nic, int on);
void cdna_nic_get_cpu_counts(struct cdna_nic *nic,
			     struct cdna_nic_cpu_counts *out);

/* A human sentence for a firmware state, fault cause or boot error. */
const char *cdna_nic_fw_state_name(uint32_t state);
const char *cdna_nic_fault_name(uint32_t cause);

#endif /* CDNA_NIC_MODEL_H */
