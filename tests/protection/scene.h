/* SPDX-License-Identifier: MIT */
/*
 * scene.h - the stage of every DMA-protection test: the real NIC model
 * running the real firmware, the hypervisor core, two well-behaved guests
 * in protected mode carrying verified traffic (the testbed's), and one
 * hostile guest that mounts an attack while that traffic runs.
 *
 * What must never change is kept aside: a secret page of each
 * well-behaved guest, two pages of dom0's and one of the hypervisor's,
 * filled with random bytes.  Every attack aims at those (or at the
 * well-behaved guests' rings and buffers), and the scene counts the bytes
 * of them that differ afterwards.
 */
#ifndef CDNA_PROTECT_SCENE_H
#define CDNA_PROTECT_SCENE_H

#include <stdint.h>

#include "testbed.h"

#define ATK_DOM     20u   /* the hostile guest's domain */
#define ATK_CTX     2u    /* ... and its context */
#define ATK_PAGES   8u    /* its TX and RX buffer pages, each */
#define KEPT_PAGES  5u    /* secret pages: 2 guests, 2 of dom0, 1 of Xen */

struct scene {
	struct testbed tb;
	struct cdna_op_assign atk;     /* the attacker's context */
	uint64_t atk_arg, atk_tx, atk_rx, atk_ro, atk_pt;
	uint32_t atk_tx_prod, atk_rx_prod; /* what the hypervisor accepted */
	uint64_t atk_calls_ok;         /* hypercalls of the attacker that
					* were accepted (legitimate ones) */
	uint64_t kept[KEPT_PAGES];     /* addresses of the secret pages */
	uint8_t kept_copy[KEPT_PAGES][CDNA_PAGE_SIZE];
	uint64_t base_refs;            /* references with no attacker */
	unsigned step;                 /* traffic steps so far */
	int violated;                  /* an attacker call was accepted that
					* must not have been */
	char why[160];                 /* the first such, said */
};

/* Build the stage with a fresh NIC: 0, or 1 after saying why. */
int scene_init(struct scene *s, uint64_t frames, uint64_t seed);
void scene_free(struct scene *s);

/* Run the verifying traffic; hook is called at every step. */
void scene_traffic(struct scene *s, void (*hook)(struct testbed *tb));

/* The attacker's hypercall ENQUEUE of n buffers from its argument page:
 * the return code; *op gets the OUT fields. */
long atk_enqueue(struct scene *s, unsigned ring,
		 const struct cdna_guest_buf *bufs, uint32_t n,
		 struct cdna_op_enqueue *op);
/* Expect a refusal with the given reason; records a violation if not. */
void atk_expect_refused(struct scene *s, const char *what, long rc,
			const struct cdna_op_enqueue *op,
			enum cdna_hv_refusal reason);
/* A store to the attacker's BAR0 page (or another's, by address). */
int atk_store(struct scene *s, uint64_t addr, uint32_t val);
uint64_t atk_ctx_reg(unsigned ctx, uint32_t reg);
/* Legitimate frames from the attacker to the far end: n buffers of len
 * bytes posted (one per frame) and rung; the number accepted. */
uint32_t atk_send(struct scene *s, uint32_t n, uint32_t len);
/* Revoke the attacker's context as dom0: the return code. */
long atk_revoke(struct scene *s, struct cdna_op_revoke *r);

/* Counters an attack moves. */
uint32_t hv_refused(struct scene *s, unsigned ctx, enum cdna_hv_refusal r);
uint32_t nic_refused(struct scene *s, unsigned ctx, enum cdna_refusal r);

/* After the attack: bytes of the secret pages that changed. */
uint64_t scene_kept_changed(const struct scene *s);
/* Revoke every context as dom0 and count the references still held on
 * any page (0 when nothing leaked). */
uint64_t scene_leaked_refs(struct scene *s);
/* Whether the well-behaved guests' traffic was delivered intact (and the
 * testbed's own end-of-run checks passed). */
int scene_traffic_intact(struct scene *s, char *why, size_t len);

#endif /* CDNA_PROTECT_SCENE_H */
