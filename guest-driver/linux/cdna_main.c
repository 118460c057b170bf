// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_main.c - PCI side of the CDNA NIC driver: BARs, firmware checks,
 * probe and remove; in native mode also the interrupt vector and MSI.
 *
 * Under Xen (dom0) the driver first offers the NIC to the hypervisor
 * (REGISTER_NIC): a Xen with CDNA takes BAR2 page 1 and the interrupt,
 * and dom0 gets a context like any guest (ASSIGN), run in PV mode
 * (cdna_pv.c).  A Xen without CDNA answers -ENOSYS and dom0 drives the NIC
 * in native mode.  The module also registers the domU frontend
 * (cdna_front.c).
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include <asm/unaligned.h>
#include <xen/xen.h>

#include "cdna.h"
#include "cdna_xen.h"

static unsigned int contexts = 1;
module_param(contexts, uint, 0444);
MODULE_PARM_DESC(contexts,
		 "contexts (net devices) to own, from context 0 (default 1)");

static unsigned int int_mod_us = 20;
module_param(int_mod_us, uint, 0444);
MODULE_PARM_DESC(int_mod_us,
		 "least microseconds between two NIC interrupts, in native mode and (dom0, REGISTER_NIC) for Xen (default 20)");

static bool dom0_context = true;
module_param(dom0_context, bool, 0444);
MODULE_PARM_DESC(dom0_context,
		 "dom0 under Xen with CDNA: take a context for dom0 (the bridge's uplink); 0 leaves every context to the guests (default 1)");

static bool dom0_native;
module_param(dom0_native, bool, 0444);
MODULE_PARM_DESC(dom0_native,
		 "dom0 under Xen with CDNA: do not register the NIC with Xen, drive it in native mode like any NIC (the netfront/netback baseline's uplink; no context for guests) (default 0)");

static const char * const cdna_fw_state_names[] = {
	[CDNA_FW_STATE_RESET] = "RESET",
	[CDNA_FW_STATE_BOOTING] = "BOOTING",
	[CDNA_FW_STATE_RUNNING] = "RUNNING",
	[CDNA_FW_STATE_NO_FW] = "NO_FW",
	[CDNA_FW_STATE_FAULT] = "FAULT",
};

static const char * const cdna_image_error_names[] = {
	[CDNA_IMAGE_OK] = "ok",
	[CDNA_IMAGE_EMPTY] = "empty",
	[CDNA_IMAGE_TRUNCATED_HEADER] = "truncated header",
	[CDNA_IMAGE_BAD_MAGIC] = "bad magic",
	[CDNA_IMAGE_BAD_HEADER_CRC] = "bad header CRC",
	[CDNA_IMAGE_BAD_FORMAT] = "bad format",
	[CDNA_IMAGE_WRONG_HW] = "wrong hardware",
	[CDNA_IMAGE_BAD_SIZE] = "bad size",
	[CDNA_IMAGE_TRUNCATED] = "truncated",
	[CDNA_IMAGE_TRAILING] = "trailing bytes",
	[CDNA_IMAGE_BAD_PAYLOAD_CRC] = "bad payload CRC",
	[CDNA_IMAGE_BAD_LAYOUT] = "bad layout",
};

static const char *cdna_fw_state_name(u32 state)
{
	if (state < ARRAY_SIZE(cdna_fw_state_names))
		return cdna_fw_state_names[state];
	return "unknown";
}

static const char *cdna_image_error_name(u32 err)
{
	if (err < ARRAY_SIZE(cdna_image_error_names))
		return cdna_image_error_names[err];
	return "unknown";
}

/*
 * The interrupt: the NIC appended context masks to the vector, then raised
 * MSI (or INTx, held while prod != HV_INT_CONS).  Consume every entry up
 * to prod, hand the consumer index back, then schedule NAPI for each
 * context named.  prod is the device's word: a value more than a ring ahead
 * is nonsense, and the safe reading of it is "every context may have news".
 */
