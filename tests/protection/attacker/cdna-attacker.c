// SPDX-License-Identifier: GPL-2.0
/*
 * cdna-attacker - the hostile PV domU of the DMA-protection suite's system
 * tier (tests/protection/attacker/README.md).  Loaded into a domU that
 * dom0 gave a context of the cdna NIC (cdnactl assign), it mounts the
 * attacks of the fast tier (tests/protection/attacks.c, same names)
 * against real Xen: raw CDNA hypercalls naming pages that are not its own,
 * forged doorbells through its own BAR0 page, mappings it must not get,
 * use after revoke, pages given back while in flight, floods.
 *
 * Driven through /proc/cdna-attack: write "NAME PHASE [key=value...]"
 * (an attack's steps between which dom0 acts: frames to the attacker,
 * revoke), read the lines the attacks wrote since the last read, one
 * "ATK NAME phase=P ..." line per phase with every result:
 *   forbidden=N  forbidden actions tried
 *   refused=N    of them, refused by Xen (or the MMU, or the NIC)
 *   expected=N   of those, refused for the reason the attack expects
 *   accepted=N   forbidden actions that went through (a hole)
 * followed by "what rc reason" pieces.
 *
 * The context is read from this domain's own xenstore frontend nodes
 * (include/cdna/xenbus.h) at phase 1 of every attack: nothing there is
 * authority, which is the point.  The secret pages' machine addresses of
 * the victim domU and of dom0 come as module parameters: they publish
 * them (cdna-victim.ko), so no guessing is needed.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/etherdevice.h>

#include <asm/desc.h>
#include <asm/pgtable.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/grant_table.h>
#include <xen/interface/memory.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include <cdna/hcall.h>
#include <cdna/regs.h>

#define __HYPERVISOR_cdna_op CDNA_HYPERCALL_NR

#define NPAGES 16u          /* TX pages and RX pages, each */
#define LOG_SIZE (32 * 1024)

/* What the victims published (cdna-victim.ko), and what dom0 read. */
static unsigned long victim_pages[8];
static int n_victim_pages;
module_param_array(victim_pages, ulong, &n_victim_pages, 0444);
static unsigned long dom0_pages[8];
static int n_dom0_pages;
module_param_array(dom0_pages, ulong, &n_dom0_pages, 0444);
static unsigned long victim_rx_ring, victim_tx_ring, victim_ctx_page;
module_param(victim_rx_ring, ulong, 0444);
module_param(victim_tx_ring, ulong, 0444);
module_param(victim_ctx_page, ulong, 0444);
static unsigned long dom0_ctx_page;	/* BAR0 page of dom0's context */
module_param(dom0_ctx_page, ulong, 0444);
static unsigned long bar2;		/* machine address of BAR2 */
module_param(bar2, ulong, 0444);
static int victim_domid = -1;
module_param(victim_domid, int, 0444);

/* This domain's context, as xenstore says. */
static struct {
	int valid;
	unsigned int ctx;
	u8 mac[ETH_ALEN];
	u64 ctx_page, tx_ring, rx_ring, status;
	void __iomem *db;		/* the BAR0 page, mapped */
	const u32 *st;			/* the status page, read-only */
	const void *txr, *rxr;		/* the rings, read-only */
	u32 tx_prod, rx_prod;		/* as the hypervisor returned them */
	u32 rx_next;			/* next RX half page to post */
} c;

static struct page *txp[NPAGES], *rxp[NPAGES];
static struct cdna_guest_buf *bufs;
static DEFINE_MUTEX(lock);
static char *logbuf;
static size_t loglen;

/* This phase's tally. */
static struct {
	unsigned int forbidden, refused, expected, accepted;
	char detail[3000];
	size_t dlen;
} t;

static void detail(const char *fmt, ...) __printf(1, 2);
static void detail(const char *fmt, ...)
{
	va_list ap;

	if (t.dlen >= sizeof(t.detail) - 1)
		return;
	va_start(ap, fmt);
	t.dlen += vscnprintf(t.detail + t.dlen, sizeof(t.detail) - t.dlen,
			     fmt, ap);
	va_end(ap);
}

static void out(const char *fmt, ...) __printf(1, 2);
static void out(const char *fmt, ...)
{
	va_list ap;

	if (loglen >= LOG_SIZE - 1)
		return;
	va_start(ap, fmt);
	loglen += vscnprintf(logbuf + loglen, LOG_SIZE - loglen, fmt, ap);
	va_end(ap);
}

static long op(unsigned int cmd, void *arg)
{
	return _hypercall2(long, cdna_op, cmd, arg);
}

static const char *const reason_name[] = {
	"NOT_OWNER", "NOT_RUNNING", "BAD_ARG", "BAD_LEN", "CROSSES_PAGE",
	"NOT_OWNED", "NOT_RAM", "NOT_WRITABLE", "RING_FULL",
};

static const char *rname(u32 r)
{
	return r < ARRAY_SIZE(reason_name) ? reason_name[r] : "?";
}

static u64 maddr_of(struct page *pg)
{
	return (u64)pfn_to_mfn(page_to_pfn(pg)) << PAGE_SHIFT;
}

/* ---- mappings by machine frame (as cdna.ko's cdna_xen.c) --------------- */

static int xset_pte(unsigned long va, pte_t pte)
{
	return HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_ALL);
}

