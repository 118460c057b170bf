// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_pv.c - one context in PV mode as a net_device, for dom0 under Xen
 * (cdna_main.c) and for a PV domU (cdna_front.c).  The hypervisor owns the
 * rings: buffers go in with the ENQUEUE hypercall, the rings and the status
 * page are mapped read-only, the doorbells and the interrupt enable are in
 * the context's BAR0 page, and the context's interrupts arrive on an event
 * channel.  The data path is cdna_ring.c's, as in native mode.
 *
 * Lifetime: the context runs from ASSIGN to REVOKE whatever the interface
 * does, so RX buffers are allocated when the context is attached and stay
 * posted while the interface is down.  Only the hypervisor's REVOKE stops
 * the NIC and drops its page references; the buffers are freed after one,
 * and kept (leaked) when it cannot be confirmed, as native mode keeps them
 * when the NIC does not stop: a page the hypervisor still holds writable
 * must never become, say, a page table of this guest.
 *
 * NIC reset (firmware activation, hcall.h CDNA_OP_NIC_RESET): the
 * hypervisor suspends the context (stops it on the NIC, returns every page
 * reference, sets SUSPENDED in the status page's hv_flags, signals the
 * event channel), resets the NIC, and later restores it (rings cleared,
 * indexes at 0, SUSPENDED cleared, hv_resets incremented, signalled
 * again).  The driver takes the link down and drops what it had in flight
 * on the first, starts its rings again from 0 and takes the link up on the
 * second; the net_device, its buffers and the mappings stay.  Events may
 * be lost, so the interrupt, the NAPI poll, the watchdog and every ENQUEUE
 * look at the words; the work that acts on them runs under RTNL, like
 * open and stop, so the three never interleave.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>

#include "cdna.h"
#include "cdna_xen.h"

/*
 * The hypervisor's words in the status page (desc.h) against what the
 * driver last acted on: true when a NIC reset began, ended, or came and
 * went unseen.  They are only compared, never used as an index or a count
 * (hv_flags bits other than SUSPENDED are ignored), so a garbage value
 * costs at most a needless link down and up; and a restore is believed
 * only when QUERY agrees (cdna_pv_nic_restore).
 */
static bool cdna_pv_hv_moved(struct cdna_priv *priv)
{
	const struct cdna_ctx_status *st = priv->q.status;
	bool suspended = le32_to_cpu(READ_ONCE(st->hv_flags)) &
			 CDNA_STATUS_SUSPENDED;

	return suspended != READ_ONCE(priv->nic_suspended) ||
	       le32_to_cpu(READ_ONCE(st->hv_resets)) != READ_ONCE(priv->hv_resets);
}

/*
 * ENQUEUE cannot go on: stop TX (xmit then posts its batch at once, which
 * drops it, so no frame waits in an open batch) and let the reset work look
 * at the status words.  It wakes the queue again if they say nothing
 * happened.
 */
static void cdna_pv_hold_tx(struct cdna_priv *priv)
{
	netif_tx_stop_queue(netdev_get_tx_queue(priv->ndev, 0));
	set_bit(CDNA_PV_TX_HELD, &priv->pv_flags);
	schedule_work(&priv->nic_reset_work);
}

/*
 * The ENQUEUE hypercall.  Its answer is the hypervisor's and is believed,
 * but clamped: at most @n accepted.  A refusal is counted and reported,
 * never fatal; the ring code deals with the accepted prefix.
 */
