/* SPDX-License-Identifier: MIT */
/*
 * cdna_hv.h - the hypervisor's half of CDNA, as a portable core: the
 * operations of include/cdna/hcall.h (enqueue, query, register-NIC,
 * assign, revoke, statistics, resetting the NIC under its contexts), descriptor validation with page references,
 * and the interrupt vector turned into per-domain notifications.
 *
 * The core knows nothing of Xen.  It reaches the platform through struct
 * cdna_hv_platform, a handful of verbs:
 *   - page ownership: take a reference on a frame for a domain (fails,
 *     with the reason, when the domain does not own it, it is not ordinary
 *     RAM, or a writable reference was asked for a page that may not be
 *     written), and drop it.  Xen: get_page(), get_page_type(
 *     PGT_writable_page), put_page_type(), put_page().  The testbed:
 *     simulated domains with frames, types and reference counts.
 *   - the caller's memory: copy an argument in or out (copy_from_guest).
 *   - hypervisor pages for rings, status blocks and the interrupt vector,
 *     and mapping pages into a domain (rings read-only, the context's
 *     BAR0 page as MMIO) and out again.
 *   - BAR2 of the NIC (the hypervisor's own mapping of it).
 *   - time (the waits, and the hypervisor time of each context's data
 *     path: STATS hv_ns), "let the NIC make progress" (revoke waits,
 *     bounded), and notifying a domain (Xen: an event channel).
 *
 * Threads: the core is not reentrant.  The platform serialises every call
 * into it (Xen: one spinlock around each verb).
 *
 * Trust: the caller of cdna_hv_op is untrusted unless who->privileged;
 * everything it passes is copied in once and checked.  The NIC is trusted
 * hardware, but what it writes to the status block is still clamped: a
 * consumer index past the producer releases nothing.
 */
#ifndef CDNA_HV_H
#define CDNA_HV_H

#include <stddef.h>
#include <stdint.h>
#include <cdna/hcall.h>
#include <cdna/regs.h>

/* The hypervisor's own "domain" (Xen's DOMID_XEN) and "nobody". */
#define CDNA_DOMID_XEN      0x7ff2u
#define CDNA_DOMID_NONE     0xffffu

/* What a hypervisor page is for (the testbed uses it to police the NIC's
 * writes; Xen ignores it). */
enum cdna_hv_page_use {
	CDNA_HV_PAGE_TX_RING,   /* the NIC reads it */
	CDNA_HV_PAGE_RX_RING,   /* the NIC writes back len|flags */
	CDNA_HV_PAGE_STATUS,    /* the NIC writes the status block */
	CDNA_HV_PAGE_INTVEC,    /* the NIC appends to the vector */
};

/* How a page is mapped into a domain. */
enum cdna_hv_map {
	CDNA_HV_MAP_RO,         /* a hypervisor page, read only (rings) */
	CDNA_HV_MAP_MMIO,       /* the context's BAR0 page (doorbells) */
};

