// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_ethtool.c - ethtool -i (driver and firmware versions) and ethtool -S
 * (the driver's counters, then the NIC's per-context counters from BAR2
 * page 2) for one context.  A domU has no BAR2: no firmware version and no
 * nic_* counters there.
 */
#include <linux/ethtool.h>
#include <linux/pci.h>

#include "cdna.h"

struct cdna_drv_stat {
	char name[ETH_GSTRING_LEN];
	size_t off;
};

#define CDNA_DRV_STAT(n) { #n, offsetof(struct cdna_queue_stats, n) }

static const struct cdna_drv_stat cdna_drv_stats[] = {
	CDNA_DRV_STAT(tx_packets),
	CDNA_DRV_STAT(tx_bytes),
	CDNA_DRV_STAT(rx_packets),
	CDNA_DRV_STAT(rx_bytes),
	CDNA_DRV_STAT(tx_multi_buf),
	CDNA_DRV_STAT(tx_linearized),
	CDNA_DRV_STAT(tx_dropped),
	CDNA_DRV_STAT(tx_busy),
	CDNA_DRV_STAT(tx_wakes),
	CDNA_DRV_STAT(tx_deferred),
	CDNA_DRV_STAT(rx_errors),
	CDNA_DRV_STAT(rx_length_errors),
	CDNA_DRV_STAT(rx_not_done),
	CDNA_DRV_STAT(rx_dropped),
	CDNA_DRV_STAT(bad_cons),
	CDNA_DRV_STAT(polls),
	CDNA_DRV_STAT(rx_foreign),
	CDNA_DRV_STAT(tx_copied),
	CDNA_DRV_STAT(hcalls),
	CDNA_DRV_STAT(hcall_errors),
	CDNA_DRV_STAT(irq_missed),
	CDNA_DRV_STAT(hv_suspends),
	CDNA_DRV_STAT(hv_resets),
	CDNA_DRV_STAT(hv_resets_unseen),
	CDNA_DRV_STAT(hv_busy),
	CDNA_DRV_STAT(hv_status_bad),
};

/* The NIC's counters; 64-bit ones are a LO/HI register pair. */
struct cdna_nic_stat {
	char name[ETH_GSTRING_LEN];
	u32 off;
	bool wide;
};

static const struct cdna_nic_stat cdna_nic_stats[] = {
	{ "nic_tx_frames", STAT_TX_FRAMES, false },
	{ "nic_tx_bytes", STAT_TX_BYTES_LO, true },
	{ "nic_rx_frames", STAT_RX_FRAMES, false },
	{ "nic_rx_bytes", STAT_RX_BYTES_LO, true },
	{ "nic_revokes", STAT_REVOKES, false },
	{ "nic_refused_bad_seq", STAT_REFUSED(CDNA_REFUSE_BAD_SEQ), false },
	{ "nic_refused_bad_len", STAT_REFUSED(CDNA_REFUSE_BAD_LEN), false },
	{ "nic_refused_crosses_page", STAT_REFUSED(CDNA_REFUSE_CROSSES_PAGE), false },
	{ "nic_refused_doorbell_range", STAT_REFUSED(CDNA_REFUSE_DOORBELL_RANGE), false },
	{ "nic_refused_too_many_frags", STAT_REFUSED(CDNA_REFUSE_TOO_MANY_FRAGS), false },
	{ "nic_refused_dma_fault", STAT_REFUSED(CDNA_REFUSE_DMA_FAULT), false },
	{ "nic_refused_rx_buf_small", STAT_REFUSED(CDNA_REFUSE_RX_BUF_SMALL), false },
	{ "nic_refused_not_enabled", STAT_REFUSED(CDNA_REFUSE_NOT_ENABLED), false },
	{ "nic_refused_spoofed_src", STAT_REFUSED(CDNA_REFUSE_SPOOFED_SRC), false },
	{ "nic_dropped_rx_no_buf", STAT_DROPPED(CDNA_DROP_RX_NO_BUF), false },
	{ "nic_dropped_revoked", STAT_DROPPED(CDNA_DROP_REVOKED), false },
};

