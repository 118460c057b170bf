/* SPDX-License-Identifier: MIT */
/*
 * fw_iss.h - run the flashed ARM firmware image in Unicorn against the NIC
 * hardware blocks, counting what the processor does.  The firmware
 * benchmark's engine; the NIC model's ISS (hw-model) grows from the same
 * recipe (see ../shared/notes/nic-iss.md).
 */
#ifndef CDNA_BENCH_FW_ISS_H
#define CDNA_BENCH_FW_ISS_H

#include <stdint.h>
#include "../unit/fw_harness.h"

#define ISS_MAX_STORE_PCS 64

struct iss_counts {
	uint64_t insns;        /* ARM instructions executed */
	uint64_t sram_stores;  /* store accesses to SRAM (each register of a
				* PUSH/STM counts) */
	uint64_t mmio_reads, mmio_writes;
	uint32_t store_pc[ISS_MAX_STORE_PCS]; /* where SRAM stores came from */
	uint64_t store_pc_n[ISS_MAX_STORE_PCS];
};

struct iss;

/* Load and verify image_path; exits with a message on any failure. */
struct iss *iss_new(const char *image_path);
void iss_free(struct iss *s);
/* Count instructions and stores (slow) or run at full speed. */
void iss_set_counting(struct iss *s, int on);
const struct iss_counts *iss_counts(struct iss *s);
void iss_reset_counts(struct iss *s);
/* Firmware hooks for the harness (h_new_fw); priv must be the iss. */
struct h_fw_ops iss_fw_ops(struct iss *s);

#endif