static irqreturn_t cdna_isr(int irq, void *data)
{
	struct cdna_adapter *ad = data;
	u32 prod = le32_to_cpu(READ_ONCE(ad->intvec->prod));
	u32 cons = ad->int_cons;
	unsigned long mask = 0;
	unsigned int c;

	/* Nothing new: with INTx the line may be another device's.  An MSI
	 * is this NIC's alone; one that finds nothing was covered by an
	 * earlier run of this handler, and must not count as unhandled.
	 */
	if (prod == cons)
		return ad->pdev->msi_enabled ? IRQ_HANDLED : IRQ_NONE;

	if (unlikely(prod - cons > CDNA_INTVEC_SLOTS)) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "interrupt vector prod %u, cons %u: out of range\n",
				     prod, cons);
		mask = ad->owned;
	} else {
		/* Entries are written before prod. */
		dma_rmb();
		for (; cons != prod; cons++)
			mask |= le32_to_cpu(READ_ONCE(ad->intvec->mask[cons % CDNA_INTVEC_SLOTS]));
	}
	ad->int_cons = prod;
	cdna_hv_wr(ad, HV_INT_CONS, prod);

	mask &= ad->owned;
	for_each_set_bit(c, &mask, CDNA_NUM_CTX) {
		struct net_device *ndev = READ_ONCE(ad->ndev[c]);

		if (ndev)
			cdna_queue_irq(&((struct cdna_priv *)netdev_priv(ndev))->q);
	}
	return IRQ_HANDLED;
}

static void cdna_link_work(struct work_struct *work)
{
	struct cdna_adapter *ad = container_of(to_delayed_work(work),
					       struct cdna_adapter, link_work);
	unsigned int c;

	/* Under RTNL: open and stop also change the carrier. */
	rtnl_lock();
	for (c = 0; c < ad->nr_ctx; c++)
		if (ad->ndev[c])
			cdna_netdev_link_update(ad->ndev[c]);
	rtnl_unlock();
	schedule_delayed_work(&ad->link_work,
			      msecs_to_jiffies(CDNA_LINK_POLL_MS));
}

/*
 * The firmware must run before anything else is touched.  RESET and
 * BOOTING are transient (the boot ROM is at work): give them a moment.
 */
static int cdna_check_firmware(struct cdna_adapter *ad)
{
	struct device *dev = &ad->pdev->dev;
	unsigned long deadline = jiffies + msecs_to_jiffies(CDNA_CTX_TIMEOUT_MS);
	u32 id, state, boot_err;

	id = cdna_mgmt_rd(ad, MGMT_ID);
	if (id != CDNA_HW_ID) {
		dev_err(dev, "MGMT_ID is %#010x, this driver knows %#010x\n",
			id, CDNA_HW_ID);
		return -ENODEV;
	}
	for (;;) {
		state = cdna_mgmt_rd(ad, MGMT_FW_STATE);
		if ((state != CDNA_FW_STATE_RESET &&
		     state != CDNA_FW_STATE_BOOTING) ||
		    time_after(jiffies, deadline))
			break;
		msleep(20);
	}
	if (state == CDNA_FW_STATE_RUNNING)
		return 0;

	boot_err = cdna_mgmt_rd(ad, MGMT_BOOT_ERROR);
	dev_err(dev,
		"firmware not running: MGMT_FW_STATE %u (%s), MGMT_BOOT_ERROR %#010x (bank 0: %s, bank 1: %s), fault cause %u pc %#x\n",
		state, cdna_fw_state_name(state), boot_err,
		cdna_image_error_name(boot_err & 0xff),
		cdna_image_error_name((boot_err >> 8) & 0xff),
		cdna_mgmt_rd(ad, MGMT_FAULT_CAUSE),
		cdna_mgmt_rd(ad, MGMT_FAULT_PC));
	return -ENODEV;
}

/* The NIC's MAC; context c gets it with c added to the last byte. */
static void cdna_read_mac(struct cdna_adapter *ad)
{
	u32 lo = cdna_mgmt_rd(ad, MGMT_MAC_LO);
	u32 hi = cdna_mgmt_rd(ad, MGMT_MAC_HI);

	ad->mac[0] = lo & 0xff;
	ad->mac[1] = (lo >> 8) & 0xff;
	ad->mac[2] = (lo >> 16) & 0xff;
	ad->mac[3] = (lo >> 24) & 0xff;
	ad->mac[4] = hi & 0xff;
	ad->mac[5] = (hi >> 8) & 0xff;
	if (!is_valid_ether_addr(ad->mac)) {
		dev_warn(&ad->pdev->dev,
			 "NIC MAC %pM is not a unicast address, using a random one\n",
			 ad->mac);
		eth_random_addr(ad->mac);
		/* Room for every context without carrying into byte 4. */
		ad->mac[5] &= 0xe0;
	}
}

