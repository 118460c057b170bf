/* SPDX-License-Identifier: MIT */
/*
 * hv_enqueue.c - the hot path: validate a guest's buffers, take a page
 * reference on each, write the descriptors with their sequence numbers,
 * and drop the references of what the NIC has consumed.
 *
 * Order of the checks for one buffer (the first that fails is counted):
 * malformed fields, length, page crossing, frame size, ring space, then
 * ownership and type through the platform.  The cheap arithmetic comes
 * before the platform call, so a flood of bad buffers costs little and
 * never touches a page's reference count.
 */
#include "hv_priv.h"

/* The status block's consumer index of ring r, as the NIC last wrote it. */
static uint32_t nic_cons(const struct hv_ctx *ctx, unsigned r)
{
	return hv_rd32(ctx->status + (r == CDNA_RING_TX ?
				      CDNA_STATUS_OFF_TX_CONS :
				      CDNA_STATUS_OFF_RX_CONS));
}

static void release_ring(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned r,
			 uint32_t upto)
{
	struct hv_ring *ring = &ctx->ring[r];
	int writable = r == CDNA_RING_RX;

	for (; ring->clean != upto; ring->clean++) {
		hv->plat.put_frame(hv->plat.opaque,
				   ring->frame[ring->clean % CDNA_RING_SLOTS],
				   writable);
		ctx->refs_held--;
		hv->refs_held--;
	}
}

void hv_release(struct cdna_hv *hv, struct hv_ctx *ctx, int all)
{
	for (unsigned r = 0; r < 2; r++) {
		struct hv_ring *ring = &ctx->ring[r];
		uint32_t cons = all ? ring->prod : nic_cons(ctx, r);

		/* A consumer index past the producer is not believed: the
		 * pages it would release may still be in the NIC's hands. */
		if (cons - ring->clean > ring->prod - ring->clean) {
			ctx->bad_cons++;
			continue;
		}
		release_ring(hv, ctx, r, cons);
	}
}

/* Write the descriptor of index idx (little-endian, desc.h). */
static void desc_write(struct hv_ring *ring, uint32_t idx, uint32_t seq,
		       const struct cdna_guest_buf *b)
{
	uint8_t *d = ring->slots + (idx % CDNA_RING_SLOTS) *
			 sizeof(struct cdna_desc);

	hv_wr32(d, (uint32_t)b->addr);
	hv_wr32(d + 4, (uint32_t)(b->addr >> 32));
	hv_wr32(d + CDNA_DESC_OFF_LEN, (uint32_t)b->len |
		(uint32_t)b->flags << 16);
	hv_wr32(d + 12, seq);
}

/* The reason buffer b cannot go into ring r of ctx, before any page is
 * looked at, or CDNA_HV_REFUSAL_NUM when it may. */
static enum cdna_hv_refusal check_buf(const struct hv_ctx *ctx, unsigned r,
				      const struct cdna_guest_buf *b)
{
	const struct hv_ring *ring = &ctx->ring[r];

	if (b->pad || (r == CDNA_RING_TX ? b->flags & ~CDNA_DESC_EOP :
		       b->flags))
		return CDNA_HV_BAD_ARG;
	if (!b->len || b->len > CDNA_PAGE_SIZE)
		return CDNA_HV_BAD_LEN;
	if (b->addr % CDNA_PAGE_SIZE + b->len > CDNA_PAGE_SIZE)
		return CDNA_HV_CROSSES_PAGE;
	if (r == CDNA_RING_TX) {
		uint32_t len = ctx->tx_open_len + b->len;

		int eop = b->flags & CDNA_DESC_EOP;

		/* A fragment that is not the last must leave room for the
		 * last one within CDNA_MAX_FRAGS. */
		if (len > CDNA_MAX_FRAME ||
		    ctx->tx_open_frags + 1 + !eop > CDNA_MAX_FRAGS ||
		    (eop && len < CDNA_MIN_FRAME))
			return CDNA_HV_BAD_LEN;
	}
	if (ring->prod - ring->clean >= CDNA_RING_SLOTS)
		return CDNA_HV_RING_FULL;
	return CDNA_HV_REFUSAL_NUM;
}

static long refusal_errno(enum cdna_hv_refusal why)
{
	switch (why) {
	case CDNA_HV_NOT_OWNED:
	case CDNA_HV_NOT_RAM:
	case CDNA_HV_NOT_WRITABLE:
		return -CDNA_EPERM;
	case CDNA_HV_RING_FULL:
		return -CDNA_ENOSPC;
	default:
		return -CDNA_EINVAL;
	}
}

