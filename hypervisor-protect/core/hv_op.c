/* SPDX-License-Identifier: MIT */
/*
 * hv_op.c - the hypercall's entry: copy the command's structure in once
 * (the caller may change its memory meanwhile: it is never read twice),
 * check who may call it, run it, copy the result out.
 *
 * The data path's commands (ENQUEUE, QUERY) are timed here, at the entry
 * and the exit of the core: one clock read at each end of a call, however
 * many descriptors it carries, so that the cost of measuring stays a small
 * part of the cost measured (STATS hv_ns).
 */
#include "hv_priv.h"

/* The size of each command's structure; 0 for no such command. */
static size_t op_size(unsigned int cmd)
{
	switch (cmd) {
	case CDNA_OP_ENQUEUE: return sizeof(struct cdna_op_enqueue);
	case CDNA_OP_QUERY: return sizeof(struct cdna_op_query);
	case CDNA_OP_REGISTER_NIC: return sizeof(struct cdna_op_register_nic);
	case CDNA_OP_ASSIGN: return sizeof(struct cdna_op_assign);
	case CDNA_OP_REVOKE: return sizeof(struct cdna_op_revoke);
	case CDNA_OP_STATS: return sizeof(struct cdna_op_stats);
	case CDNA_OP_NIC_RESET: return sizeof(struct cdna_op_nic_reset);
	default: return 0;
	}
}

/* Whether cmd is one of the guests' data path, whose time is counted. */
static int timed(unsigned int cmd)
{
	return cmd == CDNA_OP_ENQUEUE || cmd == CDNA_OP_QUERY;
}

/* The context a data path command names (a timed one's op). */
static uint16_t timed_ctx(unsigned int cmd, const void *op)
{
	return cmd == CDNA_OP_ENQUEUE ?
	       ((const struct cdna_op_enqueue *)op)->ctx :
	       ((const struct cdna_op_query *)op)->ctx;
}

/*
 * A data path call that began at start (hv_now_ns) ends: its time goes to
 * the hypervisor's total and, when the caller owns context c, to the
 * context's.  A stranger's calls (refused) are not charged to the context
 * they name, so that no domain can inflate another's figure; nor is dom0's
 * QUERY of a guest's context.
 */
static void charge(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		   uint16_t c, uint64_t start)
{
	uint64_t end = hv_now_ns(hv);
	/* A clock that stepped back (a platform's bug) costs nothing rather
	 * than 2^64 ns. */
	uint64_t ns = end > start ? end - start : 0;
	struct hv_ctx *ctx = hv_ctx_get(hv, c);

	hv->hv_ns += ns;
	if (ctx && ctx->state != HV_CTX_FREE && ctx->owner == who->domid)
		ctx->hv_ns += ns;
}

/* The command itself, untimed: cdna_hv_do and cdna_hv_op time it. */
static long dispatch(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		     unsigned int cmd, void *op)
{
	switch (cmd) {
	case CDNA_OP_ENQUEUE:
		return hv_enqueue(hv, who, op);
	case CDNA_OP_QUERY:
		return hv_query(hv, who, op);
	default:
		break;
	}
	/* The rest is management: dom0's only. */
	if (!who->privileged) {
		uint16_t ctx = cmd == CDNA_OP_REVOKE ?
			       ((struct cdna_op_revoke *)op)->ctx :
			       cmd == CDNA_OP_STATS ?
			       ((struct cdna_op_stats *)op)->ctx : CDNA_CTX_ANY;

		return hv_refuse(hv, hv_ctx_get(hv, ctx), CDNA_HV_NOT_OWNER,
				 -CDNA_EPERM);
	}
	switch (cmd) {
	case CDNA_OP_REGISTER_NIC:
		return hv_register_nic(hv, op);
	case CDNA_OP_ASSIGN:
		return hv_assign(hv, who, op);
	case CDNA_OP_REVOKE:
		return hv_revoke(hv, op);
	case CDNA_OP_STATS:
		return hv_stats(hv, op);
	case CDNA_OP_NIC_RESET:
		return hv_nic_reset(hv, op);
	default:
		return -CDNA_ENOSYS;
	}
}

long cdna_hv_do(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		unsigned int cmd, void *op)
{
	uint64_t start;
	uint16_t c;
	long rc;

	if (!timed(cmd))
		return dispatch(hv, who, cmd, op);
	start = hv_now_ns(hv);
	c = timed_ctx(cmd, op);
	rc = dispatch(hv, who, cmd, op);
	charge(hv, who, c, start);
	return rc;
}

long cdna_hv_op(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		unsigned int cmd, uint64_t arg)
{
	union {
		struct cdna_op_enqueue enqueue;
		struct cdna_op_query query;
		struct cdna_op_register_nic register_nic;
		struct cdna_op_assign assign;
		struct cdna_op_revoke revoke;
		struct cdna_op_stats stats;
		struct cdna_op_nic_reset nic_reset;
	} op;
	size_t size = op_size(cmd);
	/* Unknown commands are not timed: they are not the data path. */
	uint64_t start = timed(cmd) ? hv_now_ns(hv) : 0;
	uint16_t c;
	long rc;

	if (!size)
		return -CDNA_ENOSYS;
	if (hv->plat.copy_from_caller(hv->plat.opaque, who->domid, &op, arg,
				      size)) {
		rc = hv_refuse(hv, NULL, CDNA_HV_BAD_ARG, -CDNA_EFAULT);
		/* Which context was meant is unknown: the total only. */
		if (timed(cmd))
			charge(hv, who, CDNA_CTX_ANY, start);
		return rc;
	}
	/* Taken before the command runs: its OUT fields are not IN. */
	c = timed(cmd) ? timed_ctx(cmd, &op) : CDNA_CTX_ANY;
	rc = dispatch(hv, who, cmd, &op);
	/* ENQUEUE says how far it went even when it stopped early. */
	if ((rc == 0 || cmd == CDNA_OP_ENQUEUE) &&
	    hv->plat.copy_to_caller(hv->plat.opaque, who->domid, arg, &op,
				    size))
		rc = -CDNA_EFAULT;
	if (timed(cmd))
		charge(hv, who, c, start);
	return rc;
}