struct cdna_hv_platform {
	void *opaque;
	/*
	 * Take a reference on frame (address >> 12) for domid: 0, or -1 with
	 * *why one of CDNA_HV_NOT_OWNED, CDNA_HV_NOT_RAM, CDNA_HV_NOT_WRITABLE.
	 * writable: the NIC will write the page (RX), so it must be an
	 * ordinary writable page of domid's: not a page table, not read-only,
	 * not a foreign page granted in.  Each success is matched by exactly
	 * one put_frame with the same writable.
	 */
	int (*get_frame)(void *opaque, uint16_t domid, uint64_t frame,
			 int writable, enum cdna_hv_refusal *why);
	void (*put_frame)(void *opaque, uint64_t frame, int writable);
	/* The caller's memory: 0, or -1 when addr..addr+len is not the
	 * caller's to read (write). */
	int (*copy_from_caller)(void *opaque, uint16_t domid, void *dst,
				uint64_t addr, size_t len);
	int (*copy_to_caller)(void *opaque, uint16_t domid, uint64_t addr,
			      const void *src, size_t len);
	/* One zeroed page of hypervisor memory the NIC can reach: its
	 * pointer, and its machine address in *maddr; NULL when none. */
	void *(*alloc_page)(void *opaque, enum cdna_hv_page_use use,
			    uint64_t *maddr);
	void (*free_page)(void *opaque, void *page, uint64_t maddr);
	/* Give domid a mapping of the page at maddr / take it back: 0 or -1. */
	int (*map)(void *opaque, uint16_t domid, uint64_t maddr,
		   enum cdna_hv_map how);
	void (*unmap)(void *opaque, uint16_t domid, uint64_t maddr);
	/* Whether domid exists (and is not dying). */
	int (*domain_exists)(void *opaque, uint16_t domid);
	/* Register-NIC: map the NIC's BARs for the hypervisor: 0 or -1. */
	int (*nic_attach)(void *opaque, uint64_t bar0, uint64_t bar2);
	uint32_t (*bar2_read)(void *opaque, uint32_t off);
	void (*bar2_write)(void *opaque, uint32_t off, uint32_t val);
	/* A monotonic clock in nanoseconds (Xen: NOW()).  The core reads it
	 * twice in each ENQUEUE and QUERY (STATS hv_ns), so it must be
	 * cheap; the waits on the NIC use it in microseconds. */
	uint64_t (*now_ns)(void *opaque);
	/* Called while waiting on the NIC: let it run (the testbed runs the
	 * model; Xen relaxes the CPU for a microsecond). */
	void (*relax)(void *opaque);
	/* Context ctx, owned by domid, has news: notify the domain.  port
	 * is what bind returned. */
	void (*notify)(void *opaque, uint16_t domid, unsigned ctx,
		       uint32_t port);
	/* A notification channel in domid for ctx: 0 and *port, or -1. */
	int (*bind)(void *opaque, uint16_t domid, unsigned ctx,
		    uint32_t *port);
	void (*unbind)(void *opaque, uint16_t domid, uint32_t port);
};

/* Who calls: the domain, and whether it is the privileged one (dom0). */
struct cdna_hv_caller {
	uint16_t domid;
	uint8_t privileged;
};

/* How long assign waits for RUNNING and revoke for STOPPED. */
#define CDNA_HV_WAIT_US     200000u

struct cdna_hv;

/* The core's state lives in memory the platform provides (Xen: xzalloc):
 * cdna_hv_size() bytes, any alignment of a pointer. */
size_t cdna_hv_size(void);
void cdna_hv_init(struct cdna_hv *hv, const struct cdna_hv_platform *plat);
/* Revoke every context (returning every reference) and free every page;
 * the state may then be freed. */
void cdna_hv_fini(struct cdna_hv *hv);

/*
 * The hypercall: cmd one of CDNA_OP_*, arg the caller's address of the
 * command's structure.  0 or a negative CDNA_E* code (hcall.h).
 */
long cdna_hv_op(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		unsigned int cmd, uint64_t arg);

/* The same, with the structure already in hypervisor memory (bufs of an
 * ENQUEUE still come from the caller's memory). */
long cdna_hv_do(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		unsigned int cmd, void *op);

/* The NIC's physical interrupt: read the vector, notify each owner. */
void cdna_hv_interrupt(struct cdna_hv *hv);

/* domid is gone (destroyed or dying): revoke every context it owns. */
void cdna_hv_domain_gone(struct cdna_hv *hv, uint16_t domid);

/* For tests and tools: references held in all, and the refusals counted
 * against no context (bad context numbers, unprivileged management). */
uint32_t cdna_hv_refs_held(const struct cdna_hv *hv);
const uint32_t *cdna_hv_global_refusals(const struct cdna_hv *hv);

#endif /* CDNA_HV_H */
