/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cdna_ring.h - one CDNA context's data path: TX post and clean, RX refill
 * and receive, NAPI poll, completions from the status block.
 *
 * This code does not know who writes the descriptors.  In native mode (no
 * hypervisor) the driver writes them itself, with the sequence number the
 * NIC checks; in PV mode (cdna_pv.c) only the hypervisor may write the
 * rings and the driver hands it buffers with the ENQUEUE hypercall
 * (include/cdna/hcall.h).  That single step is cdna_post_ops::post; the
 * buffers it takes are struct cdna_guest_buf, the hypercall's own format,
 * so the PV implementation passes them on unchanged.  The other difference
 * is the addresses: native mode maps buffers with the DMA API (q->dmadev);
 * PV mode has no DMA device (q->dmadev NULL) and names its own frames by
 * machine address (cdna_xen_maddr).  Everything else, down to the doorbell
 * write, is the same in every mode.
 */
#ifndef CDNA_RING_H
#define CDNA_RING_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#include <cdna/desc.h>
#include <cdna/hcall.h>
#include <cdna/regs.h>

/*
 * RX buffers: two per page, each CDNA_RX_BUF_LEN bytes, so no buffer
 * crosses a 4 KiB boundary (the NIC refuses one that does) and each holds
 * CDNA_RX_BUF_MIN bytes (a full frame with an 802.1Q tag).
 */
#define CDNA_RX_BUF_LEN		2048u
#define CDNA_RX_BUFS_PER_PAGE	(CDNA_PAGE_SIZE / CDNA_RX_BUF_LEN)
#define CDNA_RX_PAGES		(CDNA_RING_SLOTS / CDNA_RX_BUFS_PER_PAGE)

/* Wake a stopped TX queue once this many slots are free again. */
#define CDNA_TX_WAKE_THRESH	(2 * CDNA_MAX_FRAGS)

/*
 * At most this many frames wait for the NIC's completion to be posted
 * together (cdna_tx_may_defer).
 */
#define CDNA_TX_DEFER_FRAMES	16u

struct cdna_queue;

/**
 * struct cdna_post_ops - how descriptors reach a ring
 * @post: put @n buffers into @ring (CDNA_RING_TX or CDNA_RING_RX) from
 *	producer index @prod on (the caller then advances its own index and
 *	rings the doorbell).  Returns how many are in the ring: a prefix of
 *	@bufs, all of them unless the hypervisor refused one (it keeps the
 *	accepted prefix, hcall.h).  @n <= CDNA_ENQUEUE_MAX.  Called from
 *	ndo_start_xmit (TX, under the queue's xmit lock) and from NAPI poll or
 *	ndo_open (RX).
 * @halted: optional, asked at the start of every NAPI poll: true when the
 *	rings must not be touched now (PV: the hypervisor is resetting the NIC
 *	under the context, cdna_pv.c).  The poll then ends at once and leaves
 *	the context's interrupt disabled; the owner restarts the data path.
 */
struct cdna_post_ops {
	unsigned int (*post)(struct cdna_queue *q, unsigned int ring, u32 prod,
			     const struct cdna_guest_buf *bufs, unsigned int n);
	bool (*halted)(struct cdna_queue *q);
};

/* One TX slot: what to undo when the NIC has consumed it. */
struct cdna_tx_slot {
	struct sk_buff *skb;	/* set on a frame's last slot only */
	dma_addr_t dma;		/* the mapping that starts at this slot */
	u32 map_len;		/* 0: no mapping starts here */
	bool map_page;		/* skb_frag_dma_map, else dma_map_single */
};

/* Driver counters, per context (ethtool -S, ndo_get_stats64). */
struct cdna_queue_stats {
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_multi_buf;	/* frames sent as more than one buffer */
	u64 tx_linearized;	/* frames copied flat: too many pieces */
	u64 tx_dropped;		/* frames not sendable (size, DMA map) */
	u64 tx_busy;		/* xmit found the ring full */
	u64 tx_wakes;		/* queue restarted by completions */
	u64 tx_deferred;	/* bursts left for the completion poll to post */
	u64 rx_errors;		/* RX slots the NIC handed back with ERR */
	u64 rx_length_errors;	/* write-back length out of range */
	u64 rx_not_done;	/* consumed slot without DONE */
	u64 rx_dropped;		/* no memory for an skb */
	u64 bad_cons;		/* status block index out of range */
	u64 polls;		/* NAPI poll runs */
	u64 rx_foreign;		/* RX slot naming a buffer not this queue's */
	u64 tx_copied;		/* frames copied: a piece not in own RAM */
	u64 hcalls;		/* ENQUEUE hypercalls (PV) */
	u64 hcall_errors;	/* ENQUEUE refused in whole or part (PV) */
	u64 irq_missed;		/* work found by the watchdog, not an event */
	u64 hv_suspends;	/* taken down for a NIC reset (PV) */
	u64 hv_resets;		/* back up after a NIC reset (PV) */
	u64 hv_resets_unseen;	/* resets found afterwards, no SUSPENDED seen */
	u64 hv_busy;		/* ENQUEUE answered -EBUSY (PV) */
	u64 hv_status_bad;	/* status words not believed (PV) */
	struct u64_stats_sync syncp;
};

