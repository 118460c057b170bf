// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_ring.c - the data path of one CDNA context, shared by every mode.
 *
 * Ring discipline (as xen-netfront's): indexes are free-running u32, the
 * slot of index i is i % CDNA_RING_SLOTS, and "prod - cons" is the fill
 * level across wrap-around.  The NIC reports consumption in the status
 * block; those values come from a device and are checked against what was
 * posted before they are used, so a confused NIC can stall this context
 * but never make the driver free or read a slot it does not own.
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/io.h>
#include <linux/skbuff.h>

#include "cdna_ring.h"
#include "cdna_xen.h"

#define CDNA_SLOT(i)	((i) % CDNA_RING_SLOTS)

static void cdna_stat_add(struct cdna_queue *q, u64 *ctr, u64 n)
{
	u64_stats_update_begin(&q->stats.syncp);
	*ctr += n;
	u64_stats_update_end(&q->stats.syncp);
}

static void cdna_stat_inc(struct cdna_queue *q, u64 *ctr)
{
	cdna_stat_add(q, ctr, 1);
}

/* For the mode's own counters in q->stats (PV: the NIC reset ones). */
void cdna_queue_stat_inc(struct cdna_queue *q, u64 *ctr)
{
	cdna_stat_inc(q, ctr);
}

void cdna_queue_get_stats(struct cdna_queue *q, struct cdna_queue_stats *s)
{
	const struct cdna_queue_stats *src = &q->stats;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&src->syncp);
		s->tx_packets = src->tx_packets;
		s->tx_bytes = src->tx_bytes;
		s->rx_packets = src->rx_packets;
		s->rx_bytes = src->rx_bytes;
		s->tx_multi_buf = src->tx_multi_buf;
		s->tx_linearized = src->tx_linearized;
		s->tx_dropped = src->tx_dropped;
		s->tx_busy = src->tx_busy;
		s->tx_wakes = src->tx_wakes;
		s->tx_deferred = src->tx_deferred;
		s->rx_errors = src->rx_errors;
		s->rx_length_errors = src->rx_length_errors;
		s->rx_not_done = src->rx_not_done;
		s->rx_dropped = src->rx_dropped;
		s->bad_cons = src->bad_cons;
		s->polls = src->polls;
		s->rx_foreign = src->rx_foreign;
		s->tx_copied = src->tx_copied;
		s->hcalls = src->hcalls;
		s->hcall_errors = src->hcall_errors;
		s->irq_missed = src->irq_missed;
		s->hv_suspends = src->hv_suspends;
		s->hv_resets = src->hv_resets;
		s->hv_resets_unseen = src->hv_resets_unseen;
		s->hv_busy = src->hv_busy;
		s->hv_status_bad = src->hv_status_bad;
	} while (u64_stats_fetch_retry(&src->syncp, start));
}

void cdna_queue_count_missed(struct cdna_queue *q)
{
	cdna_stat_inc(q, &q->stats.irq_missed);
}

void cdna_queue_count_hcall(struct cdna_queue *q, bool failed)
{
	u64_stats_update_begin(&q->stats.syncp);
	q->stats.hcalls++;
	if (failed)
		q->stats.hcall_errors++;
	u64_stats_update_end(&q->stats.syncp);
}

/* Free slots, counting those the frames waiting in tx_batch will take. */
static u32 cdna_tx_free(const struct cdna_queue *q)
{
	return CDNA_RING_SLOTS - (q->tx_prod + q->tx_batch_n - q->tx_clean);
}

static u32 cdna_rx_buf_off(u32 slot)
{
	return (slot % CDNA_RX_BUFS_PER_PAGE) * CDNA_RX_BUF_LEN;
}

static dma_addr_t cdna_rx_buf_dma(const struct cdna_queue *q, u32 slot)
{
	return q->rx_page_dma[slot / CDNA_RX_BUFS_PER_PAGE] +
	       cdna_rx_buf_off(slot);
}

static void *cdna_rx_buf_va(const struct cdna_queue *q, u32 slot)
{
	return page_address(q->rx_page[slot / CDNA_RX_BUFS_PER_PAGE]) +
	       cdna_rx_buf_off(slot);
}

void cdna_queue_irq_enable(struct cdna_queue *q, bool on)
{
	writel(on ? 1 : 0, q->regs + CTX_IRQ_ENABLE);
}

