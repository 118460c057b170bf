// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_netdev.c - one context as a net_device, native mode: the driver
 * plays the hypervisor's part for its own contexts (identity in BAR2
 * page 0, rings and enable/revoke in BAR2 page 1, descriptors with their
 * sequence numbers written straight into the rings).
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/iopoll.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>

#include "cdna.h"

/*
 * Native post: write the descriptors into the ring with seq = seq_base +
 * index; the NIC reads them after the doorbell (writel orders the stores
 * before it).  The PV mode's post is the ENQUEUE hypercall instead.
 */
static unsigned int cdna_native_post(struct cdna_queue *q, unsigned int ring,
				     u32 prod, const struct cdna_guest_buf *bufs,
				     unsigned int n)
{
	struct cdna_priv *priv = container_of(q, struct cdna_priv, q);
	struct cdna_desc *base;
	unsigned int i;

	base = ring == CDNA_RING_TX ? q->tx_ring : q->rx_ring;
	for (i = 0; i < n; i++, prod++) {
		struct cdna_desc *d = &base[prod % CDNA_RING_SLOTS];

		d->addr = bufs[i].addr;
		d->len = bufs[i].len;
		d->flags = bufs[i].flags;
		d->seq = cpu_to_le32(priv->seq_base + prod);
	}
	return n;
}

static const struct cdna_post_ops cdna_native_ops = {
	.post = cdna_native_post,
};

static u32 cdna_ctx_state(struct cdna_priv *priv)
{
	return cdna_hv_rd(priv->ad, HV_CTX(priv->ctx) + HV_CTX_STATE);
}

/*
 * Revoke and wait (bounded) until the firmware reports the context no
 * longer RUNNING: from then on it touches none of the context's memory.
 * Returns -ETIMEDOUT if it never does; the caller must then keep the
 * memory, since the NIC may still write it.
 */
static int cdna_ctx_revoke(struct cdna_priv *priv)
{
	struct cdna_adapter *ad = priv->ad;
	u32 state;
	int err;

	cdna_hv_wr(ad, HV_CTX(priv->ctx) + HV_CTX_CTRL, CDNA_CTX_CTRL_REVOKE);
	err = readl_poll_timeout(ad->hv + HV_CTX(priv->ctx) +
				 HV_CTX_STATE, state,
				 state != CDNA_CTX_STATE_RUNNING, 1000,
				 CDNA_CTX_TIMEOUT_MS * 1000);
	if (err)
		netdev_err(priv->ndev,
			   "context %u did not stop within %u ms (state %u)\n",
			   priv->ctx, CDNA_CTX_TIMEOUT_MS, state);
	return err;
}

/*
 * The context's receive and send filters from the interface's flags.  A
 * promiscuous interface is a bridge port (dom0 under netback, a host
 * bridging VMs): it takes the unicast no other context claims and may send
 * with other hosts' source MACs.  Native mode owns the NIC, so it may set
 * both; under a hypervisor only dom0's context gets them (hcall.h).
 */
static u32 cdna_ctx_flags(const struct net_device *ndev)
{
	u32 flags = CDNA_CTXF_BCAST | CDNA_CTXF_MCAST;

	if (ndev->flags & IFF_PROMISC)
		flags |= CDNA_CTXF_PROMISC | CDNA_CTXF_ANY_SRC;
	return flags;
}

static void cdna_set_rx_mode(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);

	cdna_mgmt_wr(priv->ad, MGMT_CTX(priv->ctx) + MGMT_CTX_FLAGS,
		     cdna_ctx_flags(ndev));
}

