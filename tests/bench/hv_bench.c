/* SPDX-License-Identifier: MIT */
/*
 * hv_bench.c - the hypervisor core's cost per descriptor: ENQUEUE of
 * batches of 1, 8 and 64 valid buffers, TX and RX, each call preceded by
 * the NIC having consumed everything (so every call also drops the
 * references of the previous batch, as it does in steady state).  The
 * core runs on simulated domains (tests/lib/hv_fake.h); what is timed is
 * cdna_hv_op itself: copying the arguments in, validation, references,
 * descriptor writes, lazy release, and the core's own accounting of its
 * time, here on the fake's clock (a field read: nearly free).
 *
 * Then the same passes again with the core timing itself on the host's
 * clock (STATS hv_ns, the figure cdnactl stats shows): it leaves out the
 * loop around the call (the fake NIC's completion, the argument's copy)
 * but includes two clock_gettime() per call, which cost more than Xen's
 * NOW() (a TSC read, scaled).
 *
 * Output, one line per case:
 *   hv-bench: ring tx batch  8:   41.2 ns per descriptor (N descriptors,
 *   best of 3; STATS hv_ns 38.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hv_fake.h"

#define GUEST 1u

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Context 0's hypervisor time so far (STATS hv_ns). */
static uint64_t hv_ns(struct hv_fake *f)
{
	struct cdna_op_stats st = { .ctx = 0 };

	if (hv_fake_dom0(f, CDNA_OP_STATS, &st)) {
		fprintf(stderr, "hv-bench: STATS refused\n");
		exit(1);
	}
	return st.hv_ns;
}

/* ns per descriptor for one ring and batch size, best of three passes:
 * timed here, or with core_time the core's own STATS hv_ns on the host's
 * clock. */
static double run(struct hv_fake *f, unsigned ring, uint32_t batch,
		  uint64_t descs, uint64_t buf_page, int core_time)
{
	const struct cdna_hv_caller who = { .domid = GUEST };
	struct cdna_guest_buf bufs[CDNA_ENQUEUE_MAX];
	uint64_t arg = f->arg_page[GUEST];
	struct cdna_op_enqueue op = { .ctx = 0, .ring = (uint8_t)ring,
				      .count = batch,
				      .bufs = arg + sizeof(op) };
	double best = 0;
	uint32_t prod = 0;

	for (uint32_t i = 0; i < batch; i++)
		bufs[i] = (struct cdna_guest_buf){
			.addr = buf_page + (i % 2) * 2048u, .len = 1514,
			.flags = ring == CDNA_RING_TX ? CDNA_DESC_EOP : 0 };
	memcpy(hostmem_ptr(&f->hm, arg + sizeof(op)), bufs,
	       batch * sizeof(bufs[0]));
	{
		struct cdna_op_query q = { .ctx = 0 };

		hv_fake_dom0(f, CDNA_OP_QUERY, &q);
		prod = ring == CDNA_RING_TX ? q.tx_prod : q.rx_prod;
	}
	f->real_clock = core_time;
	for (int pass = 0; pass < 3; pass++) {
		uint64_t hv0 = hv_ns(f);
		double t0 = now_ns(), ns;

		for (uint64_t n = 0; n < descs; n += batch) {
			/* The NIC took everything posted so far. */
			hv_fake_complete(f, 0, ring, prod);
			memcpy(hostmem_ptr(&f->hm, arg), &op, sizeof(op));
			if (cdna_hv_op(f->hv, &who, CDNA_OP_ENQUEUE, arg)) {
				fprintf(stderr, "hv-bench: ENQUEUE refused\n");
				exit(1);
			}
			prod += batch;
		}
		ns = core_time ? (double)(hv_ns(f) - hv0) / (double)descs :
		     (now_ns() - t0) / (double)descs;
		if (!pass || ns < best)
			best = ns;
	}
	f->real_clock = 0;
	return best;
}

int main(int argc, char **argv)
{
	static const uint32_t batches[] = { 1, 8, 64 };
	uint64_t descs = argc > 1 ? strtoull(argv[1], NULL, 10) : 4000000;
	static struct hv_fake f;
	struct cdna_guest_buf warm = { 0 };
	struct cdna_op_enqueue op;
	uint64_t page;

	if (descs < 64 || hv_fake_init(&f, 64) || hv_fake_guest(&f, GUEST, 0)) {
		fprintf(stderr, "hv-bench: usage: hv-bench [DESCRIPTORS >= 64]\n");
		return 1;
	}
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	/* Allocates the argument page. */
	hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_TX, &warm, 0, &op);
	for (unsigned r = 0; r < 2; r++)
		for (unsigned b = 0; b < 3; b++) {
			double ns = run(&f, r, batches[b], descs, page, 0);
			double core_ns = run(&f, r, batches[b], descs, page, 1);

			printf("hv-bench: ring %s batch %2u: %6.1f ns per "
			       "descriptor (%llu descriptors, best of 3; "
			       "STATS hv_ns %.1f)\n", r ? "rx" : "tx",
			       batches[b], ns, (unsigned long long)descs,
			       core_ns);
		}
	hv_fake_fini(&f);
	return 0;
}