/* ---- TX --------------------------------------------------------------- */

static void cdna_tx_unmap_slot(struct cdna_queue *q, struct cdna_tx_slot *s)
{
	if (!s->map_len)
		return;
	if (s->map_page)
		dma_unmap_page(q->dmadev, s->dma, s->map_len, DMA_TO_DEVICE);
	else
		dma_unmap_single(q->dmadev, s->dma, s->map_len, DMA_TO_DEVICE);
	s->map_len = 0;
}

/*
 * Split one DMA mapping into buffers that do not cross a 4 KiB boundary
 * (the NIC refuses those: a page is what the hypervisor can vouch for).
 * Returns false when the frame would need more than CDNA_MAX_FRAGS.
 */
static bool cdna_tx_split(struct cdna_guest_buf *bufs, unsigned int *n,
			  dma_addr_t dma, u32 len)
{
	while (len) {
		u32 chunk = min_t(u32, len,
				  CDNA_PAGE_SIZE - (dma & (CDNA_PAGE_SIZE - 1)));

		if (*n == CDNA_MAX_FRAGS)
			return false;
		bufs[*n].addr = cpu_to_le64(dma);
		bufs[*n].len = cpu_to_le16(chunk);
		bufs[*n].flags = 0;
		bufs[*n].pad = 0;
		(*n)++;
		dma += chunk;
		len -= chunk;
	}
	return true;
}

/*
 * PV mode: describe @len bytes from @off in @page (and the pages after it:
 * a linear skb head or a compound page) by machine address, one buffer per
 * page, since frames that follow in pseudo-physical memory need not in
 * machine memory.  -EXDEV: a page that is not ours (the caller copies).
 */
static int cdna_tx_pv_piece(struct cdna_guest_buf *bufs, unsigned int *n,
			    struct page *page, unsigned int off, u32 len)
{
	page = nth_page(page, off / PAGE_SIZE);
	off %= PAGE_SIZE;
	while (len) {
		u32 chunk = min_t(u32, len, PAGE_SIZE - off);
		u64 maddr;

		if (*n == CDNA_MAX_FRAGS)
			return -E2BIG;
		if (!cdna_xen_maddr(page, off, &maddr))
			return -EXDEV;
		bufs[*n].addr = cpu_to_le64(maddr);
		bufs[*n].len = cpu_to_le16(chunk);
		bufs[*n].flags = 0;
		bufs[*n].pad = 0;
		(*n)++;
		len -= chunk;
		off = 0;
		page = nth_page(page, 1);
	}
	return 0;
}

static int cdna_tx_pv_map(struct sk_buff *skb, struct cdna_guest_buf *bufs)
{
	unsigned int n = 0, i;
	int err = 0;

	if (skb_headlen(skb))
		err = cdna_tx_pv_piece(bufs, &n, virt_to_page(skb->data),
				       offset_in_page(skb->data),
				       skb_headlen(skb));
	for (i = 0; !err && i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		err = cdna_tx_pv_piece(bufs, &n, skb_frag_page(frag),
				       skb_frag_off(frag), skb_frag_size(frag));
	}
	if (err)
		return err;
	if (!n)
		return -EINVAL;
	bufs[n - 1].flags = cpu_to_le16(CDNA_DESC_EOP);
	return n;
}

/*
 * Map @skb and describe it in @bufs.  Each mapping is recorded in the slot
 * of its first buffer, counted from @base, the index of the frame's first
 * buffer.  Returns the number of buffers, -E2BIG if the frame needs more
 * than CDNA_MAX_FRAGS (nothing stays mapped), -EXDEV if a piece is not in
 * this domain's memory (PV), or -ENOMEM.
 */
static int cdna_tx_map(struct cdna_queue *q, struct sk_buff *skb,
		       struct cdna_guest_buf *bufs, u32 base)
{
	unsigned int nr_frags = skb_shinfo(skb)->nr_frags;
	unsigned int n = 0, i, first;
	struct cdna_tx_slot *s;
	int err = -E2BIG;
	dma_addr_t dma;
	u32 len;

	/* Cheap early answer: each piece needs at least one buffer. */
	if (nr_frags + 1 > CDNA_MAX_FRAGS)
		return -E2BIG;
	if (!q->dmadev)
		return cdna_tx_pv_map(skb, bufs);

