/* SPDX-License-Identifier: MIT */
/*
 * test_iss_isolation.c - the NIC processor can live in a process that
 * defines the same names as Unicorn's bundled QEMU and glib (a QEMU
 * process does: cpu_reset, qht_init, g_malloc0, g_free, crc32, ...).
 *
 * This program defines them, each one failing loudly if called, and runs
 * the real firmware through the NIC model: if the ISS object exported or
 * bound to any of Unicorn's internals (../shared/notes/nic-iss.md: with a
 * plain link or RTLD_GLOBAL, Unicorn calls the host's cpu_reset and
 * crashes), the model would call ours and the test would fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "../lib/host_mem.h"
#include "cdna_nic.h"

static int clashes;

#define CLASH(ret, name)                                                    \
	ret name(void);                                                     \
	ret name(void)                                                      \
	{                                                                   \
		fprintf(stderr, "# the ISS called the host's " #name "\n"); \
		clashes++;                                                  \
		return (ret)0;                                              \
	}

CLASH(int, cpu_reset)
CLASH(int, cpu_exit)
CLASH(int, qht_init)
CLASH(void *, g_malloc0)
CLASH(int, g_free)
CLASH(void *, g_hash_table_new)
CLASH(long, crc32)
CLASH(int, tcg_exec_init)
CLASH(int, memory_region_init)

TEST(iss_runs_the_firmware_beside_clashing_host_symbols)
{
	struct host_mem hm;
	struct cdna_nic_ops ops = { .opaque = &hm,
				    .dma_read = host_mem_dma_read,
				    .dma_write = host_mem_dma_write };
	struct cdna_nic_config cfg = { 0 };
	struct cdna_nic *nic;
	char err[256];
	size_t n;
	uint8_t *img = build_image("cdna-fw.img", &n);

	host_mem_init(&hm, 0x100000, 4096);
	nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	CHECK(nic != NULL);
	CHECK_EQ(cdna_nic_flash_program(nic, 0, img, n, err, sizeof(err)), 0);
	cdna_nic_reset(nic);
	CHECK_EQ(cdna_nic_bar_read(nic, 2, MGMT_FW_STATE, 4),
		 CDNA_FW_STATE_RUNNING);
	cdna_nic_free(nic);
	host_mem_free(&hm);
	free(img);
	CHECK_EQ(clashes, 0);
}