static int cdna_setup_intvec(struct cdna_adapter *ad)
{
	ad->intvec = dma_alloc_coherent(&ad->pdev->dev, sizeof(*ad->intvec),
					&ad->intvec_dma, GFP_KERNEL);
	if (!ad->intvec)
		return -ENOMEM;
	ad->int_cons = 0;
	cdna_hv_wr(ad, HV_INT_MOD_US, int_mod_us);
	/* LO first: writing HI takes the address and zeroes prod and cons. */
	cdna_hv_wr(ad, HV_INTVEC_LO, lower_32_bits(ad->intvec_dma));
	cdna_hv_wr(ad, HV_INTVEC_HI, upper_32_bits(ad->intvec_dma));
	return 0;
}

static void cdna_free_intvec(struct cdna_adapter *ad)
{
	/* No vector address: the NIC keeps bits pending, writes nothing. */
	cdna_hv_wr(ad, HV_INTVEC_LO, 0);
	cdna_hv_wr(ad, HV_INTVEC_HI, 0);
	dma_free_coherent(&ad->pdev->dev, sizeof(*ad->intvec), ad->intvec,
			  ad->intvec_dma);
	ad->intvec = NULL;
}

/* ---- dom0 under Xen with CDNA ----------------------------------------- */

/*
 * Tell the hypervisor where the NIC is, before BAR2 is mapped.  0 when it
 * has it (now or from an earlier load), -CDNA_ENOSYS from a Xen without
 * CDNA.
 * In a PV dom0 the BAR addresses are machine addresses.
 */
static int cdna_xen_register(struct cdna_adapter *ad)
{
	struct pci_dev *pdev = ad->pdev;
	struct cdna_op_register_nic op = {
		.bar0 = pci_resource_start(pdev, 0),
		.bar2 = pci_resource_start(pdev, 2),
		.sbdf = pci_domain_nr(pdev->bus) << 16 |
			pdev->bus->number << 8 | pdev->devfn,
		.irq = 0,	/* Xen enables the MSI itself */
		/* Coalescing as in native mode: Xen programs it. */
		.int_mod_us = min_t(unsigned int, int_mod_us, CDNA_INT_MOD_US_MAX),
	};
	long rc = cdna_hcall(CDNA_OP_REGISTER_NIC, &op);

	if (rc == -EBUSY) {
		dev_info(&pdev->dev, "NIC already registered with the hypervisor\n");
		return 0;
	}
	if (!rc)
		dev_info(&pdev->dev, "NIC registered with the hypervisor: %u contexts\n",
			 op.num_ctx);
	return rc;
}

static long cdna_xen_revoke(struct cdna_adapter *ad, unsigned int ctx)
{
	struct cdna_op_revoke op = { .ctx = ctx };
	long rc = cdna_hcall(CDNA_OP_REVOKE, &op);

	if (rc)
		dev_err(&ad->pdev->dev, "REVOKE of context %u: %ld\n", ctx, rc);
	else
		dev_info(&ad->pdev->dev, "context %u revoked: %u page references returned, NIC stopped in %u us\n",
			 ctx, op.refs_returned, op.drain_us);
	return rc;
}

/*
 * dom0's context: the bridge's uplink for netback, so promiscuous and
 * allowed any source MAC (only dom0 may ask for those), with the NIC's own
 * MAC.  -EBUSY: a context already answers to that MAC, left by an earlier
 * instance of this driver that did not revoke it: revoke it, try again.
 */
static int cdna_xen_assign(struct cdna_adapter *ad, struct cdna_op_assign *op)
{
	unsigned int c;
	long rc;

	memset(op, 0, sizeof(*op));
	op->ctx = CDNA_CTX_ANY;
	op->domid = 0;
	ether_addr_copy(op->mac, ad->mac);
	op->flags = CDNA_CTXF_PROMISC | CDNA_CTXF_ANY_SRC | CDNA_CTXF_BCAST |
		    CDNA_CTXF_MCAST;
	rc = cdna_hcall(CDNA_OP_ASSIGN, op);
	if (rc != -EBUSY)
		return rc;
	for (c = 0; c < ad->hw_ctx; c++) {
		u32 lo = cdna_mgmt_rd(ad, MGMT_CTX(c) + MGMT_CTX_MAC_LO);
		u32 hi = cdna_mgmt_rd(ad, MGMT_CTX(c) + MGMT_CTX_MAC_HI);

		if (lo == get_unaligned_le32(ad->mac) &&
		    (hi & 0xffff) == get_unaligned_le16(ad->mac + 4)) {
			dev_warn(&ad->pdev->dev, "context %u still has our MAC: revoking it\n",
				 c);
			if (cdna_xen_revoke(ad, c))
				return -EBUSY;
			op->ctx = CDNA_CTX_ANY;
			return cdna_hcall(CDNA_OP_ASSIGN, op);
		}
	}
	return rc;
}