	len = skb_headlen(skb);
	if (len) {
		dma = dma_map_single(q->dmadev, skb->data, len, DMA_TO_DEVICE);
		if (dma_mapping_error(q->dmadev, dma))
			return -ENOMEM;
		s = &q->tx_slot[CDNA_SLOT(base)];
		s->dma = dma;
		s->map_len = len;
		s->map_page = false;
		if (!cdna_tx_split(bufs, &n, dma, len))
			goto unwind;
	}
	for (i = 0; i < nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		len = skb_frag_size(frag);
		if (!len)
			continue;
		if (n == CDNA_MAX_FRAGS)
			goto unwind;
		dma = skb_frag_dma_map(q->dmadev, frag, 0, len, DMA_TO_DEVICE);
		if (dma_mapping_error(q->dmadev, dma)) {
			err = -ENOMEM;
			goto unwind;
		}
		first = n;
		s = &q->tx_slot[CDNA_SLOT(base + first)];
		s->dma = dma;
		s->map_len = len;
		s->map_page = true;
		if (!cdna_tx_split(bufs, &n, dma, len))
			goto unwind;
	}
	if (!n)
		return -EINVAL;
	bufs[n - 1].flags = cpu_to_le16(CDNA_DESC_EOP);
	return n;

unwind:
	for (i = 0; i < CDNA_MAX_FRAGS; i++)
		cdna_tx_unmap_slot(q, &q->tx_slot[CDNA_SLOT(base + i)]);
	return err;
}

/* A frame in the ring: its skb is freed when the NIC has consumed it. */
static void cdna_tx_commit(struct cdna_queue *q, struct sk_buff *skb,
			   unsigned int slots)
{
	q->tx_slot[CDNA_SLOT(q->tx_prod + slots - 1)].skb = skb;
	q->tx_prod += slots;
	/* BQL counts it before the doorbell lets the NIC complete it. */
	netdev_tx_sent_queue(netdev_get_tx_queue(q->ndev, 0), skb->len);
}

/*
 * The hypervisor took the first @k buffers of a frame and refused the next
 * (hcall.h): those are in the ring as an open frame, and whatever comes
 * next would be appended to it.  End it with a buffer from our own zeroed
 * page carrying EOP (the NIC then sends a frame with a zeroed tail, which
 * the receiver's checksums drop).  The counter is the post op's.
 */
static void cdna_tx_terminate(struct cdna_queue *q, struct sk_buff *skb,
			      const struct cdna_guest_buf *bufs,
			      unsigned int k)
{
	struct cdna_guest_buf pad = {
		.addr = cpu_to_le64(q->tx_pad_addr),
		.flags = cpu_to_le16(CDNA_DESC_EOP),
	};
	u32 open = 0, i;

	for (i = 0; i < k; i++)
		open += le16_to_cpu(bufs[i].len);
	pad.len = cpu_to_le16(open < CDNA_MIN_FRAME ? CDNA_MIN_FRAME - open : 1);
	if (q->tx_pad && q->ops->post(q, CDNA_RING_TX, q->tx_prod + k, &pad, 1))
		k++;
	cdna_tx_commit(q, skb, k);
}

/*
 * Post the frames taken since the last doorbell (one ENQUEUE in PV mode),
 * then ring it if anything went in.  Frames after a refused buffer are
 * dropped; they were not counted for BQL yet.  A post that took nothing
 * (PV: the context is suspended for a NIC reset) rings nothing: the NIC
 * may be in reset, and a doorbell with no news is no use anyway.
 */
static void cdna_tx_flush(struct cdna_queue *q)
{
	u32 base = q->tx_prod;
	unsigned int done, f, i = 0, k;

	if (!q->tx_batch_n)
		return;
	done = q->ops->post(q, CDNA_RING_TX, base, q->tx_batch, q->tx_batch_n);
	for (f = 0; f < q->tx_batch_frames; f++) {
		struct sk_buff *skb = q->tx_batch_skb[f];
		unsigned int nb = q->tx_batch_bufs[f];

		if (i + nb <= done) {
			cdna_tx_commit(q, skb, nb);
			if (nb > 1)
				cdna_stat_inc(q, &q->stats.tx_multi_buf);
		} else if (i < done) {
			cdna_tx_terminate(q, skb, &q->tx_batch[i], done - i);
		} else {
			for (k = 0; k < nb; k++)
				cdna_tx_unmap_slot(q,
						   &q->tx_slot[CDNA_SLOT(base + i + k)]);
			cdna_stat_inc(q, &q->stats.tx_dropped);
			dev_kfree_skb_any(skb);
		}
		i += nb;
	}
	q->tx_batch_n = 0;
	q->tx_batch_frames = 0;
	if (q->tx_prod != base)
		writel(q->tx_prod, q->regs + CTX_TX_PROD);
}

