/* SPDX-License-Identifier: MIT */
/*
 * domains.h - simulated domains for protected mode: every page of host
 * memory (hostmem.h) has an owner, a type and reference counts, as Xen's
 * page accounting keeps them, and every domain has its mappings of
 * hypervisor pages (read only) and of BAR0 context pages (doorbells).
 *
 * Guests in protected mode reach memory and the NIC only through here:
 * a write to a page the domain may not write, or to a BAR0 page it has
 * not been given, is refused and counted (the page fault a real guest
 * would take).  The hypervisor core reaches ownership through the
 * dom_* verbs behind struct cdna_hv_platform (board.c).
 *
 * The premise of CDNA is a machine without an IOMMU: the NIC can DMA into
 * any page of RAM.  So guest and hypervisor pages here are all writable by
 * the NIC (hostmem HM_NIC_WRITES); whether a guest made the NIC write
 * where it must not shows in the checksums of the pages it must not touch.
 */
#ifndef TB_DOMAINS_H
#define TB_DOMAINS_H

#include <stdint.h>

#include "cdna_hv.h"
#include "cdna_nic.h"
#include "hostmem.h"

#define TB_DOM0        0u
#define TB_MAX_DOMS    40u  /* dom0, guests 1..TB_MAX_DOMS-1 */

/* Bus address of BAR0 as the simulated host sees it: outside host memory
 * (what a guest naming it as a buffer must be refused for). */
#define TB_BAR0_BASE   0xfe000000ull
#define TB_BAR2_BASE   0xfe100000ull

enum tb_page_type {
	TB_PG_FREE = 0,   /* nobody's; may be handed out */
	TB_PG_RAM,        /* ordinary writable RAM of owner */
	TB_PG_RO,         /* owner's, read only (e.g. a descriptor table) */
	TB_PG_PAGETABLE,  /* owner's page table */
	TB_PG_XEN,        /* the hypervisor's */
	TB_PG_DYING,      /* given up while referenced: nobody's, not free
			   * until the last reference goes */
};

struct tb_page {
	uint16_t owner;      /* CDNA_DOMID_NONE for free and dying pages */
	uint8_t type;        /* enum tb_page_type */
	uint16_t granted_to; /* CDNA_DOMID_NONE, or the domain a grant maps
			      * this page into */
	uint32_t refs;       /* references taken by the hypervisor */
	uint32_t wrefs;      /* ... of them writable-type */
};

struct tb_domains {
	struct hostmem *hm;
	struct cdna_nic *nic;
	struct tb_page *page;        /* one per page of host memory */
	uint64_t npages;
	uint8_t *ro_map[TB_MAX_DOMS];/* per domain, per page: mapped RO */
	uint32_t mmio[TB_MAX_DOMS];  /* per domain: BAR0 pages mapped */
	uint8_t alive[TB_MAX_DOMS];
	/* What was refused, and bugs of the hypervisor core. */
	uint64_t refused_writes;     /* guest stores to pages not its own */
	uint64_t refused_doorbells;  /* guest stores to BAR0 pages not its */
	uint64_t refused_transfers;  /* pages given away while referenced */
	uint64_t bad_puts;           /* put_frame without a reference */
	uint64_t bad_maps;           /* map/unmap the core got wrong */
};

int dom_init(struct tb_domains *d, struct hostmem *hm, struct cdna_nic *nic);
void dom_free(struct tb_domains *d);

void dom_create(struct tb_domains *d, uint16_t domid);
/* n pages of the given type for domid (CDNA_DOMID_XEN for the
 * hypervisor's): free pages first, then fresh ones.  Bus address of the
 * first; fresh allocations are contiguous. */
uint64_t dom_alloc(struct tb_domains *d, uint16_t domid, uint64_t n,
		   enum tb_page_type type);
/* The domain gives a page up (balloon out): free, or dying while the
 * hypervisor still holds references. */
void dom_release(struct tb_domains *d, uint16_t domid, uint64_t addr);
/* Give the page to another domain (a grant transfer): refused while
 * referenced, as Xen refuses to steal a page with extra references.
 * 0 or -1. */
int dom_transfer(struct tb_domains *d, uint64_t addr, uint16_t to);
/* Change the type of owner's page (e.g. pin it as a page table): refused
 * while it has writable references.  0 or -1. */
int dom_set_type(struct tb_domains *d, uint64_t addr, enum tb_page_type t);
/* Grant owner's page to domid (mapped in, still owner's). */
void dom_grant(struct tb_domains *d, uint64_t addr, uint16_t to);

/* A guest's store (through its page tables): 0, or -1 refused. */
int dom_write(struct tb_domains *d, uint16_t domid, uint64_t addr,
	      const void *src, size_t len);
/* A guest's store to MMIO: BAR0 doorbells.  0, or -1 refused. */
int dom_mmio_write(struct tb_domains *d, uint16_t domid, uint64_t addr,
		   uint32_t val);

/* References held on all pages, in all. */
uint64_t dom_refs(const struct tb_domains *d);
/* FNV-1a of every page owned by domid of the given type (TB_PG_FREE: any
 * type), for before/after comparisons. */
uint64_t dom_checksum(const struct tb_domains *d, uint16_t domid, int type);

/* The domains' half of struct cdna_hv_platform (ownership, copies,
 * pages, mappings, event channels: context c on port c + 1); the platform
 * adds the NIC's verbs (board.c). */
void dom_platform(struct tb_domains *d, struct cdna_hv_platform *p);

#endif /* TB_DOMAINS_H */
