// SPDX-License-Identifier: GPL-2.0
/*
 * cdna-victim - secret pages with known contents, for the DMA-protection
 * suite's system tier (tests/protection/attacker/README.md).  Loaded in
 * the victim domU and in dom0: it allocates `pages` pages, fills each with
 * a pattern derived from its index and `tag`, and publishes their machine
 * addresses.  /proc/cdna-victim says, per page, its machine address and
 * how many of its bytes differ from the pattern now:
 *   page I maddr 0x... changed N
 *   total changed N
 *   grant ref R page I domid D          (while a grant is open)
 * Write "grant DOMID I" to grant page I to domain DOMID (read-write, as a
 * netfront grants a buffer), "ungrant" to end it.  The pages are never
 * freed: an attack that got through might still have the NIC write them.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <asm/xen/page.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>

#define MAX_PAGES 8

static unsigned int pages = 4;
module_param(pages, uint, 0444);
static unsigned int tag;
module_param(tag, uint, 0444);

static struct page *pg[MAX_PAGES];
static DEFINE_MUTEX(lock);
static int gref = -1;
static unsigned int gpage, gdom;

static u8 pattern(unsigned int page, unsigned int off)
{
	u32 x = (tag * 0x9e3779b9u) ^ (page * 4096u + off) * 2654435761u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return (u8)(x >> 24);
}

static unsigned int changed(unsigned int i)
{
	const u8 *p = page_address(pg[i]);
	unsigned int off, n = 0;

	for (off = 0; off < PAGE_SIZE; off++)
		n += p[off] != pattern(i, off);
	return n;
}

static int show(struct seq_file *m, void *v)
{
	unsigned int i, total = 0, n;

	mutex_lock(&lock);
	for (i = 0; i < pages; i++) {
		n = changed(i);
		total += n;
		seq_printf(m, "page %u maddr %#llx changed %u\n", i,
			   (u64)pfn_to_mfn(page_to_pfn(pg[i])) << PAGE_SHIFT,
			   n);
	}
	seq_printf(m, "total changed %u\n", total);
	if (gref >= 0)
		seq_printf(m, "grant ref %d page %u domid %u\n", gref, gpage,
			   gdom);
	mutex_unlock(&lock);
	return 0;
}

static void ungrant(void)
{
	if (gref < 0)
		return;
	if (gnttab_end_foreign_access_ref(gref))
		gnttab_free_grant_reference(gref);
	/* else: still mapped by the other side; the reference is leaked,
	 * never reused while mapped. */
	gref = -1;
}

static ssize_t write(struct file *f, const char __user *ubuf, size_t len,
		     loff_t *pos)
{
	char buf[64];
	unsigned int dom, i;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	mutex_lock(&lock);
	if (sscanf(buf, "grant %u %u", &dom, &i) == 2 && i < pages) {
		ungrant();
		gref = gnttab_grant_foreign_access(dom,
					xen_page_to_gfn(pg[i]), 0);
		gpage = i;
		gdom = dom;
		if (gref < 0)
			pr_warn("cdna-victim: grant failed: %d\n", gref);
	} else if (!strncmp(buf, "ungrant", 7)) {
		ungrant();
	} else {
		len = -EINVAL;
	}
	mutex_unlock(&lock);
	return len;
}

static int open(struct inode *inode, struct file *file)
{
	return single_open(file, show, NULL);
}

static const struct proc_ops ops = {
	.proc_open = open,
	.proc_read = seq_read,
	.proc_write = write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init victim_init(void)
{
	unsigned int i, off;

	if (!xen_pv_domain() || !pages || pages > MAX_PAGES)
		return -EINVAL;
	for (i = 0; i < pages; i++) {
		u8 *p;

		pg[i] = alloc_page(GFP_KERNEL);
		if (!pg[i])
			return -ENOMEM;
		p = page_address(pg[i]);
		for (off = 0; off < PAGE_SIZE; off++)
			p[off] = pattern(i, off);
	}
	if (!proc_create("cdna-victim", 0600, NULL, &ops))
		return -ENOMEM;
	pr_info("cdna-victim: %u secret pages\n", pages);
	return 0;
}

module_init(victim_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cdna: secret pages an attacker must not reach");