static unsigned int cdna_pv_post(struct cdna_queue *q, unsigned int ring,
				 u32 prod, const struct cdna_guest_buf *bufs,
				 unsigned int n)
{
	struct cdna_priv *priv = container_of(q, struct cdna_priv, q);
	struct cdna_op_enqueue op = {
		.ctx = priv->ctx,
		.ring = ring,
		.count = n,
		.bufs = (u64)(unsigned long)bufs,
	};
	unsigned int done;
	long rc;

	/* A NIC reset under way or not caught up with: these buffers would
	 * go into rings about to be cleared, or at indexes the hypervisor
	 * no longer has.
	 */
	if (unlikely(READ_ONCE(priv->nic_suspended) || cdna_pv_hv_moved(priv))) {
		cdna_pv_hold_tx(priv);
		return 0;
	}
	rc = cdna_hcall(CDNA_OP_ENQUEUE, &op);
	done = min_t(u32, op.done, n);
	if (likely(!rc && done == n && op.prod == prod + n)) {
		cdna_queue_count_hcall(q, false);
		return n;
	}
	if (rc == -EBUSY) {
		/* Suspended (or being revoked): not a refusal.  Wait for the
		 * status words rather than retry into a NIC in reset.
		 */
		cdna_queue_count_hcall(q, false);
		cdna_queue_stat_inc(q, &q->stats.hv_busy);
		if (!test_bit(CDNA_PV_TX_HELD, &priv->pv_flags))
			net_info_ratelimited("%s: ENQUEUE: context busy (-EBUSY), TX held until the hypervisor's status words say why\n",
					     netdev_name(q->ndev));
		cdna_pv_hold_tx(priv);
		return done;
	}
	/* The hypervisor's producer is not where ours is: a NIC reset this
	 * driver slept through?  The work compares the status words.
	 */
	if (!rc && op.prod != prod + done)
		schedule_work(&priv->nic_reset_work);
	cdna_queue_count_hcall(q, true);
	net_warn_ratelimited("%s: ENQUEUE of %u %s buffers: %ld, %u accepted (error %d, reason %u), prod %u, expected %u\n",
			     netdev_name(q->ndev), n,
			     ring == CDNA_RING_TX ? "TX" : "RX", rc, op.done,
			     op.error, op.reason, op.prod, prod + done);
	return done;
}

/* The NAPI poll asks first: a poll must not post into a suspended context. */
static bool cdna_pv_halted(struct cdna_queue *q)
{
	struct cdna_priv *priv = container_of(q, struct cdna_priv, q);

	if (!cdna_pv_hv_moved(priv))
		return false;
	schedule_work(&priv->nic_reset_work);
	return true;
}

static const struct cdna_post_ops cdna_pv_ops = {
	.post = cdna_pv_post,
	.halted = cdna_pv_halted,
};

/*
 * The hypervisor signals both ends of a NIC reset on this channel too; the
 * status words tell them from ordinary completions.
 */
static irqreturn_t cdna_pv_interrupt(int irq, void *data)
{
	struct cdna_priv *priv = data;

	if (cdna_pv_hv_moved(priv))
		schedule_work(&priv->nic_reset_work);
	else if (READ_ONCE(priv->running) && !READ_ONCE(priv->nic_suspended))
		cdna_queue_irq(&priv->q);
	return IRQ_HANDLED;
}

/*
 * The event channel is the hypervisor's to signal, and a lost event would
 * stall the context for good (BQL waits for completions, RX for a refill):
 * while up, a timer looks for work the NIC reported in the status page
 * that no event announced, and schedules NAPI for it (irq_missed).  Having
 * found some, it looks again at the next tick: events are being lost.  The
 * same holds for the two ends of a NIC reset: it keeps running while the
 * context is suspended, to notice the restore.
 */
static void cdna_pv_watchdog(struct timer_list *t)
{
	struct cdna_priv *priv = from_timer(priv, t, watchdog);
	struct cdna_queue *q = &priv->q;
	bool missed;

	if (!READ_ONCE(priv->running))
		return;
	missed = false;
	if (cdna_pv_hv_moved(priv) ||
	    test_bit(CDNA_PV_TX_HELD, &priv->pv_flags))
		schedule_work(&priv->nic_reset_work);
	else if (!READ_ONCE(priv->nic_suspended))
		missed = cdna_queue_has_work(q) && cdna_queue_irq(q);
	if (missed)
		cdna_queue_count_missed(q);
	mod_timer(&priv->watchdog, jiffies + (missed ? 1 :
		  msecs_to_jiffies(CDNA_PV_WATCHDOG_MS)));
}

/* Link state: CTX_STATUS in the context page, polled while up. */
static void cdna_pv_link_work(struct work_struct *work)
{
	struct cdna_priv *priv = container_of(to_delayed_work(work),
					      struct cdna_priv, link_work);

	rtnl_lock();
	if (priv->running) {
		/* Suspended: the NIC may say link up before the restore. */
		if (!priv->nic_suspended)
			cdna_netdev_link_update(priv->ndev);
		schedule_delayed_work(&priv->link_work,
				      msecs_to_jiffies(CDNA_LINK_POLL_MS));
	}
	rtnl_unlock();
}