static void cdna_ctx_program(struct cdna_priv *priv)
{
	struct cdna_adapter *ad = priv->ad;
	const u8 *mac = priv->ndev->dev_addr;
	u32 m = MGMT_CTX(priv->ctx), h = HV_CTX(priv->ctx);

	/* Identity: writing MAC_HI makes the new MAC take effect. */
	cdna_mgmt_wr(ad, m + MGMT_CTX_MAC_LO,
		     mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24);
	cdna_mgmt_wr(ad, m + MGMT_CTX_FLAGS, cdna_ctx_flags(priv->ndev));
	cdna_mgmt_wr(ad, m + MGMT_CTX_OWNER, 0);
	cdna_mgmt_wr(ad, m + MGMT_CTX_MAC_HI, mac[4] | mac[5] << 8);

	cdna_hv_wr(ad, h + HV_CTX_TX_RING_LO, lower_32_bits(priv->tx_ring_dma));
	cdna_hv_wr(ad, h + HV_CTX_TX_RING_HI, upper_32_bits(priv->tx_ring_dma));
	cdna_hv_wr(ad, h + HV_CTX_RX_RING_LO, lower_32_bits(priv->rx_ring_dma));
	cdna_hv_wr(ad, h + HV_CTX_RX_RING_HI, upper_32_bits(priv->rx_ring_dma));
	cdna_hv_wr(ad, h + HV_CTX_STATUS_LO, lower_32_bits(priv->status_dma));
	cdna_hv_wr(ad, h + HV_CTX_STATUS_HI, upper_32_bits(priv->status_dma));
	cdna_hv_wr(ad, h + HV_CTX_SEQ_BASE, priv->seq_base);
}

/* Enable with the fields programmed; wait until the firmware runs it. */
static int cdna_ctx_enable(struct cdna_priv *priv)
{
	struct cdna_adapter *ad = priv->ad;
	u32 state;
	int err;

	/* A fresh seq_base: descriptors of an earlier enable never match. */
	priv->seq_base = get_random_u32();
	cdna_ctx_program(priv);
	cdna_hv_wr(ad, HV_CTX(priv->ctx) + HV_CTX_CTRL, CDNA_CTX_CTRL_ENABLE);
	/* The firmware answers a refused enable (misaligned rings) with
	 * STOPPED; DISABLED and an earlier STOPPED both read "not yet".
	 */
	err = readl_poll_timeout(ad->hv + HV_CTX(priv->ctx) +
				 HV_CTX_STATE, state,
				 state == CDNA_CTX_STATE_RUNNING, 1000,
				 CDNA_CTX_TIMEOUT_MS * 1000);
	if (err) {
		netdev_err(priv->ndev,
			   "context %u not running %u ms after enable (state %u)\n",
			   priv->ctx, CDNA_CTX_TIMEOUT_MS, state);
		cdna_ctx_revoke(priv);
	}
	return err;
}

void cdna_netdev_link_update(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	u32 st;
	bool up;

	if (!netif_running(ndev) || !priv->running)
		return;
	st = readl(priv->q.regs + CTX_STATUS);
	up = (st & CTX_STATUS_LINK_UP) && (st & CTX_STATUS_FW_UP) &&
	     CTX_STATUS_STATE(st) == CDNA_CTX_STATE_RUNNING;
	if (up == netif_carrier_ok(ndev))
		return;
	if (up) {
		netif_carrier_on(ndev);
		netif_wake_queue(ndev);
		netdev_info(ndev, "link up\n");
	} else {
		netif_carrier_off(ndev);
		netdev_info(ndev, "link down (CTX_STATUS %#x)\n", st);
	}
}

static int cdna_open(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_queue *q = &priv->q;
	int err;

	cdna_queue_reset(q);
	memset(priv->tx_ring, 0, CDNA_PAGE_SIZE);
	memset(priv->rx_ring, 0, CDNA_PAGE_SIZE);
	memset(priv->status, 0, CDNA_PAGE_SIZE);
	err = cdna_queue_alloc_rx(q);
	if (err)
		return err;
	err = cdna_ctx_enable(priv);
	if (err)
		goto err_free;
	priv->running = true;
	napi_enable(&q->napi);
	err = cdna_queue_fill_rx(q);
	if (err)
		goto err_stop;
	cdna_queue_irq_enable(q, true);
	netif_carrier_off(ndev);
	netif_start_queue(ndev);
	cdna_netdev_link_update(ndev);
	return 0;

err_stop:
	napi_disable(&q->napi);
	priv->running = false;
	if (cdna_ctx_revoke(priv))
		return err;	/* the NIC may still write the buffers: keep them */
err_free:
	cdna_queue_free_bufs(q);
	return err;
}

