/* SPDX-License-Identifier: MIT */
/*
 * fw_bench.c - what the firmware costs per frame on the NIC processor.
 *
 * Runs the real ARM image (Unicorn) against the NIC hardware blocks and a
 * native-mode driver, and prints, per scenario: ARM instructions, SRAM
 * stores and MMIO accesses per frame (counting pass, with hooks), and
 * frames per second of firmware time on one host core (timing pass, no
 * hooks), then which instructions made the SRAM stores.
 *
 * Usage: fw-bench IMAGE [FRAMES [SCENARIO-SUBSTRING]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/fw_iss.h"

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };

enum scenario { TX, RX, SWITCH };

struct result {
	double insns, stores, mmio_r, mmio_w, fps;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Move `frames` frames of `len` bytes in batches of `batch` per doorbell.
 * Returns the seconds spent inside the firmware (h_run) only.
 */
static double drive(struct harness *h, enum scenario sc, uint32_t len,
		    uint32_t batch, uint32_t frames)
{
	double in_fw = 0;

	for (uint32_t done = 0; done < frames; done += batch) {
		double t0;

		h->n_wire = 0;
		switch (sc) {
		case TX:
			for (uint32_t i = 0; i < batch; i++)
				h_tx_frame(h, 0, far_mac, len, (uint8_t)i, 1);
			h_tx_ring(h, 0);
			break;
		case RX:
			h_rx_post(h, 0, batch, 2048);
			for (uint32_t i = 0; i < batch; i++)
				h_wire_in(h, h->ctx[0].mac, far_mac, len,
					  (uint8_t)i);
			break;
		case SWITCH:
			h_rx_post(h, 1, batch, 2048);
			for (uint32_t i = 0; i < batch; i++)
				h_tx_frame(h, 0, h->ctx[1].mac, len, (uint8_t)i,
					   1);
			h_tx_ring(h, 0);
			break;
		}
		t0 = now_s();
		h_run(h);
		in_fw += now_s() - t0;
	}
	return in_fw;
}

static struct harness *setup(struct iss *s, struct h_fw_ops *ops)
{
	struct harness *h;

	*ops = iss_fw_ops(s);
	h = h_new_fw(ops);
	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	return h;
}

static void check_delivery(struct harness *h, enum scenario sc,
			   uint32_t frames)
{
	uint32_t ok;

	switch (sc) {
	case TX:     ok = h_tx_cons(h, 0) == frames; break;
	case RX:     ok = h_rx_cons(h, 0) == frames; break;
	default:     ok = h_rx_cons(h, 1) == frames; break;
	}
	if (!ok) {
		fprintf(stderr, "fw-bench: frames were lost (tx_cons %u, "
			"rx_cons %u/%u)\n", h_tx_cons(h, 0), h_rx_cons(h, 0),
			h_rx_cons(h, 1));
		exit(1);
	}
}

static struct result measure(const char *image, enum scenario sc,
			     uint32_t len, uint32_t batch, uint32_t frames,
			     struct cdna_iss_counts *stores_total)
{
	struct result r;
	struct h_fw_ops ops;
	struct iss *s = iss_new(image);
	struct harness *h = setup(s, &ops);
	struct cdna_iss_counts cnt, *n = &cnt;

	/* Counting pass, after one warm-up batch. */
	drive(h, sc, len, batch, batch);
	iss_set_counting(s, 1);
	iss_reset_counts(s);
	drive(h, sc, len, batch, frames);
	iss_get_counts(s, n);
	r.insns = (double)n->insns / frames;
	r.stores = (double)n->sram_stores / frames;
	r.mmio_r = (double)n->mmio_reads / frames;
	r.mmio_w = (double)n->mmio_writes / frames;
	for (int i = 0; i < CDNA_ISS_STORE_SITES && n->store_pc_n[i]; i++) {
		for (int j = 0; j < CDNA_ISS_STORE_SITES; j++) {
			if (stores_total->store_pc_n[j] == 0 ||
			    stores_total->store_pc[j] == n->store_pc[i]) {
				stores_total->store_pc[j] = n->store_pc[i];
				stores_total->store_pc_n[j] += n->store_pc_n[i];
				break;
			}
		}
	}
	iss_set_counting(s, 0);
	/* Timing pass. */
	r.fps = frames / drive(h, sc, len, batch, frames);
	check_delivery(h, sc, batch + 2 * frames);
	h_free(h);
	iss_free(s);
	return r;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum scenario sc;
		uint32_t len, batch;
	} cases[] = {
		{ "tx    64 B, 32/doorbell", TX, 64, 32 },
		{ "tx  1514 B, 32/doorbell", TX, 1514, 32 },
		{ "tx    64 B,  1/doorbell", TX, 64, 1 },
		{ "rx    64 B, 32/batch   ", RX, 64, 32 },
		{ "rx  1514 B, 32/batch   ", RX, 1514, 32 },
		{ "rx    64 B,  1/batch   ", RX, 64, 1 },
		{ "switch 64 B ctx0->ctx1 ", SWITCH, 64, 32 },
	};
	struct cdna_iss_counts stores = { 0 };
	uint32_t frames = argc > 2 ? (uint32_t)atoi(argv[2]) : 4096;

	if (argc < 2) {
		fprintf(stderr, "usage: fw-bench IMAGE [FRAMES]\n");
		return 2;
	}
	frames -= frames % 32;
	if (frames < 32 || frames > 1u << 20) {
		fprintf(stderr, "fw-bench: FRAMES must be 32..1048576\n");
		return 2;
	}
	printf("firmware cost per frame, %u frames per scenario, image %s\n",
	       frames, argv[1]);
	printf("%-24s %10s %12s %10s %10s %14s\n", "scenario", "ARM insns",
	       "SRAM stores", "MMIO rd", "MMIO wr", "frames/s (ISS)");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (argc > 3 && !strstr(cases[i].name, argv[3]))
			continue;
		struct result r = measure(argv[1], cases[i].sc, cases[i].len,
					  cases[i].batch, frames, &stores);

		printf("%-24s %10.1f %12.2f %10.2f %10.2f %14.0f\n",
		       cases[i].name, r.insns, r.stores, r.mmio_r, r.mmio_w,
		       r.fps);
	}
	printf("\nSRAM stores by instruction address (all scenarios):\n");
	for (int i = 0; i < CDNA_ISS_STORE_SITES && stores.store_pc_n[i]; i++)
		printf("store-pc 0x%08x %llu\n", stores.store_pc[i],
		       (unsigned long long)stores.store_pc_n[i]);
	return 0;
}
