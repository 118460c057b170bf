/* SPDX-License-Identifier: MIT */
/*
 * hv_reset.c - resetting the NIC under assigned contexts (CDNA_OP_NIC_RESET,
 * hcall.h): how new firmware is activated without taking contexts from
 * their owners.
 *
 * The rule of revoke holds here too: a page reference is returned only once
 * the NIC cannot touch the page.  BEGIN stops each context and returns its
 * references when the NIC reports it STOPPED; one that does not stop keeps
 * them (held_over_reset) until END, where firmware RUNNING again proves the
 * reset happened (a reset disables every context before the boot ROM runs).
 *
 * What the owner sees: its status page's hypervisor words (desc.h) and a
 * notification at each step.  Its descriptors in flight are dropped, never
 * completed; at END its rings start again at index 0 under a fresh
 * seq_base, so nothing of the old rings can be replayed.
 */
#include "hv_priv.h"

static void status_wr(struct hv_ctx *ctx, uint32_t off, uint32_t v)
{
	hv_wr32(ctx->status + off, v);
}

static void ctx_notify(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned c)
{
	hv->plat.notify(hv->plat.opaque, ctx->owner, c, ctx->port);
}

static long reset_begin(struct cdna_hv *hv, struct cdna_op_nic_reset *op)
{
	for (unsigned c = 0; c < hv->num_ctx; c++) {
		struct hv_ctx *ctx = &hv->ctx[c];
		uint32_t before = ctx->refs_held, us;

		if (ctx->state != HV_CTX_RUNNING)
			continue;
		/* No ENQUEUE from here on. */
		ctx->state = HV_CTX_SUSPENDED;
		if (hv_ctx_stop(hv, c, &us) == 0) {
			hv_release(hv, ctx, 1);
		} else {
			ctx->held_over_reset = 1;
			op->failed++;
		}
		op->refs_returned += before - ctx->refs_held;
		ctx->tx_open_len = ctx->tx_open_frags = 0;
		status_wr(ctx, CDNA_STATUS_OFF_HV_FLAGS, CDNA_STATUS_SUSPENDED);
		ctx_notify(hv, ctx, c);
		op->contexts++;
	}
	hv->resetting = 1;
	hv_bar2_wr(hv, CDNA_BAR2_MGMT + MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
	return 0;
}

/* Give suspended context c back to its owner: 0, or -1 when the NIC does
 * not run it (it stays suspended). */
static int ctx_restore(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned c)
{
	uint32_t resets = hv_rd32(ctx->status + CDNA_STATUS_OFF_HV_RESETS);

	for (unsigned r = 0; r < 2; r++) {
		memset(ctx->ring[r].slots, 0, CDNA_PAGE_SIZE);
		ctx->ring[r].prod = ctx->ring[r].clean = 0;
	}
	status_wr(ctx, CDNA_STATUS_OFF_TX_CONS, 0);
	status_wr(ctx, CDNA_STATUS_OFF_RX_CONS, 0);
	ctx->seq_base = hv_next_seq_base(hv);
	hv_ctx_program(hv, ctx, c);
	if (hv_ctx_wait_running(hv, c)) {
		uint32_t us;

		/* Disabled again, so a later attempt starts clean. */
		hv_ctx_stop(hv, c, &us);
		return -1;
	}
	/* The count first: an owner that sees SUSPENDED clear must also see
	 * that its rings restarted (x86 keeps stores in order; a platform
	 * that does not orders them in hv_wr32's page). */
	status_wr(ctx, CDNA_STATUS_OFF_HV_RESETS, resets + 1);
	status_wr(ctx, CDNA_STATUS_OFF_HV_FLAGS, 0);
	ctx->state = HV_CTX_RUNNING;
	ctx_notify(hv, ctx, c);
	return 0;
}

static long reset_end(struct cdna_hv *hv, struct cdna_op_nic_reset *op)
{
	if (hv_bar2(hv, CDNA_BAR2_MGMT + MGMT_FW_STATE) !=
	    CDNA_FW_STATE_RUNNING)
		return -CDNA_EBUSY;
	if (!hv->resetting)
		return 0;
	/* The firmware runs again: the reset has happened and no context is
	 * enabled, so every reference kept across it can go. */
	hv_intvec_arm(hv);
	hv->resetting = 0;
	hv->nic_resets++;
	for (unsigned c = 0; c < hv->num_ctx; c++) {
		struct hv_ctx *ctx = &hv->ctx[c];
		uint32_t before = ctx->refs_held, us, refs;

		if (ctx->held_over_reset) {
			if (ctx->state == HV_CTX_REVOKING) {
				/* A revoke (or death) that waited for us. */
				hv_ctx_revoke(hv, c, &refs, &us);
				op->refs_returned += refs;
				continue;
			}
			ctx->held_over_reset = 0;
			hv_release(hv, ctx, 1);
			op->refs_returned += before - ctx->refs_held;
		}
		if (ctx->state != HV_CTX_SUSPENDED)
			continue;
		if (ctx_restore(hv, ctx, c))
			op->failed++;
		else
			op->contexts++;
	}
	return 0;
}

long hv_nic_reset(struct cdna_hv *hv, struct cdna_op_nic_reset *op)
{
	uint32_t phase = op->phase;

	if (!hv->nic_registered)
		return -CDNA_ENODEV;
	if (phase != CDNA_NIC_RESET_BEGIN && phase != CDNA_NIC_RESET_END)
		return -CDNA_EINVAL;
	memset(op, 0, sizeof(*op));
	op->phase = phase;
	return phase == CDNA_NIC_RESET_BEGIN ? reset_begin(hv, op)
					     : reset_end(hv, op);
}
