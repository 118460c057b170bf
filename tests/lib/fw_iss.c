/* SPDX-License-Identifier: MIT */
/* fw_iss.c - see fw_iss.h. */
#include "fw_iss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "../../firmware/image/image_check.h"

struct iss {
	uc_engine *uc;
	struct harness *h;
	uint8_t *image;
	size_t image_size;
	struct cdna_image_header hdr;
	uint32_t pc;               /* where to resume (after the WFI) */
	int counting;
	uc_hook hook_code, hook_store;
	struct iss_counts n;
};

static void die(const char *what, uc_err err)
{
	fprintf(stderr, "fw-iss: %s: %s\n", what, uc_strerror(err));
	exit(1);
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size,
			  void *user)
{
	struct iss *s = user;

	(void)uc;
	s->n.mmio_reads++;
	return size == 4 ? nic_hw_read(s->h->hw, CDNA_NIC_PERIPH + (uint32_t)off)
			 : 0;
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size,
		       uint64_t val, void *user)
{
	struct iss *s = user;

	(void)uc;
	s->n.mmio_writes++;
	if (size == 4)
		nic_hw_write(s->h->hw, CDNA_NIC_PERIPH + (uint32_t)off,
			     (uint32_t)val);
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
	(void)uc, (void)addr, (void)size;
	((struct iss *)user)->n.insns++;
}

static void on_store(uc_engine *uc, uc_mem_type type, uint64_t addr,
		     int size, int64_t val, void *user)
{
	struct iss *s = user;
	uint32_t pc;

	(void)type, (void)addr, (void)size, (void)val;
	s->n.sram_stores++;
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	for (int i = 0; i < ISS_MAX_STORE_PCS; i++) {
		if (s->n.store_pc_n[i] == 0 || s->n.store_pc[i] == pc) {
			s->n.store_pc[i] = pc;
			s->n.store_pc_n[i]++;
			return;
		}
	}
}

struct iss *iss_new(const char *path)
{
	struct iss *s = calloc(1, sizeof(*s));
	FILE *f = fopen(path, "rb");
	enum cdna_image_error e;
	long size;

	if (!s || !f) {
		fprintf(stderr, "fw-iss: cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	if (size <= 0 || size > (long)CDNA_IMAGE_MAX_SIZE) {
		fprintf(stderr, "fw-iss: %s: size %ld out of range\n", path, size);
		exit(1);
	}
	s->image = malloc((size_t)size);
	if (!s->image || fread(s->image, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "fw-iss: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	s->image_size = (size_t)size;
	e = cdna_image_check(s->image, s->image_size, &s->hdr);
	if (e != CDNA_IMAGE_OK) {
		fprintf(stderr, "fw-iss: %s: %s\n", path, cdna_image_strerror(e));
		exit(1);
	}
	return s;
}

void iss_free(struct iss *s)
{
	if (s->uc)
		uc_close(s->uc);
	free(s->image);
	free(s);
}

void iss_set_counting(struct iss *s, int on)
{
	uc_err err;

	if (on == s->counting)
		return;
	s->counting = on;
	/* Translated blocks carry their hooks: retranslate after a change. */
	if (!on) {
		uc_hook_del(s->uc, s->hook_code);
		uc_hook_del(s->uc, s->hook_store);
		uc_ctl_flush_tlb(s->uc);
		return;
	}
	err = uc_hook_add(s->uc, &s->hook_code, UC_HOOK_CODE, on_code, s, 1, 0);
	if (!err)
		err = uc_hook_add(s->uc, &s->hook_store, UC_HOOK_MEM_WRITE,
				  on_store, s, CDNA_NIC_SRAM_BASE,
				  CDNA_NIC_SRAM_BASE + CDNA_NIC_SRAM_SIZE - 1);
	if (!err)
		err = uc_ctl_flush_tlb(s->uc);
	if (err)
		die("uc_hook_add", err);
}

const struct iss_counts *iss_counts(struct iss *s)
{
	return &s->n;
}

void iss_reset_counts(struct iss *s)
{
	memset(&s->n, 0, sizeof(s->n));
}

/* Run from s->pc until the firmware executes WFI (uc_emu_start returns
 * with PC after it), or dies trying. */
static void run_to_wfi(struct iss *s)
{
	uc_err err = uc_emu_start(s->uc, s->pc | 1u, 0xffffffffu, 0, 0);
	uint32_t pc;

	if (err)
		die("firmware stopped", err);
	uc_reg_read(s->uc, UC_ARM_REG_PC, &pc);
	s->pc = pc;
}

static void iss_boot(struct harness *h)
{
	struct h_fw_ops *ops = (struct h_fw_ops *)h->fw_ops;
	struct iss *s = ops->priv;
	uc_err err;
	uint32_t sp = s->hdr.stack_top;

	s->h = h;
	err = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &s->uc);
	if (err)
		die("uc_open", err);
	/* Before the first map, or the CPU silently stays a Cortex-A15. */
	err = uc_ctl(s->uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1),
		     UC_CPU_ARM_CORTEX_M4);
	if (!err)
		err = uc_mem_map(s->uc, CDNA_NIC_CODE_BASE, CDNA_NIC_CODE_SIZE,
				 UC_PROT_ALL);
	if (!err)
		err = uc_mem_map_ptr(s->uc, CDNA_NIC_SRAM_BASE,
				     CDNA_NIC_SRAM_SIZE, UC_PROT_READ |
				     UC_PROT_WRITE, h->hw->sram);
	if (!err)
		err = uc_mmio_map(s->uc, CDNA_NIC_PERIPH, 0x6000, mmio_read, s,
				  mmio_write, s);
	if (!err)
		err = uc_mem_write(s->uc, s->hdr.load_addr,
				   s->image + CDNA_IMAGE_HEADER_SIZE,
				   s->hdr.payload_size);
	if (!err)
		err = uc_reg_write(s->uc, UC_ARM_REG_SP, &sp);
	if (err)
		die("setting up the NIC processor", err);
	s->pc = s->hdr.entry;
	run_to_wfi(s);
}

static void iss_run(struct harness *h)
{
	struct iss *s = h->fw_ops->priv;

	/* WFI returns at once while events are pending; the firmware goes
	 * back to WFI when it has nothing to do. */
	while (nic_hw_events(h->hw))
		run_to_wfi(s);
}

struct h_fw_ops iss_fw_ops(struct iss *s)
{
	return (struct h_fw_ops){ .boot = iss_boot, .run = iss_run, .priv = s };
}
