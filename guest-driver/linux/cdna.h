/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cdna.h - the CDNA NIC's Linux driver, native mode: the host owns the NIC
 * (no hypervisor) and does the hypervisor's part itself: it writes the
 * management and hypervisor registers (BAR2 pages 0 and 1), the rings and
 * their sequence numbers.  One net_device per owned context, each with its
 * own MAC, because the NIC demultiplexes received frames by destination
 * MAC (like SR-IOV virtual functions).
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

struct cdna_adapter;

/**
 * struct cdna_priv - one context as a net_device (netdev_priv)
 * @q: the data path (cdna_ring.c)
 * @ad: the NIC
 * @ctx: the context's number on the NIC
 * @seq_base: sequence number of index 0, new at every enable
 * @ring_dma: bus addresses of the TX ring, RX ring and status page
 * @reset_work: restarts the context after a TX timeout
 * @running: the context is enabled on the NIC (between open and stop)
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
};

/**
 * struct cdna_adapter - one NIC (PCI function)
 * @nr_ctx: contexts this driver owns, 0..nr_ctx-1
 * @intvec: the interrupt vector ring the NIC appends context masks to
 * @int_cons: entries of @intvec consumed
 * @owned: mask of the contexts this driver owns
 * @ndev: the net_device of each owned context
 */
struct cdna_adapter {
	struct pci_dev *pdev;
	void __iomem *bar0;
	void __iomem *bar2;
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
	return readl(ad->bar2 + CDNA_BAR2_MGMT + off);
}

static inline void cdna_mgmt_wr(struct cdna_adapter *ad, u32 off, u32 val)
{
	writel(val, ad->bar2 + CDNA_BAR2_MGMT + off);
}

static inline u32 cdna_hv_rd(struct cdna_adapter *ad, u32 off)
{
	return readl(ad->bar2 + CDNA_BAR2_HV + off);
}

static inline void cdna_hv_wr(struct cdna_adapter *ad, u32 off, u32 val)
{
	writel(val, ad->bar2 + CDNA_BAR2_HV + off);
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

/* cdna_ethtool.c */
void cdna_set_ethtool_ops(struct net_device *ndev);

#endif /* CDNA_H */