static pte_t zero_pte(void)
{
	return mfn_pte(pfn_to_mfn(page_to_pfn(ZERO_PAGE(0))), PAGE_KERNEL_RO);
}

/* Map a machine frame: the address, or NULL with *err set (Xen's rc). */
static void *map_frame(u64 maddr, pgprot_t prot, int *err)
{
	struct page *zero = ZERO_PAGE(0);
	void *va = vmap(&zero, 1, VM_MAP, PAGE_KERNEL_RO);

	*err = -ENOMEM;
	if (!va)
		return NULL;
	*err = xset_pte((unsigned long)va, mfn_pte(maddr >> PAGE_SHIFT, prot));
	if (*err) {
		vunmap(va);
		return NULL;
	}
	return va;
}

static void unmap_frame(const void *va)
{
	if (!va)
		return;
	WARN_ON(xset_pte((unsigned long)va, zero_pte()));
	vunmap(va);
}

/* ---- the tally ------------------------------------------------------------ */

/* A forbidden ENQUEUE: one buffer, expected to be refused for `want`. */
static void try1(const char *what, unsigned int ring, u64 addr, u32 len,
		 u16 flags, u32 want)
{
	struct cdna_op_enqueue e = { .ctx = c.ctx, .ring = ring, .count = 1,
				     .bufs = (unsigned long)bufs };
	long rc;

	bufs[0] = (struct cdna_guest_buf){ .addr = addr, .len = len,
					   .flags = flags };
	rc = op(CDNA_OP_ENQUEUE, &e);
	t.forbidden++;
	if (rc == 0 || e.done) {
		t.accepted++;
		detail("; %s: ACCEPTED rc=%ld done=%u prod=%u", what, rc,
		       e.done, e.prod);
		if (ring == CDNA_RING_TX)
			c.tx_prod = e.prod;
		else
			c.rx_prod = e.prod;
		return;
	}
	t.refused++;
	if (e.reason == want)
		t.expected++;
	detail("; %s: rc=%ld %s%s", what, rc, rname(e.reason),
	       e.reason == want ? "" : " (UNEXPECTED)");
}

/* A forbidden mapping: expected to be refused by Xen's MMU. */
static void try_map(const char *what, u64 maddr, pgprot_t prot)
{
	int err;
	void *va = map_frame(maddr, prot, &err);

	t.forbidden++;
	if (va) {
		u32 v = readl((void __iomem *)va);

		t.accepted++;
		detail("; map %s %#llx: MAPPED (reads %#x)", what, maddr, v);
		unmap_frame(va);
		return;
	}
	t.refused++;
	t.expected++;
	detail("; map %s: rc=%d", what, err);
}

/* A store that the MMU must refuse (a read-only mapping): it faults. */
static long store_nofault(void *dst, u32 val)
{
	pagefault_disable();
	__put_kernel_nofault(dst, &val, u32, fault);
	pagefault_enable();
	return 0;
fault:
	pagefault_enable();
	return -EFAULT;
}

static void try_store(const char *what, void *va, u32 val)
{
	long rc = store_nofault(va, val);

	t.forbidden++;
	if (!rc) {
		t.accepted++;
		detail("; store %s: WENT THROUGH", what);
		return;
	}
	t.refused++;
	t.expected++;
	detail("; store %s: faulted (%ld)", what, rc);
}

static void flush_line(const char *name, unsigned int phase)
{
	pr_info("cdna-attacker: %s phase %u ctx %u: %u forbidden, %u refused "
		"(%u as expected), %u went through\n", name, phase, c.ctx,
		t.forbidden, t.refused, t.expected, t.accepted);
	out("ATK %s phase=%u ctx=%u forbidden=%u refused=%u expected=%u "
	    "accepted=%u tx_prod=%u rx_prod=%u tx_cons=%u rx_cons=%u%s\n",
	    name, phase, c.ctx, t.forbidden, t.refused, t.expected,
	    t.accepted, c.tx_prod, c.rx_prod, c.st ? READ_ONCE(c.st[0]) : 0,
	    c.st ? READ_ONCE(c.st[1]) : 0, t.detail);
}

/* ---- the context --------------------------------------------------------- */

static void thr_stop(void);

static void ctx_close(void)
{
	thr_stop();
	if (c.db)
		unmap_frame((void __force *)c.db);
	unmap_frame(c.st);
	unmap_frame(c.txr);
	unmap_frame(c.rxr);
	memset(&c, 0, sizeof(c));
}

static int ctx_open(void)
{
	unsigned int ctx;
	u64 cp, tx, rx, st;
	char *mac;
	int err;

	ctx_close();
	err = xenbus_gather(XBT_NIL, "device/cdna/0",
			    "ctx", "%u", &ctx, "ctx-page", "%llx", &cp,
			    "tx-ring", "%llx", &tx, "rx-ring", "%llx", &rx,
			    "status", "%llx", &st, NULL);
	if (err) {
		out("ERR no context in xenstore (device/cdna/0): %d\n", err);
		return err;
	}
	mac = xenbus_read(XBT_NIL, "device/cdna/0", "mac", NULL);
	if (IS_ERR(mac) || !mac_pton(mac, c.mac)) {
		out("ERR bad mac node\n");
		if (!IS_ERR(mac))
			kfree(mac);
		return -EINVAL;
	}
	kfree(mac);
	c.ctx = ctx;
	c.ctx_page = cp;
	c.tx_ring = tx;
	c.rx_ring = rx;
	c.status = st;
	c.db = (void __iomem *)map_frame(cp, PAGE_KERNEL_NOCACHE, &err);
	c.st = map_frame(st, PAGE_KERNEL_RO, &err);
	c.txr = map_frame(tx, PAGE_KERNEL_RO, &err);
	c.rxr = map_frame(rx, PAGE_KERNEL_RO, &err);
	if (!c.db || !c.st || !c.txr || !c.rxr) {
		out("ERR cannot map the context's own pages\n");
		ctx_close();
		return -EFAULT;
	}
	/* Where the hypervisor's rings stand (fresh: 0). */
	{
		struct cdna_op_query q = { .ctx = ctx };

		err = op(CDNA_OP_QUERY, &q);
		if (err) {
			out("ERR QUERY of its own context: %d\n", err);
			ctx_close();
			return err;
		}
		c.tx_prod = q.tx_prod;
		c.rx_prod = q.rx_prod;
	}
	c.valid = 1;
	return 0;
}

