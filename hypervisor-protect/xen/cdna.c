/* SPDX-License-Identifier: MIT */
/*
 * arch/x86/cdna/cdna.c - CDNA in Xen: the hypercall (__HYPERVISOR_cdna_op),
 * the NIC's interrupt and the platform verbs of the portable core
 * (cdna_hv.h, hypervisor-protect/core/ of the cdna project, compiled here
 * unmodified).  The design and its limits: hypervisor-protect/xen/README.md.
 *
 * Locking: cdna_lock serialises every call into the core (it is not
 * reentrant): the hypercall, the interrupt tasklet and the domain-death
 * hook.  It is never taken in interrupt context (the MSI handler only
 * schedules the tasklet) and is taken before Xen's own locks (pcidevs,
 * event, page_alloc), never after them.
 *
 * Page accounting, as grant_table.c does it:
 *  - a guest buffer: get_page(page, owner) and, when the NIC writes it,
 *    get_page_type(PGT_writable_page), held until the NIC has consumed the
 *    descriptor (or the context is revoked and the NIC has stopped);
 *  - a ring or status page: a xenheap page shared read-only with the
 *    owner (share_xen_page_with_guest(SHARE_ro)), plus a general reference
 *    of our own, so that the last reference is always ours and the page
 *    comes back to us, never freed or reused while a guest maps it;
 *  - the context's BAR0 page: an iomem permission of the owner.
 */

#include <xen/delay.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/init.h>
#include <xen/iocap.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/pci.h>
#include <xen/pci_regs.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vmap.h>
#include <xen/cdna.h>

#include <asm/io.h>
#include <asm/msi.h>
#include <asm/processor.h>

#include "cdna_hv.h"

/*
 * The hypervisor's pages: the interrupt vector and 3 per context, and as
 * many again for pages a context's last owner still maps after a revoke
 * (kept here until it unmaps them or dies; the next owner gets fresh ones).
 */
#define CDNA_MAX_PAGES  (1 + 2 * 3 * CDNA_NUM_CTX)
/* The polling period when the NIC's MSI could not be set up. */
#define CDNA_POLL_NS    MILLISECS(1)

/*
 * A page of ours and whom it is shared with.  FREE: nobody's (count 0).
 * SHARED: owned by `owner` read-only, PGC_allocated, plus our reference
 * and the guest's mappings.  STALE: taken back from `owner` (no
 * PGC_allocated) while the guest still maps it: our reference keeps it
 * ours until the mappings are gone.
 */
enum cdna_page_state {
    CDNA_PAGE_FREE,
    CDNA_PAGE_SHARED,
    CDNA_PAGE_STALE,
};

struct cdna_page {
    void *va;
    struct page_info *pg;
    struct domain *owner;
    enum cdna_page_state state;
    bool in_use;                /* the core's (between alloc and free) */
};

static DEFINE_SPINLOCK(cdna_lock);
static struct cdna_hv *cdna_hv;
static struct cdna_page cdna_pages[CDNA_MAX_PAGES];

/* The registered NIC. */
static pci_sbdf_t cdna_sbdf;
static paddr_t cdna_bar0, cdna_bar2;
static void __iomem *cdna_bar2_va;
static int cdna_irq = -1;
static bool cdna_polling;
static struct irqaction cdna_irqaction;
static struct tasklet cdna_tasklet;
static struct timer cdna_poll_timer;

/* ---- guest pages ------------------------------------------------------- */

static int cf_check cdna_get_frame(void *opaque, uint16_t domid,
                                   uint64_t frame, int writable,
                                   enum cdna_hv_refusal *why)
{
    struct domain *d, *owner;
    struct page_info *pg;

    if ( frame > (PADDR_MASK >> PAGE_SHIFT) || !mfn_valid(_mfn(frame)) )
    {
        *why = CDNA_HV_NOT_RAM;             /* MMIO, or no memory at all */
        return -1;
    }
    pg = mfn_to_page(_mfn(frame));