/*
 * The data path starts (open, or the context is back after a NIC reset):
 * RX posted, NAPI on, the context's interrupt enabled.  The caller starts
 * the TX queue and looks at the link.  NAPI is on exactly while the
 * interface is up and the context not suspended.
 */
static void cdna_pv_rings_start(struct cdna_priv *priv)
{
	struct cdna_queue *q = &priv->q;

	cdna_queue_rx_discard(q);
	if (cdna_queue_fill_rx(q))
		netdev_warn(priv->ndev, "RX ring not filled (%u of %u posted)\n",
			    q->rx_prod - q->rx_next, CDNA_RING_SLOTS);
	napi_enable(&q->napi);
	cdna_queue_irq_enable(q, true);
}

/*
 * SUSPENDED seen, or a reset found only afterwards (@unseen: hv_resets
 * moved with SUSPENDED clear).  The hypervisor stopped the context on the
 * NIC and returned every page reference: nothing posted will complete and
 * no DMA touches the buffers any more.  Link down, TX frames freed, RX
 * buffers kept for the restore; no doorbell, no hypercall.  Under RTNL.
 */
static void cdna_pv_nic_suspend(struct cdna_priv *priv, bool unseen)
{
	struct net_device *ndev = priv->ndev;
	struct cdna_queue *q = &priv->q;
	unsigned int frames;
	u32 rx_bufs;

	/* First, so that a poll or xmit still running posts nothing. */
	WRITE_ONCE(priv->nic_suspended, true);
	if (priv->running) {
		netif_carrier_off(ndev);
		netif_tx_disable(ndev);
		napi_disable(&q->napi);
	}
	/* TX is stopped (no xmit can run: only RTNL work wakes it, and not
	 * while suspended) and NAPI is off: the queue is ours alone.
	 */
	frames = cdna_queue_drop_inflight(q, &rx_bufs);
	cdna_queue_stat_inc(q, &q->stats.hv_suspends);
	if (unseen)
		cdna_queue_stat_inc(q, &q->stats.hv_resets_unseen);
	netdev_warn(ndev, "%s: link down, %u TX frames and %u RX buffers dropped\n",
		    unseen ? "the NIC was reset under the context (seen only afterwards)" :
			     "context suspended by the hypervisor: NIC reset",
		    frames, rx_bufs);
}

/*
 * SUSPENDED clear again: the context is back, with its rings cleared and
 * its indexes at 0.  The words are the hypervisor's, but before buffers go
 * in, its own answer must agree: QUERY says the context is ours and the NIC
 * runs it, and gives the indexes to start from (as at attach; 0 after a
 * real reset).  Otherwise the context stays suspended and this is tried
 * again at the next event or watchdog tick.  Under RTNL.
 */
static void cdna_pv_nic_restore(struct cdna_priv *priv, u32 resets)
{
	struct cdna_op_query query = { .ctx = priv->ctx };
	struct net_device *ndev = priv->ndev;
	struct cdna_queue *q = &priv->q;
	long rc;

	rc = cdna_hcall(CDNA_OP_QUERY, &query);
	if (rc || query.state != CDNA_CTX_STATE_RUNNING) {
		if (!priv->hv_doubted) {
			priv->hv_doubted = true;
			cdna_queue_stat_inc(q, &q->stats.hv_status_bad);
			netdev_warn(ndev, "status page says the context is back (hv_resets %u), but QUERY says %ld, state %u: staying down\n",
				    resets, rc, query.state);
		}
		return;
	}
	priv->hv_doubted = false;
	cdna_queue_resume(q, query.tx_prod, query.tx_cons, query.rx_prod,
			  query.rx_cons);
	WRITE_ONCE(priv->hv_resets, resets);
	WRITE_ONCE(priv->nic_suspended, false);
	clear_bit(CDNA_PV_TX_HELD, &priv->pv_flags);
	cdna_queue_stat_inc(q, &q->stats.hv_resets);
	/* dom0: the reset is how new firmware starts; say which runs now. */
	if (priv->ad) {
		u32 v = cdna_mgmt_rd(priv->ad, MGMT_FW_VERSION);

		if (v != priv->ad->fw_version)
			netdev_info(ndev, "firmware now %u.%u.%u\n",
				    CDNA_FW_VERSION_MAJOR(v),
				    CDNA_FW_VERSION_MINOR(v),
				    CDNA_FW_VERSION_PATCH(v));
		priv->ad->fw_version = v;
	}
	netdev_info(ndev, "context restored after a NIC reset (hv_resets %u): rings from TX %u, RX %u\n",
		    resets, query.tx_prod, query.rx_prod);
	if (!priv->running)
		return;
	cdna_pv_rings_start(priv);
	netif_wake_queue(ndev);
	cdna_netdev_link_update(ndev);
}