static void doorbell(u32 reg, u32 val)
{
	if (c.db)
		writel(val, c.db + reg);
}

/* ---- legitimate traffic of the attacker ----------------------------------- */

/* A frame from the context's MAC to nobody in particular (it goes to the
 * wire and to dom0's bridge, which drops it). */
static void frame_init(struct page *pg, u32 len)
{
	u8 *f = page_address(pg);
	static const u8 dst[ETH_ALEN] = { 0x02, 0xcd, 0x4a, 0xff, 0xff, 0x01 };

	memset(f, 0x5a, len);
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, c.mac, ETH_ALEN);
	f[12] = 0x88;
	f[13] = 0xb6;
}

/* Post n frames of len bytes, one buffer each, and ring: the number the
 * hypervisor took (ring full stops it). */
static u32 send_frames(u32 n, u32 len)
{
	u32 sent = 0;

	while (sent < n) {
		u32 k = min_t(u32, n - sent, CDNA_ENQUEUE_MAX), i;
		struct cdna_op_enqueue e = { .ctx = c.ctx,
					     .ring = CDNA_RING_TX, .count = k,
					     .bufs = (unsigned long)bufs };

		for (i = 0; i < k; i++) {
			struct page *pg = txp[(sent + i) % NPAGES];

			frame_init(pg, len);
			bufs[i] = (struct cdna_guest_buf){
				.addr = maddr_of(pg), .len = len,
				.flags = CDNA_DESC_EOP };
		}
		op(CDNA_OP_ENQUEUE, &e);
		sent += e.done;
		if (e.done)
			c.tx_prod = e.prod;
		if (e.done < k)
			break;
	}
	doorbell(CTX_TX_PROD, c.tx_prod);
	return sent;
}

/* Post n RX buffers (half pages of its own RX pages) and ring. */
static u32 post_rx(u32 n)
{
	u32 posted = 0;

	while (posted < n) {
		u32 k = min_t(u32, n - posted, CDNA_ENQUEUE_MAX), i;
		struct cdna_op_enqueue e = { .ctx = c.ctx,
					     .ring = CDNA_RING_RX, .count = k,
					     .bufs = (unsigned long)bufs };

		for (i = 0; i < k; i++) {
			u32 h = (c.rx_next + i) % (2 * NPAGES);

			bufs[i] = (struct cdna_guest_buf){
				.addr = maddr_of(rxp[h / 2]) + (h % 2) * 2048,
				.len = 2048 };
		}
		op(CDNA_OP_ENQUEUE, &e);
		posted += e.done;
		c.rx_next += e.done;
		if (e.done)
			c.rx_prod = e.prod;
		if (e.done < k)
			break;
	}
	doorbell(CTX_RX_PROD, c.rx_prod);
	return posted;
}

/* Wait (bounded) until the NIC consumed every TX descriptor posted. */
static int wait_tx_done(unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	do {
		if (READ_ONCE(c.st[0]) == c.tx_prod)
			return 1;
		msleep(2);
	} while (time_before(jiffies, end));
	return 0;
}

/* After an RX attack: ring as if the refused buffers had been taken;
 * dom0 then sends frames to this MAC.  A buffer wrongly let through would
 * be written, and the victims' pages would show it. */
static void rx_follow_up(void)
{
	doorbell(CTX_RX_PROD, c.rx_prod + 4);
}

/* ---- the attacks ---------------------------------------------------------- */

static void a_foreign_page(unsigned int phase)
{
	if (phase != 1)
		return;
	if (n_victim_pages < 3) {
		detail("; no victim pages given");
		return;
	}
	try1("RX into the victim's page", CDNA_RING_RX, victim_pages[0], 2048,
	     0, CDNA_HV_NOT_OWNED);
	try1("TX from the victim's page", CDNA_RING_TX, victim_pages[0] + 64,
	     1000, CDNA_DESC_EOP, CDNA_HV_NOT_OWNED);
	try1("RX into the victim's second page", CDNA_RING_RX,
	     victim_pages[1] + 2048, 2048, 0, CDNA_HV_NOT_OWNED);
	rx_follow_up();
}

static void a_dom0_page(unsigned int phase)
{
	if (phase != 1)
		return;
	if (n_dom0_pages < 2) {
		detail("; no dom0 pages given");
		return;
	}
	try1("RX into dom0's page", CDNA_RING_RX, dom0_pages[0], 2048, 0,
	     CDNA_HV_NOT_OWNED);
	try1("TX from dom0's page", CDNA_RING_TX, dom0_pages[1], 1514,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNED);
	rx_follow_up();
}