    /* ENQUEUE, the hot path: the caller's own pages. */
    d = domid == current->domain->domain_id ? rcu_lock_current_domain()
                                             : rcu_lock_domain_by_id(domid);
    if ( !d )
    {
        *why = CDNA_HV_NOT_OWNED;
        return -1;
    }
    if ( d->is_dying )
    {
        *why = CDNA_HV_NOT_OWNED;
        goto fail;
    }
    /* Xen's own pages (our rings among them) are never a buffer. */
    if ( is_xen_heap_page(pg) )
    {
        *why = CDNA_HV_NOT_RAM;
        goto fail;
    }
    /*
     * Another's page (or MMIO, dom_io's): refused before get_page(), which
     * would log every such attempt.  get_page() still decides: the owner
     * may change meanwhile.
     */
    owner = page_get_owner(pg);
    if ( owner != d )
    {
        *why = owner == dom_io || owner == dom_xen ? CDNA_HV_NOT_RAM
                                                   : CDNA_HV_NOT_OWNED;
        goto fail;
    }
    if ( !get_page(pg, d) )
    {
        *why = CDNA_HV_NOT_OWNED;
        goto fail;
    }
    /*
     * A page the domain gave back (decrease_reservation) while we still
     * hold a reference keeps its owner and a non-zero count until our last
     * put, so get_page() takes it; but it is no longer the domain's:
     * PGC_allocated went with the freeing.  (Found by the system tier's
     * page_freed_while_in_flight.)
     */
    if ( !(pg->count_info & PGC_allocated) )
    {
        put_page(pg);
        *why = CDNA_HV_NOT_OWNED;
        goto fail;
    }
    /* Page tables, descriptor tables, read-only pages: not for the NIC. */
    if ( writable && !get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        *why = CDNA_HV_NOT_WRITABLE;
        goto fail;
    }
    rcu_unlock_domain(d);
    return 0;

 fail:
    rcu_unlock_domain(d);
    return -1;
}

static void cf_check cdna_put_frame(void *opaque, uint64_t frame,
                                    int writable)
{
    struct page_info *pg = mfn_to_page(_mfn(frame));

    if ( writable )
        put_page_type(pg);
    put_page(pg);
}

/* The core passes the caller's domid: it is always current's. */
static int cf_check cdna_copy_from(void *opaque, uint16_t domid, void *dst,
                                   uint64_t addr, size_t len)
{
    if ( domid != current->domain->domain_id )
        return -1;
    return raw_copy_from_guest(dst, (const void *)(unsigned long)addr,
                               len) ? -1 : 0;
}

static int cf_check cdna_copy_to(void *opaque, uint16_t domid,
                                 uint64_t addr, const void *src, size_t len)
{
    if ( domid != current->domain->domain_id )
        return -1;
    return raw_copy_to_guest((void *)(unsigned long)addr, src, len) ? -1 : 0;
}

/* ---- the hypervisor's pages -------------------------------------------- */

static struct cdna_page *cdna_page_find(paddr_t maddr)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(cdna_pages); i++ )
        if ( cdna_pages[i].in_use &&
             virt_to_maddr(cdna_pages[i].va) == maddr )
            return &cdna_pages[i];
    return NULL;
}

static bool cdna_page_reclaim(struct cdna_page *p);

/* Give a slot's page back to Xen's heap: it is FREE and nobody's. */
static void cdna_page_release(struct cdna_page *p)
{
    ASSERT(p->state == CDNA_PAGE_FREE && !p->in_use);
    free_xenheap_page(p->va);
    p->va = NULL;
    p->pg = NULL;
}