/*
 * Bring the driver in line with the status words, whatever it missed: a
 * reset seen begin and end, only begin, or neither (down then up at once).
 * Under RTNL, the context attached.
 */
static void cdna_pv_hv_sync(struct cdna_priv *priv)
{
	const struct cdna_ctx_status *st = priv->q.status;
	u32 flags = le32_to_cpu(READ_ONCE(st->hv_flags));
	u32 resets = le32_to_cpu(READ_ONCE(st->hv_resets));
	bool suspended = flags & CDNA_STATUS_SUSPENDED;

	if (!priv->nic_suspended && (suspended || resets != priv->hv_resets))
		cdna_pv_nic_suspend(priv, !suspended);
	if (priv->nic_suspended) {
		if (suspended) {
			/* Only END counts; a BEGIN while suspended resets
			 * again and changes nothing here.
			 */
			WRITE_ONCE(priv->hv_resets, resets);
			priv->hv_doubted = false;
		} else {
			cdna_pv_nic_restore(priv, resets);
		}
		return;
	}
	/* Nothing happened after all (an -EBUSY from a revoke, a word that
	 * flickered): let TX try again.
	 */
	if (priv->running &&
	    test_and_clear_bit(CDNA_PV_TX_HELD, &priv->pv_flags))
		cdna_queue_tx_wake(&priv->q);
}

static void cdna_pv_nic_reset_work(struct work_struct *work)
{
	struct cdna_priv *priv = container_of(work, struct cdna_priv,
					      nic_reset_work);

	rtnl_lock();
	if (priv->attached)
		cdna_pv_hv_sync(priv);
	rtnl_unlock();
}

static int cdna_pv_open(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);

	if (!priv->attached)
		return -ENODEV;
	/* A reset the interface slept through, while down. */
	cdna_pv_hv_sync(priv);
	netif_carrier_off(ndev);
	WRITE_ONCE(priv->running, true);
	if (!priv->nic_suspended) {
		cdna_pv_rings_start(priv);
		netif_start_queue(ndev);
		cdna_netdev_link_update(ndev);
	}
	schedule_delayed_work(&priv->link_work,
			      msecs_to_jiffies(CDNA_LINK_POLL_MS));
	mod_timer(&priv->watchdog,
		  jiffies + msecs_to_jiffies(CDNA_PV_WATCHDOG_MS));
	return 0;
}

static int cdna_pv_stop(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_queue *q = &priv->q;
	unsigned long deadline;

	netif_tx_disable(ndev);
	netif_carrier_off(ndev);
	WRITE_ONCE(priv->running, false);
	del_timer_sync(&priv->watchdog);
	/* Suspended: NAPI is off already and nothing is posted. */
	if (priv->nic_suspended)
		return 0;
	napi_disable(&q->napi);
	cdna_queue_irq_enable(q, false);
	synchronize_irq(priv->irq);
	/* The context keeps running: let the NIC send what was posted.
	 * What it has not sent by then stays in its slots, reclaimed by a
	 * later open or freed after the revoke.
	 */
	deadline = jiffies + msecs_to_jiffies(CDNA_PV_TX_DRAIN_MS);
	while (!cdna_queue_tx_idle(q) && time_before(jiffies, deadline))
		msleep(20);
	return 0;
}

static const struct net_device_ops cdna_pv_netdev_ops = {
	.ndo_open = cdna_pv_open,
	.ndo_stop = cdna_pv_stop,
	.ndo_start_xmit = cdna_start_xmit,
	.ndo_get_stats64 = cdna_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
};

