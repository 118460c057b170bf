/* SPDX-License-Identifier: MIT */
/*
 * guest.h - one simulated guest and its context, driven in native mode:
 * the testbed writes the context's configuration (BAR2 pages 0 and 1) as
 * the host's own driver would, then the guest writes its descriptors into
 * its rings and rings its doorbells in its BAR0 page.
 *
 * Memory of a guest, all in host memory (hostmem.h), page by page:
 *   TX ring, RX ring, status block, 128 pages of TX buffers, 128 of RX
 *   buffers: two 2 KiB buffers a page, one per ring slot, so no buffer
 *   crosses a page and slot i always uses buffer i.
 */
#ifndef TB_GUEST_H
#define TB_GUEST_H

#include <stdint.h>
#include <cdna/desc.h>

#include "cdna_hv.h"
#include "cdna_nic.h"
#include "domains.h"
#include "hostmem.h"

#define TB_BUF_SIZE     2048u
#define TB_BUF_PAGES    (CDNA_RING_SLOTS * TB_BUF_SIZE / CDNA_PAGE_SIZE)
#define TB_GUEST_PAGES  (3u + 2u * TB_BUF_PAGES)
#define TB_RX_CANARY    0x5au /* fills RX buffers before they are posted */

struct tb_guest {
	struct cdna_nic *nic;
	struct hostmem *hm;
	unsigned ctx;
	uint8_t mac[6];
	uint32_t seq_base;
	uint64_t tx_ring, rx_ring, status; /* bus addresses */
	uint64_t tx_buf, rx_buf;           /* buffer of slot 0 */
	uint32_t tx_prod;  /* TX descriptors written */
	uint32_t tx_rung;  /* TX producer last rung */
	uint32_t tx_done;  /* TX completions reaped */
	uint32_t rx_prod;  /* RX buffers posted */
	uint32_t rx_done;  /* RX completions reaped */
	/* Fill RX buffers with TB_RX_CANARY and check that the NIC wrote
	 * nothing past the frame (2 KiB touched per frame: benchmarks turn
	 * it off). */
	int check_overrun;

	/* Protected mode (hv set): the guest is domain domid, its buffers
	 * are its own pages, its rings the hypervisor's (read only to it),
	 * and it posts descriptors with CDNA_OP_ENQUEUE, up to
	 * CDNA_ENQUEUE_MAX a call, from its argument page. */
	struct cdna_hv *hv;
	struct tb_domains *dom;
	uint16_t domid;
	uint64_t arg_page;
	struct cdna_guest_buf pend[2][CDNA_ENQUEUE_MAX];
	unsigned npend[2];
	uint64_t hcalls;           /* ENQUEUE calls made */
	uint64_t hcall_failures;   /* ... that refused a buffer (a bug) */
	long last_error;
};

/* Where received frames and driver-level faults go. */
struct tb_rx_sink {
	void *arg;
	void (*frame)(void *arg, unsigned ctx, const uint8_t *frame,
		      uint32_t len);
	void (*fault)(void *arg, unsigned ctx, const char *what);
};

void guest_init(struct tb_guest *g, struct cdna_nic *nic, struct hostmem *hm,
		unsigned ctx, uint32_t seq_base);
/* Protected mode: the guest is domain domid (created already); its
 * buffers and argument page are allocated as its own RAM. */
void guest_init_protected(struct tb_guest *g, struct cdna_nic *nic,
			  struct tb_domains *dom, struct cdna_hv *hv,
			  unsigned ctx, uint16_t domid);
/* Protected mode: the context as CDNA_OP_ASSIGN gave it. */
void guest_attach(struct tb_guest *g, const struct cdna_op_assign *a);
/* Identity (MAC, flags) in BAR2 page 0, rings in page 1, then ENABLE. */
void guest_configure(struct tb_guest *g, uint32_t ctx_flags);
/* CDNA_CTX_STATE_* as the NIC reports it. */
uint32_t guest_state(struct tb_guest *g);
/* Once RUNNING: post every RX buffer, ring, enable the interrupt. */
void guest_start(struct tb_guest *g);
/* CTX_IRQ_ENABLE, as a NAPI driver flips it; CTX_IRQ_STATUS. */
void guest_irq_enable(struct tb_guest *g, int on);
int guest_irq_held(struct tb_guest *g);

/* The MAC as the registers hold it: bytes 0..3, then 4..5 (regs.h). */
static inline uint32_t guest_mac_lo(const struct tb_guest *g)
{
	return (uint32_t)g->mac[0] | (uint32_t)g->mac[1] << 8 |
	       (uint32_t)g->mac[2] << 16 | (uint32_t)g->mac[3] << 24;
}

static inline uint32_t guest_mac_hi(const struct tb_guest *g)
{
	return (uint32_t)g->mac[4] | (uint32_t)g->mac[5] << 8;
}

static inline uint32_t guest_tx_room(const struct tb_guest *g)
{
	return CDNA_RING_SLOTS - (g->tx_prod - g->tx_done);
}

/* The buffer the next guest_tx_post sends. */
uint8_t *guest_tx_next_buf(struct tb_guest *g);
/* Buffer of TX slot s, for frames prepared once (benchmark). */
uint8_t *guest_tx_slot_buf(struct tb_guest *g, uint32_t s);
/* Describe the next buffer's first len bytes as one frame. */
void guest_tx_post(struct tb_guest *g, uint32_t len);
void guest_tx_doorbell(struct tb_guest *g);

/* Take completions from the status block: TX ones free ring slots, RX
 * ones go to the sink and their buffers are posted again (and rung).
 * Return how many were taken; a status beyond the producer is a fault. */
uint32_t guest_reap_tx(struct tb_guest *g, const struct tb_rx_sink *sink);
uint32_t guest_reap_rx(struct tb_guest *g, const struct tb_rx_sink *sink);
/* Whether the status block shows completions not reaped yet. */
int guest_has_news(const struct tb_guest *g);

#endif /* TB_GUEST_H */