static int cdna_stop(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_queue *q = &priv->q;

	netif_tx_disable(ndev);
	netif_carrier_off(ndev);
	napi_disable(&q->napi);
	cdna_queue_irq_enable(q, false);
	priv->running = false;
	if (cdna_ctx_revoke(priv)) {
		/* Leaking is the only safe choice: the NIC may still DMA. */
		netdev_err(ndev, "keeping the context's buffers: NIC did not stop\n");
		return 0;
	}
	/* A poll scheduled by an interrupt that raced with the revoke has
	 * run to completion under napi_disable; the ISR itself may still be
	 * running on another CPU, but only schedules (a disabled) NAPI.
	 */
	synchronize_irq(priv->ad->irq);
	cdna_queue_free_bufs(q);
	return 0;
}

netdev_tx_t cdna_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);

	return cdna_queue_xmit(&priv->q, skb);
}

void cdna_get_stats64(struct net_device *ndev, struct rtnl_link_stats64 *st)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_queue_stats s;

	cdna_queue_get_stats(&priv->q, &s);
	st->rx_packets = s.rx_packets;
	st->rx_bytes = s.rx_bytes;
	st->tx_packets = s.tx_packets;
	st->tx_bytes = s.tx_bytes;
	st->rx_errors = s.rx_errors + s.rx_length_errors + s.rx_not_done +
			s.rx_foreign;
	st->rx_length_errors = s.rx_length_errors;
	st->rx_dropped = s.rx_dropped;
	st->tx_dropped = s.tx_dropped;
}

/* A stuck TX ring: restart the context (revoke, free, enable afresh). */
static void cdna_reset_work(struct work_struct *work)
{
	struct cdna_priv *priv = container_of(work, struct cdna_priv,
					      reset_work);
	struct net_device *ndev = priv->ndev;

	rtnl_lock();
	if (netif_running(ndev)) {
		cdna_stop(ndev);
		if (cdna_open(ndev))
			netdev_err(ndev, "restart failed; set it down and up\n");
	}
	rtnl_unlock();
}

static void cdna_tx_timeout(struct net_device *ndev, unsigned int txqueue)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_queue *q = &priv->q;

	netdev_err(ndev,
		   "TX timeout: prod %u clean %u, NIC tx_cons %u, context state %u; restarting it\n",
		   q->tx_prod, q->tx_clean,
		   le32_to_cpu(READ_ONCE(q->status->tx_cons)),
		   cdna_ctx_state(priv));
	schedule_work(&priv->reset_work);
}

static const struct net_device_ops cdna_netdev_ops = {
	.ndo_open = cdna_open,
	.ndo_stop = cdna_stop,
	.ndo_start_xmit = cdna_start_xmit,
	.ndo_get_stats64 = cdna_get_stats64,
	.ndo_tx_timeout = cdna_tx_timeout,
	.ndo_set_rx_mode = cdna_set_rx_mode,
	.ndo_validate_addr = eth_validate_addr,
};

static void *cdna_alloc_page(struct cdna_adapter *ad, dma_addr_t *dma)
{
	/* Coherent allocations of a page are page aligned: what the NIC
	 * wants for the rings (4 KiB) and the status block (64 bytes).
	 */
	return dma_alloc_coherent(&ad->pdev->dev, CDNA_PAGE_SIZE, dma,
				  GFP_KERNEL);
}

static void cdna_free_rings(struct cdna_priv *priv)
{
	struct device *dev = &priv->ad->pdev->dev;

	if (priv->status)
		dma_free_coherent(dev, CDNA_PAGE_SIZE, priv->status,
				  priv->status_dma);
	if (priv->rx_ring)
		dma_free_coherent(dev, CDNA_PAGE_SIZE, priv->rx_ring,
				  priv->rx_ring_dma);
	if (priv->tx_ring)
		dma_free_coherent(dev, CDNA_PAGE_SIZE, priv->tx_ring,
				  priv->tx_ring_dma);
}

