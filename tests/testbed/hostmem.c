/* SPDX-License-Identifier: MIT */
/*
 * hostmem.c - simulated host memory and the NIC's DMA into it.
 */
#include "hostmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cdna/desc.h>

int hostmem_init(struct hostmem *hm, uint64_t size)
{
	*hm = (struct hostmem){ .base = TB_HOSTMEM_BASE, .size = size };
	hm->mem = calloc(1, size);
	hm->nic_access = calloc(size / CDNA_PAGE_SIZE, 1);
	return hm->mem && hm->nic_access ? 0 : -1;
}

void hostmem_free(struct hostmem *hm)
{
	free(hm->mem);
	free(hm->nic_access);
	hm->mem = NULL;
	hm->nic_access = NULL;
}

uint64_t hostmem_alloc(struct hostmem *hm, uint64_t pages,
		       enum hostmem_nic_access access)
{
	uint64_t addr = hm->base + hm->used;

	if (pages * CDNA_PAGE_SIZE > hm->size - hm->used) {
		fprintf(stderr, "cdna-testbed: host memory layout overflows "
			"its region (a testbed bug)\n");
		abort();
	}
	memset(hm->nic_access + hm->used / CDNA_PAGE_SIZE, access, pages);
	hm->used += pages * CDNA_PAGE_SIZE;
	return addr;
}

/* Whether [addr, addr + len) lies inside the region, without overflow. */
static int inside(const struct hostmem *hm, uint64_t addr, size_t len)
{
	return addr >= hm->base && addr - hm->base <= hm->size &&
	       len <= hm->size - (addr - hm->base);
}

int hostmem_dma_read(struct hostmem *hm, uint64_t addr, void *buf, size_t len)
{
	if (!inside(hm, addr, len)) {
		hm->refused++;
		return -1;
	}
	hm->reads++;
	memcpy(buf, hostmem_ptr(hm, addr), len);
	return 0;
}

/* Whether the NIC may write [addr, addr + len), which is inside. */
static int writable(const struct hostmem *hm, uint64_t addr, size_t len)
{
	uint64_t first = (addr - hm->base) / CDNA_PAGE_SIZE;
	uint64_t last = (addr - hm->base + len - 1) / CDNA_PAGE_SIZE;

	if (!len)
		return 1;
	if (hm->nic_access[first] == HM_NIC_WRITES_BACK)
		return first == last && len == 4 &&
		       addr % sizeof(struct cdna_desc) == CDNA_DESC_OFF_LEN;
	for (uint64_t p = first; p <= last; p++)
		if (hm->nic_access[p] != HM_NIC_WRITES)
			return 0;
	return 1;
}

int hostmem_dma_write(struct hostmem *hm, uint64_t addr, const void *buf,
		      size_t len)
{
	if (!inside(hm, addr, len)) {
		hm->refused++;
		return -1;
	}
	if (!writable(hm, addr, len)) {
		if (!hm->stray_writes++)
			hm->first_stray = addr;
		return -1;
	}
	hm->writes++;
	memcpy(hostmem_ptr(hm, addr), buf, len);
	return 0;
}

uint32_t hostmem_rd32(const struct hostmem *hm, uint64_t addr)
{
	const uint8_t *p = hostmem_ptr(hm, addr);

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void hostmem_wr32(struct hostmem *hm, uint64_t addr, uint32_t v)
{
	uint8_t *p = hostmem_ptr(hm, addr);

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void hostmem_wr64(struct hostmem *hm, uint64_t addr, uint64_t v)
{
	hostmem_wr32(hm, addr, (uint32_t)v);
	hostmem_wr32(hm, addr + 4, (uint32_t)(v >> 32));
}
