/* SPDX-License-Identifier: MIT */
/*
 * main.c - cdna-testbed: set up the NIC, the guests and the wire, run the
 * verifying traffic or the benchmark, report.  See testbed.h for the
 * pieces and `cdna-testbed --help` for the options.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testbed.h"

/* Host memory: every guest's pages and the interrupt vector's; in
 * protected mode also each guest's argument page and the hypervisor's
 * pages (rings and status blocks of every context it may assign). */
static uint64_t hostmem_size(unsigned guests)
{
	return ((uint64_t)guests * (TB_GUEST_PAGES + 1) + 3u * CDNA_NUM_CTX +
		1) * CDNA_PAGE_SIZE;
}

static int setup(struct testbed *tb)
{
	char err[256];

	tb->nguests = tb->opts.guests;
	prng_seed(&tb->prng, tb->opts.seed);
	if (hostmem_init(&tb->hm, hostmem_size(tb->nguests)) ||
	    ledger_init(&tb->ledger, tb->opts.seed,
			tb->opts.bench ? 0 : tb->opts.frames)) {
		fprintf(stderr, "cdna-testbed: out of memory\n");
		return 1;
	}
	if (wire_open(&tb->wire, tb->opts.pcap,
		      tb->opts.bench ? NULL : &tb->ledger, err, sizeof(err))) {
		fprintf(stderr, "cdna-testbed: capture: %s\n", err);
		return 1;
	}
	if (board_boot(tb) || board_start_guests(tb))
		return 1;
	return 0;
}

static void teardown(struct testbed *tb)
{
	board_free(tb);
	wire_close(&tb->wire);
	ledger_free(&tb->ledger);
	hostmem_free(&tb->hm);
}

int main(int argc, char **argv)
{
	static struct testbed tb; /* large: the guests' state */
	int rc = tb_opts_parse(&tb.opts, argc, argv);

	if (rc >= 0)
		return rc;
	if (setup(&tb)) {
		teardown(&tb);
		return 1;
	}
	if (tb.opts.bench) {
		rc = bench_run(&tb);
	} else {
		traffic_run(&tb);
		rc = 0;
	}
	report_check(&tb);
	report_print(&tb);
	rc = rc || ledger_error_total(&tb.ledger) ? 1 : 0;
	teardown(&tb);
	return rc;
}