/*
 * dom0 mode: the hypervisor has the NIC.  Map BAR2 pages 0 (management)
 * and 2 (counters) only, never page 1; no interrupt (Xen takes the MSI and
 * signals the context's event channel).
 */
static int cdna_probe_xen(struct cdna_adapter *ad)
{
	struct pci_dev *pdev = ad->pdev;
	struct device *dev = &pdev->dev;
	struct cdna_op_assign hv;
	struct net_device *ndev;
	long rc;
	int err;

	ad->mgmt = pci_iomap_range(pdev, 2, CDNA_BAR2_MGMT, CDNA_PAGE_SIZE);
	ad->stats = pci_iomap_range(pdev, 2, CDNA_BAR2_STATS, CDNA_PAGE_SIZE);
	err = -ENOMEM;
	if (!ad->mgmt || !ad->stats)
		goto err_unmap;
	err = cdna_check_firmware(ad);
	if (err)
		goto err_unmap;
	ad->hw_ctx = min_t(u32, cdna_mgmt_rd(ad, MGMT_NUM_CTX), CDNA_NUM_CTX);
	ad->fw_version = cdna_mgmt_rd(ad, MGMT_FW_VERSION);
	cdna_read_mac(ad);
	pci_set_master(pdev);

	if (!dom0_context) {
		dev_info(dev,
			 "CDNA NIC under Xen, firmware %u.%u.%u, %u contexts, all for the guests (dom0_context=0)\n",
			 CDNA_FW_VERSION_MAJOR(ad->fw_version),
			 CDNA_FW_VERSION_MINOR(ad->fw_version),
			 CDNA_FW_VERSION_PATCH(ad->fw_version), ad->hw_ctx);
		return 0;
	}
	rc = cdna_xen_assign(ad, &hv);
	if (rc) {
		dev_err(dev, "ASSIGN of dom0's context: %ld\n", rc);
		err = rc;
		goto err_unmap;
	}
	ndev = cdna_pv_create(dev, ad, &hv);
	if (IS_ERR(ndev)) {
		err = PTR_ERR(ndev);
		cdna_xen_revoke(ad, hv.ctx);
		goto err_unmap;
	}
	ad->ndev[hv.ctx] = ndev;
	ad->owned = BIT(hv.ctx);
	dev_info(dev,
		 "CDNA NIC under Xen, firmware %u.%u.%u, %u contexts, dom0 has context %u (PV), MAC %pM\n",
		 CDNA_FW_VERSION_MAJOR(ad->fw_version),
		 CDNA_FW_VERSION_MINOR(ad->fw_version),
		 CDNA_FW_VERSION_PATCH(ad->fw_version), ad->hw_ctx, hv.ctx,
		 ad->mac);
	return 0;

err_unmap:
	if (ad->stats)
		pci_iounmap(pdev, ad->stats);
	if (ad->mgmt)
		pci_iounmap(pdev, ad->mgmt);
	return err;
}

/*
 * The hypervisor keeps the NIC (other domains' contexts run on it): the
 * device stays enabled and bus master; only dom0's context goes.
 */
static void cdna_remove_xen(struct cdna_adapter *ad)
{
	unsigned long owned = ad->owned;
	unsigned int c;

	for_each_set_bit(c, &owned, CDNA_NUM_CTX) {
		struct net_device *ndev = ad->ndev[c];

		cdna_pv_detach(ndev);
		cdna_pv_destroy(ndev, !cdna_xen_revoke(ad, c));
		ad->ndev[c] = NULL;
	}
	ad->owned = 0;
	pci_iounmap(ad->pdev, ad->stats);
	pci_iounmap(ad->pdev, ad->mgmt);
	pci_release_region(ad->pdev, 0);
}

