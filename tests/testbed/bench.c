/* SPDX-License-Identifier: MIT */
/*
 * bench.c - the throughput runs: every guest transmits to the far end as
 * fast as the NIC takes frames, and the far end only counts frames and
 * checks their length (--bench); or the far end sends to the guests in
 * turn and the guests count (--bench-rx).
 *
 * The host side is kept light so that the figures are the NIC's: each
 * guest's 256 TX buffers get their frame once, and a lap only rewrites
 * descriptors (whose seq changes every lap) and rings the doorbell.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "testbed.h"

static double seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_fault(void *arg, unsigned ctx, const char *what)
{
	struct testbed *tb = arg;

	ledger_error(&tb->ledger, TB_ERR_DRIVER, "ctx %u: %s", ctx, what);
}

/* Frame lengths of every guest's TX slots (all one with a fixed size). */
static uint16_t slot_len[CDNA_NUM_CTX][CDNA_RING_SLOTS];

static void prepare_buffers(struct testbed *tb)
{
	for (unsigned c = 0; c < tb->nguests; c++) {
		for (uint32_t s = 0; s < CDNA_RING_SLOTS; s++) {
			struct tb_frame_id id = {
				.num = s, .src = (uint8_t)c, .dst = TB_WIRE,
				.pattern = TB_PAT_TX,
			};

			id.len = (uint16_t)(tb->opts.size != TB_SIZE_MIX ?
				tb->opts.size : TB_MIN_LEN + prng_below(&tb->prng,
					TB_MAX_LEN - TB_MIN_LEN + 1));
			slot_len[c][s] = id.len;
			tb_frame_build(guest_tx_slot_buf(&tb->guest[c], s), &id,
				       tb->opts.seed);
		}
	}
	tb->wire.want_len = tb->opts.size; /* 0 (any) for a mix */
}

/* End of a step: the NIC runs until it waits, the guests reap (and post
 * RX buffers again).  0, or 1 once an error is recorded. */
static int step_done(struct testbed *tb, const struct tb_rx_sink *sink)
{
	if (board_drain(tb))
		return 1;
	board_service(tb, sink, 0);
	return ledger_error_total(&tb->ledger) ? 1 : 0;
}

/* Send frames frames (all guests round robin, each lap a ring's worth);
 * adds to *posted and *bytes.  0, or 1 once an error is recorded. */
static int send_frames(struct testbed *tb, uint64_t frames, uint64_t *posted,
		uint64_t *bytes)
{
	const struct tb_rx_sink sink = { tb, NULL, on_fault };
	uint64_t end = *posted + frames;

	while (*posted < end) {
		for (unsigned c = 0; c < tb->nguests; c++) {
			struct tb_guest *g = &tb->guest[c];

			for (uint32_t n = guest_tx_room(g);
			     n && *posted < end; n--, (*posted)++) {
				uint32_t len = slot_len[c][g->tx_prod %
							   CDNA_RING_SLOTS];

				guest_tx_post(g, len);
				*bytes += len;
			}
			guest_tx_doorbell(g);
		}
		if (step_done(tb, &sink))
			return 1;
	}
	return 0;
}

/* --bench-rx: what the guests got. */
struct rx_tally {
	struct testbed *tb;
	uint64_t frames, bytes, bad_len;
};

static void on_rx(void *arg, unsigned ctx, const uint8_t *frame, uint32_t len)
{
	struct rx_tally *t = arg;

	(void)ctx, (void)frame;
	t->frames++;
	t->bytes += len;
	if (t->tb->opts.size != TB_SIZE_MIX && len != t->tb->opts.size)
		t->bad_len++;
}

static void on_rx_fault(void *arg, unsigned ctx, const char *what)
{
	on_fault(((struct rx_tally *)arg)->tb, ctx, what);
}

/* One frame from the far end to each guest, built once. */
static uint8_t rx_frame[CDNA_NUM_CTX][TB_MAX_LEN];

/* The far end sends frames frames to the guests in turn: a queue's worth
 * (at most a ring's worth per guest) per step. */
static int receive_frames(struct testbed *tb, struct rx_tally *t,
			  uint64_t frames, uint64_t *sent, uint64_t *bytes)
{
	const struct tb_rx_sink sink = { t, on_rx, on_rx_fault };
	uint64_t end = *sent + frames;
	unsigned c = 0;

	_Static_assert(TB_WIRE_QUEUE <= CDNA_RING_SLOTS,
		       "a step never overruns a guest's posted buffers");
	while (*sent < end) {
		uint8_t *buf;

		while (*sent < end && (buf = wire_queue_next(&tb->wire))) {
			uint32_t len = slot_len[c][*sent % CDNA_RING_SLOTS];

			memcpy(buf, rx_frame[c], len);
			wire_queue_commit(&tb->wire, len);
			*bytes += len;
			(*sent)++;
			c = (c + 1) % tb->nguests;
		}
		if (step_done(tb, &sink))
			return 1;
	}
	return 0;
}