static void *cf_check cdna_alloc_page(void *opaque,
                                      enum cdna_hv_page_use use,
                                      uint64_t *maddr)
{
    struct cdna_page *p = NULL;
    unsigned int i;
    void *va;

    /* Pages an old owner has unmapped since: back to the heap. */
    for ( i = 0; i < ARRAY_SIZE(cdna_pages); i++ )
        if ( cdna_pages[i].va && !cdna_pages[i].in_use &&
             cdna_pages[i].state == CDNA_PAGE_STALE &&
             cdna_page_reclaim(&cdna_pages[i]) )
            cdna_page_release(&cdna_pages[i]);
    for ( i = 0; i < ARRAY_SIZE(cdna_pages); i++ )
        if ( !cdna_pages[i].va )
        {
            p = &cdna_pages[i];
            break;
        }
    if ( !p )
        return NULL;
    va = alloc_xenheap_page();
    if ( !va )
        return NULL;
    clear_page(va);
    p->va = va;
    p->pg = virt_to_page(va);
    p->owner = NULL;
    p->state = CDNA_PAGE_FREE;
    p->in_use = true;
    *maddr = virt_to_maddr(va);
    return va;
}

/*
 * Drop our reference of a STALE page once it is the last one: the page
 * leaves its old owner's list (free_domheap_page() on a xenheap page
 * only does that) and is FREE again.  The old owner is alive until then:
 * a domain with xenheap pages holds a reference on itself.
 */
static bool cdna_page_reclaim(struct cdna_page *p)
{
    ASSERT(p->state == CDNA_PAGE_STALE);
    if ( (p->pg->count_info & PGC_count_mask) != 1 )
        return false;                       /* the guest still maps it */
    put_page(p->pg);
    page_set_owner(p->pg, NULL);
    p->pg->u.inuse.type_info = 0;
    p->owner = NULL;
    p->state = CDNA_PAGE_FREE;
    return true;
}

static void cdna_page_unshare(struct cdna_page *p)
{
    if ( p->state != CDNA_PAGE_SHARED )
        return;
    if ( test_and_clear_bit(_PGC_allocated, &p->pg->count_info) )
        put_page(p->pg);                    /* ours remains: never 0 */
    p->state = CDNA_PAGE_STALE;
    cdna_page_reclaim(p);
}

static int cdna_page_share(struct cdna_page *p, struct domain *d)
{
    if ( p->state == CDNA_PAGE_STALE && p->owner == d )
    {
        /* Back to the same domain, which may have kept its mapping. */
        if ( !get_page(p->pg, d) )
            return -1;
        set_bit(_PGC_allocated, &p->pg->count_info);
        p->state = CDNA_PAGE_SHARED;
        return 0;
    }
    if ( p->state == CDNA_PAGE_STALE && !cdna_page_reclaim(p) )
    {
        gprintk(XENLOG_WARNING,
                "cdna: page %#lx still mapped by d%d: not reused\n",
                (unsigned long)virt_to_maddr(p->va), p->owner->domain_id);
        return -1;
    }
    if ( p->state != CDNA_PAGE_FREE )
        return -1;
    share_xen_page_with_guest(p->pg, d, SHARE_ro);
    /* Not added when d started dying meanwhile. */
    if ( !(p->pg->count_info & PGC_allocated) || !get_page(p->pg, d) )
    {
        if ( test_and_clear_bit(_PGC_allocated, &p->pg->count_info) )
            put_page(p->pg);
        page_set_owner(p->pg, NULL);
        p->pg->u.inuse.type_info = 0;
        return -1;
    }
    p->owner = d;
    p->state = CDNA_PAGE_SHARED;
    return 0;
}

static void cf_check cdna_free_page(void *opaque, void *va, uint64_t maddr)
{
    struct cdna_page *p = cdna_page_find(maddr);

    if ( !p )
        return;
    cdna_page_unshare(p);
    p->in_use = false;
    /*
     * Still mapped by its last owner: kept (STALE, with our reference)
     * until it unmaps it or dies, never freed under the mapping.
     */
    if ( p->state == CDNA_PAGE_FREE )
        cdna_page_release(p);
}

/* ---- mappings: ring pages read-only, the context's BAR0 page ----------- */

static bool cdna_is_bar0(paddr_t maddr)
{
    return cdna_bar0 && maddr >= cdna_bar0 &&
           maddr < cdna_bar0 + CDNA_BAR0_SIZE;
}