/* ---- probe and remove ------------------------------------------------ */

static int cdna_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct cdna_adapter *ad;
	unsigned int c;
	int err;

	ad = devm_kzalloc(dev, sizeof(*ad), GFP_KERNEL);
	if (!ad)
		return -ENOMEM;
	ad->pdev = pdev;
	pci_set_drvdata(pdev, ad);
	INIT_DELAYED_WORK(&ad->link_work, cdna_link_work);

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	err = pci_request_regions(pdev, CDNA_DRV_NAME);
	if (err)
		goto err_disable;
	if (pci_resource_len(pdev, 0) < CDNA_BAR0_CTX(1) ||
	    pci_resource_len(pdev, 2) < CDNA_BAR2_SIZE) {
		dev_err(dev, "BAR0 (%llu bytes) or BAR2 (%llu bytes) too small\n",
			(u64)pci_resource_len(pdev, 0),
			(u64)pci_resource_len(pdev, 2));
		err = -ENODEV;
		goto err_release;
	}

	if (xen_initial_domain() && dom0_native) {
		/* What Xen's software path looks like on a conventional NIC:
		 * dom0 owns the device and every descriptor it posts goes
		 * straight to the NIC, no hypercall.
		 */
		dev_info(dev, "dom0_native=1: native mode, the NIC is not registered with Xen\n");
	} else if (xen_initial_domain()) {
		err = cdna_xen_register(ad);
		if (!err) {
			ad->xen = true;
			/* BAR2 pages 0 and 2 are shared with dom0's cdnactl,
			 * which maps them through sysfs: a kernel with
			 * CONFIG_IO_STRICT_DEVMEM refuses that while a driver
			 * holds the region.  BAR0 stays claimed.
			 */
			pci_release_region(pdev, 2);
			err = cdna_probe_xen(ad);
			if (err) {
				/* Enabled and bus master it stays: the
				 * hypervisor has it now.
				 */
				pci_release_region(pdev, 0);
				return err;
			}
			return 0;
		}
		if (err != -CDNA_ENOSYS) {
			dev_err(dev, "REGISTER_NIC: %d\n", err);
			goto err_release;
		}
		dev_warn(dev, "Xen without CDNA (REGISTER_NIC: -ENOSYS): native mode, dom0 drives the NIC itself\n");
	}

	ad->bar0 = pci_iomap(pdev, 0, 0);
	ad->bar2 = pci_iomap(pdev, 2, 0);
	if (!ad->bar0 || !ad->bar2) {
		err = -ENOMEM;
		goto err_unmap;
	}
	ad->mgmt = ad->bar2 + CDNA_BAR2_MGMT;
	ad->hv = ad->bar2 + CDNA_BAR2_HV;
	ad->stats = ad->bar2 + CDNA_BAR2_STATS;

	err = cdna_check_firmware(ad);
	if (err)
		goto err_unmap;

	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (err)
		err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	if (err) {
		dev_err(dev, "no usable DMA mask\n");
		goto err_unmap;
	}
	pci_set_master(pdev);

	ad->hw_ctx = cdna_mgmt_rd(ad, MGMT_NUM_CTX);
	if (ad->hw_ctx == 0 || ad->hw_ctx > CDNA_NUM_CTX ||
	    pci_resource_len(pdev, 0) < CDNA_BAR0_CTX(ad->hw_ctx)) {
		dev_err(dev, "MGMT_NUM_CTX %u does not fit BAR0 (%llu bytes)\n",
			ad->hw_ctx, (u64)pci_resource_len(pdev, 0));
		err = -ENODEV;
		goto err_master;
	}
	ad->nr_ctx = clamp(contexts, 1u, ad->hw_ctx);
	if (ad->nr_ctx != contexts)
		dev_warn(dev, "contexts=%u, the NIC has %u: using %u\n",
			 contexts, ad->hw_ctx, ad->nr_ctx);
	ad->fw_version = cdna_mgmt_rd(ad, MGMT_FW_VERSION);
	cdna_read_mac(ad);

	err = cdna_setup_intvec(ad);
	if (err)
		goto err_master;

	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (err < 0)
		goto err_intvec;
	ad->irq = pci_irq_vector(pdev, 0);
	err = request_irq(ad->irq, cdna_isr,
			  pdev->msi_enabled ? 0 : IRQF_SHARED,
			  CDNA_DRV_NAME, ad);
	if (err)
		goto err_vectors;

	for (c = 0; c < ad->nr_ctx; c++) {
		err = cdna_netdev_create(ad, c);
		if (err)
			goto err_netdevs;
	}
	schedule_delayed_work(&ad->link_work,
			      msecs_to_jiffies(CDNA_LINK_POLL_MS));

	dev_info(dev,
		 "CDNA NIC, firmware %u.%u.%u, %u contexts (owning %u), MAC %pM, %s\n",
		 CDNA_FW_VERSION_MAJOR(ad->fw_version),
		 CDNA_FW_VERSION_MINOR(ad->fw_version),
		 CDNA_FW_VERSION_PATCH(ad->fw_version),
		 ad->hw_ctx, ad->nr_ctx, ad->mac,
		 pdev->msi_enabled ? "MSI" : "INTx");
	return 0;