static void a_hypervisor_page(unsigned int phase)
{
	if (phase != 1)
		return;
	/* PV: start_info names shared_info by machine address. */
	try1("RX into shared_info (Xen's)", CDNA_RING_RX,
	     xen_start_info->shared_info & PAGE_MASK, 2048, 0,
	     CDNA_HV_NOT_RAM);
	if (victim_rx_ring)
		try1("RX into the victim's RX ring", CDNA_RING_RX,
		     victim_rx_ring, 2048, 0, CDNA_HV_NOT_RAM);
	try1("RX into its own TX ring", CDNA_RING_RX, c.tx_ring, 2048, 0,
	     CDNA_HV_NOT_RAM);
	try1("RX into its own status page", CDNA_RING_RX, c.status, 64, 0,
	     CDNA_HV_NOT_RAM);
	try1("TX from its BAR0 page", CDNA_RING_TX, c.ctx_page, 64,
	     CDNA_DESC_EOP, CDNA_HV_NOT_RAM);
	if (bar2)
		try1("RX into BAR2's hypervisor page", CDNA_RING_RX,
		     bar2 + CDNA_BAR2_HV, 2048, 0, CDNA_HV_NOT_RAM);
	rx_follow_up();
}

static void a_read_only(unsigned int phase)
{
	/* Its GDT: a descriptor-table page, which Xen keeps read-only. */
	u64 gdt;

	if (phase != 1)
		return;
	gdt = arbitrary_virt_to_machine(get_cpu_gdt_rw(0)).maddr & PAGE_MASK;
	try1("RX into its GDT page (read-only)", CDNA_RING_RX, gdt, 2048, 0,
	     CDNA_HV_NOT_WRITABLE);
	rx_follow_up();
}

static void a_page_table(unsigned int phase)
{
	unsigned int level;
	pte_t *pte;
	u64 l4, l1;

	if (phase != 1)
		return;
	if (current->mm) {
		l4 = virt_to_machine(current->mm->pgd).maddr & PAGE_MASK;
		try1("RX into its L4 page table", CDNA_RING_RX, l4, 2048, 0,
		     CDNA_HV_NOT_WRITABLE);
	}
	/* The L1 table that maps its own TX ring mapping. */
	pte = lookup_address((unsigned long)c.txr, &level);
	if (pte && level == PG_LEVEL_4K) {
		l1 = arbitrary_virt_to_machine(pte).maddr & PAGE_MASK;
		try1("RX into an L1 page table", CDNA_RING_RX, l1 + 2048,
		     2048, 0, CDNA_HV_NOT_WRITABLE);
	}
	rx_follow_up();
}

static void a_granted(unsigned int phase, unsigned long gref)
{
	struct gnttab_map_grant_ref m;
	struct gnttab_unmap_grant_ref u;
	struct page *pg;
	u64 ma;

	if (phase != 1)
		return;
	if (victim_domid < 0 || !gref) {
		detail("; no grant given");
		return;
	}
	if (gnttab_alloc_pages(1, &pg)) {
		detail("; gnttab_alloc_pages failed");
		return;
	}
	gnttab_set_map_op(&m, (unsigned long)pfn_to_kaddr(page_to_pfn(pg)),
			  GNTMAP_host_map, gref, victim_domid);
	if (gnttab_map_refs(&m, NULL, &pg, 1) || m.status != GNTST_okay) {
		detail("; mapping the victim's grant %lu failed: %d", gref,
		       m.status);
		gnttab_free_pages(1, &pg);
		return;
	}
	ma = m.dev_bus_addr & PAGE_MASK;
	detail("; grant %lu mapped: machine frame %#llx", gref, ma);
	try1("RX into the granted-in page", CDNA_RING_RX, ma, 2048, 0,
	     CDNA_HV_NOT_OWNED);
	try1("TX from the granted-in page", CDNA_RING_TX, ma, 1000,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNED);
	gnttab_set_unmap_op(&u, (unsigned long)pfn_to_kaddr(page_to_pfn(pg)),
			    GNTMAP_host_map, m.handle);
	gnttab_unmap_refs(&u, NULL, &pg, 1);
	gnttab_free_pages(1, &pg);
	rx_follow_up();
}

static void a_crossing(unsigned int phase)
{
	if (phase != 1)
		return;
	try1("RX across a page boundary", CDNA_RING_RX,
	     maddr_of(rxp[0]) + 4000, 1514, 0, CDNA_HV_CROSSES_PAGE);
	try1("TX across a page boundary", CDNA_RING_TX,
	     maddr_of(txp[0]) + 4095, 60, CDNA_DESC_EOP, CDNA_HV_CROSSES_PAGE);
	rx_follow_up();
}