static void cdna_pv_unmap(struct cdna_priv *priv)
{
	struct cdna_queue *q = &priv->q;

	cdna_xen_unmap((void __force *)q->regs);
	cdna_xen_unmap(priv->status);
	cdna_xen_unmap(priv->rx_ring);
	cdna_xen_unmap(priv->tx_ring);
	q->regs = NULL;
	q->status = NULL;
	q->rx_ring = NULL;
	q->tx_ring = NULL;
	priv->status = NULL;
	priv->rx_ring = NULL;
	priv->tx_ring = NULL;
}

/*
 * Map what the hypervisor gave (rings and status read-only, the context
 * page uncached), take over the ring indexes where they are, post nothing
 * yet, bind the event channel.  Before the net_device is registered:
 * messages name the parent device.
 */
static int cdna_pv_attach(struct cdna_priv *priv)
{
	const struct cdna_op_assign *hv = &priv->hv;
	struct cdna_op_query query = { .ctx = priv->ctx };
	struct cdna_queue *q = &priv->q;
	struct device *dev = priv->ndev->dev.parent;
	long rc;
	int irq;
	u32 idx;

	/* The hypervisor's record, not what we were told, says whose it is. */
	rc = cdna_hcall(CDNA_OP_QUERY, &query);
	if (rc) {
		dev_err(dev, "context %u: QUERY refused (%ld): not ours\n",
			priv->ctx, rc);
		return rc == -CDNA_ENOSYS ? -ENODEV : -EPERM;
	}
	priv->tx_ring = cdna_xen_map(hv->tx_ring, false);
	priv->rx_ring = cdna_xen_map(hv->rx_ring, false);
	priv->status = cdna_xen_map(hv->status, false);
	q->regs = (void __iomem __force *)cdna_xen_map(hv->ctx_page, true);
	if (!priv->tx_ring || !priv->rx_ring || !priv->status || !q->regs) {
		dev_err(dev, "context %u: cannot map its pages (TX ring %#llx, RX ring %#llx, status %#llx, context page %#llx)\n",
			priv->ctx, hv->tx_ring, hv->rx_ring, hv->status,
			hv->ctx_page);
		goto err_unmap;
	}
	q->tx_ring = priv->tx_ring;
	q->rx_ring = priv->rx_ring;
	q->status = priv->status;
	idx = readl(q->regs + CTX_INDEX);
	if (idx != priv->ctx) {
		dev_err(dev, "context page %#llx is context %u's, not %u's\n",
			hv->ctx_page, idx, priv->ctx);
		goto err_unmap;
	}
	cdna_queue_irq_enable(q, false);
	cdna_queue_resume(q, query.tx_prod, query.tx_cons, query.rx_prod,
			  query.rx_cons);
	/* Resets before this attach are none of our business; one under
	 * way is: nothing is posted until the context is restored.
	 */
	priv->hv_resets = le32_to_cpu(READ_ONCE(q->status->hv_resets));
	priv->nic_suspended = le32_to_cpu(READ_ONCE(q->status->hv_flags)) &
			      CDNA_STATUS_SUSPENDED;
	if (!q->rx_page[0] && cdna_queue_alloc_rx(q))
		goto err_unmap;

	snprintf(priv->irq_name, sizeof(priv->irq_name), "cdna-ctx%u",
		 priv->ctx);
	irq = cdna_xen_bind_evtchn(hv->evtchn, cdna_pv_interrupt,
				   priv->irq_name, priv);
	if (irq < 0) {
		dev_err(dev, "context %u: cannot bind event channel %u: %d\n",
			priv->ctx, hv->evtchn, irq);
		goto err_unmap;
	}
	priv->irq = irq;
	priv->attached = true;
	return 0;

err_unmap:
	cdna_pv_unmap(priv);
	return -EFAULT;
}

/* Undo cdna_pv_attach, the buffers excepted. */
static void cdna_pv_release(struct cdna_priv *priv)
{
	cancel_delayed_work_sync(&priv->link_work);
	if (!priv->attached)
		return;
	cdna_xen_unbind_evtchn(priv->irq, priv);
	priv->irq = 0;
	/* The interface is down and the event channel closed: nothing
	 * schedules the reset work again, and it reads the status page.
	 */
	cancel_work_sync(&priv->nic_reset_work);
	cdna_pv_unmap(priv);
	priv->attached = false;
}