err_netdevs:
	while (c--)
		cdna_netdev_destroy(ad, c);
	free_irq(ad->irq, ad);
err_vectors:
	pci_free_irq_vectors(pdev);
err_intvec:
	cdna_free_intvec(ad);
err_master:
	pci_clear_master(pdev);
err_unmap:
	if (ad->bar2)
		pci_iounmap(pdev, ad->bar2);
	if (ad->bar0)
		pci_iounmap(pdev, ad->bar0);
err_release:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void cdna_remove(struct pci_dev *pdev)
{
	struct cdna_adapter *ad = pci_get_drvdata(pdev);
	unsigned int c;

	if (ad->xen) {
		cdna_remove_xen(ad);
		return;
	}
	cancel_delayed_work_sync(&ad->link_work);
	/* Each context is revoked and drained before its memory goes. */
	for (c = ad->nr_ctx; c--; )
		cdna_netdev_destroy(ad, c);
	free_irq(ad->irq, ad);
	pci_free_irq_vectors(pdev);
	cdna_free_intvec(ad);
	pci_clear_master(pdev);
	pci_iounmap(pdev, ad->bar2);
	pci_iounmap(pdev, ad->bar0);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

/*
 * Reboot, kexec, power-off: the NIC must stop writing into memory the next
 * kernel will own.  Closing each net device revokes its context and waits
 * for STOPPED; then the vector address goes and bus mastering with it.
 */
static void cdna_shutdown(struct pci_dev *pdev)
{
	struct cdna_adapter *ad = pci_get_drvdata(pdev);
	unsigned int c, closed = 0;

	cancel_delayed_work_sync(&ad->link_work);
	rtnl_lock();
	for (c = 0; c < CDNA_NUM_CTX; c++) {
		if (!ad->ndev[c])
			continue;
		netif_device_detach(ad->ndev[c]);
		if (netif_running(ad->ndev[c])) {
			dev_close(ad->ndev[c]);
			closed++;
		}
	}
	rtnl_unlock();
	/* Under Xen the hypervisor owns the vector and bus mastering. */
	if (ad->xen)
		return;
	cdna_hv_wr(ad, HV_INTVEC_LO, 0);
	cdna_hv_wr(ad, HV_INTVEC_HI, 0);
	pci_clear_master(pdev);
	dev_info(&pdev->dev, "shutdown: %u running contexts revoked\n", closed);
}

static const struct pci_device_id cdna_pci_tbl[] = {
	{ PCI_DEVICE(CDNA_PCI_VENDOR_ID, CDNA_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, cdna_pci_tbl);

static struct pci_driver cdna_pci_driver = {
	.name = CDNA_DRV_NAME,
	.id_table = cdna_pci_tbl,
	.probe = cdna_probe,
	.remove = cdna_remove,
	.shutdown = cdna_shutdown,
};

static int __init cdna_init(void)
{
	int err = pci_register_driver(&cdna_pci_driver);

	if (err)
		return err;
	err = cdna_front_register();
	if (err)
		pci_unregister_driver(&cdna_pci_driver);
	return err;
}
module_init(cdna_init);

static void __exit cdna_exit(void)
{
	cdna_front_unregister();
	pci_unregister_driver(&cdna_pci_driver);
}
module_exit(cdna_exit);

MODULE_DESCRIPTION("CDNA concurrent direct network access NIC (native, dom0 and PV domU modes)");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION(CDNA_DRV_VERSION);
