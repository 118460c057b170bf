/* SPDX-License-Identifier: MIT */
/*
 * domains.c - simulated domains, their pages and mappings (domains.h).
 */
#include "domains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tb_page *page_of(const struct tb_domains *d, uint64_t addr)
{
	uint64_t off = addr - d->hm->base;

	if (addr < d->hm->base || off >= d->hm->size)
		return NULL;
	return &d->page[off / CDNA_PAGE_SIZE];
}

static uint64_t page_addr(const struct tb_domains *d, const struct tb_page *p)
{
	return d->hm->base + (uint64_t)(p - d->page) * CDNA_PAGE_SIZE;
}

int dom_init(struct tb_domains *d, struct hostmem *hm, struct cdna_nic *nic)
{
	*d = (struct tb_domains){ .hm = hm, .nic = nic };
	d->npages = hm->size / CDNA_PAGE_SIZE;
	d->page = calloc(d->npages, sizeof(*d->page));
	if (!d->page)
		return -1;
	for (uint64_t i = 0; i < d->npages; i++) {
		d->page[i].owner = CDNA_DOMID_NONE;
		d->page[i].granted_to = CDNA_DOMID_NONE;
	}
	/* Pages hostmem handed out before (native-mode users) are the
	 * hypervisor's: no guest may name them. */
	for (uint64_t i = 0; i < hm->used / CDNA_PAGE_SIZE; i++) {
		d->page[i].owner = CDNA_DOMID_XEN;
		d->page[i].type = TB_PG_XEN;
	}
	return 0;
}

void dom_free(struct tb_domains *d)
{
	free(d->page);
	for (unsigned i = 0; i < TB_MAX_DOMS; i++)
		free(d->ro_map[i]);
	memset(d, 0, sizeof(*d));
}

void dom_create(struct tb_domains *d, uint16_t domid)
{
	if (domid >= TB_MAX_DOMS)
		abort();
	d->alive[domid] = 1;
	if (!d->ro_map[domid])
		d->ro_map[domid] = calloc(d->npages, 1);
	if (!d->ro_map[domid])
		abort();
}

static void take(struct tb_page *p, uint16_t domid, enum tb_page_type type)
{
	p->owner = domid;
	p->type = (uint8_t)type;
	p->granted_to = CDNA_DOMID_NONE;
}

uint64_t dom_alloc(struct tb_domains *d, uint16_t domid, uint64_t n,
		   enum tb_page_type type)
{
	uint64_t addr, i;

	/* One page: reuse a freed one, as an allocator would, so that a
	 * page a guest gave up can land in another domain. */
	if (n == 1)
		for (i = 0; i < d->hm->used / CDNA_PAGE_SIZE; i++)
			if (d->page[i].type == TB_PG_FREE &&
			    d->page[i].owner == CDNA_DOMID_NONE &&
			    i < d->npages) {
				take(&d->page[i], domid, type);
				addr = page_addr(d, &d->page[i]);
				memset(hostmem_ptr(d->hm, addr), 0,
				       CDNA_PAGE_SIZE);
				return addr;
			}
	/* Without an IOMMU the NIC can write any page (domains.h). */
	addr = hostmem_alloc(d->hm, n, HM_NIC_WRITES);
	for (i = 0; i < n; i++)
		take(page_of(d, addr + i * CDNA_PAGE_SIZE), domid, type);
	return addr;
}

void dom_release(struct tb_domains *d, uint16_t domid, uint64_t addr)
{
	struct tb_page *p = page_of(d, addr);

	if (!p || p->owner != domid)
		return;
	p->owner = CDNA_DOMID_NONE;
	p->granted_to = CDNA_DOMID_NONE;
	p->type = p->refs ? TB_PG_DYING : TB_PG_FREE;
}

int dom_transfer(struct tb_domains *d, uint64_t addr, uint16_t to)
{
	struct tb_page *p = page_of(d, addr);

	if (!p || p->type == TB_PG_XEN || p->refs) {
		d->refused_transfers++;
		return -1;
	}
	take(p, to, TB_PG_RAM);
	return 0;
}

int dom_set_type(struct tb_domains *d, uint64_t addr, enum tb_page_type t)
{
	struct tb_page *p = page_of(d, addr);

	if (!p || (t != TB_PG_RAM && p->wrefs))
		return -1;
	p->type = (uint8_t)t;
	return 0;
}

void dom_grant(struct tb_domains *d, uint64_t addr, uint16_t to)
{
	struct tb_page *p = page_of(d, addr);

	if (p)
		p->granted_to = to;
}

