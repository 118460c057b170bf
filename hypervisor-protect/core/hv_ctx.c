/* SPDX-License-Identifier: MIT */
/*
 * hv_ctx.c - the management operations, dom0's: register the NIC, assign a
 * context to a domain, revoke it, read the counters; and revoking what a
 * dying domain held.
 *
 * The one rule that makes revoke safe: page references are returned only
 * once the NIC reports the context STOPPED (its firmware writes STOPPED
 * after the last DMA of the context has completed).  If the NIC does not
 * stop in time the context stays REVOKING with every reference held; a
 * later revoke tries again.  Leaking a reference is recoverable, a page
 * freed under DMA is not.
 */
#include "hv_priv.h"

uint32_t hv_bar2(struct cdna_hv *hv, uint32_t off)
{
	return hv->plat.bar2_read(hv->plat.opaque, off);
}

void hv_bar2_wr(struct cdna_hv *hv, uint32_t off, uint32_t val)
{
	hv->plat.bar2_write(hv->plat.opaque, off, val);
}

static void hv_bar2_wr64(struct cdna_hv *hv, uint32_t off, uint64_t val)
{
	hv_bar2_wr(hv, off, (uint32_t)val);
	hv_bar2_wr(hv, off + 4, (uint32_t)(val >> 32));
}

static uint32_t ctx_nic_state(struct cdna_hv *hv, unsigned c)
{
	return hv_bar2(hv, CDNA_BAR2_HV + HV_CTX(c) + HV_CTX_STATE);
}

/* Wait, bounded, until context c's NIC state is (want) or is not (!want)
 * RUNNING: 0, or -1 on time-out; *us the time it took. */
static int wait_state(struct cdna_hv *hv, unsigned c, int want_running,
		      uint32_t *us)
{
	uint64_t start = hv_now_us(hv), now = start;

	for (;;) {
		int running = ctx_nic_state(hv, c) == CDNA_CTX_STATE_RUNNING;

		if (running == want_running)
			break;
		if (now - start >= CDNA_HV_WAIT_US) {
			if (us)
				*us = (uint32_t)(now - start);
			return -1;
		}
		hv->plat.relax(hv->plat.opaque);
		now = hv_now_us(hv);
	}
	if (us)
		*us = (uint32_t)(now - start);
	return 0;
}

/* Point the NIC at the (emptied) interrupt vector, with dom0's interrupt
 * coalescing: at registration and after a NIC reset, which forgets both. */
void hv_intvec_arm(struct cdna_hv *hv)
{
	memset(hv->intvec, 0, CDNA_PAGE_SIZE);
	/* Under TCG or not, each physical interrupt costs Xen's handler, a
	 * vector walk and one event per owner: coalescing bounds that. */
	hv_bar2_wr(hv, CDNA_BAR2_HV + HV_INT_MOD_US, hv->int_mod_us);
	/* The NIC appends context masks here; HI arms it (regs.h). */
	hv_bar2_wr(hv, CDNA_BAR2_HV + HV_INTVEC_LO, (uint32_t)hv->intvec_maddr);
	hv_bar2_wr(hv, CDNA_BAR2_HV + HV_INTVEC_HI,
		   (uint32_t)(hv->intvec_maddr >> 32));
	hv_bar2_wr(hv, CDNA_BAR2_HV + HV_INT_CONS, 0);
	hv->int_cons = 0;
}

long hv_register_nic(struct cdna_hv *hv, struct cdna_op_register_nic *op)
{
	uint32_t id, n;

	if (hv->nic_registered)
		return -CDNA_EBUSY;
	if (op->int_mod_us > CDNA_INT_MOD_US_MAX ||
	    op->bar0 % CDNA_PAGE_SIZE || op->bar2 % CDNA_PAGE_SIZE)
		return -CDNA_EINVAL;
	if (hv->plat.nic_attach(hv->plat.opaque, op->bar0, op->bar2))
		return -CDNA_ENODEV;
	id = hv_bar2(hv, CDNA_BAR2_MGMT + MGMT_ID);
	n = hv_bar2(hv, CDNA_BAR2_MGMT + MGMT_NUM_CTX);
	if (id != CDNA_HW_ID || !n || n > CDNA_NUM_CTX)
		return -CDNA_ENODEV;
	if (!hv->intvec) {
		hv->intvec = hv->plat.alloc_page(hv->plat.opaque,
						 CDNA_HV_PAGE_INTVEC,
						 &hv->intvec_maddr);
		if (!hv->intvec)
			return -CDNA_ENOSPC;
	}
	hv->int_mod_us = op->int_mod_us;
	hv_intvec_arm(hv);
	hv->bar0 = op->bar0;
	hv->num_ctx = n;
	hv->nic_registered = 1;
	op->num_ctx = n;
	return 0;
}

