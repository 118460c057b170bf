/* SPDX-License-Identifier: MIT */
/*
 * iss_unicorn.c - the NIC processor in Unicorn 2 (see iss.h).
 *
 * Facts this relies on (measured, ../shared/notes/nic-iss.md): the CPU
 * model must be chosen before the first map; WFI ends uc_emu_start with
 * UC_ERR_OK and the PC after it, and resuming there is safe; uc_mmio_map
 * is the cheap way to catch peripheral accesses; hooks are baked into
 * translated blocks, so adding or removing one needs a TB flush.  After
 * uc_emu_stop from another thread the CPU state cannot be trusted, which
 * is why a halted processor is only ever booted again, never resumed.
 */
#include "iss.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include <cdna/nic-hw.h>

struct cdna_iss {
	uc_engine *uc;
	uint8_t *sram;
	struct cdna_iss_mmio mmio;
	uint32_t pc;                /* where the next run resumes */
	int booted;
	atomic_int halt_req;
	int counting;
	uc_hook hook_code, hook_store;
	struct cdna_iss_counts n;
};

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size,
			  void *user)
{
	struct cdna_iss *iss = user;

	(void)uc;
	iss->n.mmio_reads++;
	if (size != 4 || (off & 3u))
		return 0;
	return iss->mmio.read(iss->mmio.opaque,
			      CDNA_NIC_PERIPH + (uint32_t)off);
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size,
		       uint64_t val, void *user)
{
	struct cdna_iss *iss = user;

	(void)uc;
	iss->n.mmio_writes++;
	if (size != 4 || (off & 3u))
		return;
	iss->mmio.write(iss->mmio.opaque, CDNA_NIC_PERIPH + (uint32_t)off,
			(uint32_t)val);
}

static void count_insn(uc_engine *uc, uint64_t addr, uint32_t size,
		       void *user)
{
	(void)uc, (void)addr, (void)size;
	((struct cdna_iss *)user)->n.insns++;
}

static void count_store(uc_engine *uc, uc_mem_type type, uint64_t addr,
			int size, int64_t val, void *user)
{
	struct cdna_iss *iss = user;
	uint32_t pc;

	(void)type, (void)addr, (void)size, (void)val;
	iss->n.sram_stores++;
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	for (int i = 0; i < CDNA_ISS_STORE_SITES; i++) {
		if (iss->n.store_pc_n[i] == 0 || iss->n.store_pc[i] == pc) {
			iss->n.store_pc[i] = pc;
			iss->n.store_pc_n[i]++;
			return;
		}
	}
}

static void set_err(char *err, size_t len, const char *what, uc_err e)
{
	if (err && len)
		snprintf(err, len, "NIC processor: %s: %s", what,
			 uc_strerror(e));
}

struct cdna_iss *cdna_iss_new(uint8_t *sram, const struct cdna_iss_mmio *mmio,
			      char *err, size_t err_len)
{
	struct cdna_iss *iss = calloc(1, sizeof(*iss));

	if (!iss) {
		set_err(err, err_len, "allocation", UC_ERR_NOMEM);
		return NULL;
	}
	iss->sram = sram;
	iss->mmio = *mmio;
	return iss;
}

void cdna_iss_free(struct cdna_iss *iss)
{
	if (!iss)
		return;
	if (iss->uc)
		uc_close(iss->uc);
	free(iss);
}

static uc_err add_count_hooks(struct cdna_iss *iss)
{
	uc_err e = uc_hook_add(iss->uc, &iss->hook_code, UC_HOOK_CODE,
			       count_insn, iss, 1, 0);

	if (!e)
		e = uc_hook_add(iss->uc, &iss->hook_store, UC_HOOK_MEM_WRITE,
				count_store, iss, CDNA_NIC_SRAM_BASE,
				CDNA_NIC_SRAM_BASE + CDNA_NIC_SRAM_SIZE - 1);
	return e;
}