static void cdna_get_drvinfo(struct net_device *ndev,
			     struct ethtool_drvinfo *info)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	u32 v;

	strscpy(info->driver, CDNA_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, CDNA_DRV_VERSION, sizeof(info->version));
	if (!priv->ad) {
		strscpy(info->bus_info, dev_name(ndev->dev.parent),
			sizeof(info->bus_info));
		return;
	}
	v = priv->ad->fw_version;
	/* As cdna-image and the NIC model print it: major.minor.patch. */
	snprintf(info->fw_version, sizeof(info->fw_version), "%u.%u.%u",
		 CDNA_FW_VERSION_MAJOR(v), CDNA_FW_VERSION_MINOR(v),
		 CDNA_FW_VERSION_PATCH(v));
	strscpy(info->bus_info, pci_name(priv->ad->pdev),
		sizeof(info->bus_info));
}

/* The NIC's counters: where BAR2 page 2 is mapped (not in a domU). */
static unsigned int cdna_nr_nic_stats(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);

	return priv->ad ? ARRAY_SIZE(cdna_nic_stats) : 0;
}

static int cdna_get_sset_count(struct net_device *ndev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(cdna_drv_stats) + cdna_nr_nic_stats(ndev);
}

static void cdna_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(cdna_drv_stats); i++, data += ETH_GSTRING_LEN)
		memcpy(data, cdna_drv_stats[i].name, ETH_GSTRING_LEN);
	for (i = 0; i < cdna_nr_nic_stats(ndev); i++, data += ETH_GSTRING_LEN)
		memcpy(data, cdna_nic_stats[i].name, ETH_GSTRING_LEN);
}

/* A 64-bit counter: HI, LO, then HI again, retried if HI moved. */
static u64 cdna_read_wide(void __iomem *reg)
{
	u32 hi, lo, again;
	int tries = 3;

	do {
		hi = readl(reg + 4);
		lo = readl(reg);
		again = readl(reg + 4);
	} while (hi != again && --tries);
	return (u64)again << 32 | lo;
}

static void cdna_get_ethtool_stats(struct net_device *ndev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_queue_stats s;
	void __iomem *base;
	unsigned int i;

	cdna_queue_get_stats(&priv->q, &s);
	for (i = 0; i < ARRAY_SIZE(cdna_drv_stats); i++)
		*data++ = *(u64 *)((u8 *)&s + cdna_drv_stats[i].off);
	if (!priv->ad)
		return;
	base = priv->ad->stats + MGMT_STATS(priv->ctx) - CDNA_BAR2_STATS;
	for (i = 0; i < ARRAY_SIZE(cdna_nic_stats); i++) {
		const struct cdna_nic_stat *ns = &cdna_nic_stats[i];

		*data++ = ns->wide ? cdna_read_wide(base + ns->off) :
				     readl(base + ns->off);
	}
}

static void cdna_get_ringparam(struct net_device *ndev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	ring->rx_max_pending = CDNA_RING_SLOTS;
	ring->tx_max_pending = CDNA_RING_SLOTS;
	ring->rx_pending = CDNA_RING_SLOTS;
	ring->tx_pending = CDNA_RING_SLOTS;
}

static const struct ethtool_ops cdna_ethtool_ops = {
	.get_drvinfo = cdna_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = cdna_get_sset_count,
	.get_strings = cdna_get_strings,
	.get_ethtool_stats = cdna_get_ethtool_stats,
	.get_ringparam = cdna_get_ringparam,
};

void cdna_set_ethtool_ops(struct net_device *ndev)
{
	BUILD_BUG_ON(CDNA_REFUSE_NUM != 9 || CDNA_DROP_NUM != 2);
	ndev->ethtool_ops = &cdna_ethtool_ops;
}
