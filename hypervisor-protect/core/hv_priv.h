/* SPDX-License-Identifier: MIT */
/*
 * hv_priv.h - the core's state, shared by its files:
 *   hv_op.c       the hypercall: copy in, check the caller, dispatch
 *   hv_enqueue.c  descriptor validation, references, lazy release, query
 *   hv_ctx.c      register-NIC, assign, revoke, statistics, domain death
 *   hv_reset.c    resetting the NIC under assigned contexts
 *   hv_irq.c      the interrupt vector to per-domain notifications
 */
#ifndef CDNA_HV_PRIV_H
#define CDNA_HV_PRIV_H

#include <string.h>

#include "cdna_hv.h"

enum hv_ctx_state {
	HV_CTX_FREE = 0,   /* no owner; the NIC has it stopped */
	HV_CTX_RUNNING,    /* assigned and enabled */
	HV_CTX_REVOKING,   /* revoke asked, the NIC has not stopped in
			    * time: references kept, owner cut off */
	HV_CTX_SUSPENDED,  /* the NIC is being reset under it (NIC_RESET
			    * BEGIN..END): owner, pages and channel kept,
			    * nothing in flight */
};

/* One ring as the hypervisor keeps it. */
struct hv_ring {
	uint8_t *slots;    /* CDNA_RING_SLOTS descriptors (hypervisor page) */
	uint64_t maddr;
	uint32_t prod;     /* descriptors written (free-running) */
	uint32_t clean;    /* descriptors whose page reference is dropped */
	/* The frame each slot's reference is held on, valid for indexes
	 * clean..prod-1. */
	uint64_t frame[CDNA_RING_SLOTS];
};

struct hv_ctx {
	uint32_t state;           /* enum hv_ctx_state */
	uint16_t owner;           /* CDNA_DOMID_NONE when free */
	/* The owner before the last revoke, while it may still map the BAR0
	 * page (until it dies; CDNA_DOMID_NONE for none, or for dom0): the
	 * context goes to no other domain meanwhile (hcall.h, ASSIGN). */
	uint16_t last_owner;
	uint8_t owner_trusted;    /* the owner is the privileged caller */
	uint32_t seq_base;
	uint32_t port;            /* notification channel in the owner */
	uint8_t mac[6];
	uint16_t flags;           /* CDNA_CTXF_* given at assign */
	/* Suspended, or revoked, while the NIC had not stopped it: the
	 * references wait for the reset to have happened (NIC_RESET END). */
	uint8_t held_over_reset;
	struct hv_ring ring[2];   /* CDNA_RING_TX, CDNA_RING_RX */
	uint8_t *status;          /* struct cdna_ctx_status (hypervisor page) */
	uint64_t status_maddr;
	/* A TX frame whose last fragment (EOP) has not come yet. */
	uint32_t tx_open_len, tx_open_frags;
	uint32_t refs_held;
	uint64_t enqueues, descs;
	uint64_t hv_ns;           /* in the owner's ENQUEUE and QUERY calls */
	uint32_t refused[CDNA_HV_REFUSAL_NUM];
	uint32_t bad_cons;        /* status indexes past the producer */
};

struct cdna_hv {
	struct cdna_hv_platform plat;
	int nic_registered;
	uint32_t int_mod_us;	/* REGISTER_NIC's, programmed at every arm */
	uint64_t bar0;
	uint32_t num_ctx;
	uint8_t *intvec;          /* struct cdna_intvec (hypervisor page) */
	uint64_t intvec_maddr;
	uint32_t int_cons;
	uint32_t seq_next;        /* feeds the next seq_base */
	int resetting;            /* between NIC_RESET BEGIN and END */
	uint32_t nic_resets;      /* completed NIC_RESET ENDs */
	uint32_t refs_held;
	uint64_t spurious;        /* vector bits for contexts with no owner */
	/* Since init, over every context (STATS of CDNA_CTX_ANY); hv_ns over
	 * every ENQUEUE and QUERY, whoever called. */
	uint64_t enqueues, descs, hv_ns;
	uint32_t refused[CDNA_HV_REFUSAL_NUM]; /* against no context */
	struct hv_ctx ctx[CDNA_NUM_CTX];
};

/* Little-endian words in hypervisor memory the NIC shares. */
static inline uint32_t hv_rd32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void hv_wr32(volatile uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The platform's clock, in nanoseconds and in microseconds (the waits on
 * the NIC, CDNA_HV_WAIT_US). */
static inline uint64_t hv_now_ns(const struct cdna_hv *hv)
{
	return hv->plat.now_ns(hv->plat.opaque);
}

static inline uint64_t hv_now_us(const struct cdna_hv *hv)
{
	return hv_now_ns(hv) / 1000u;
}

/* Count a refusal on ctx (or against no context when ctx is NULL) and
 * return the error code given. */
static inline long hv_refuse(struct cdna_hv *hv, struct hv_ctx *ctx,
			     enum cdna_hv_refusal why, long err)
{
	if (ctx)
		ctx->refused[why]++;
	else
		hv->refused[why]++;
	return err;
}

/* The context numbered n if it exists, else NULL. */
static inline struct hv_ctx *hv_ctx_get(struct cdna_hv *hv, uint32_t n)
{
	return hv->nic_registered && n < hv->num_ctx ? &hv->ctx[n] : NULL;
}

/* hv_enqueue.c */
long hv_enqueue(struct cdna_hv *hv, const struct cdna_hv_caller *who,
		struct cdna_op_enqueue *op);
long hv_query(struct cdna_hv *hv, const struct cdna_hv_caller *who,
	      struct cdna_op_query *op);
/* Drop the references of descriptors the NIC has consumed; all of them
 * with all set (the NIC has stopped). */
void hv_release(struct cdna_hv *hv, struct hv_ctx *ctx, int all);

/* hv_ctx.c */
long hv_register_nic(struct cdna_hv *hv, struct cdna_op_register_nic *op);
long hv_assign(struct cdna_hv *hv, const struct cdna_hv_caller *who,
	       struct cdna_op_assign *op);
long hv_revoke(struct cdna_hv *hv, struct cdna_op_revoke *op);
long hv_stats(struct cdna_hv *hv, struct cdna_op_stats *op);

/* hv_reset.c */
long hv_nic_reset(struct cdna_hv *hv, struct cdna_op_nic_reset *op);

/* hv_ctx.c, for hv_reset.c */
uint32_t hv_bar2(struct cdna_hv *hv, uint32_t off);
void hv_bar2_wr(struct cdna_hv *hv, uint32_t off, uint32_t val);
int hv_ctx_stop(struct cdna_hv *hv, unsigned c, uint32_t *us);
int hv_ctx_wait_running(struct cdna_hv *hv, unsigned c);
void hv_ctx_program(struct cdna_hv *hv, struct hv_ctx *ctx, unsigned c);
uint32_t hv_next_seq_base(struct cdna_hv *hv);
long hv_ctx_revoke(struct cdna_hv *hv, unsigned c, uint32_t *refs,
		   uint32_t *us);
void hv_intvec_arm(struct cdna_hv *hv);

#endif /* CDNA_HV_PRIV_H */
