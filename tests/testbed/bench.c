/* SPDX-License-Identifier: MIT */
/*
 * bench.c - the throughput run: every guest transmits to the far end as
 * fast as the NIC takes frames; the far end only counts frames and checks
 * their length.
 *
 * The host side is kept light so that the figures are the NIC's: each
 * guest's 256 TX buffers get their frame once, and a lap only rewrites
 * descriptors (whose seq changes every lap) and rings the doorbell.
 */
#include <stdio.h>
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

int bench_run(struct testbed *tb)
{
	const struct tb_rx_sink sink = { tb, NULL, on_fault };
	uint64_t posted = 0, bytes = 0;
	double wall, cpu;
	char size[16];

	prepare_buffers(tb);
	wall = seconds(CLOCK_MONOTONIC);
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
	while (posted < tb->opts.frames) {
		for (unsigned c = 0; c < tb->nguests; c++) {
			struct tb_guest *g = &tb->guest[c];

			for (uint32_t n = guest_tx_room(g);
			     n && posted < tb->opts.frames; n--, posted++) {
				uint32_t len = slot_len[c][g->tx_prod %
							   CDNA_RING_SLOTS];

				guest_tx_post(g, len);
				bytes += len;
			}
			guest_tx_doorbell(g);
		}
		if (board_drain(tb))
			break;
		board_service(tb, &sink, 0);
		if (ledger_error_total(&tb->ledger))
			break;
	}
	wall = seconds(CLOCK_MONOTONIC) - wall;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;

	if (tb->wire.from_nic != posted)
		ledger_error(&tb->ledger, TB_ERR_MISSING, "the far end got %llu "
			     "frames of %llu sent", (unsigned long long)
			     tb->wire.from_nic, (unsigned long long)posted);
	if (tb->wire.bad_len)
		ledger_error(&tb->ledger, TB_ERR_CORRUPT, "%llu frames reached "
			     "the far end with a length other than %u",
			     (unsigned long long)tb->wire.bad_len, tb->opts.size);
	if (tb->wire.from_nic_bytes != bytes && tb->wire.from_nic == posted)
		ledger_error(&tb->ledger, TB_ERR_CORRUPT, "the far end got %llu "
			     "bytes, %llu were sent", (unsigned long long)
			     tb->wire.from_nic_bytes, (unsigned long long)bytes);
	if (tb->opts.size != TB_SIZE_MIX)
		snprintf(size, sizeof(size), "%u B", tb->opts.size);
	else
		snprintf(size, sizeof(size), "mixed-size");
	printf("bench: %u guests, %s frames, %llu frames in %.3f s\n",
	       tb->nguests, size, (unsigned long long)tb->wire.from_nic, wall);
	printf("bench: %.3f Mframes/s, %.3f Gb/s, %.3f host CPU s per "
	       "million frames\n", (double)tb->wire.from_nic / wall / 1e6,
	       (double)tb->wire.from_nic_bytes * 8 / wall / 1e9,
	       tb->wire.from_nic ? cpu / ((double)tb->wire.from_nic / 1e6) : 0);
	return ledger_error_total(&tb->ledger) ? 1 : 0;
}