/*
 * Whether the end of a burst may leave its frames for later: while the NIC
 * still has frames of ours to send, its completion is sure to interrupt
 * (the NIC holds the bit while IRQ_ENABLE is clear), and the poll that
 * follows posts what gathered meanwhile (cdna_tx_post_deferred).  A sender
 * of one datagram per sendmsg otherwise pays a doorbell, and in PV mode an
 * ENQUEUE hypercall, for every frame.  An idle NIC is never kept waiting.
 */
static bool cdna_tx_may_defer(struct cdna_queue *q)
{
	u32 cons = le32_to_cpu(READ_ONCE(q->status->tx_cons));

	return q->tx_batch_frames < CDNA_TX_DEFER_FRAMES &&
	       cons != q->tx_prod &&
	       cons - q->tx_clean <= q->tx_prod - q->tx_clean;
}

/* The completion poll's side: post what xmit left waiting. */
static void cdna_tx_post_deferred(struct cdna_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->ndev, 0);

	if (!READ_ONCE(q->tx_batch_frames))
		return;
	/* An xmit holding the lock decides again for itself. */
	if (!__netif_tx_trylock(txq))
		return;
	if (q->tx_batch_frames)
		cdna_tx_flush(q);
	__netif_tx_unlock(txq);
}

/**
 * cdna_queue_xmit - send one frame (ndo_start_xmit's work)
 * @q: the context's queue
 * @skb: the frame, at most CDNA_MAX_FRAME bytes
 *
 * Called with the TX queue's xmit lock held: tx_prod and tx_batch are ours
 * alone.  Frames gather in tx_batch while the stack has more to send
 * (xmit_more); the last of a burst posts them all and rings the doorbell,
 * unless the NIC is still busy with earlier ones (cdna_tx_may_defer).
 */
netdev_tx_t cdna_queue_xmit(struct cdna_queue *q, struct sk_buff *skb)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->ndev, 0);
	struct cdna_guest_buf *bufs;
	unsigned int len = skb->len;
	int n;

	if (unlikely(len < CDNA_MIN_FRAME || len > CDNA_MAX_FRAME))
		goto drop;

	if (unlikely(cdna_tx_free(q) < CDNA_MAX_FRAGS)) {
		/* The queue is stopped before this can happen; say so loudly
		 * if it does, and let the stack retry.
		 */
		netif_tx_stop_queue(txq);
		cdna_stat_inc(q, &q->stats.tx_busy);
		cdna_tx_flush(q);
		return NETDEV_TX_BUSY;
	}
	if (q->tx_batch_n + CDNA_MAX_FRAGS > CDNA_ENQUEUE_MAX ||
	    q->tx_batch_frames == CDNA_ENQUEUE_MAX)
		cdna_tx_flush(q);

	bufs = &q->tx_batch[q->tx_batch_n];
	n = cdna_tx_map(q, skb, bufs, q->tx_prod + q->tx_batch_n);
	if (n == -E2BIG || n == -EXDEV) {
		/* More pieces than the NIC takes for one frame, or a piece in
		 * memory that is not ours (PV: netback's granted-in pages):
		 * copy it flat into a new head of our own.  A linear frame of
		 * at most 1518 bytes spans at most two pages, so this cannot
		 * fail the same way again.
		 */
		if (skb_linearize(skb))
			goto drop;
		cdna_stat_inc(q, n == -E2BIG ? &q->stats.tx_linearized :
				 &q->stats.tx_copied);
		n = cdna_tx_map(q, skb, bufs, q->tx_prod + q->tx_batch_n);
	}
	if (n < 0)
		goto drop;
	q->tx_batch_skb[q->tx_batch_frames] = skb;
	q->tx_batch_bufs[q->tx_batch_frames++] = n;
	q->tx_batch_n += n;
	skb_tx_timestamp(skb);

	/* Stop before the ring can be too full for a maximal frame. */
	if (unlikely(cdna_tx_free(q) < CDNA_MAX_FRAGS)) {
		netif_tx_stop_queue(txq);
		/* Order the stop before re-reading tx_clean; the cleaner does
		 * the mirror image (clean, barrier, test stopped), so one of
		 * the two sees the other and the queue cannot stay stopped.
		 */
		smp_mb();
		if (cdna_tx_free(q) >= CDNA_TX_WAKE_THRESH)
			netif_tx_start_queue(txq);
	}

	/* A stopped queue gets no next frame to end the burst: post now. */
	if (netif_xmit_stopped(txq)) {
		cdna_tx_flush(q);
	} else if (!netdev_xmit_more()) {
		if (cdna_tx_may_defer(q))
			cdna_stat_inc(q, &q->stats.tx_deferred);
		else
			cdna_tx_flush(q);
	}
	return NETDEV_TX_OK;

