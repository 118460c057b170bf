/* SPDX-License-Identifier: MIT */
/*
 * iss.h - the NIC processor: a Cortex-M4 executing the flashed ARM image in
 * Unicorn, seen by the model through one small interface.
 *
 * Only these cdna_iss_* symbols leave the object that holds Unicorn
 * (mk/model.mk links the wrapper with libunicorn.a and hides the rest), so
 * the model can live inside a QEMU process, whose own symbols would clash
 * with Unicorn's unprefixed QEMU internals.
 *
 * Memory map (include/cdna/nic-hw.h): code RAM at CDNA_NIC_CODE_BASE,
 * private to the ISS; SRAM at CDNA_NIC_SRAM_BASE, the caller's buffer (the
 * hardware blocks reach it directly); the peripheral window at
 * CDNA_NIC_PERIPH, every aligned 32-bit access of which goes to the mmio
 * callbacks.  Other widths read 0 and are ignored, as the contract says.
 * Anything else is unmapped: touching it is a memory fault.
 */
#ifndef CDNA_ISS_H
#define CDNA_ISS_H

#include <stddef.h>
#include <stdint.h>

struct cdna_iss_mmio {
	void *opaque;
	uint32_t (*read)(void *opaque, uint32_t addr);
	void (*write)(void *opaque, uint32_t addr, uint32_t val);
};

/* Why a run ended. */
enum cdna_iss_stop {
	CDNA_ISS_WAITING = 0, /* WFI: waits for an event; run again to resume */
	CDNA_ISS_FAULT_MEMORY,/* access outside the memory map */
	CDNA_ISS_FAULT_UNDEF, /* undefined instruction */
	CDNA_ISS_FAULT_OTHER, /* BKPT, SVC or another exception: this NIC has
			       * no exception handling, so each is a crash */
	CDNA_ISS_HALTED,      /* cdna_iss_halt stopped it */
};

#define CDNA_ISS_STORE_SITES 64

struct cdna_iss_counts {
	uint64_t insns;       /* instructions executed */
	uint64_t sram_stores; /* stores into SRAM (each register of a PUSH) */
	uint64_t mmio_reads, mmio_writes;
	/* Where the SRAM stores came from (the firmware's store budget is
	 * what benchmarks look at): the first CDNA_ISS_STORE_SITES PCs. */
	uint32_t store_pc[CDNA_ISS_STORE_SITES];
	uint64_t store_pc_n[CDNA_ISS_STORE_SITES];
};

struct cdna_iss;

/* sram: CDNA_NIC_SRAM_SIZE bytes, 4 KiB aligned, owned by the caller.
 * NULL on failure with a sentence in err. */
struct cdna_iss *cdna_iss_new(uint8_t *sram, const struct cdna_iss_mmio *mmio,
			      char *err, size_t err_len);
void cdna_iss_free(struct cdna_iss *iss);

/*
 * Power on the processor: a fresh CPU, code RAM cleared, payload copied to
 * load_addr, SP = sp, PC = entry (Thumb bit set).  After a fault or a halt
 * this is the only way to run again.  0, or -1 with err set.
 */
int cdna_iss_boot(struct cdna_iss *iss, uint32_t load_addr,
		  const void *payload, uint32_t size, uint32_t entry,
		  uint32_t sp, char *err, size_t err_len);

/* Execute until the firmware waits (WFI) or stops; *pc receives the PC:
 * after the WFI, or of the faulting instruction. */
enum cdna_iss_stop cdna_iss_run(struct cdna_iss *iss, uint32_t *pc);

/* From any thread: end the current run (it returns CDNA_ISS_HALTED); the
 * processor must then be booted again.  Harmless when nothing runs. */
void cdna_iss_halt(struct cdna_iss *iss);

/* Count instructions and stores (several times slower) or not; switching
 * it on zeroes the counts. */
void cdna_iss_set_counting(struct cdna_iss *iss, int on);
void cdna_iss_reset_counts(struct cdna_iss *iss);
void cdna_iss_get_counts(const struct cdna_iss *iss,
			 struct cdna_iss_counts *out);

#endif /* CDNA_ISS_H */
