/* SPDX-License-Identifier: MIT */
/*
 * hv_irq.c - the NIC's interrupt, taken by the hypervisor: read the
 * interrupt vector's new entries (context masks), acknowledge them, and
 * notify the owner of every context named.  No hop through dom0: this is
 * the whole interrupt path of a guest's context.
 */
#include <stddef.h>

#include "hv_priv.h"

void cdna_hv_interrupt(struct cdna_hv *hv)
{
	uint32_t mask = 0, prod;

	if (!hv->intvec)
		return;
	while ((prod = hv_rd32(hv->intvec +
			       offsetof(struct cdna_intvec, prod))) !=
	       hv->int_cons) {
		/* The NIC never runs more than a ring ahead (regs.h); if a
		 * producer says otherwise, take the newest ring's worth. */
		if (prod - hv->int_cons > CDNA_INTVEC_SLOTS)
			hv->int_cons = prod - CDNA_INTVEC_SLOTS;
		for (; hv->int_cons != prod; hv->int_cons++)
			mask |= hv_rd32(hv->intvec +
					offsetof(struct cdna_intvec, mask) +
					4u * (hv->int_cons % CDNA_INTVEC_SLOTS));
		/* Acknowledging lets the NIC append what it held back. */
		hv->plat.bar2_write(hv->plat.opaque,
				    CDNA_BAR2_HV + HV_INT_CONS, hv->int_cons);
	}
	while (mask) {
		unsigned c = (unsigned)__builtin_ctz(mask);
		struct hv_ctx *ctx = hv_ctx_get(hv, c);

		mask &= mask - 1;
		if (!ctx || ctx->state != HV_CTX_RUNNING) {
			hv->spurious++;
			continue;
		}
		hv->plat.notify(hv->plat.opaque, ctx->owner, c, ctx->port);
	}
}