drop:
	cdna_stat_inc(q, &q->stats.tx_dropped);
	dev_kfree_skb_any(skb);
	/* A frame dropped last in a burst must still post the others. */
	if (!netdev_xmit_more())
		cdna_tx_flush(q);
	return NETDEV_TX_OK;
}

/* Reclaim what the NIC reports sent (status block tx_cons). */
static void cdna_tx_clean(struct cdna_queue *q, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->ndev, 0);
	unsigned int pkts = 0, bytes = 0;
	u32 cons = le32_to_cpu(READ_ONCE(q->status->tx_cons));

	/* tx_cons can only lie in [tx_clean, tx_prod]; anything else is a
	 * device error, and acting on it would free buffers the NIC may
	 * still read.
	 */
	if (unlikely(cons - q->tx_clean > q->tx_prod - q->tx_clean)) {
		cdna_stat_inc(q, &q->stats.bad_cons);
		net_warn_ratelimited("%s: NIC reports tx_cons %u outside [%u, %u]\n",
				     netdev_name(q->ndev), cons, q->tx_clean,
				     q->tx_prod);
		return;
	}
	while (q->tx_clean != cons) {
		struct cdna_tx_slot *s = &q->tx_slot[CDNA_SLOT(q->tx_clean)];

		cdna_tx_unmap_slot(q, s);
		if (s->skb) {
			pkts++;
			bytes += s->skb->len;
			napi_consume_skb(s->skb, budget);
			s->skb = NULL;
		}
		q->tx_clean++;
	}
	if (!pkts)
		return;

	netdev_tx_completed_queue(txq, pkts, bytes);
	u64_stats_update_begin(&q->stats.syncp);
	q->stats.tx_packets += pkts;
	q->stats.tx_bytes += bytes;
	u64_stats_update_end(&q->stats.syncp);

	/* Pairs with the barrier in cdna_queue_xmit. */
	smp_mb();
	if (cdna_queue_tx_wake(q))
		cdna_stat_inc(q, &q->stats.tx_wakes);
}

/**
 * cdna_queue_tx_wake - restart a stopped TX queue if a frame fits again
 * @q: the queue
 *
 * Returns true when it woke the queue.  Not with the carrier off: the
 * stack would only feed the ring frames the link cannot carry.
 */
bool cdna_queue_tx_wake(struct cdna_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->ndev, 0);

	if (!netif_tx_queue_stopped(txq) ||
	    cdna_tx_free(q) < CDNA_TX_WAKE_THRESH ||
	    !netif_carrier_ok(q->ndev))
		return false;
	netif_tx_wake_queue(txq);
	return true;
}

/* ---- RX --------------------------------------------------------------- */

/*
 * Post every free RX slot.  Buffers stay mapped for the life of the ring
 * and each slot always gets the same buffer: a received frame is copied
 * into a fresh skb (at most 1518 bytes, cheaper than mapping a page per
 * frame, and in PV mode a page the hypervisor has already vetted).
 */
int cdna_queue_fill_rx(struct cdna_queue *q)
{
	u32 want = CDNA_RING_SLOTS - (q->rx_prod - q->rx_next);
	u32 posted = 0;
	int err = 0;

	while (want) {
		u32 n = min_t(u32, want, CDNA_ENQUEUE_MAX), i;

		for (i = 0; i < n; i++) {
			u32 slot = CDNA_SLOT(q->rx_prod + i);

			q->rx_post[i].addr = cpu_to_le64(cdna_rx_buf_dma(q, slot));
			q->rx_post[i].len = cpu_to_le16(CDNA_RX_BUF_LEN);
			q->rx_post[i].flags = 0;
			q->rx_post[i].pad = 0;
		}
		i = q->ops->post(q, CDNA_RING_RX, q->rx_prod, q->rx_post, n);
		q->rx_prod += i;
		posted += i;
		want -= i;
		if (i < n) {
			err = -EIO;
			break;
		}
	}
	if (posted)
		writel(q->rx_prod, q->regs + CTX_RX_PROD);
	return err;
}