static int cf_check cdna_map(void *opaque, uint16_t domid, uint64_t maddr,
                             enum cdna_hv_map how)
{
    struct domain *d = rcu_lock_domain_by_id(domid);
    struct cdna_page *p;
    int rc = -1;

    if ( !d )
        return -1;
    if ( d->is_dying || !is_pv_domain(d) )
        goto out;
    if ( how == CDNA_HV_MAP_MMIO )
    {
        if ( cdna_is_bar0(maddr) && !(maddr & ~PAGE_MASK) )
            rc = iomem_permit_access(d, paddr_to_pfn(maddr),
                                     paddr_to_pfn(maddr)) ? -1 : 0;
    }
    else if ( (p = cdna_page_find(maddr)) != NULL )
        rc = cdna_page_share(p, d);
 out:
    rcu_unlock_domain(d);
    return rc;
}

static void cf_check cdna_unmap(void *opaque, uint16_t domid, uint64_t maddr)
{
    struct cdna_page *p;
    struct domain *d;

    if ( cdna_is_bar0(maddr) )
    {
        /* Also a dying domain: it exists until its last reference. */
        d = rcu_lock_domain_by_id(domid);
        if ( !d )
            return;
        iomem_deny_access(d, paddr_to_pfn(maddr), paddr_to_pfn(maddr));
        rcu_unlock_domain(d);
        return;
    }
    p = cdna_page_find(maddr);
    if ( p && p->state == CDNA_PAGE_SHARED && p->owner->domain_id == domid )
        cdna_page_unshare(p);
}

void cdna_domain_relinquished(struct domain *d)
{
    unsigned int i;

    if ( !cdna_hv )
        return;
    spin_lock(&cdna_lock);
    for ( i = 0; i < ARRAY_SIZE(cdna_pages); i++ )
        if ( cdna_pages[i].va && cdna_pages[i].owner == d )
        {
            cdna_page_unshare(&cdna_pages[i]);
            if ( cdna_pages[i].state == CDNA_PAGE_STALE &&
                 !cdna_page_reclaim(&cdna_pages[i]) )
                printk(XENLOG_G_WARNING
                       "cdna: d%d: page %#lx still referenced\n",
                       d->domain_id,
                       (unsigned long)virt_to_maddr(cdna_pages[i].va));
            else if ( !cdna_pages[i].in_use )
                cdna_page_release(&cdna_pages[i]);
        }
    spin_unlock(&cdna_lock);
}

/* ---- domains and event channels ---------------------------------------- */

static int cf_check cdna_domain_exists(void *opaque, uint16_t domid)
{
    struct domain *d = rcu_lock_domain_by_id(domid);
    int ok;

    if ( !d )
        return 0;
    /* The ABI names machine frames: PV domains only. */
    ok = !d->is_dying && is_pv_domain(d);
    rcu_unlock_domain(d);
    return ok;
}

/*
 * A port in d whose consumer is Xen and whose remote end d itself binds
 * (EVTCHNOP_bind_interdomain, DOMID_SELF): notify_via_xen_event_channel()
 * then raises d's own port.  d cannot close it (a Xen-attached channel).
 */
static int cf_check cdna_bind(void *opaque, uint16_t domid, unsigned int ctx,
                              uint32_t *port)
{
    struct domain *d = rcu_lock_domain_by_id(domid);
    int rc;

    if ( !d )
        return -1;
    rc = d->is_dying ? -EINVAL
                     : alloc_unbound_xen_event_channel(d, 0, d->domain_id,
                                                       NULL);
    rcu_unlock_domain(d);
    if ( rc < 0 )
    {
        printk(XENLOG_G_WARNING "cdna: d%d ctx %u: no event channel (%d)\n",
               domid, ctx, rc);
        return -1;
    }
    *port = rc;
    return 0;
}