static void a_bad_lengths(unsigned int phase)
{
	struct cdna_op_enqueue e = { .ctx = c.ctx, .ring = CDNA_RING_TX,
				     .count = 4, .bufs = (unsigned long)bufs };
	unsigned int i;
	long rc;

	if (phase != 1)
		return;
	try1("RX of length 0", CDNA_RING_RX, maddr_of(rxp[0]), 0, 0,
	     CDNA_HV_BAD_LEN);
	try1("TX of length 0", CDNA_RING_TX, maddr_of(txp[0]), 0,
	     CDNA_DESC_EOP, CDNA_HV_BAD_LEN);
	try1("TX over the MTU", CDNA_RING_TX, maddr_of(txp[0]), 1600,
	     CDNA_DESC_EOP, CDNA_HV_BAD_LEN);
	try1("RX over a page", CDNA_RING_RX, maddr_of(rxp[0]), 5000, 0,
	     CDNA_HV_BAD_LEN);
	/* An over-MTU frame in fragments: the fourth makes it too long. */
	for (i = 0; i < 4; i++) {
		frame_init(txp[i], 500);
		bufs[i] = (struct cdna_guest_buf){
			.addr = maddr_of(txp[i]), .len = 500,
			.flags = i == 3 ? CDNA_DESC_EOP : 0 };
	}
	rc = op(CDNA_OP_ENQUEUE, &e);
	if (e.done)
		c.tx_prod = e.prod;
	t.forbidden++;
	if (rc == -CDNA_EINVAL && e.done == 3 && e.reason == CDNA_HV_BAD_LEN) {
		t.refused++;
		t.expected++;
		detail("; an over-MTU frame in fragments: 3 taken, the 4th %s",
		       rname(e.reason));
	} else if (rc) {
		t.refused++;
		detail("; an over-MTU frame in fragments: rc=%ld done=%u %s "
		       "(UNEXPECTED)", rc, e.done, rname(e.reason));
	} else {
		t.accepted++;
		detail("; an over-MTU frame in fragments: ACCEPTED");
	}
	/* The open frame's closing fragment: still over the MTU. */
	try1("closing fragment over the MTU", CDNA_RING_TX, maddr_of(txp[4]),
	     100, CDNA_DESC_EOP, CDNA_HV_BAD_LEN);
	doorbell(CTX_TX_PROD, c.tx_prod);
}

static void a_ring_overflow(unsigned int phase)
{
	unsigned int i, k = 0;
	u32 posted;

	if (phase != 1)
		return;
	posted = post_rx(CDNA_RING_SLOTS);
	detail("; %u RX buffers posted", posted);
	/* Whatever frames the context receives meanwhile free slots: keep
	 * posting until the hypervisor says the ring is full. */
	for (i = 0; i < 8; i++) {
		struct cdna_op_enqueue e = { .ctx = c.ctx,
					     .ring = CDNA_RING_RX,
					     .count = CDNA_ENQUEUE_MAX,
					     .bufs = (unsigned long)bufs };
		long rc;

		for (k = 0; k < CDNA_ENQUEUE_MAX; k++)
			bufs[k] = (struct cdna_guest_buf){
				.addr = maddr_of(rxp[k % NPAGES]),
				.len = 2048 };
		rc = op(CDNA_OP_ENQUEUE, &e);
		if (e.done)
			c.rx_prod = e.prod;
		if (rc && e.reason == CDNA_HV_RING_FULL) {
			t.forbidden++;
			t.refused++;
			t.expected++;
			detail("; RX past a full ring: rc=%ld after %u taken, "
			       "RING_FULL", rc, e.done);
			break;
		}
	}
	if (i == 8) {
		t.forbidden++;
		t.accepted++;
		detail("; the ring never filled");
	}
	/* Ringing for more than was posted changes nothing either. */
	doorbell(CTX_RX_PROD, c.rx_prod + CDNA_RING_SLOTS);
}

static void a_forged_producer(unsigned int phase)
{
	if (phase != 1)
		return;
	detail("; %u legitimate frames", send_frames(4, 60));
	wait_tx_done(2000);
	/* Slots past the real producer were never written: seq 0. */
	doorbell(CTX_TX_PROD, c.tx_prod + 40);
	/* More than a ring ahead. */
	doorbell(CTX_RX_PROD, 100000);
	msleep(200);
	detail("; doorbells TX=prod+40, RX=100000 rung");
}

static void a_stale(unsigned int phase)
{
	u32 before;

	if (phase != 1)
		return;
	/* Fill the ring past one lap: its slots hold last lap's descriptors. */
	detail("; %u", send_frames(200, 60));
	wait_tx_done(5000);
	detail("+%u frames sent", send_frames(120, 60));
	wait_tx_done(5000);
	/* Replay: the slots after the producer are last lap's. */
	doorbell(CTX_TX_PROD, c.tx_prod + 30);
	msleep(200);
	/* Stale: a producer behind the consumer. */
	doorbell(CTX_TX_PROD, c.tx_prod - 10);
	msleep(200);
	/* And a legitimate frame still goes. */
	before = READ_ONCE(c.st[0]);
	if (send_frames(1, 60) != 1 || !wait_tx_done(2000)) {
		t.forbidden++;
		t.accepted++;
		detail("; a legitimate frame after the replay did not go "
		       "(tx_cons %u, prod %u)", READ_ONCE(c.st[0]),
		       c.tx_prod);
	} else {
		detail("; replay prod+30, stale prod-10 rung; a legitimate "
		       "frame then went (tx_cons %u -> %u)", before,
		       READ_ONCE(c.st[0]));
	}
}