int dom_write(struct tb_domains *d, uint16_t domid, uint64_t addr,
	      const void *src, size_t len)
{
	uint64_t first = addr & ~(uint64_t)(CDNA_PAGE_SIZE - 1);

	/* A range that wraps past 2^64 would skip the page loop below. */
	if (addr + len < addr) {
		d->refused_writes++;
		return -1;
	}
	for (uint64_t a = first; a < addr + len; a += CDNA_PAGE_SIZE) {
		struct tb_page *p = page_of(d, a);

		if (!p || p->owner != domid || p->type != TB_PG_RAM) {
			d->refused_writes++;
			return -1;
		}
	}
	memcpy(hostmem_ptr(d->hm, addr), src, len);
	return 0;
}

int dom_mmio_write(struct tb_domains *d, uint16_t domid, uint64_t addr,
		   uint32_t val)
{
	uint64_t off = addr - TB_BAR0_BASE;

	if (domid >= TB_MAX_DOMS || addr < TB_BAR0_BASE ||
	    off >= CDNA_BAR0_SIZE ||
	    !(d->mmio[domid] & (1u << (off / CDNA_PAGE_SIZE)))) {
		d->refused_doorbells++;
		return -1;
	}
	cdna_nic_bar_write(d->nic, 0, off, val, 4);
	return 0;
}

uint64_t dom_refs(const struct tb_domains *d)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < d->npages; i++)
		n += d->page[i].refs;
	return n;
}

uint64_t dom_checksum(const struct tb_domains *d, uint16_t domid, int type)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t i = 0; i < d->hm->used / CDNA_PAGE_SIZE; i++) {
		const uint8_t *b;

		if (d->page[i].owner != domid ||
		    (type != TB_PG_FREE && d->page[i].type != type))
			continue;
		b = hostmem_ptr(d->hm, page_addr(d, &d->page[i]));
		for (unsigned j = 0; j < CDNA_PAGE_SIZE; j++)
			h = (h ^ b[j]) * 0x100000001b3ull;
		h = (h ^ i) * 0x100000001b3ull;
	}
	return h;
}

/* ---- the ownership half of struct cdna_hv_platform ----------------------- */

static int p_get_frame(void *opaque, uint16_t domid, uint64_t frame,
		       int writable, enum cdna_hv_refusal *why)
{
	struct tb_domains *d = opaque;
	struct tb_page *p = page_of(d, frame * CDNA_PAGE_SIZE);

	if (!p || p->type == TB_PG_XEN) {
		*why = CDNA_HV_NOT_RAM;
		return -1;
	}
	if (p->owner != domid || p->type == TB_PG_FREE ||
	    p->type == TB_PG_DYING) {
		*why = CDNA_HV_NOT_OWNED;
		return -1;
	}
	if (writable && p->type != TB_PG_RAM) {
		*why = CDNA_HV_NOT_WRITABLE;
		return -1;
	}
	p->refs++;
	if (writable)
		p->wrefs++;
	return 0;
}

static void p_put_frame(void *opaque, uint64_t frame, int writable)
{
	struct tb_domains *d = opaque;
	struct tb_page *p = page_of(d, frame * CDNA_PAGE_SIZE);

	if (!p || !p->refs || (writable && !p->wrefs)) {
		d->bad_puts++;
		return;
	}
	p->refs--;
	if (writable)
		p->wrefs--;
	if (!p->refs && p->type == TB_PG_DYING)
		p->type = TB_PG_FREE;
}

/* Whether domid may read the page at addr: its own, granted to it, or a
 * hypervisor page mapped for it. */
static int readable(const struct tb_domains *d, uint16_t domid, uint64_t addr)
{
	const struct tb_page *p = page_of(d, addr);

	if (!p || domid >= TB_MAX_DOMS)
		return 0;
	if (p->owner == domid && p->type != TB_PG_FREE)
		return 1;
	if (p->granted_to == domid)
		return 1;
	return d->ro_map[domid] && d->ro_map[domid][p - d->page];
}

static int p_copy_from(void *opaque, uint16_t domid, void *dst, uint64_t addr,
		       size_t len)
{
	struct tb_domains *d = opaque;

	if (addr + len < addr)
		return -1;
	for (uint64_t a = addr & ~(uint64_t)(CDNA_PAGE_SIZE - 1);
	     a < addr + len; a += CDNA_PAGE_SIZE)
		if (!readable(d, domid, a))
			return -1;
	memcpy(dst, hostmem_ptr(d->hm, addr), len);
	return 0;
}