static void cdna_rx_one(struct cdna_queue *q, u32 slot, u16 len)
{
	/* The page is one mapping; sync only the frame's part of it. */
	dma_addr_t page_dma = q->rx_page_dma[slot / CDNA_RX_BUFS_PER_PAGE];
	u32 off = cdna_rx_buf_off(slot);
	struct sk_buff *skb;

	if (q->dmadev)
		dma_sync_single_range_for_cpu(q->dmadev, page_dma, off, len,
					      DMA_FROM_DEVICE);
	skb = napi_alloc_skb(&q->napi, len);
	if (skb)
		skb_put_data(skb, cdna_rx_buf_va(q, slot), len);
	if (q->dmadev)
		dma_sync_single_range_for_device(q->dmadev, page_dma, off, len,
						 DMA_FROM_DEVICE);
	if (unlikely(!skb)) {
		cdna_stat_inc(q, &q->stats.rx_dropped);
		return;
	}
	skb->protocol = eth_type_trans(skb, q->ndev);
	u64_stats_update_begin(&q->stats.syncp);
	q->stats.rx_packets++;
	q->stats.rx_bytes += len;
	u64_stats_update_end(&q->stats.syncp);
	napi_gro_receive(&q->napi, skb);
}

static int cdna_rx(struct cdna_queue *q, int budget)
{
	u32 cons = le32_to_cpu(READ_ONCE(q->status->rx_cons));
	int done = 0;

	if (unlikely(cons - q->rx_next > q->rx_prod - q->rx_next)) {
		cdna_stat_inc(q, &q->stats.bad_cons);
		net_warn_ratelimited("%s: NIC reports rx_cons %u outside [%u, %u]\n",
				     netdev_name(q->ndev), cons, q->rx_next,
				     q->rx_prod);
		return 0;
	}
	/* The NIC writes the write-backs before the rx_cons that covers
	 * them; read them in the same order.
	 */
	dma_rmb();
	while (done < budget && q->rx_next != cons) {
		u32 slot = CDNA_SLOT(q->rx_next);
		const struct cdna_desc *d = &q->rx_ring[slot];
		u16 flags = le16_to_cpu(READ_ONCE(d->flags));
		u16 len = le16_to_cpu(READ_ONCE(d->len));

		/* The slot names a buffer this queue did not post (what an
		 * earlier instance of the driver left in a PV ring): the
		 * frame is not ours to read.
		 */
		if (unlikely(le64_to_cpu(READ_ONCE(d->addr)) !=
			     cdna_rx_buf_dma(q, slot)))
			cdna_stat_inc(q, &q->stats.rx_foreign);
		else if (unlikely(!(flags & CDNA_DESC_DONE)))
			cdna_stat_inc(q, &q->stats.rx_not_done);
		else if (unlikely(flags & CDNA_DESC_ERR))
			cdna_stat_inc(q, &q->stats.rx_errors);
		else if (unlikely(len < CDNA_MIN_FRAME ||
				  len > min(CDNA_RX_BUF_LEN, CDNA_MAX_FRAME)))
			cdna_stat_inc(q, &q->stats.rx_length_errors);
		else
			cdna_rx_one(q, slot, len);
		q->rx_next++;
		done++;
	}
	return done;
}

static int cdna_queue_poll(struct napi_struct *napi, int budget)
{
	struct cdna_queue *q = container_of(napi, struct cdna_queue, napi);
	int done;

	cdna_stat_inc(q, &q->stats.polls);
	/* IRQ_ENABLE stays clear: whoever halted the rings restarts them. */
	if (q->ops->halted && q->ops->halted(q)) {
		napi_complete_done(napi, 0);
		return 0;
	}
	cdna_tx_clean(q, budget);
	cdna_tx_post_deferred(q);
	done = cdna_rx(q, budget);
	if (done)
		cdna_queue_fill_rx(q);

	/* The NIC holds this context's interrupt bit while IRQ_ENABLE is
	 * clear, so news that arrived since the status block was read is
	 * delivered as soon as it is set again: nothing is lost.
	 */
	if (done < budget && napi_complete_done(napi, done))
		cdna_queue_irq_enable(q, true);
	return done;
}