static void a_other_doorbell(unsigned int phase)
{
	if (phase != 1)
		return;
	if (victim_ctx_page)
		try_map("the victim's BAR0 page", victim_ctx_page,
			PAGE_KERNEL_NOCACHE);
	if (dom0_ctx_page)
		try_map("dom0's BAR0 page", dom0_ctx_page,
			PAGE_KERNEL_NOCACHE);
	/* Its neighbours in BAR0, whoever holds them. */
	try_map("the next BAR0 page", c.ctx_page + PAGE_SIZE,
		PAGE_KERNEL_NOCACHE);
	if (bar2) {
		try_map("BAR2's hypervisor page", bar2 + CDNA_BAR2_HV,
			PAGE_KERNEL_NOCACHE);
		try_map("BAR2's hypervisor page read-only",
			bar2 + CDNA_BAR2_HV, PAGE_KERNEL_RO);
		try_map("BAR2's management page", bar2 + CDNA_BAR2_MGMT,
			PAGE_KERNEL_NOCACHE);
	}
}

static void a_store_ring(unsigned int phase)
{
	u32 before;

	if (phase != 1)
		return;
	try_map("its TX ring writable", c.tx_ring, PAGE_KERNEL);
	try_map("its RX ring writable", c.rx_ring, PAGE_KERNEL);
	try_map("its status page writable", c.status, PAGE_KERNEL);
	if (victim_tx_ring) {
		try_map("the victim's TX ring", victim_tx_ring, PAGE_KERNEL);
		try_map("the victim's TX ring read-only", victim_tx_ring,
			PAGE_KERNEL_RO);
	}
	/* Through its own read-only mappings: the MMU refuses the store. */
	before = READ_ONCE(*(const u32 *)c.rxr);
	try_store("into its RX ring", (void *)c.rxr, 0xdeadbeef);
	try_store("into its status page", (void *)c.st, 0xdeadbeef);
	if (READ_ONCE(*(const u32 *)c.rxr) != before) {
		t.accepted++;
		detail("; its RX ring CHANGED");
	}
}

static void a_after_revoke(unsigned int phase)
{
	struct cdna_op_query q = { .ctx = c.ctx };
	u32 in;

	if (phase == 1) {
		in = send_frames(8, 60);
		detail("; %u frames, %u RX buffers posted; dom0 revokes next",
		       in, post_rx(16));
		return;
	}
	if (phase != 2)
		return;
	try1("ENQUEUE after revoke", CDNA_RING_TX, maddr_of(txp[0]), 60,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNER);
	t.forbidden++;
	if (op(CDNA_OP_QUERY, &q)) {
		t.refused++;
		t.expected++;
		detail("; QUERY after revoke: refused");
	} else {
		t.accepted++;
		detail("; QUERY after revoke: ANSWERED");
	}
	/* Its old BAR0 page: a new mapping is refused ... */
	try_map("its BAR0 page again", c.ctx_page, PAGE_KERNEL_NOCACHE);
	/* ... the one it kept reaches the NIC (Xen cannot withdraw a PV
	 * mapping of I/O memory), where the context is no longer enabled. */
	doorbell(CTX_TX_PROD, c.tx_prod + 9);
	doorbell(CTX_RX_PROD, c.rx_prod + 9);
	detail("; doorbells through the kept mapping rung (the NIC must "
	       "refuse them: not enabled)");
}