/**
 * cdna_pv_create - a net_device for a context the hypervisor assigned
 * @parent: the PCI device (dom0) or the xenbus device (domU)
 * @ad: dom0: the NIC (firmware version, BAR2 page 2 counters); domU: NULL
 * @hv: the context (ASSIGN's answer, or what xenstore says)
 *
 * Returns the registered net_device or an ERR_PTR.
 */
struct net_device *cdna_pv_create(struct device *parent,
				  struct cdna_adapter *ad,
				  const struct cdna_op_assign *hv)
{
	struct net_device *ndev;
	struct cdna_priv *priv;
	int err;

	if (!is_valid_ether_addr(hv->mac) || hv->ctx >= CDNA_NUM_CTX)
		return ERR_PTR(-EINVAL);
	ndev = alloc_etherdev(sizeof(*priv));
	if (!ndev)
		return ERR_PTR(-ENOMEM);
	SET_NETDEV_DEV(ndev, parent);
	priv = netdev_priv(ndev);
	priv->ad = ad;
	priv->ndev = ndev;
	priv->ctx = hv->ctx;
	priv->hv = *hv;
	priv->pv = true;
	INIT_DELAYED_WORK(&priv->link_work, cdna_pv_link_work);
	INIT_WORK(&priv->nic_reset_work, cdna_pv_nic_reset_work);
	timer_setup(&priv->watchdog, cdna_pv_watchdog, 0);
	cdna_queue_init(&priv->q, ndev, NULL, NULL, &cdna_pv_ops);

	err = cdna_pv_attach(priv);
	if (err)
		goto err_free;
	eth_hw_addr_set(ndev, hv->mac);
	ndev->dev_port = hv->ctx;
	ndev->netdev_ops = &cdna_pv_netdev_ops;
	cdna_netdev_setup(ndev);
	err = register_netdev(ndev);
	if (err)
		goto err_release;
	netdev_info(ndev, "context %u (PV), MAC %pM, event channel %u\n",
		    priv->ctx, ndev->dev_addr, hv->evtchn);
	return ndev;

err_release:
	cdna_pv_release(priv);
	/* Nothing was posted yet: the context holds none of the buffers. */
	cdna_queue_free_bufs(&priv->q);
err_free:
	netif_napi_del(&priv->q.napi);
	free_netdev(ndev);
	return ERR_PTR(err);
}

/**
 * cdna_pv_detach - the context is being taken back: stop using it
 * @ndev: its net_device
 *
 * The interface goes down and stays registered but absent; the rings and
 * the context page are unmapped and the event channel closed.  Buffers
 * stay until cdna_pv_destroy.
 */
void cdna_pv_detach(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);

	rtnl_lock();
	dev_close(ndev);
	netif_device_detach(ndev);
	rtnl_unlock();
	cdna_pv_release(priv);
}

/**
 * cdna_pv_revoked - whether the hypervisor no longer gives us the context
 * @ndev: its net_device
 *
 * Only then may the buffers go: the NIC has stopped and the hypervisor
 * holds no reference.  QUERY answers -EPERM or -ENOENT for a context that
 * is not (any longer) ours.
 */
bool cdna_pv_revoked(struct net_device *ndev)
{
	struct cdna_priv *priv = netdev_priv(ndev);
	struct cdna_op_query query = { .ctx = priv->ctx };
	long rc = cdna_hcall(CDNA_OP_QUERY, &query);

	return rc == -EPERM || rc == -ENOENT;
}

/**
 * cdna_pv_destroy - remove the net_device of a context
 * @ndev: its net_device
 * @revoked: the hypervisor revoked the context: the buffers may be freed
 */
void cdna_pv_destroy(struct net_device *ndev, bool revoked)
{
	struct cdna_priv *priv = netdev_priv(ndev);

	unregister_netdev(ndev);
	cdna_pv_release(priv);
	netif_napi_del(&priv->q.napi);
	if (revoked)
		cdna_queue_free_bufs(&priv->q);
	else
		netdev_warn(ndev, "context %u is still assigned: keeping its %u KiB of buffers (the NIC may still write them)\n",
			    priv->ctx, CDNA_RX_PAGES * CDNA_PAGE_SIZE / 1024);
	free_netdev(ndev);
}
