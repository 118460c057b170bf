/* SPDX-License-Identifier: MIT */
/*
 * hostmem.h - the simulated host's memory: one zeroed region at a bus
 * address, carved into pages, and the NIC's DMA into it.  The DMA verbs
 * refuse any range not wholly inside the region, as an IOMMU would, and
 * writes the NIC has no business making (to TX rings and buffers, to an
 * RX descriptor's address or seq): those are also remembered, as the
 * NIC's fault.
 */
#ifndef TB_HOSTMEM_H
#define TB_HOSTMEM_H

#include <stddef.h>
#include <stdint.h>

#define TB_HOSTMEM_BASE 0x100000ull /* bus address of the first byte */

/* What the NIC may write in a page. */
enum hostmem_nic_access {
	HM_NIC_READS = 0,     /* nothing: TX rings and buffers */
	HM_NIC_WRITES,        /* anything: RX buffers, status, vector */
	HM_NIC_WRITES_BACK,   /* an RX ring: only each descriptor's
			       * len|flags word (CDNA_DESC_OFF_LEN) */
};

struct hostmem {
	uint8_t *mem;
	uint64_t base, size;   /* bus addresses [base, base + size) */
	uint64_t used;         /* bytes handed out by hostmem_alloc */
	uint8_t *nic_access;   /* per page: enum hostmem_nic_access */
	uint64_t refused;      /* DMA requests outside the region */
	uint64_t stray_writes; /* DMA writes to read-only pages */
	uint64_t first_stray;  /* the first one's address */
	uint64_t reads, writes;
};

int hostmem_init(struct hostmem *hm, uint64_t size);
void hostmem_free(struct hostmem *hm);

/* n zeroed, 4 KiB aligned pages: their bus address (the region is sized
 * by the caller up front, so running out is a testbed bug: aborts).
 * access: what the NIC may DMA into them. */
uint64_t hostmem_alloc(struct hostmem *hm, uint64_t pages,
		       enum hostmem_nic_access access);

/* The host's own view of bus address addr (inside the region). */
static inline uint8_t *hostmem_ptr(const struct hostmem *hm, uint64_t addr)
{
	return hm->mem + (addr - hm->base);
}

/* The NIC's DMA (struct cdna_nic_ops): 0, or -1 for a range outside. */
int hostmem_dma_read(struct hostmem *hm, uint64_t addr, void *buf, size_t len);
int hostmem_dma_write(struct hostmem *hm, uint64_t addr, const void *buf,
		      size_t len);

/* Little-endian words in host memory, as the contract lays them out. */
uint32_t hostmem_rd32(const struct hostmem *hm, uint64_t addr);
void hostmem_wr32(struct hostmem *hm, uint64_t addr, uint32_t v);
void hostmem_wr64(struct hostmem *hm, uint64_t addr, uint64_t v);

#endif /* TB_HOSTMEM_H */