/* A seq_base for a new assignment.  Rings are zeroed at assignment, so a
 * slot never written holds seq 0: seq_base + i must not be 0 for the
 * first lap's indexes, hence the top of the range is skipped.  Successive
 * bases are far apart (a Weyl sequence), so a replay from an earlier
 * assignment cannot match either. */
uint32_t hv_next_seq_base(struct cdna_hv *hv)
{
	uint32_t base;

	do
		base = (hv->seq_next += 0x9e3779b9u);
	while (base > UINT32_MAX - 2 * CDNA_RING_SLOTS || base == 0);
	return base;
}

static int mac_ok(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

/* Whether another context already answers to mac. */
static int mac_taken(const struct cdna_hv *hv, const uint8_t mac[6])
{
	for (unsigned c = 0; c < hv->num_ctx; c++)
		if (hv->ctx[c].state != HV_CTX_FREE &&
		    !memcmp(hv->ctx[c].mac, mac, 6))
			return 1;
	return 0;
}

/*
 * The three pages of a context: allocated (zeroed) at assign, freed once a
 * revoke has stopped the NIC.  Never kept for the next owner: the last one
 * may still map them (a hostile guest need not unmap), and the platform
 * keeps such a page from reuse until it is unmapped (Xen: our reference),
 * so a context's next owner always gets fresh pages.
 */
static void ctx_free_pages(struct cdna_hv *hv, struct hv_ctx *ctx)
{
	void *o = hv->plat.opaque;

	for (unsigned r = 0; r < 2; r++) {
		if (ctx->ring[r].slots)
			hv->plat.free_page(o, ctx->ring[r].slots,
					   ctx->ring[r].maddr);
		ctx->ring[r].slots = NULL;
		ctx->ring[r].maddr = 0;
	}
	if (ctx->status)
		hv->plat.free_page(o, ctx->status, ctx->status_maddr);
	ctx->status = NULL;
	ctx->status_maddr = 0;
}

static int ctx_pages(struct cdna_hv *hv, struct hv_ctx *ctx)
{
	static const enum cdna_hv_page_use use[2] = {
		CDNA_HV_PAGE_TX_RING, CDNA_HV_PAGE_RX_RING
	};

	for (unsigned r = 0; r < 2; r++) {
		if (!ctx->ring[r].slots)
			ctx->ring[r].slots = hv->plat.alloc_page(
				hv->plat.opaque, use[r], &ctx->ring[r].maddr);
		if (!ctx->ring[r].slots)
			return -1;
		memset(ctx->ring[r].slots, 0, CDNA_PAGE_SIZE);
	}
	if (!ctx->status)
		ctx->status = hv->plat.alloc_page(hv->plat.opaque,
						  CDNA_HV_PAGE_STATUS,
						  &ctx->status_maddr);
	if (!ctx->status)
		return -1;
	memset(ctx->status, 0, CDNA_PAGE_SIZE);
	return 0;
}

static uint64_t ctx_page_maddr(const struct cdna_hv *hv, unsigned c)
{
	return hv->bar0 + CDNA_BAR0_CTX(c);
}

/* Take back what assign gave the owner: mappings and the channel. */
static void ctx_unshare(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned c)
{
	void *o = hv->plat.opaque;

	hv->plat.unmap(o, ctx->owner, ctx_page_maddr(hv, c));
	hv->plat.unmap(o, ctx->owner, ctx->ring[CDNA_RING_TX].maddr);
	hv->plat.unmap(o, ctx->owner, ctx->ring[CDNA_RING_RX].maddr);
	hv->plat.unmap(o, ctx->owner, ctx->status_maddr);
	hv->plat.unbind(o, ctx->owner, ctx->port);
}

static int ctx_share(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned c,
		     uint16_t domid)
{
	void *o = hv->plat.opaque;
	int n = 0;

	if (hv->plat.map(o, domid, ctx->ring[CDNA_RING_TX].maddr,
			 CDNA_HV_MAP_RO) == 0 && ++n &&
	    hv->plat.map(o, domid, ctx->ring[CDNA_RING_RX].maddr,
			 CDNA_HV_MAP_RO) == 0 && ++n &&
	    hv->plat.map(o, domid, ctx->status_maddr, CDNA_HV_MAP_RO) == 0 &&
	    ++n &&
	    hv->plat.map(o, domid, ctx_page_maddr(hv, c),
			 CDNA_HV_MAP_MMIO) == 0 && ++n &&
	    hv->plat.bind(o, domid, c, &ctx->port) == 0)
		return 0;
	/* Undo in reverse what was done. */
	if (n > 3)
		hv->plat.unmap(o, domid, ctx_page_maddr(hv, c));
	if (n > 2)
		hv->plat.unmap(o, domid, ctx->status_maddr);
	if (n > 1)
		hv->plat.unmap(o, domid, ctx->ring[CDNA_RING_RX].maddr);
	if (n > 0)
		hv->plat.unmap(o, domid, ctx->ring[CDNA_RING_TX].maddr);
	return -1;
}

/* Give the NIC context c as ctx says (owner, MAC, flags, pages, seq_base)
 * and enable it. */
void hv_ctx_program(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned c)
{
	uint32_t m = CDNA_BAR2_MGMT + MGMT_CTX(c), h = CDNA_BAR2_HV + HV_CTX(c);
	const uint8_t *mac = ctx->mac;

	hv_bar2_wr(hv, m + MGMT_CTX_FLAGS, ctx->flags);
	hv_bar2_wr(hv, m + MGMT_CTX_OWNER, ctx->owner);
	hv_bar2_wr(hv, m + MGMT_CTX_MAC_LO, (uint32_t)mac[0] |
		   (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
		   (uint32_t)mac[3] << 24);
	/* The high half last: it makes the MAC take effect (regs.h). */
	hv_bar2_wr(hv, m + MGMT_CTX_MAC_HI,
		   (uint32_t)mac[4] | (uint32_t)mac[5] << 8);
	hv_bar2_wr64(hv, h + HV_CTX_TX_RING_LO, ctx->ring[CDNA_RING_TX].maddr);
	hv_bar2_wr64(hv, h + HV_CTX_RX_RING_LO, ctx->ring[CDNA_RING_RX].maddr);
	hv_bar2_wr64(hv, h + HV_CTX_STATUS_LO, ctx->status_maddr);
	hv_bar2_wr(hv, h + HV_CTX_SEQ_BASE, ctx->seq_base);
	hv_bar2_wr(hv, h + HV_CTX_CTRL, CDNA_CTX_CTRL_ENABLE);
}

/* Stop context c on the NIC and wait for it: 0 or -1 (still running). */
int hv_ctx_stop(struct cdna_hv *hv, unsigned c, uint32_t *us)
{
	hv_bar2_wr(hv, CDNA_BAR2_HV + HV_CTX(c) + HV_CTX_CTRL,
		   CDNA_CTX_CTRL_REVOKE);
	return wait_state(hv, c, 0, us);
}

/* Wait, bounded, until the NIC runs context c: 0 or -1. */
int hv_ctx_wait_running(struct cdna_hv *hv, unsigned c)
{
	return wait_state(hv, c, 1, NULL);
}

static void ctx_clear_identity(struct cdna_hv *hv, unsigned c)
{
	uint32_t m = CDNA_BAR2_MGMT + MGMT_CTX(c);

	hv_bar2_wr(hv, m + MGMT_CTX_FLAGS, 0);
	hv_bar2_wr(hv, m + MGMT_CTX_OWNER, 0);
	hv_bar2_wr(hv, m + MGMT_CTX_MAC_LO, 0);
	hv_bar2_wr(hv, m + MGMT_CTX_MAC_HI, 0);
}

/*
 * Whether a free context must wait for its last owner before it goes to
 * domid: that domain may still map the context's BAR0 page (a PV mapping
 * of I/O memory cannot be withdrawn), so it could ring the doorbells of
 * whoever gets the context next.  Dead, it maps nothing.
 */
static int kept_by_last_owner(struct cdna_hv *hv, struct hv_ctx *ctx,
			      uint16_t domid)
{
	if (ctx->last_owner == CDNA_DOMID_NONE || ctx->last_owner == domid)
		return 0;
	if (hv->plat.domain_exists(hv->plat.opaque, ctx->last_owner))
		return 1;
	ctx->last_owner = CDNA_DOMID_NONE;
	return 0;
}

long hv_assign(struct cdna_hv *hv, const struct cdna_hv_caller *who,
	       struct cdna_op_assign *op)
{
	const uint16_t guest_flags = CDNA_CTXF_BCAST | CDNA_CTXF_MCAST;
	const uint16_t all_flags = guest_flags | CDNA_CTXF_PROMISC |
				   CDNA_CTXF_ANY_SRC;
	struct hv_ctx *ctx;
	unsigned c;

	if (!hv->nic_registered)
		return -CDNA_ENODEV;
	/* A NIC being reset runs no context (NIC_RESET END first). */
	if (hv->resetting)
		return -CDNA_EBUSY;
	if (op->pad0 || op->pad1 || !mac_ok(op->mac) ||
	    (op->flags & ~all_flags) ||
	    /* Bridging flags only for the privileged domain's own context:
	     * an untrusted guest must not spoof or snoop. */
	    ((op->flags & ~guest_flags) && op->domid != who->domid) ||
	    op->domid == CDNA_DOMID_XEN || op->domid == CDNA_DOMID_NONE)
		return -CDNA_EINVAL;
	if (!hv->plat.domain_exists(hv->plat.opaque, op->domid))
		return -CDNA_ENOENT;
	if (op->ctx == CDNA_CTX_ANY) {
		for (c = 0; c < hv->num_ctx; c++)
			if (hv->ctx[c].state == HV_CTX_FREE &&
			    !kept_by_last_owner(hv, &hv->ctx[c], op->domid))
				break;
		if (c == hv->num_ctx)
			return -CDNA_ENOSPC;
	} else {
		c = op->ctx;
		if (c >= hv->num_ctx)
			return -CDNA_ENOENT;
		if (hv->ctx[c].state != HV_CTX_FREE ||
		    kept_by_last_owner(hv, &hv->ctx[c], op->domid))
			return -CDNA_EBUSY;
	}
	if (mac_taken(hv, op->mac))
		return -CDNA_EBUSY;
	ctx = &hv->ctx[c];
	if (ctx_pages(hv, ctx))
		return -CDNA_ENOSPC;
	memcpy(ctx->mac, op->mac, 6);
	ctx->flags = op->flags;
	ctx->owner = op->domid;
	ctx->owner_trusted = who->privileged && op->domid == who->domid;
	ctx->seq_base = hv_next_seq_base(hv);
	for (unsigned r = 0; r < 2; r++)
		ctx->ring[r].prod = ctx->ring[r].clean = 0;
	ctx->tx_open_len = ctx->tx_open_frags = 0;
	if (ctx_share(hv, ctx, c, op->domid)) {
		ctx->owner = CDNA_DOMID_NONE;
		return -CDNA_ENOSPC;
	}
	hv_ctx_program(hv, ctx, c);
	/* The context is the domain's only once the NIC runs it: a revoke
	 * can then rely on the transition to STOPPED. */
	if (wait_state(hv, c, 1, NULL)) {
		uint32_t us;

		ctx_unshare(hv, ctx, c);
		ctx->owner = CDNA_DOMID_NONE;
		if (hv_ctx_stop(hv, c, &us) == 0)
			ctx_clear_identity(hv, c);
		return -CDNA_ETIMEDOUT;
	}
	ctx->state = HV_CTX_RUNNING;
	ctx->enqueues = ctx->descs = ctx->hv_ns = 0;
	memset(ctx->refused, 0, sizeof(ctx->refused));
	ctx->bad_cons = 0;
	op->ctx = (uint16_t)c;
	op->tx_ring = ctx->ring[CDNA_RING_TX].maddr;
	op->rx_ring = ctx->ring[CDNA_RING_RX].maddr;
	op->status = ctx->status_maddr;
	op->ctx_page = ctx_page_maddr(hv, c);
	op->evtchn = ctx->port;
	return 0;
}

/* Revoke context c: cut the owner off, stop the NIC, return references. */
long hv_ctx_revoke(struct cdna_hv *hv, unsigned c, uint32_t *refs,
		   uint32_t *us)
{
	struct hv_ctx *ctx = &hv->ctx[c];
	uint32_t before = ctx->refs_held;

	*refs = 0;
	*us = 0;
	if (ctx->state == HV_CTX_RUNNING || ctx->state == HV_CTX_SUSPENDED) {
		/* First the owner's mappings: no doorbell after this. */
		ctx_unshare(hv, ctx, c);
		ctx->state = HV_CTX_REVOKING;
	}
	/* The NIC did not stop it before the reset began: only the running
	 * firmware after the reset proves it cannot touch the pages; END
	 * finishes this revoke. */
	if (ctx->held_over_reset && hv->resetting)
		return -CDNA_ETIMEDOUT;
	if (hv_ctx_stop(hv, c, us))
		return -CDNA_ETIMEDOUT;
	ctx->held_over_reset = 0;
	hv_release(hv, ctx, 1);
	*refs = before - ctx->refs_held;
	ctx_free_pages(hv, ctx);
	ctx_clear_identity(hv, c);
	ctx->state = HV_CTX_FREE;
	ctx->last_owner = ctx->owner_trusted ? CDNA_DOMID_NONE : ctx->owner;
	ctx->owner = CDNA_DOMID_NONE;
	ctx->owner_trusted = 0;
	ctx->flags = 0;
	memset(ctx->mac, 0, sizeof(ctx->mac));
	return 0;
}

long hv_revoke(struct cdna_hv *hv, struct cdna_op_revoke *op)
{
	struct hv_ctx *ctx = hv_ctx_get(hv, op->ctx);

	if (op->pad0 || op->pad1)
		return -CDNA_EINVAL;
	if (!ctx || ctx->state == HV_CTX_FREE)
		return -CDNA_ENOENT;
	return hv_ctx_revoke(hv, op->ctx, &op->refs_returned, &op->drain_us);
}

long hv_stats(struct cdna_hv *hv, struct cdna_op_stats *op)
{
	const uint16_t c = op->ctx;
	const uint32_t *refused;
	struct hv_ctx *ctx = NULL;

	if (c != CDNA_CTX_ANY) {
		ctx = hv_ctx_get(hv, c);
		if (!ctx)
			return -CDNA_ENOENT;
	}
	/* Every OUT field, padding included, starts at 0. */
	memset(op, 0, sizeof(*op));
	op->ctx = c;
	if (ctx) {
		op->domid = ctx->owner;
		op->state = ctx->state == HV_CTX_FREE ? CDNA_CTX_STATE_STOPPED :
			    ctx_nic_state(hv, c);
		op->enqueues = ctx->enqueues;
		op->descs = ctx->descs;
		op->hv_ns = ctx->hv_ns;
		op->refs_held = ctx->refs_held;
		refused = ctx->refused;
	} else {
		op->domid = CDNA_DOMID_NONE;
		op->enqueues = hv->enqueues;
		op->descs = hv->descs;
		op->hv_ns = hv->hv_ns;
		op->refs_held = hv->refs_held;
		refused = hv->refused;
	}
	memcpy(op->refused, refused, sizeof(op->refused));
	return 0;
}

void cdna_hv_domain_gone(struct cdna_hv *hv, uint16_t domid)
{
	uint32_t refs, us;

	for (unsigned c = 0; c < hv->num_ctx; c++) {
		struct hv_ctx *ctx = &hv->ctx[c];

		if (ctx->state != HV_CTX_FREE && ctx->owner == domid)
			hv_ctx_revoke(hv, c, &refs, &us);
		/* Dead, it maps nothing: its contexts may go to anyone. */
		if (ctx->last_owner == domid)
			ctx->last_owner = CDNA_DOMID_NONE;
	}
}

size_t cdna_hv_size(void)
{
	return sizeof(struct cdna_hv);
}

void cdna_hv_init(struct cdna_hv *hv, const struct cdna_hv_platform *plat)
{
	memset(hv, 0, sizeof(*hv));
	hv->plat = *plat;
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++)
		hv->ctx[c].owner = hv->ctx[c].last_owner = CDNA_DOMID_NONE;
}

void cdna_hv_fini(struct cdna_hv *hv)
{
	void *o = hv->plat.opaque;
	uint32_t refs, us;

	for (unsigned c = 0; c < hv->num_ctx; c++) {
		struct hv_ctx *ctx = &hv->ctx[c];

		if (ctx->state != HV_CTX_FREE &&
		    hv_ctx_revoke(hv, c, &refs, &us))
			/* The NIC never stopped: its pages stay allocated
			 * and referenced rather than freed under DMA. */
			continue;
		ctx_free_pages(hv, ctx);
		memset(ctx, 0, sizeof(*ctx));
		ctx->owner = ctx->last_owner = CDNA_DOMID_NONE;
	}
	if (hv->intvec && hv->nic_registered) {
		/* Disarm the vector before its page goes. */
		hv_bar2_wr(hv, CDNA_BAR2_HV + HV_INTVEC_LO, 0);
		hv_bar2_wr(hv, CDNA_BAR2_HV + HV_INTVEC_HI, 0);
	}
	if (hv->intvec)
		hv->plat.free_page(o, hv->intvec, hv->intvec_maddr);
	hv->intvec = NULL;
	hv->nic_registered = 0;
}

uint32_t cdna_hv_refs_held(const struct cdna_hv *hv)
{
	return hv->refs_held;
}

const uint32_t *cdna_hv_global_refusals(const struct cdna_hv *hv)
{
	return hv->refused;
}
