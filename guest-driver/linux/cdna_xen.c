// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_xen.c - the Xen layer of the PV modes (dom0 under Xen with CDNA, and
 * a PV domU): the CDNA hypercall, mappings of the hypervisor's pages by
 * machine frame, the context's event channel, machine addresses of buffers.
 *
 * Mappings: a PV guest writes its page tables through Xen, so a machine
 * frame that is not in the guest's p2m (the hypervisor's ring and status
 * pages, the context's BAR0 page) cannot be reached with ioremap or vmap,
 * which translate a pseudo-physical frame.  Instead a one-page vmap of the
 * zero page reserves the address and its page table, and
 * HYPERVISOR_update_va_mapping then points that entry at the machine frame;
 * unmapping puts the zero page back before vunmap, so the vmalloc code
 * only ever sees its own entry.  Xen refuses a frame the guest may not map
 * and this returns NULL: nothing the guest is told can make it fault.
 */
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/xen.h>

#include <cdna/hcall.h>

#include "cdna_xen.h"

#define __HYPERVISOR_cdna_op	CDNA_HYPERCALL_NR

/**
 * cdna_hcall - HYPERVISOR_cdna_op(cmd, arg)
 * @cmd: CDNA_OP_*
 * @arg: the command's structure (include/cdna/hcall.h)
 *
 * Returns 0 or a negative errno (Xen's values are Linux's); -ENOSYS from a
 * Xen without CDNA.
 */
long cdna_hcall(unsigned int cmd, void *arg)
{
	return _hypercall2(long, cdna_op, cmd, arg);
}

static int cdna_xen_set(unsigned long va, pte_t pte)
{
	return HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_ALL);
}

static pte_t cdna_xen_zero_pte(void)
{
	return mfn_pte(pfn_to_mfn(page_to_pfn(ZERO_PAGE(0))), PAGE_KERNEL_RO);
}

/**
 * cdna_xen_map - map one machine frame into the kernel
 * @maddr: its machine address (page aligned)
 * @uncached: MMIO (a BAR0 page): writable, uncached; else read-only
 *
 * Returns the address, or NULL when Xen refuses the mapping.
 */
void *cdna_xen_map(u64 maddr, bool uncached)
{
	struct page *zero = ZERO_PAGE(0);
	pgprot_t prot = uncached ? PAGE_KERNEL_NOCACHE : PAGE_KERNEL_RO;
	void *va;
	int err;

	if (!maddr || offset_in_page(maddr))
		return NULL;
	va = vmap(&zero, 1, VM_MAP, PAGE_KERNEL_RO);
	if (!va)
		return NULL;
	err = cdna_xen_set((unsigned long)va,
			   mfn_pte(maddr >> PAGE_SHIFT, prot));
	if (err) {
		pr_warn_ratelimited("cdna: Xen refused to map machine frame %#llx: %d\n",
				    maddr >> PAGE_SHIFT, err);
		vunmap(va);
		return NULL;
	}
	return va;
}

void cdna_xen_unmap(void *va)
{
	if (!va)
		return;
	/* Restore vmap's own entry: Xen drops its reference to the frame. */
	WARN_ON(cdna_xen_set((unsigned long)va, cdna_xen_zero_pte()));
	vunmap(va);
}

/**
 * cdna_xen_bind_evtchn - bind the context's event channel
 * @remote_port: hcall.h cdna_op_assign.evtchn, an unbound port of this
 *	domain whose other end is the hypervisor
 * @handler: the interrupt handler
 * @name: for /proc/interrupts
 * @dev: the handler's argument
 *
 * Returns the Linux irq or a negative errno.
 */
int cdna_xen_bind_evtchn(u32 remote_port, irq_handler_t handler,
			 const char *name, void *dev)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = DOMID_SELF,
		.remote_port = remote_port,
	};
	int err, irq;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (err)
		return err;
	irq = bind_evtchn_to_irqhandler(bind.local_port, handler, 0, name, dev);
	if (irq < 0) {
		struct evtchn_close close = { .port = bind.local_port };

		HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	}
	return irq;
}

/* Also closes the local port: the hypervisor's port is unbound again. */
void cdna_xen_unbind_evtchn(int irq, void *dev)
{
	if (irq > 0)
		unbind_from_irqhandler(irq, dev);
}

/**
 * cdna_xen_maddr - machine address of a byte in one of this domain's pages
 * @page: the page
 * @off: offset in it
 * @maddr: the result
 *
 * Returns false for a page that is not this domain's RAM (a granted-in
 * page of another domain, as netback's zero-copy frames carry, a hole):
 * the hypervisor would refuse it, so the caller copies the data instead.
 */
bool cdna_xen_maddr(struct page *page, unsigned int off, u64 *maddr)
{
	unsigned long mfn = __pfn_to_mfn(page_to_pfn(page));

	if (mfn == INVALID_P2M_ENTRY ||
	    (mfn & (FOREIGN_FRAME_BIT | IDENTITY_FRAME_BIT)))
		return false;
	*maddr = ((u64)mfn << PAGE_SHIFT) + off;
	return true;
}