/**
 * struct cdna_queue - one context's rings as the data path sees them
 * @tx_ring: the TX ring (CDNA_RING_SLOTS descriptors); only the post op
 *	writes it (in PV mode it is a read-only mapping)
 * @rx_ring: the RX ring; the data path reads the NIC's write-backs here
 * @status: the status block the NIC writes tx_cons / rx_cons into
 * @regs: this context's BAR0 page (doorbells, IRQ enable)
 * @tx_prod: TX descriptors posted (free-running)
 * @tx_clean: TX descriptors reclaimed; tx_clean <= NIC's tx_cons <= tx_prod
 * @rx_prod: RX descriptors posted
 * @rx_next: next RX slot to look at; rx_next <= NIC's rx_cons <= rx_prod
 * @tx_batch: buffers of the frames taken since the last doorbell, not yet
 *	posted (one post, one hypercall in PV mode, for a burst)
 * @tx_pad: PV mode: a zeroed page of our own that ends a frame whose
 *	middle the hypervisor refused (hcall.h: it keeps the accepted prefix)
 */
struct cdna_queue {
	struct net_device *ndev;
	struct device *dmadev;
	struct napi_struct napi;
	const struct cdna_post_ops *ops;
	void __iomem *regs;

	struct cdna_desc *tx_ring;
	struct cdna_desc *rx_ring;
	struct cdna_ctx_status *status;

	u32 tx_prod;
	u32 tx_clean;
	u32 rx_prod;
	u32 rx_next;

	struct cdna_tx_slot tx_slot[CDNA_RING_SLOTS];
	struct page *rx_page[CDNA_RX_PAGES];
	dma_addr_t rx_page_dma[CDNA_RX_PAGES];
	struct cdna_guest_buf rx_post[CDNA_ENQUEUE_MAX];

	struct cdna_guest_buf tx_batch[CDNA_ENQUEUE_MAX];
	struct sk_buff *tx_batch_skb[CDNA_ENQUEUE_MAX];
	u8 tx_batch_bufs[CDNA_ENQUEUE_MAX];
	unsigned int tx_batch_n;
	unsigned int tx_batch_frames;
	struct page *tx_pad;
	u64 tx_pad_addr;

	struct cdna_queue_stats stats;
};

void cdna_queue_init(struct cdna_queue *q, struct net_device *ndev,
		     struct device *dmadev, void __iomem *regs,
		     const struct cdna_post_ops *ops);
void cdna_queue_reset(struct cdna_queue *q);
void cdna_queue_resume(struct cdna_queue *q, u32 tx_prod, u32 tx_cons,
		       u32 rx_prod, u32 rx_cons);
void cdna_queue_rx_discard(struct cdna_queue *q);
unsigned int cdna_queue_drop_inflight(struct cdna_queue *q, u32 *rx_bufs);
bool cdna_queue_tx_wake(struct cdna_queue *q);
bool cdna_queue_tx_idle(struct cdna_queue *q);
int cdna_queue_alloc_rx(struct cdna_queue *q);
int cdna_queue_fill_rx(struct cdna_queue *q);
void cdna_queue_free_bufs(struct cdna_queue *q);
netdev_tx_t cdna_queue_xmit(struct cdna_queue *q, struct sk_buff *skb);
bool cdna_queue_irq(struct cdna_queue *q);
bool cdna_queue_has_work(struct cdna_queue *q);
void cdna_queue_irq_enable(struct cdna_queue *q, bool on);
void cdna_queue_get_stats(struct cdna_queue *q, struct cdna_queue_stats *s);
void cdna_queue_count_hcall(struct cdna_queue *q, bool failed);
void cdna_queue_count_missed(struct cdna_queue *q);
void cdna_queue_stat_inc(struct cdna_queue *q, u64 *ctr);

#endif /* CDNA_RING_H */