static void cf_check cdna_unbind(void *opaque, uint16_t domid, uint32_t port)
{
    struct domain *d = rcu_lock_domain_by_id(domid);

    if ( !d )
        return;
    free_xen_event_channel(d, port);
    rcu_unlock_domain(d);
}

static void cf_check cdna_notify(void *opaque, uint16_t domid,
                                 unsigned int ctx, uint32_t port)
{
    struct domain *d = rcu_lock_domain_by_id(domid);

    if ( !d )
        return;
    notify_via_xen_event_channel(d, port);
    rcu_unlock_domain(d);
}

/* ---- the NIC ------------------------------------------------------------ */

static paddr_t cdna_bar_addr(pci_sbdf_t sbdf, unsigned int bar)
{
    unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t lo = pci_conf_read32(sbdf, reg);
    paddr_t addr = lo & PCI_BASE_ADDRESS_MEM_MASK;

    if ( lo & PCI_BASE_ADDRESS_SPACE_IO )
        return 0;
    if ( (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
         PCI_BASE_ADDRESS_MEM_TYPE_64 )
        addr |= (paddr_t)pci_conf_read32(sbdf, reg + 4) << 32;
    return addr;
}

/*
 * Register-NIC: the addresses dom0 passed must be the BARs of a cdna NIC
 * at the sbdf it named (Xen maps what it is told, so it checks first).
 */
static int cf_check cdna_nic_attach(void *opaque, uint64_t bar0,
                                    uint64_t bar2)
{
    uint16_t cmd;

    if ( pci_conf_read16(cdna_sbdf, PCI_VENDOR_ID) != CDNA_PCI_VENDOR_ID ||
         pci_conf_read16(cdna_sbdf, PCI_DEVICE_ID) != CDNA_PCI_DEVICE_ID )
    {
        printk(XENLOG_WARNING "cdna: %pp is not a cdna NIC\n", &cdna_sbdf);
        return -1;
    }
    if ( !bar0 || !bar2 || cdna_bar_addr(cdna_sbdf, 0) != bar0 ||
         cdna_bar_addr(cdna_sbdf, 2) != bar2 )
    {
        printk(XENLOG_WARNING
               "cdna: %pp: BARs %#"PRIx64" %#"PRIx64" are not the device's\n",
               &cdna_sbdf, bar0, bar2);
        return -1;
    }
    if ( cdna_bar2_va )
        iounmap(cdna_bar2_va);
    cdna_bar2_va = ioremap(bar2, CDNA_BAR2_SIZE);
    if ( !cdna_bar2_va )
        return -1;
    cdna_bar2 = bar2;
    cdna_bar0 = bar0;
    /* The NIC must reach memory (rings, buffers) and decode its BARs. */
    cmd = pci_conf_read16(cdna_sbdf, PCI_COMMAND);
    if ( (cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) !=
         (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) )
        pci_conf_write16(cdna_sbdf, PCI_COMMAND,
                         cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    /*
     * BAR2 page 1 is the hypervisor's alone; BAR0 pages go to the owners
     * of their contexts.  Mappings dom0 made before stay (see README).
     */
    if ( iomem_deny_access(hardware_domain,
                           paddr_to_pfn(bar2 + CDNA_BAR2_HV),
                           paddr_to_pfn(bar2 + CDNA_BAR2_HV)) ||
         iomem_deny_access(hardware_domain, paddr_to_pfn(bar0),
                           paddr_to_pfn(bar0 + CDNA_BAR0_SIZE - 1)) )
        printk(XENLOG_WARNING "cdna: %pp: iomem deny failed\n", &cdna_sbdf);
    return 0;
}

static uint32_t cf_check cdna_bar2_read(void *opaque, uint32_t off)
{
    if ( !cdna_bar2_va || off > CDNA_BAR2_SIZE - 4 || (off & 3) )
        return 0;
    return readl(cdna_bar2_va + off);
}

static void cf_check cdna_bar2_write(void *opaque, uint32_t off,
                                     uint32_t val)
{
    if ( !cdna_bar2_va || off > CDNA_BAR2_SIZE - 4 || (off & 3) )
        return;
    writel(val, cdna_bar2_va + off);
}

/* System time in ns: cheap (TSC-based), as the core reads it twice per
 * ENQUEUE and QUERY. */
static uint64_t cf_check cdna_now_ns(void *opaque)
{
    return NOW();
}

/* The revoke and assign waits: bounded by CDNA_HV_WAIT_US in the core. */
static void cf_check cdna_relax(void *opaque)
{
    cpu_relax();
    udelay(1);
}

static const struct cdna_hv_platform cdna_platform = {
    .get_frame = cdna_get_frame,
    .put_frame = cdna_put_frame,
    .copy_from_caller = cdna_copy_from,
    .copy_to_caller = cdna_copy_to,
    .alloc_page = cdna_alloc_page,
    .free_page = cdna_free_page,
    .map = cdna_map,
    .unmap = cdna_unmap,
    .domain_exists = cdna_domain_exists,
    .nic_attach = cdna_nic_attach,
    .bar2_read = cdna_bar2_read,
    .bar2_write = cdna_bar2_write,
    .now_ns = cdna_now_ns,
    .relax = cdna_relax,
    .notify = cdna_notify,
    .bind = cdna_bind,
    .unbind = cdna_unbind,
};

/* ---- the interrupt ------------------------------------------------------ */

static void cf_check cdna_tasklet_fn(void *unused)
{
    spin_lock(&cdna_lock);
    cdna_hv_interrupt(cdna_hv);
    spin_unlock(&cdna_lock);
}

static void cf_check cdna_interrupt(int irq, void *dev_id,
                                    struct cpu_user_regs *regs)
{
    tasklet_schedule(&cdna_tasklet);
}

static void cf_check cdna_poll(void *unused)
{
    tasklet_schedule(&cdna_tasklet);
    set_timer(&cdna_poll_timer, NOW() + CDNA_POLL_NS);
}

/* The NIC's MSI, taken by Xen (as ns16550.c does for a PCI UART). */
static int cdna_msi_setup(void)
{
    struct msi_info msi = { .sbdf = cdna_sbdf, .entry_nr = 1 };
    struct msi_desc *desc = NULL;
    int irq, rc;

    irq = create_irq(NUMA_NO_NODE, false);
    if ( irq < 0 )
        return irq;
    msi.irq = irq;

    pcidevs_lock();
    rc = pci_enable_msi(&msi, &desc);
    if ( !rc )
    {
        struct irq_desc *idesc = irq_to_desc(irq);
        unsigned long flags;

        spin_lock_irqsave(&idesc->lock, flags);
        rc = setup_msi_irq(idesc, desc);
        spin_unlock_irqrestore(&idesc->lock, flags);
        if ( rc )
            pci_disable_msi(desc);
        else
        {
            /*
             * Once dom0 exists, pci_enable_msi() leaves the enable bit to
             * dom0 (the "split brain" model of msi_capability_init()).
             * This MSI is Xen's own, as ns16550's is at boot: enable it
             * and turn INTx off, or the NIC keeps signalling on INTx,
             * which nobody takes.
             */
            const struct pci_dev *pdev = pci_get_pdev(NULL, cdna_sbdf);

            if ( pdev )
                pci_intx(pdev, false);
            __msi_set_enable(cdna_sbdf.seg, cdna_sbdf.bus, cdna_sbdf.dev,
                             cdna_sbdf.fn, desc->msi_attrib.pos, 1);
        }
    }
    pcidevs_unlock();
    if ( rc )
    {
        if ( desc )
            msi_free_irq(desc);
        else
            destroy_irq(irq);
        return rc;
    }

    cdna_irqaction.handler = cdna_interrupt;
    cdna_irqaction.name = "cdna";
    cdna_irqaction.dev_id = NULL;
    rc = setup_irq(irq, 0, &cdna_irqaction);
    if ( rc )
    {
        pcidevs_lock();
        pci_disable_msi(desc);
        msi_free_irq(desc);
        pcidevs_unlock();
        return rc;
    }
    cdna_irq = irq;
    return 0;
}

static void cdna_irq_setup(void)
{
    int rc = cdna_msi_setup();

    if ( !rc )
    {
        printk(XENLOG_INFO "cdna: %pp: MSI on irq %d\n", &cdna_sbdf,
               cdna_irq);
        return;
    }
    printk(XENLOG_WARNING
           "cdna: %pp: MSI setup failed (%d): polling every %u us instead\n",
           &cdna_sbdf, rc, (unsigned int)(CDNA_POLL_NS / 1000));
    cdna_polling = true;
    set_timer(&cdna_poll_timer, NOW() + CDNA_POLL_NS);
}

/* ---- the hypercall ------------------------------------------------------ */

/*
 * Register-NIC takes what the core does not know: the sbdf (to check the
 * BARs and to find the MSI) and the interrupt (0: Xen's MSI, the only
 * kind Xen takes).
 */
static long cdna_register(const struct cdna_hv_caller *who, void *arg)
{
    struct cdna_op_register_nic op;
    long rc;

    if ( raw_copy_from_guest(&op, arg, sizeof(op)) )
        return -CDNA_EFAULT;
    if ( op.irq )
        return -CDNA_EINVAL;

    spin_lock(&cdna_lock);
    cdna_sbdf.sbdf = op.sbdf;
    rc = cdna_hv_do(cdna_hv, who, CDNA_OP_REGISTER_NIC, &op);
    if ( !rc )
    {
        printk(XENLOG_INFO
               "cdna: NIC %pp registered: BAR0 %#"PRIx64" BAR2 %#"PRIx64
               ", %u contexts\n", &cdna_sbdf, op.bar0, op.bar2, op.num_ctx);
        cdna_irq_setup();
    }
    else
        printk(XENLOG_G_WARNING "cdna: register-NIC %pp refused (%ld)\n",
               &cdna_sbdf, rc);
    spin_unlock(&cdna_lock);

    if ( !rc && raw_copy_to_guest(arg, &op, sizeof(op)) )
        rc = -CDNA_EFAULT;
    return rc;
}

long do_cdna_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    const struct domain *curr = current->domain;
    const struct cdna_hv_caller who = {
        .domid = curr->domain_id,
        .privileged = is_hardware_domain(curr),
    };
    long rc;

    if ( !cdna_hv )
        return -ENOSYS;
    if ( cmd == CDNA_OP_REGISTER_NIC && who.privileged )
        return cdna_register(&who, arg.p);

    spin_lock(&cdna_lock);
    rc = cdna_hv_op(cdna_hv, &who, cmd, (unsigned long)arg.p);
    spin_unlock(&cdna_lock);

    /* Management from a guest: worth a (rate-limited) line. */
    if ( rc == -CDNA_EPERM && !who.privileged && cmd != CDNA_OP_ENQUEUE &&
         cmd != CDNA_OP_QUERY )
        gprintk(XENLOG_G_WARNING, "cdna: op %u refused: not dom0\n", cmd);
    return rc;
}

/* ---- domain death and boot ---------------------------------------------- */

void cdna_domain_kill(struct domain *d)
{
    if ( !cdna_hv )
        return;
    spin_lock(&cdna_lock);
    cdna_hv_domain_gone(cdna_hv, d->domain_id);
    spin_unlock(&cdna_lock);
}

static int __init cf_check cdna_init(void)
{
    cdna_hv = xzalloc_bytes(cdna_hv_size());
    if ( !cdna_hv )
        return -ENOMEM;
    cdna_hv_init(cdna_hv, &cdna_platform);
    softirq_tasklet_init(&cdna_tasklet, cdna_tasklet_fn, NULL);
    init_timer(&cdna_poll_timer, cdna_poll, NULL, 0);
    return 0;
}
__initcall(cdna_init);

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
