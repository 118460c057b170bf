/* SPDX-License-Identifier: MIT */
/*
 * testbed.h - cdna-testbed: the NIC model with the real firmware, N
 * guests in native mode and a far end on the wire, in one thread.
 *
 * Pieces, one file each:
 *   board.c    the NIC: callbacks, flash and boot, run until idle, the
 *              interrupt vector, statistics registers
 *   guest.c    a guest's rings, buffers, doorbells and interrupt enable
 *   hostmem.c  host memory and the NIC's DMA into it
 *   wire.c     the far end and the pcap capture
 *   frame.c    what frames look like; ledger.c who got which
 *   traffic.c  the verifying run; bench.c the throughput run
 *   report.c   end of run: counters compared and printed
 *   domains.c  protected mode: simulated domains, pages, mappings
 *
 * What a verifying run holds the NIC to: every frame reaches exactly its
 * receivers, byte for byte, once, in its source's order (ledger.c); RX
 * write-backs say DONE|EOP with the frame's length and nothing past the
 * frame is written (guest.c); the NIC writes no TX ring or buffer and no
 * RX descriptor field but len|flags (hostmem.c); status indexes never pass
 * the producers, every completion is announced by the interrupt vector
 * and an interrupt, a disabled interrupt is held pending (traffic.c,
 * board.c); BAR0 shows each context RUNNING with its MAC; at the end every
 * TX descriptor completed and BAR2's counters agree with the testbed's,
 * with no refusal, drop, DMA fault or frame for no context (report.c).
 */
#ifndef TB_TESTBED_H
#define TB_TESTBED_H

#include <stdint.h>

#include "cdna_nic.h"
#include "cdna_hv.h"
#include "clock.h"
#include "domains.h"
#include "guest.h"
#include "hostmem.h"
#include "ledger.h"
#include "opts.h"
#include "prng.h"
#include "wire.h"

struct testbed {
	struct tb_opts opts;
	struct prng prng;         /* the traffic mix */
	struct tb_clock clock;
	struct hostmem hm;
	struct cdna_nic *nic;
	struct tb_wire wire;
	struct tb_ledger ledger;  /* errors always; records when verifying */
	struct tb_guest guest[CDNA_NUM_CTX];
	unsigned nguests;

	uint64_t intvec;          /* bus address of struct cdna_intvec */
	uint32_t int_cons;        /* vector entries taken */
	int irq_seen;             /* an interrupt since the vector was read */
	uint64_t irqs;            /* interrupts raised (level 1) */
	int kicked;               /* the NIC asked for cdna_nic_run */
	uint64_t runs;            /* cdna_nic_run calls */
	int self_tested;          /* the --self-test fault was made */

	/* Protected mode: the guests' domains and the hypervisor core. */
	struct tb_domains dom;
	struct cdna_hv *hv;
	uint32_t hv_news;         /* contexts the core notified */
	uint64_t hv_notifies;

	/* Hooks for tests/protection/: once per traffic step, before the
	 * doorbells; and while the hypervisor waits on the NIC. */
	void (*step_hook)(struct testbed *tb);
	void (*relax_hook)(struct testbed *tb);
	void *hook_arg;
	/* Contexts someone else drives (a hostile guest): the end-of-run
	 * checks leave them, and the refusals they cause, to that someone. */
	uint32_t foreign_ctx;
};

/* board.c */
/* Create the NIC, flash the image, boot: 0, or 1 after saying why. */
int board_boot(struct testbed *tb);
/* Interrupt vector and guests configured, enabled and started: 0 or 1. */
int board_start_guests(struct testbed *tb);
/* Run the NIC until it waits, feeding it the far end's queue: 0, or -1
 * when it stops taking frames (an error is recorded). */
int board_drain(struct testbed *tb);
/* Read the interrupt vector up to its producer and acknowledge it:
 * the contexts that have news. */
uint32_t board_take_irqs(struct testbed *tb);
/* Take interrupts and reap the guests they (or the already taken mask
 * taken) name, as a driver would; completions that no interrupt announced
 * are an error (and reaped). */
void board_service(struct testbed *tb, const struct tb_rx_sink *sink,
		   uint32_t taken);
void board_free(struct testbed *tb);
/* Protected mode: a dom0 (privileged) call into the hypervisor core. */
long board_dom0_op(struct testbed *tb, unsigned int cmd, void *op);

struct tb_ctx_stats {
	uint32_t tx_frames, rx_frames;
	uint64_t tx_bytes, rx_bytes;
	uint32_t refused[CDNA_REFUSE_NUM], dropped[CDNA_DROP_NUM];
	uint64_t refused_total, dropped_total;
	uint8_t mac[6];           /* as BAR2 page 0 holds it */
};
void board_ctx_stats(struct testbed *tb, unsigned ctx,
		     struct tb_ctx_stats *st);
uint32_t board_mgmt(struct testbed *tb, uint32_t reg);


/* traffic.c: the verifying run (errors go to the ledger) */
void traffic_run(struct testbed *tb);
/* bench.c: the throughput run; prints its figures; 0 or 1 */
int bench_run(struct testbed *tb);
/* report.c: compare the NIC's counters with the ledger's, print the
 * table, the tallies and the verdict */
void report_check(struct testbed *tb);
void report_print(struct testbed *tb);

#endif /* TB_TESTBED_H */
