/* SPDX-License-Identifier: MIT */
/*
 * hv_op.c - the hypercall's entry: copy the command's structure in once
 * (the caller may change its memory meanwhile: it is never read twice),
 * check who may call it, run it, copy the result out.
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

long cdna_hv_do(struct cdna_hv *hv, const struct cdna_hv_caller *who,
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
	long rc;

	if (!size)
		return -CDNA_ENOSYS;
	if (hv->plat.copy_from_caller(hv->plat.opaque, who->domid, &op, arg,
				      size))
		return hv_refuse(hv, NULL, CDNA_HV_BAD_ARG, -CDNA_EFAULT);
	rc = cdna_hv_do(hv, who, cmd, &op);
	/* ENQUEUE says how far it went even when it stopped early. */
	if ((rc == 0 || cmd == CDNA_OP_ENQUEUE) &&
	    hv->plat.copy_to_caller(hv->plat.opaque, who->domid, arg, &op,
				    size))
		return -CDNA_EFAULT;
	return rc;
}