/* Pages given back to Xen while the NIC may still write them. */
#define FREED 4
static void a_freed_in_flight(unsigned int phase)
{
	static u64 freed[FREED];
	xen_pfn_t frames[FREED];
	struct xen_memory_reservation r = { .extent_order = 0,
					    .domid = DOMID_SELF };
	unsigned int i, j, same = 0;
	long rc;

	if (phase != 1)
		return;
	detail("; %u RX buffers posted", post_rx(2 * NPAGES));
	/* Balloon out the first FREED RX pages: unmap them from the kernel,
	 * give the frames back (decrease_reservation).  The pages are leaked
	 * here on purpose: this domain never touches them again. */
	for (i = 0; i < FREED; i++) {
		struct page *pg = rxp[i];

		freed[i] = maddr_of(pg);
		frames[i] = freed[i] >> PAGE_SHIFT;
		xset_pte((unsigned long)page_address(pg), __pte_ma(0));
		rxp[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	}
	set_xen_guest_handle(r.extent_start, frames);
	r.nr_extents = FREED;
	rc = HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
	detail("; decrease_reservation of %u frames in flight: %ld", FREED,
	       rc);
	/* Ask for frames back: never one of those still referenced. */
	memset(frames, 0, sizeof(frames));
	r.nr_extents = FREED;
	rc = HYPERVISOR_memory_op(XENMEM_increase_reservation, &r);
	for (i = 0; i < (rc > 0 ? rc : 0); i++)
		for (j = 0; j < FREED; j++)
			if ((u64)frames[i] << PAGE_SHIFT == freed[j])
				same++;
	t.forbidden++;
	if (same) {
		t.accepted++;
		detail("; increase_reservation HANDED BACK %u referenced "
		       "frame(s)", same);
	} else {
		t.refused++;
		t.expected++;
		detail("; increase_reservation gave %ld other frame(s)", rc);
	}
	if (rc > 0) {
		r.nr_extents = rc;
		HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
	}
	/* It cannot name them any more. */
	try1("RX into a page given up", CDNA_RING_RX, freed[0], 2048, 0,
	     CDNA_HV_NOT_OWNED);
	try1("TX from a page given up", CDNA_RING_TX, freed[1], 60,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNED);
	/* dom0 now sends frames: they land in the pages given up (held by
	 * the hypervisor's references) and nowhere else. */
}

/* Threads: the flood and the doorbell storm. */
static struct task_struct *thr;
static unsigned int thr_secs;
static u64 thr_frames, thr_full, thr_rings;

static int flood_fn(void *unused)
{
	unsigned long end = jiffies + thr_secs * HZ;

	while (!kthread_should_stop() && time_before(jiffies, end)) {
		u32 room = CDNA_RING_SLOTS - (c.tx_prod - READ_ONCE(c.st[0]));
		struct cdna_op_enqueue e = { .ctx = c.ctx,
					     .ring = CDNA_RING_TX, .count = 1,
					     .bufs = (unsigned long)bufs };

		thr_frames += send_frames(room, 512);
		/* One past the ring: counted, not taken. */
		bufs[0] = (struct cdna_guest_buf){ .addr = maddr_of(txp[0]),
						   .len = 512,
						   .flags = CDNA_DESC_EOP };
		if (op(CDNA_OP_ENQUEUE, &e) && e.reason == CDNA_HV_RING_FULL)
			thr_full++;
		else if (e.done)
			c.tx_prod = e.prod;
		cond_resched();
	}
	while (!kthread_should_stop())
		msleep(10);
	return 0;
}

static int thr_irq_off;	/* the storm also masks the context's interrupt */
static int thr_sweep;	/* producers swept up from 0, not random */

static int storm_fn(void *unused)
{
	void __iomem *db = c.db;
	unsigned long end = jiffies + thr_secs * HZ;

	u32 g = 0;

	while (!kthread_should_stop() &&
	       (!thr_secs || time_before(jiffies, end))) {
		u32 v = get_random_u32();

		if (thr_sweep) {
			/*
			 * A fresh context counts from 0: a producer within a
			 * ring of the consumer is taken, also one that moves
			 * back (the NIC then forgets the buffers past it).
			 */
			writel(g, db + CTX_RX_PROD);
			writel(g, db + CTX_TX_PROD);
			g = (g + 64) & ((1u << 20) - 1);
		} else {
			writel(v, db + ((v & 1) ? CTX_RX_PROD : CTX_TX_PROD));
		}
		thr_rings++;
		if (thr_irq_off && !(thr_rings & 7))
			writel(0, db + CTX_IRQ_ENABLE);
		if (!(thr_rings & 63))
			usleep_range(200, 400);
	}
	while (!kthread_should_stop())
		msleep(10);
	return 0;
}

static void thr_stop(void)
{
	if (thr)
		kthread_stop(thr);
	thr = NULL;
}

static void a_flood(unsigned int phase, unsigned int secs)
{
	if (phase == 1) {
		thr_frames = thr_full = 0;
		thr_secs = secs ? secs : 8;
		thr = kthread_run(flood_fn, NULL, "cdna-flood");
		if (IS_ERR(thr)) {
			thr = NULL;
			detail("; no thread");
		}
		detail("; flooding for %u s", thr_secs);
		return;
	}
	thr_stop();
	t.forbidden += thr_full ? 1 : 0;
	t.refused += thr_full ? 1 : 0;
	t.expected += thr_full ? 1 : 0;
	detail("; %llu frames posted, %llu ENQUEUEs past a full ring refused",
	       thr_frames, thr_full);
}

static void a_storm(unsigned int phase)
{
	if (phase == 1) {
		detail("; %u frames, %u RX buffers posted", send_frames(200,
								       1000),
		       post_rx(64));
		thr_rings = 0;
		thr_secs = 0;
		thr_irq_off = 0;
		thr_sweep = 0;
		thr = kthread_run(storm_fn, NULL, "cdna-storm");
		if (IS_ERR(thr)) {
			thr = NULL;
			detail("; no thread");
		}
		detail("; doorbell storm started; dom0 revokes next");
		return;
	}
	thr_stop();
	detail("; %llu doorbells rung, during the revoke and after", thr_rings);
	/* And after the revoke: nothing it posts is taken. */
	try1("ENQUEUE after the revoke", CDNA_RING_TX, maddr_of(txp[0]), 60,
	     CDNA_DESC_EOP, CDNA_HV_NOT_OWNER);
}

/*
 * Not in the fast tier: a PV mapping of a BAR0 page survives the revoke
 * (Xen keeps no reverse map of I/O mappings), and the context goes to its
 * next owner.  Phase 1 maps the context's page (ctx_open) and keeps it;
 * dom0 then revokes it and gives the same context to the victim; phase 2
 * writes that context's producer indexes, swept up from 0 (a fresh
 * context's indexes start there, and the NIC takes any producer within a
 * ring of its consumer, also one that moves back), and masks its
 * interrupt, through the kept mapping for `secs` seconds while the
 * victim's traffic runs; phase 3 stops.  The store itself cannot be
 * refused (nothing between the guest's PTE and the NIC); what must hold
 * is the victim's memory, its references and its traffic.
 */
static void a_kept_mapping(unsigned int phase, unsigned int secs,
			   unsigned int handed)
{
	if (phase == 1) {
		detail("; BAR0 page of context %u mapped and kept; dom0 gives "
		       "the context to the victim next", c.ctx);
		return;
	}
	if (phase == 2) {
		thr_rings = 0;
		thr_secs = secs ? secs : 6;
		thr_irq_off = 1;
		thr_sweep = 1;
		thr = kthread_run(storm_fn, NULL, "cdna-kept");
		if (IS_ERR(thr)) {
			thr = NULL;
			detail("; no thread");
		}
		detail("; producers swept from 0 (RX and TX) and IRQ_ENABLE=0 "
		       "through the kept mapping of context %u for %u s",
		       c.ctx, thr_secs);
		return;
	}
	thr_stop();
	t.forbidden++;
	if (handed) {
		t.accepted++;
		detail("; %llu stores reached context %u of another domain "
		       "(its doorbells and interrupt enable)", thr_rings,
		       c.ctx);
		return;
	}
	/* dom0's handover of the context was refused (hcall.h, ASSIGN). */
	t.refused++;
	t.expected++;
	detail("; refused: context %u went to no other domain while this one "
	       "lives (%llu stores reached a context nobody owns)", c.ctx,
	       thr_rings);
}

/* ---- /proc/cdna-attack ------------------------------------------------------ */

static unsigned long arg_of(const char *s, const char *key)
{
	const char *p = strstr(s, key);
	unsigned long v = 0;
	char num[24];
	size_t i = 0;

	if (!p || p[strlen(key)] != '=')
		return 0;
	p += strlen(key) + 1;
	while (*p && *p != ' ' && *p != '\n' && i < sizeof(num) - 1)
		num[i++] = *p++;
	num[i] = 0;
	return kstrtoul(num, 0, &v) ? 0 : v;
}

static void run(const char *name, unsigned int phase, const char *args)
{
	memset(&t, 0, sizeof(t));
	if (phase == 1 && ctx_open())
		return;
	if (!c.valid) {
		out("ERR %s: no context open\n", name);
		return;
	}
	if (!strcmp(name, "foreign_page"))
		a_foreign_page(phase);
	else if (!strcmp(name, "dom0_page"))
		a_dom0_page(phase);
	else if (!strcmp(name, "hypervisor_page"))
		a_hypervisor_page(phase);
	else if (!strcmp(name, "read_only_page_as_rx_target"))
		a_read_only(phase);
	else if (!strcmp(name, "page_table_page_as_rx_target"))
		a_page_table(phase);
	else if (!strcmp(name, "granted_in_page_as_rx_target"))
		a_granted(phase, arg_of(args, "gref"));
	else if (!strcmp(name, "buffer_crossing_a_page"))
		a_crossing(phase);
	else if (!strcmp(name, "zero_and_over_mtu_lengths"))
		a_bad_lengths(phase);
	else if (!strcmp(name, "ring_overflow"))
		a_ring_overflow(phase);
	else if (!strcmp(name, "forged_producer_index"))
		a_forged_producer(phase);
	else if (!strcmp(name, "replayed_and_stale_descriptors"))
		a_stale(phase);
	else if (!strcmp(name, "doorbell_to_another_context"))
		a_other_doorbell(phase);
	else if (!strcmp(name, "store_to_a_ring"))
		a_store_ring(phase);
	else if (!strcmp(name, "context_used_after_revoke"))
		a_after_revoke(phase);
	else if (!strcmp(name, "page_freed_while_in_flight"))
		a_freed_in_flight(phase);
	else if (!strcmp(name, "flood_to_starve_others"))
		a_flood(phase, arg_of(args, "secs"));
	else if (!strcmp(name, "doorbell_storm_during_revoke"))
		a_storm(phase);
	else if (!strcmp(name, "kept_doorbell_mapping_after_reassign"))
		a_kept_mapping(phase, arg_of(args, "secs"),
			       arg_of(args, "handed"));
	else {
		out("ERR unknown attack %s\n", name);
		return;
	}
	flush_line(name, phase);
}

static ssize_t proc_write(struct file *f, const char __user *ubuf,
			  size_t len, loff_t *pos)
{
	char buf[256], name[64];
	unsigned int phase = 1;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%63s %u", name, &phase) < 1)
		return -EINVAL;
	mutex_lock(&lock);
	if (!strcmp(name, "close")) {
		thr_stop();
		ctx_close();
	} else {
		run(name, phase, buf);
	}
	mutex_unlock(&lock);
	return len;
}

static int proc_show(struct seq_file *m, void *v)
{
	mutex_lock(&lock);
	seq_write(m, logbuf, loglen);
	loglen = 0;
	mutex_unlock(&lock);
	return 0;
}

static int proc_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, proc_show, NULL, LOG_SIZE + PAGE_SIZE);
}

static const struct proc_ops attack_ops = {
	.proc_open = proc_open,
	.proc_read = seq_read,
	.proc_write = proc_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init attacker_init(void)
{
	unsigned int i;

	if (!xen_pv_domain())
		return -ENODEV;
	logbuf = vzalloc(LOG_SIZE);
	bufs = kcalloc(CDNA_ENQUEUE_MAX, sizeof(*bufs), GFP_KERNEL);
	if (!logbuf || !bufs)
		goto nomem;
	for (i = 0; i < NPAGES; i++) {
		txp[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		rxp[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!txp[i] || !rxp[i])
			goto nomem;
	}
	if (!proc_create("cdna-attack", 0600, NULL, &attack_ops))
		goto nomem;
	pr_info("cdna-attacker: ready: %d victim pages, %d dom0 pages\n",
		n_victim_pages, n_dom0_pages);
	return 0;
nomem:
	/* Pages are not freed: the hypervisor may hold references. */
	kfree(bufs);
	vfree(logbuf);
	return -ENOMEM;
}

/* A hostile module is never unloaded (its pages may be in flight). */
module_init(attacker_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cdna: a hostile PV guest's attacks on CDNA under Xen");