/**
 * cdna_queue_irq - the interrupt vector named this context
 * @q: its queue
 *
 * Returns true when it scheduled NAPI (false: already scheduled, or
 * disabled).
 */
bool cdna_queue_irq(struct cdna_queue *q)
{
	if (!napi_schedule_prep(&q->napi))
		return false;
	cdna_queue_irq_enable(q, false);
	__napi_schedule(&q->napi);
	return true;
}

/*
 * The NIC consumed something the data path has not looked at yet.  Only an
 * index inside what was posted counts: one outside it (a status block not
 * yet rewritten after a NIC reset, or a confused NIC) is no work, else the
 * PV watchdog would schedule a poll that finds nothing at every tick.
 */
bool cdna_queue_has_work(struct cdna_queue *q)
{
	u32 tx_cons = le32_to_cpu(READ_ONCE(q->status->tx_cons));
	u32 rx_cons = le32_to_cpu(READ_ONCE(q->status->rx_cons));

	return (tx_cons != q->tx_clean &&
		tx_cons - q->tx_clean <= q->tx_prod - q->tx_clean) ||
	       (rx_cons != q->rx_next &&
		rx_cons - q->rx_next <= q->rx_prod - q->rx_next);
}

/* ---- setup and teardown ----------------------------------------------- */

void cdna_queue_init(struct cdna_queue *q, struct net_device *ndev,
		     struct device *dmadev, void __iomem *regs,
		     const struct cdna_post_ops *ops)
{
	q->ndev = ndev;
	q->dmadev = dmadev;
	q->regs = regs;
	q->ops = ops;
	u64_stats_init(&q->stats.syncp);
	netif_napi_add(ndev, &q->napi, cdna_queue_poll);
}

/* Indexes back to 0: a context starts afresh each time it is enabled. */
void cdna_queue_reset(struct cdna_queue *q)
{
	q->tx_prod = 0;
	q->tx_clean = 0;
	q->rx_prod = 0;
	q->rx_next = 0;
	memset(q->tx_slot, 0, sizeof(q->tx_slot));
	q->tx_batch_n = 0;
	q->tx_batch_frames = 0;
	netdev_tx_reset_queue(netdev_get_tx_queue(q->ndev, 0));
}

/**
 * cdna_queue_resume - take over rings a hypervisor already runs (PV)
 * @q: the queue
 * @tx_prod: TX producer index, as the hypervisor says (QUERY)
 * @tx_cons: TX consumer index, as the NIC last wrote it
 * @rx_prod: RX producer index
 * @rx_cons: RX consumer index
 *
 * A context is assigned with indexes at 0, but a driver loaded again finds
 * them where the last one left them; after a NIC reset (cdna_pv.c) they
 * are back at 0, and taken from the hypervisor's answer all the same.
 * Slots between a consumer and its producer hold an earlier driver's
 * buffers: TX ones complete with no skb, RX ones are dropped (rx_foreign).
 * A consumer index out of range is not believed.
 */
void cdna_queue_resume(struct cdna_queue *q, u32 tx_prod, u32 tx_cons,
		       u32 rx_prod, u32 rx_cons)
{
	cdna_queue_reset(q);
	q->tx_prod = tx_prod;
	q->tx_clean = tx_prod - tx_cons <= CDNA_RING_SLOTS ? tx_cons : tx_prod;
	q->rx_prod = rx_prod;
	q->rx_next = rx_prod - rx_cons <= CDNA_RING_SLOTS ? rx_cons : rx_prod;
}

/*
 * PV: a context keeps running while its interface is down, and the NIC
 * fills the posted buffers meanwhile.  Open hands those slots back without
 * delivering what arrived while the interface was down.
 */
void cdna_queue_rx_discard(struct cdna_queue *q)
{
	u32 cons = le32_to_cpu(READ_ONCE(q->status->rx_cons));

	if (cons - q->rx_next <= q->rx_prod - q->rx_next)
		q->rx_next = cons;
}