long hv_enqueue(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		struct cdna_op_enqueue *op)
{
	struct cdna_guest_buf bufs[CDNA_ENQUEUE_MAX];
	struct hv_ctx *ctx = hv_ctx_get(hv, op->ctx);
	enum cdna_hv_refusal why = CDNA_HV_REFUSAL_NUM;
	struct hv_ring *ring;
	unsigned r = op->ring;
	long err = 0;
	uint32_t i;

	op->done = 0;
	op->error = 0;
	op->reason = 0;
	if (!ctx || ctx->state == HV_CTX_FREE || ctx->owner != who->domid) {
		op->reason = CDNA_HV_NOT_OWNER;
		return op->error = (int32_t)hv_refuse(hv, ctx, CDNA_HV_NOT_OWNER,
						      -CDNA_EPERM);
	}
	if (ctx->state == HV_CTX_SUSPENDED) {
		/* The NIC is being reset: no fault of the owner's, so not
		 * counted; its status page says SUSPENDED. */
		op->reason = CDNA_HV_NOT_RUNNING;
		return op->error = -CDNA_EBUSY;
	}
	if (ctx->state != HV_CTX_RUNNING) {
		op->reason = CDNA_HV_NOT_RUNNING;
		return op->error = (int32_t)hv_refuse(hv, ctx,
						      CDNA_HV_NOT_RUNNING,
						      -CDNA_EBUSY);
	}
	if (r > CDNA_RING_RX || op->pad0 || !op->count ||
	    op->count > CDNA_ENQUEUE_MAX)
		err = -CDNA_EINVAL;
	else if (hv->plat.copy_from_caller(hv->plat.opaque, who->domid, bufs,
					   op->bufs,
					   op->count * sizeof(bufs[0])))
		err = -CDNA_EFAULT;
	if (err) {
		op->reason = CDNA_HV_BAD_ARG;
		op->prod = ctx->ring[r > CDNA_RING_RX ? 0 : r].prod;
		return op->error = (int32_t)hv_refuse(hv, ctx, CDNA_HV_BAD_ARG,
						      err);
	}
	ctx->enqueues++;
	hv->enqueues++;
	/* Lazily: what the NIC finished since the last call is released
	 * first, which is also what makes room in the ring. */
	hv_release(hv, ctx, 0);
	ring = &ctx->ring[r];
	for (i = 0; i < op->count; i++) {
		const struct cdna_guest_buf *b = &bufs[i];
		uint64_t frame = b->addr / CDNA_PAGE_SIZE;

		why = check_buf(ctx, r, b);
		if (why == CDNA_HV_REFUSAL_NUM &&
		    hv->plat.get_frame(hv->plat.opaque, who->domid, frame,
				       r == CDNA_RING_RX, &why) == 0)
			why = CDNA_HV_REFUSAL_NUM;
		if (why != CDNA_HV_REFUSAL_NUM) {
			/* A platform that fails without a reason still
			 * refuses. */
			if (why > CDNA_HV_REFUSAL_NUM)
				why = CDNA_HV_NOT_OWNED;
			err = hv_refuse(hv, ctx, why, refusal_errno(why));
			break;
		}
		ring->frame[ring->prod % CDNA_RING_SLOTS] = frame;
		desc_write(ring, ring->prod, ctx->seq_base + ring->prod, b);
		ring->prod++;
		ctx->refs_held++;
		hv->refs_held++;
		if (r == CDNA_RING_TX) {
			if (b->flags & CDNA_DESC_EOP) {
				ctx->tx_open_len = 0;
				ctx->tx_open_frags = 0;
			} else {
				ctx->tx_open_len += b->len;
				ctx->tx_open_frags++;
			}
		}
	}
	ctx->descs += i;
	hv->descs += i;
	/* The descriptors are in memory before the guest can ring the
	 * doorbell that makes the NIC read them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	op->done = i;
	op->prod = ring->prod;
	op->error = (int32_t)err;
	op->reason = err ? (uint32_t)why : 0;
	return err;
}

long hv_query(struct cdna_hv *hv, const struct cdna_hv_caller *who,
	      struct cdna_op_query *op)
{
	struct hv_ctx *ctx = hv_ctx_get(hv, op->ctx);

	if (!ctx || (!who->privileged &&
		     (ctx->state == HV_CTX_FREE || ctx->owner != who->domid)))
		return hv_refuse(hv, ctx, CDNA_HV_NOT_OWNER,
				 ctx ? -CDNA_EPERM : -CDNA_ENOENT);
	if (ctx->state == HV_CTX_RUNNING)
		hv_release(hv, ctx, 0);
	op->state = hv->plat.bar2_read(hv->plat.opaque, CDNA_BAR2_HV +
				       HV_CTX(op->ctx) + HV_CTX_STATE);
	op->tx_prod = ctx->ring[CDNA_RING_TX].prod;
	op->rx_prod = ctx->ring[CDNA_RING_RX].prod;
	op->tx_cons = ctx->status ? nic_cons(ctx, CDNA_RING_TX) : 0;
	op->rx_cons = ctx->status ? nic_cons(ctx, CDNA_RING_RX) : 0;
	op->refs_held = ctx->refs_held;
	return 0;
}