int cdna_iss_boot(struct cdna_iss *iss, uint32_t load_addr,
		  const void *payload, uint32_t size, uint32_t entry,
		  uint32_t sp, char *err, size_t err_len)
{
	uc_engine *uc;
	uc_err e;

	/* A fresh engine each boot: nothing of a crashed run survives. */
	if (iss->uc)
		uc_close(iss->uc);
	iss->uc = NULL;
	iss->booted = 0;
	e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc);
	if (e) {
		set_err(err, err_len, "uc_open", e);
		return -1;
	}
	iss->uc = uc;
	/* Before the first map, or the CPU silently stays a Cortex-A15. */
	e = uc_ctl(uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), UC_CPU_ARM_CORTEX_M4);
	if (!e)
		e = uc_mem_map(uc, CDNA_NIC_CODE_BASE, CDNA_NIC_CODE_SIZE,
			       UC_PROT_ALL);
	if (!e)
		e = uc_mem_map_ptr(uc, CDNA_NIC_SRAM_BASE, CDNA_NIC_SRAM_SIZE,
				   UC_PROT_READ | UC_PROT_WRITE, iss->sram);
	if (!e)
		e = uc_mmio_map(uc, CDNA_NIC_PERIPH, CDNA_NIC_PERIPH_SIZE,
				mmio_read, iss, mmio_write, iss);
	if (!e)
		e = uc_mem_write(uc, load_addr, payload, size);
	if (!e)
		e = uc_reg_write(uc, UC_ARM_REG_SP, &sp);
	if (!e && iss->counting)
		e = add_count_hooks(iss);
	if (e) {
		set_err(err, err_len, "setting up", e);
		uc_close(uc);
		iss->uc = NULL;
		return -1;
	}
	iss->pc = entry;
	atomic_store(&iss->halt_req, 0);
	iss->booted = 1;
	return 0;
}

enum cdna_iss_stop cdna_iss_run(struct cdna_iss *iss, uint32_t *pc)
{
	uint32_t now_pc = iss->pc;
	uc_err e;

	if (!iss->booted || atomic_load(&iss->halt_req)) {
		*pc = iss->pc;
		iss->booted = 0;
		return CDNA_ISS_HALTED;
	}
	/* No end address in the map: only WFI, a fault or a halt ends it. */
	e = uc_emu_start(iss->uc, iss->pc | 1u, 0xffffffffu, 0, 0);
	uc_reg_read(iss->uc, UC_ARM_REG_PC, &now_pc);
	*pc = now_pc;
	if (atomic_load(&iss->halt_req)) {
		iss->booted = 0;
		return CDNA_ISS_HALTED;
	}
	switch (e) {
	case UC_ERR_OK:
		iss->pc = now_pc;
		return CDNA_ISS_WAITING;
	case UC_ERR_READ_UNMAPPED:
	case UC_ERR_WRITE_UNMAPPED:
	case UC_ERR_FETCH_UNMAPPED:
	case UC_ERR_READ_PROT:
	case UC_ERR_WRITE_PROT:
	case UC_ERR_FETCH_PROT:
	case UC_ERR_READ_UNALIGNED:
	case UC_ERR_WRITE_UNALIGNED:
	case UC_ERR_FETCH_UNALIGNED:
		iss->booted = 0;
		return CDNA_ISS_FAULT_MEMORY;
	case UC_ERR_INSN_INVALID:
		iss->booted = 0;
		return CDNA_ISS_FAULT_UNDEF;
	default:
		iss->booted = 0;
		return CDNA_ISS_FAULT_OTHER;
	}
}

void cdna_iss_halt(struct cdna_iss *iss)
{
	atomic_store(&iss->halt_req, 1);
	if (iss->uc)
		uc_emu_stop(iss->uc);
}

void cdna_iss_set_counting(struct cdna_iss *iss, int on)
{
	on = !!on;
	if (on == iss->counting)
		return;
	iss->counting = on;
	memset(&iss->n, 0, sizeof(iss->n));
	if (!iss->uc)
		return;
	if (on) {
		add_count_hooks(iss);
	} else {
		uc_hook_del(iss->uc, iss->hook_code);
		uc_hook_del(iss->uc, iss->hook_store);
	}
	/* Translated blocks carry their hooks: retranslate. */
	uc_ctl_flush_tlb(iss->uc);
}

void cdna_iss_reset_counts(struct cdna_iss *iss)
{
	memset(&iss->n, 0, sizeof(iss->n));
}

void cdna_iss_get_counts(const struct cdna_iss *iss,
			 struct cdna_iss_counts *out)
{
	*out = iss->n;
}
