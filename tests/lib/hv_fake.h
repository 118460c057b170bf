/* SPDX-License-Identifier: MIT */
/*
 * hv_fake.h - the hypervisor core on simulated domains (tests/testbed/
 * domains.h) with a register-level stand-in for the NIC's BAR2: contexts
 * go RUNNING when enabled and STOPPED when revoked, at once or never, as
 * a test says; a NIC reset disables them all.  The fast tier for the core's own logic (unit tests, the
 * core's fuzzer); the real NIC and firmware are the protection suite's.
 */
#ifndef CDNA_TEST_HV_FAKE_H
#define CDNA_TEST_HV_FAKE_H

#include <stdint.h>

#include "cdna_hv.h"
#include "domains.h"
#include "hostmem.h"

struct hv_fake {
	struct hostmem hm;
	struct tb_domains dom;
	struct cdna_hv *hv;
	uint32_t bar2[CDNA_BAR2_SIZE / 4]; /* what the core wrote */
	uint32_t ctx_state[CDNA_NUM_CTX];  /* HV_CTX_STATE */
	uint32_t num_ctx;                  /* MGMT_NUM_CTX */
	int never_runs;   /* an enabled context never reports RUNNING */
	int never_stops;  /* a revoked context never reports STOPPED */
	/* MGMT_FW_STATE (RUNNING at init).  A write of MGMT_NIC_CTRL reset
	 * disables every context, forgets the interrupt vector and sets
	 * fw_state to RESET; a test sets RUNNING when "the firmware boots". */
	uint32_t fw_state;
	uint32_t nic_resets;
	uint64_t now_ns;  /* advanced by every relax (10 us) */
	/* Added to now_ns at each read of the clock, after the read: a call
	 * the core times (two reads) then lasts exactly this long. */
	uint64_t ns_per_read;
	/* The clock is the host's CLOCK_MONOTONIC instead (hv-bench: STATS
	 * hv_ns in real time); relax still advances now_ns only. */
	int real_clock;
	uint32_t notified;                 /* contexts notified */
	uint16_t notified_dom[CDNA_NUM_CTX];
	uint64_t arg_page[TB_MAX_DOMS];    /* hv_fake_enqueue's, per domain */
};

/* host memory of pages pages, dom0 alive, the NIC registered: 0 or -1. */
int hv_fake_init(struct hv_fake *f, uint64_t pages);
/* The same without REGISTER_NIC, which hv_fake_register then issues as
 * dom0 (TB_BAR0_BASE, TB_BAR2_BASE and the coalescing given). */
int hv_fake_init_unregistered(struct hv_fake *f, uint64_t pages);
long hv_fake_register(struct hv_fake *f, uint32_t int_mod_us);
void hv_fake_fini(struct hv_fake *f);

/* Calls as dom0 (privileged) or as domain domid, structure in hypervisor
 * memory (cdna_hv_do). */
long hv_fake_dom0(struct hv_fake *f, unsigned int cmd, void *op);
long hv_fake_as(struct hv_fake *f, uint16_t domid, unsigned int cmd,
		void *op);

/* Create domain domid and assign it context ctx (CDNA_CTX_ANY: any) with
 * a MAC of its own: the context, or -1. */
int hv_fake_guest(struct hv_fake *f, uint16_t domid, uint16_t ctx);

/* ENQUEUE for domid from its argument page: bufs copied there first.
 * op gets the OUT fields.  The argument page is allocated on first use. */
long hv_fake_enqueue(struct hv_fake *f, uint16_t domid, uint16_t ctx,
		     unsigned ring, const struct cdna_guest_buf *bufs,
		     uint32_t count, struct cdna_op_enqueue *op);

/* The NIC consumed ring up to cons (status block). */
void hv_fake_complete(struct hv_fake *f, uint16_t ctx, unsigned ring,
		      uint32_t cons);
/* The status block's 32-bit word at off (desc.h CDNA_STATUS_OFF_*). */
uint32_t hv_fake_status(struct hv_fake *f, uint16_t ctx, uint32_t off);
/* Append a context mask to the interrupt vector (if it is armed). */
void hv_fake_raise(struct hv_fake *f, uint32_t mask);

/* The descriptor the core wrote in slot idx of ctx's ring. */
struct cdna_desc hv_fake_desc(struct hv_fake *f, uint16_t ctx, unsigned ring,
			      uint32_t idx);

#endif /* CDNA_TEST_HV_FAKE_H */
