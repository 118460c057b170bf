/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cdna.h - the CDNA NIC's Linux driver.  One net_device per owned context,
 * each with its own MAC, because the NIC demultiplexes received frames by
 * destination MAC (like SR-IOV virtual functions).  Three modes, chosen at
 * run time (README.md):
 *   native  no hypervisor: the host owns the NIC and does the hypervisor's
 *           part itself (BAR2 pages 0 and 1, the rings, sequence numbers);
 *   dom0    Xen with CDNA: the PCI device is dom0's, the hypervisor takes
 *           BAR2 page 1 (REGISTER_NIC) and gives dom0 a context (ASSIGN),
 *           which runs in PV mode;
 *   domU    a Xen PV guest given a context by dom0 (xenbus device "cdna",
 *           cdna_front.c), PV mode.
 * PV mode (cdna_pv.c): the guest posts buffers with the ENQUEUE hypercall
 * and reads rings and status through read-only mappings.
 */
#ifndef CDNA_H
#define CDNA_H

#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include "cdna_ring.h"

#define CDNA_DRV_NAME		"cdna"
#define CDNA_DRV_VERSION	"0.1.0"

/* How long the firmware gets to take an ENABLE or finish a REVOKE. */
#define CDNA_CTX_TIMEOUT_MS	2000
/* Link state is polled: the NIC raises no interrupt for it. */
#define CDNA_LINK_POLL_MS	1000
/* PV: how often the watchdog looks for work no event announced. */
#define CDNA_PV_WATCHDOG_MS	20
/* PV: how long stop waits for the NIC to send what was posted. */
#define CDNA_PV_TX_DRAIN_MS	1000

struct cdna_adapter;
struct xenbus_device;

/**
 * struct cdna_priv - one context as a net_device (netdev_priv)
 * @q: the data path (cdna_ring.c)
 * @ad: the NIC
 * @ctx: the context's number on the NIC
 * @seq_base: sequence number of index 0, new at every enable
 * @ring_dma: bus addresses of the TX ring, RX ring and status page
 * @reset_work: restarts the context after a TX timeout
 * @running: the context is enabled on the NIC (between open and stop);
 *	PV: the interface is up
 * @pv: PV mode: the hypervisor writes the rings (cdna_pv.c)
 * @hv: PV: the context as the hypervisor gave it (ASSIGN, or xenstore)
 * @irq: PV: the Linux irq of the context's event channel
 * @attached: PV: rings, context page and event channel are mapped and bound
 * @link_work: PV: link state poll (native mode polls per adapter)
 * @watchdog: PV: schedules NAPI for work no event announced, and the
 *	NIC reset work for status words no event announced
 * @nic_reset_work: PV: acts on the hypervisor's status words (a NIC reset
 *	under the context, hcall.h CDNA_OP_NIC_RESET), under RTNL
 * @nic_suspended: PV: the driver holds the context as suspended: nothing
 *	posted, NAPI off, link down, until the hypervisor restores it
 * @hv_resets: PV: the status page's hv_resets when last acted on
 * @hv_doubted: PV: a restore the hypervisor's QUERY did not confirm was
 *	already counted (hv_status_bad counts episodes, not retries)
 * @pv_flags: PV: CDNA_PV_* bits
 * @xdev: domU: the xenbus device
 */
struct cdna_priv {
	struct cdna_queue q;
	struct cdna_adapter *ad;
	struct net_device *ndev;
	unsigned int ctx;
	u32 seq_base;
	void *tx_ring;
	void *rx_ring;
	void *status;
	dma_addr_t tx_ring_dma;
	dma_addr_t rx_ring_dma;
	dma_addr_t status_dma;
	struct work_struct reset_work;
	bool running;

	bool pv;
	struct cdna_op_assign hv;
	int irq;
	char irq_name[16];
	bool attached;
	struct delayed_work link_work;
	struct timer_list watchdog;
	struct work_struct nic_reset_work;
	bool nic_suspended;
	u32 hv_resets;
	bool hv_doubted;
	unsigned long pv_flags;
	struct xenbus_device *xdev;
};

/* pv_flags: ENQUEUE said -EBUSY; TX stays stopped until the reset work
 * has looked at the status words.
 */
#define CDNA_PV_TX_HELD		0

/**
 * struct cdna_adapter - one NIC (PCI function)
 * @nr_ctx: contexts this driver owns, 0..nr_ctx-1
 * @intvec: the interrupt vector ring the NIC appends context masks to
 * @int_cons: entries of @intvec consumed
 * @owned: mask of the contexts this driver owns
 * @ndev: the net_device of each owned context
 * @mgmt: BAR2 page 0, @hv: page 1 (native mode only: under Xen the
 *	hypervisor's), @stats: page 2
 * @xen: dom0 mode: the NIC is registered with the hypervisor
 */
struct cdna_adapter {
	struct pci_dev *pdev;
	void __iomem *bar0;
	void __iomem *bar2;
	void __iomem *mgmt;
	void __iomem *hv;
	void __iomem *stats;
	bool xen;
	unsigned int hw_ctx;
	unsigned int nr_ctx;
	u32 fw_version;
	u8 mac[ETH_ALEN];

	struct cdna_intvec *intvec;
	dma_addr_t intvec_dma;
	u32 int_cons;
	u32 owned;
	int irq;

	struct delayed_work link_work;
	struct net_device *ndev[CDNA_NUM_CTX];
};

static inline u32 cdna_mgmt_rd(struct cdna_adapter *ad, u32 off)
{
	return readl(ad->mgmt + off);
}

static inline void cdna_mgmt_wr(struct cdna_adapter *ad, u32 off, u32 val)
{
	writel(val, ad->mgmt + off);
}

static inline u32 cdna_hv_rd(struct cdna_adapter *ad, u32 off)
{
	return readl(ad->hv + off);
}

static inline void cdna_hv_wr(struct cdna_adapter *ad, u32 off, u32 val)
{
	writel(val, ad->hv + off);
}

static inline void __iomem *cdna_ctx_regs(struct cdna_adapter *ad,
					  unsigned int ctx)
{
	return ad->bar0 + CDNA_BAR0_CTX(ctx);
}

/* cdna_netdev.c */
int cdna_netdev_create(struct cdna_adapter *ad, unsigned int ctx);
void cdna_netdev_destroy(struct cdna_adapter *ad, unsigned int ctx);
void cdna_netdev_link_update(struct net_device *ndev);
void cdna_netdev_setup(struct net_device *ndev);
netdev_tx_t cdna_start_xmit(struct sk_buff *skb, struct net_device *ndev);
void cdna_get_stats64(struct net_device *ndev, struct rtnl_link_stats64 *st);

/* cdna_pv.c */
struct net_device *cdna_pv_create(struct device *parent,
				  struct cdna_adapter *ad,
				  const struct cdna_op_assign *hv);
void cdna_pv_detach(struct net_device *ndev);
void cdna_pv_destroy(struct net_device *ndev, bool revoked);
bool cdna_pv_revoked(struct net_device *ndev);

/* cdna_front.c */
int cdna_front_register(void);
void cdna_front_unregister(void);

/* cdna_ethtool.c */
void cdna_set_ethtool_ops(struct net_device *ndev);

#endif /* CDNA_H */