static void prepare_rx_frames(struct testbed *tb)
{
	for (unsigned c = 0; c < tb->nguests; c++) {
		struct tb_frame_id id = {
			.num = c, .len = TB_MAX_LEN, .src = TB_WIRE,
			.dst = (uint8_t)c, .pattern = TB_PAT_RX,
		};

		tb_frame_build(rx_frame[c], &id, tb->opts.seed);
	}
}

/*
 * The timed pass, then a counting pass (--count-frames): Unicorn counting
 * every instruction and store runs several times slower, and switching
 * counting on flushes its code cache, so it never overlaps the timing.
 */
int bench_run(struct testbed *tb)
{
	struct cdna_nic_cpu_counts n;
	uint64_t posted = 0, bytes = 0, timed, counted;
	double wall, cpu;
	char size[16];

	struct rx_tally rx = { .tb = tb };
	int to_guests = tb->opts.bench == TB_BENCH_RX;
	const uint64_t *done = to_guests ? &rx.frames : &tb->wire.from_nic;

	prepare_buffers(tb);
	prepare_rx_frames(tb);
	wall = seconds(CLOCK_MONOTONIC);
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
	if (to_guests)
		receive_frames(tb, &rx, tb->opts.frames, &posted, &bytes);
	else
		send_frames(tb, tb->opts.frames, &posted, &bytes);
	wall = seconds(CLOCK_MONOTONIC) - wall;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
	timed = *done;

	counted = tb->opts.count_frames;
	memset(&n, 0, sizeof(n));
	if (counted && !ledger_error_total(&tb->ledger)) {
		cdna_nic_set_counting(tb->nic, 1);
		if (to_guests)
			receive_frames(tb, &rx, counted, &posted, &bytes);
		else
			send_frames(tb, counted, &posted, &bytes);
		cdna_nic_get_cpu_counts(tb->nic, &n);
		cdna_nic_set_counting(tb->nic, 0);
	}
	counted = *done - timed;

	if (to_guests) {
		if (rx.frames != posted)
			ledger_error(&tb->ledger, TB_ERR_MISSING, "the guests "
				     "got %llu frames of %llu sent",
				     (unsigned long long)rx.frames,
				     (unsigned long long)posted);
		if (rx.bad_len)
			ledger_error(&tb->ledger, TB_ERR_CORRUPT, "%llu frames "
				     "reached a guest with a length other "
				     "than %u", (unsigned long long)rx.bad_len,
				     tb->opts.size);
	} else if (tb->wire.from_nic != posted)
		ledger_error(&tb->ledger, TB_ERR_MISSING, "the far end got %llu "
			     "frames of %llu sent", (unsigned long long)
			     tb->wire.from_nic, (unsigned long long)posted);
	if (!to_guests && tb->wire.bad_len)
		ledger_error(&tb->ledger, TB_ERR_CORRUPT, "%llu frames reached "
			     "the far end with a length other than %u",
			     (unsigned long long)tb->wire.bad_len, tb->opts.size);
	if (!to_guests && tb->wire.from_nic_bytes != bytes &&
	    tb->wire.from_nic == posted)
		ledger_error(&tb->ledger, TB_ERR_CORRUPT, "the far end got %llu "
			     "bytes, %llu were sent", (unsigned long long)
			     tb->wire.from_nic_bytes, (unsigned long long)bytes);
	if (tb->opts.size != TB_SIZE_MIX)
		snprintf(size, sizeof(size), "%u B", tb->opts.size);
	else
		snprintf(size, sizeof(size), "mixed-size");
	printf("bench: %u guests, %s frames, %s, %llu frames in %.3f s\n",
	       tb->nguests, size, to_guests ? "wire -> guests" :
	       "guests -> wire", (unsigned long long)timed, wall);
	printf("bench: %.3f Mframes/s, %.3f Gb/s, %.3f host CPU s per "
	       "million frames\n", (double)timed / wall / 1e6,
	       (double)timed * (tb->opts.size != TB_SIZE_MIX ? tb->opts.size : 0)
		       * 8 / wall / 1e9,
	       timed ? cpu / ((double)timed / 1e6) : 0);
	if (counted)
		printf("bench: per frame (%llu frames counted): %.1f ARM "
		       "instructions, %.2f SRAM stores, %.2f MMIO reads, "
		       "%.2f MMIO writes\n", (unsigned long long)counted,
		       (double)n.insns / (double)counted,
		       (double)n.sram_stores / (double)counted,
		       (double)n.mmio_reads / (double)counted,
		       (double)n.mmio_writes / (double)counted);
	/* For tests/bench/store-sites.sh: which instructions stored. */
	for (int i = 0; tb->opts.verbose && i < CDNA_NIC_STORE_SITES &&
			n.store_pc_n[i]; i++)
		printf("store-pc 0x%08x %llu\n", n.store_pc[i],
		       (unsigned long long)n.store_pc_n[i]);
	return ledger_error_total(&tb->ledger) ? 1 : 0;
}