/**
 * cdna_queue_tx_idle - reclaim what was sent; true when nothing is left
 * @q: the queue, with NAPI disabled and the TX queue stopped
 */
bool cdna_queue_tx_idle(struct cdna_queue *q)
{
	cdna_tx_clean(q, 0);
	return q->tx_clean == q->tx_prod;
}

int cdna_queue_alloc_rx(struct cdna_queue *q)
{
	unsigned int i;

	for (i = 0; i < CDNA_RX_PAGES; i++) {
		struct page *page = dev_alloc_page();
		dma_addr_t dma;
		u64 maddr;

		if (!page)
			goto fail;
		if (!q->dmadev) {
			/* PV: the hypervisor vets the machine frame. */
			if (!cdna_xen_maddr(page, 0, &maddr)) {
				__free_page(page);
				goto fail;
			}
			dma = maddr;
		} else {
			dma = dma_map_page(q->dmadev, page, 0, CDNA_PAGE_SIZE,
					   DMA_FROM_DEVICE);
			if (dma_mapping_error(q->dmadev, dma)) {
				__free_page(page);
				goto fail;
			}
		}
		q->rx_page[i] = page;
		q->rx_page_dma[i] = dma;
	}
	if (!q->dmadev) {
		q->tx_pad = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!q->tx_pad || !cdna_xen_maddr(q->tx_pad, 0, &q->tx_pad_addr))
			goto fail;
	}
	return 0;

fail:
	cdna_queue_free_bufs(q);
	return -ENOMEM;
}

/*
 * Free every TX frame the queue holds, posted or still gathering, without
 * completing it; returns how many.  The NIC must no longer read them.
 */
static unsigned int cdna_tx_free_all(struct cdna_queue *q)
{
	unsigned int i, frames = 0;

	for (i = 0; i < q->tx_batch_frames; i++, frames++)
		dev_kfree_skb_any(q->tx_batch_skb[i]);
	q->tx_batch_n = 0;
	q->tx_batch_frames = 0;
	for (i = 0; i < CDNA_RING_SLOTS; i++) {
		struct cdna_tx_slot *s = &q->tx_slot[i];

		cdna_tx_unmap_slot(q, s);
		if (s->skb) {
			dev_kfree_skb_any(s->skb);
			s->skb = NULL;
			frames++;
		}
	}
	q->tx_clean = q->tx_prod;
	netdev_tx_reset_queue(netdev_get_tx_queue(q->ndev, 0));
	return frames;
}

/**
 * cdna_queue_drop_inflight - forget everything posted, keep the buffers
 * @q: the queue, NAPI disabled and the TX queue stopped
 * @rx_bufs: set to the number of RX buffers that were posted
 *
 * PV: the hypervisor suspended the context for a NIC reset, stopped it on
 * the NIC and returned every page reference, so nothing posted will ever
 * complete.  TX frames are freed (tx_dropped); RX buffers stay the
 * queue's, to be posted again from index 0 once the context is back.
 * Indexes go back to 0 (cdna_queue_resume sets them from the hypervisor's
 * answer later).  Returns the number of TX frames dropped.
 */
unsigned int cdna_queue_drop_inflight(struct cdna_queue *q, u32 *rx_bufs)
{
	unsigned int frames = cdna_tx_free_all(q);

	*rx_bufs = q->rx_prod - q->rx_next;
	cdna_stat_add(q, &q->stats.tx_dropped, frames);
	cdna_queue_reset(q);
	return frames;
}

/**
 * cdna_queue_free_bufs - release every buffer of a stopped context
 * @q: its queue
 *
 * Only once the NIC reported the context STOPPED (or never ran it): TX
 * work it discarded on revoke is not counted in tx_cons, so everything
 * posted is reclaimed here, not just what was sent.
 */
void cdna_queue_free_bufs(struct cdna_queue *q)
{
	unsigned int i;

	cdna_tx_free_all(q);

	for (i = 0; i < CDNA_RX_PAGES; i++) {
		if (!q->rx_page[i])
			continue;
		if (q->dmadev)
			dma_unmap_page(q->dmadev, q->rx_page_dma[i],
				       CDNA_PAGE_SIZE, DMA_FROM_DEVICE);
		__free_page(q->rx_page[i]);
		q->rx_page[i] = NULL;
	}
	if (q->tx_pad) {
		__free_page(q->tx_pad);
		q->tx_pad = NULL;
	}
}