/* What every mode's net_device has in common. */
void cdna_netdev_setup(struct net_device *ndev)
{
	cdna_set_ethtool_ops(ndev);
	ndev->watchdog_timeo = 5 * HZ;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = CDNA_MTU;
	/* Scatter-gather up to CDNA_MAX_FRAGS buffers a frame (xmit
	 * linearizes beyond); no checksum or segmentation offload.
	 */
	ndev->hw_features = NETIF_F_SG;
	ndev->features = NETIF_F_SG;
	netif_carrier_off(ndev);
}

int cdna_netdev_create(struct cdna_adapter *ad, unsigned int ctx)
{
	struct net_device *ndev;
	struct cdna_priv *priv;
	u8 mac[ETH_ALEN];
	int err;

	BUILD_BUG_ON(PAGE_SIZE < CDNA_PAGE_SIZE);
	BUILD_BUG_ON(CDNA_RING_SLOTS * sizeof(struct cdna_desc) != CDNA_PAGE_SIZE);
	BUILD_BUG_ON(CDNA_RX_BUF_LEN < CDNA_RX_BUF_MIN);

	ndev = alloc_etherdev(sizeof(*priv));
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &ad->pdev->dev);
	priv = netdev_priv(ndev);
	priv->ad = ad;
	priv->ndev = ndev;
	priv->ctx = ctx;
	INIT_WORK(&priv->reset_work, cdna_reset_work);

	priv->tx_ring = cdna_alloc_page(ad, &priv->tx_ring_dma);
	priv->rx_ring = cdna_alloc_page(ad, &priv->rx_ring_dma);
	priv->status = cdna_alloc_page(ad, &priv->status_dma);
	if (!priv->tx_ring || !priv->rx_ring || !priv->status) {
		err = -ENOMEM;
		goto err_rings;
	}
	cdna_queue_init(&priv->q, ndev, &ad->pdev->dev, cdna_ctx_regs(ad, ctx),
			&cdna_native_ops);
	priv->q.tx_ring = priv->tx_ring;
	priv->q.rx_ring = priv->rx_ring;
	priv->q.status = priv->status;

	/* A context left running (an earlier driver instance died): stop it
	 * before its rings change under the NIC.
	 */
	if (cdna_ctx_state(priv) == CDNA_CTX_STATE_RUNNING &&
	    cdna_ctx_revoke(priv)) {
		err = -EBUSY;
		goto err_napi;
	}

	ether_addr_copy(mac, ad->mac);
	mac[5] += ctx;
	eth_hw_addr_set(ndev, mac);
	ndev->dev_port = ctx;
	ndev->netdev_ops = &cdna_netdev_ops;
	cdna_netdev_setup(ndev);

	err = register_netdev(ndev);
	if (err)
		goto err_napi;
	WRITE_ONCE(ad->ndev[ctx], ndev);
	ad->owned |= BIT(ctx);
	netdev_info(ndev, "context %u, MAC %pM\n", ctx, ndev->dev_addr);
	return 0;

err_napi:
	netif_napi_del(&priv->q.napi);
err_rings:
	cdna_free_rings(priv);
	free_netdev(ndev);
	return err;
}

void cdna_netdev_destroy(struct cdna_adapter *ad, unsigned int ctx)
{
	struct net_device *ndev = ad->ndev[ctx];
	struct cdna_priv *priv;
	bool stopped;

	if (!ndev)
		return;
	priv = netdev_priv(ndev);
	/* Stops the context (ndo_stop: revoke, drain, free the buffers). */
	unregister_netdev(ndev);
	cancel_work_sync(&priv->reset_work);
	ad->owned &= ~BIT(ctx);
	WRITE_ONCE(ad->ndev[ctx], NULL);
	synchronize_irq(ad->irq);
	/* Never enabled, or revoked by ndo_stop: check, since a failed
	 * revoke means the NIC may still write the rings.
	 */
	stopped = cdna_ctx_state(priv) != CDNA_CTX_STATE_RUNNING ||
		  !cdna_ctx_revoke(priv);
	netif_napi_del(&priv->q.napi);
	if (stopped)
		cdna_free_rings(priv);
	else
		netdev_err(ndev, "leaking the context's rings: NIC did not stop\n");
	free_netdev(ndev);
}
