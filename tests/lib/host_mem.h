/* SPDX-License-Identifier: MIT */
/*
 * host_mem.h - for the NIC model's unit tests: a block of simulated host
 * memory at a bus address, with the DMA callbacks of struct cdna_nic_ops
 * (opaque = the struct host_mem), and the build's firmware images.
 */
#ifndef CDNA_TEST_HOST_MEM_H
#define CDNA_TEST_HOST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct host_mem {
	uint8_t *mem;
	uint64_t base;     /* bus address of mem[0] */
	size_t size;
};

/* Zeroed memory; exits on failure. */
void host_mem_init(struct host_mem *hm, uint64_t base, size_t size);
void host_mem_free(struct host_mem *hm);
/* The bytes at bus address addr (which must lie inside). */
uint8_t *host_mem_at(struct host_mem *hm, uint64_t addr);

/* DMA callbacks: -1 (refused) for any byte outside the block. */
int host_mem_dma_read(void *opaque, uint64_t addr, void *buf, size_t len);
int host_mem_dma_write(void *opaque, uint64_t addr, const void *buf,
		       size_t len);

/* $BUILD/firmware/NAME (BUILD defaults to build), read whole; the test
 * fails if it cannot be read.  Free with free(). */
uint8_t *build_image(const char *name, size_t *size);

/* A firmware image of the build that must verify (the test fails if it
 * does not): its bytes (free with free()), size and fw_version. */
struct fw_img {
	uint8_t *b;
	size_t n;
	uint32_t version;
};
struct fw_img fw_img_load(const char *name);

#endif