static int p_copy_to(void *opaque, uint16_t domid, uint64_t addr,
		     const void *src, size_t len)
{
	struct tb_domains *d = opaque;
	uint64_t refused = d->refused_writes;

	if (addr + len < addr)
		return -1;
	if (dom_write(d, domid, addr, src, len)) {
		/* The hypervisor's copy failing is the caller's error, not a
		 * guest store: do not count it as one. */
		d->refused_writes = refused;
		return -1;
	}
	return 0;
}

static void *p_alloc_page(void *opaque, enum cdna_hv_page_use use,
			  uint64_t *maddr)
{
	struct tb_domains *d = opaque;
	uint64_t addr = dom_alloc(d, CDNA_DOMID_XEN, 1, TB_PG_XEN);

	/* What the NIC may write in it, so that hostmem can report the NIC
	 * writing a ring it only reads. */
	switch (use) {
	case CDNA_HV_PAGE_TX_RING:
		d->hm->nic_access[(addr - d->hm->base) / CDNA_PAGE_SIZE] =
			HM_NIC_READS;
		break;
	case CDNA_HV_PAGE_RX_RING:
		d->hm->nic_access[(addr - d->hm->base) / CDNA_PAGE_SIZE] =
			HM_NIC_WRITES_BACK;
		break;
	default:
		break;
	}
	*maddr = addr;
	return hostmem_ptr(d->hm, addr);
}

static void p_free_page(void *opaque, void *page, uint64_t maddr)
{
	struct tb_domains *d = opaque;
	struct tb_page *p = page_of(d, maddr);

	(void)page;
	if (!p || p->type != TB_PG_XEN || p->refs) {
		d->bad_maps++;
		return;
	}
	p->owner = CDNA_DOMID_NONE;
	p->type = TB_PG_FREE;
	d->hm->nic_access[p - d->page] = HM_NIC_WRITES;
}

static int p_map(void *opaque, uint16_t domid, uint64_t maddr,
		 enum cdna_hv_map how)
{
	struct tb_domains *d = opaque;
	struct tb_page *p = page_of(d, maddr);
	uint64_t off = maddr - TB_BAR0_BASE;

	if (domid >= TB_MAX_DOMS || !d->alive[domid]) {
		d->bad_maps++;
		return -1;
	}
	if (how == CDNA_HV_MAP_MMIO) {
		if (maddr < TB_BAR0_BASE || off >= CDNA_BAR0_SIZE ||
		    off % CDNA_PAGE_SIZE) {
			d->bad_maps++;
			return -1;
		}
		d->mmio[domid] |= 1u << (off / CDNA_PAGE_SIZE);
		return 0;
	}
	if (!p || p->type != TB_PG_XEN) {
		d->bad_maps++;
		return -1;
	}
	d->ro_map[domid][p - d->page] = 1;
	return 0;
}

static void p_unmap(void *opaque, uint16_t domid, uint64_t maddr)
{
	struct tb_domains *d = opaque;
	struct tb_page *p = page_of(d, maddr);
	uint64_t off = maddr - TB_BAR0_BASE;

	if (domid >= TB_MAX_DOMS) {
		d->bad_maps++;
		return;
	}
	if (maddr >= TB_BAR0_BASE && off < CDNA_BAR0_SIZE)
		d->mmio[domid] &= ~(1u << (off / CDNA_PAGE_SIZE));
	else if (p && d->ro_map[domid])
		d->ro_map[domid][p - d->page] = 0;
	else
		d->bad_maps++;
}

static int p_domain_exists(void *opaque, uint16_t domid)
{
	struct tb_domains *d = opaque;

	return domid < TB_MAX_DOMS && d->alive[domid];
}

/* Event channels, simulated: context c's notifications arrive on port
 * c + 1 of its owner (0 is never a valid port, as in Xen). */
static int p_bind(void *opaque, uint16_t domid, unsigned ctx, uint32_t *port)
{
	(void)opaque;
	(void)domid;
	*port = ctx + 1;
	return 0;
}

static void p_unbind(void *opaque, uint16_t domid, uint32_t port)
{
	(void)opaque;
	(void)domid;
	(void)port;
}

void dom_platform(struct tb_domains *d, struct cdna_hv_platform *p)
{
	p->opaque = d;
	p->get_frame = p_get_frame;
	p->put_frame = p_put_frame;
	p->copy_from_caller = p_copy_from;
	p->copy_to_caller = p_copy_to;
	p->alloc_page = p_alloc_page;
	p->free_page = p_free_page;
	p->map = p_map;
	p->unmap = p_unmap;
	p->domain_exists = p_domain_exists;
	p->bind = p_bind;
	p->unbind = p_unbind;
}
