// SPDX-License-Identifier: GPL-2.0
/*
 * cdna-hcall-kmod - the domU's side of tests/system/cdna-hcall-smoke.sh:
 * issues HYPERVISOR_cdna_op from a PV guest's kernel (its user space
 * cannot: a domU's privcmd refuses arbitrary hypercalls) as the context's
 * owner and as an unprivileged domain, and prints each result
 * ("cdna_hcall: ..." in dmesg).  Parameters: ctx (the context assigned to
 * this domain), other_maddr (a page of another domain), xen_maddr (a ring
 * page), map_maddr (this domain's ring page: mapped read-only, and kept
 * mapped).  The page it enqueues is never freed: Xen holds references on
 * it until the context is revoked or the domain dies.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <xen/page.h>
#include <asm/xen/hypercall.h>
#include <cdna/hcall.h>

#define __HYPERVISOR_cdna_op CDNA_HYPERCALL_NR

static int ctx;
module_param(ctx, int, 0444);
static unsigned long other_maddr;	/* a page of another domain */
module_param(other_maddr, ulong, 0444);
static unsigned long xen_maddr;		/* a ring page */
module_param(xen_maddr, ulong, 0444);
static unsigned long map_maddr;		/* this domain's ring page, to map */
module_param(map_maddr, ulong, 0444);

static long op(unsigned int cmd, void *arg)
{
	return _hypercall2(long, cdna_op, cmd, arg);
}

static struct cdna_guest_buf *bufs;

static long enq(unsigned int ring, u64 addr, u16 len, u16 flags, u32 n,
		const char *what)
{
	struct cdna_op_enqueue e = { .ctx = ctx, .ring = ring, .count = n,
				     .bufs = (unsigned long)bufs };
	long rc;
	u32 i;

	for (i = 0; i < n && i < CDNA_ENQUEUE_MAX; i++)
		bufs[i] = (struct cdna_guest_buf){ .addr = addr, .len = len,
						   .flags = flags };
	rc = op(CDNA_OP_ENQUEUE, &e);
	pr_info("cdna_hcall: enqueue %s rc=%ld done=%u prod=%u reason=%u\n",
		what, rc, e.done, e.prod, e.reason);
	return rc;
}

static int __init t_init(void)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct cdna_op_query q = { .ctx = ctx };
	struct cdna_op_stats s = { .ctx = CDNA_CTX_ANY };
	struct cdna_op_register_nic r = { 0 };
	struct cdna_op_assign a = { .ctx = CDNA_CTX_ANY, .domid = 1,
				    .mac = { 2, 0xcd, 0x4a, 0, 0, 9 } };
	struct cdna_op_revoke v = { .ctx = ctx };
	struct cdna_op_nic_reset nr = { .phase = CDNA_NIC_RESET_BEGIN };
	u64 own;
	long rc;

	bufs = kcalloc(CDNA_ENQUEUE_MAX + 1, sizeof(*bufs), GFP_KERNEL);
	if (!pg || !bufs)
		return -ENOMEM;
	own = (u64)pfn_to_mfn(page_to_pfn(pg)) << PAGE_SHIFT;
	pr_info("cdna_hcall: own page maddr=%#llx\n", own);
	rc = op(CDNA_OP_QUERY, &q);
	pr_info("cdna_hcall: query own rc=%ld state=%u refs=%u\n", rc,
		q.state, q.refs_held);
	q.ctx = ctx + 1;
	pr_info("cdna_hcall: query other rc=%ld\n", op(CDNA_OP_QUERY, &q));
	pr_info("cdna_hcall: stats rc=%ld\n", op(CDNA_OP_STATS, &s));
	pr_info("cdna_hcall: register rc=%ld\n",
		op(CDNA_OP_REGISTER_NIC, &r));
	pr_info("cdna_hcall: assign rc=%ld\n", op(CDNA_OP_ASSIGN, &a));
	pr_info("cdna_hcall: revoke rc=%ld\n", op(CDNA_OP_REVOKE, &v));
	pr_info("cdna_hcall: nic reset rc=%ld\n", op(CDNA_OP_NIC_RESET, &nr));
	pr_info("cdna_hcall: bad pointer rc=%ld\n",
		op(CDNA_OP_QUERY, (void *)0x10));
	pr_info("cdna_hcall: bad command rc=%ld\n", op(77, &q));
	enq(CDNA_RING_TX, own, 64, CDNA_DESC_EOP, 5, "tx own x5");
	enq(CDNA_RING_RX, own, 2048, 0, 2, "rx own x2");
	if (other_maddr)
		enq(CDNA_RING_TX, other_maddr, 64, CDNA_DESC_EOP, 1,
		    "tx other domain's page");
	if (xen_maddr)
		enq(CDNA_RING_RX, xen_maddr, 64, 0, 1, "rx ring page");
	enq(CDNA_RING_TX, own, 64, CDNA_DESC_EOP, CDNA_ENQUEUE_MAX + 1,
	    "count 65");
	enq(CDNA_RING_TX, own, 64, CDNA_DESC_EOP, 0, "count 0");
	enq(CDNA_RING_TX, own + 4000, 200, CDNA_DESC_EOP, 1, "crossing");
	{
		struct cdna_op_enqueue e = { .ctx = ctx, .count = 1,
					     .bufs = 0x10 };

		rc = op(CDNA_OP_ENQUEUE, &e);
		pr_info("cdna_hcall: enqueue bad bufs rc=%ld reason=%u\n",
			rc, e.reason);
	}
	q.ctx = ctx;
	rc = op(CDNA_OP_QUERY, &q);
	pr_info("cdna_hcall: query own rc=%ld tx_prod=%u rx_prod=%u refs=%u\n",
		rc, q.tx_prod, q.rx_prod, q.refs_held);
	if (map_maddr) {
		/*
		 * Map the ring page read-only over a page of our own and keep
		 * the mapping: the domain dies holding it.  A writable
		 * mapping is refused first.
		 */
		volatile u32 *va = vmalloc(PAGE_SIZE);

		if (!va)
			return -ENOMEM;
		rc = HYPERVISOR_update_va_mapping((unsigned long)va,
						  mfn_pte(map_maddr >> PAGE_SHIFT,
							  PAGE_KERNEL),
						  UVMF_INVLPG);
		pr_info("cdna_hcall: map ring page rw rc=%ld\n", rc);
		rc = HYPERVISOR_update_va_mapping((unsigned long)va,
						  mfn_pte(map_maddr >> PAGE_SHIFT,
							  PAGE_KERNEL_RO),
						  UVMF_INVLPG);
		pr_info("cdna_hcall: map ring page ro rc=%ld word0=%#x\n", rc,
			rc ? 0 : va[0]);
	}
	/* The pages stay allocated and mapped: Xen holds references. */
	return 0;
}

static void __exit t_exit(void)
{
}

module_init(t_init);
module_exit(t_exit);
MODULE_LICENSE("GPL");
