/* SPDX-License-Identifier: MIT */
/*
 * opts.h - the testbed's command line.
 */
#ifndef TB_OPTS_H
#define TB_OPTS_H

#include <stdint.h>

#define TB_SIZE_MIX 0u /* --size mix: a random length per frame */

#define TB_BENCH_TX 1  /* --bench: guests -> wire */
#define TB_BENCH_RX 2  /* --bench-rx: wire -> guests */

/* --self-test: the testbed itself misbehaves once, to show it notices. */
enum tb_self_test {
	TB_SELF_NONE = 0,
	TB_SELF_CORRUPT,    /* flip a payload byte of a guest's frame */
	TB_SELF_DROP,       /* the far end forgets to send a frame */
	TB_SELF_DUPLICATE,  /* a guest posts a frame to the wire twice */
	TB_SELF_MISDELIVER, /* a frame for the wire goes to another guest */
};

struct tb_opts {
	unsigned guests;      /* 1..CDNA_NUM_CTX */
	uint64_t frames;      /* in total, all sources together */
	unsigned size;        /* TB_MIN_LEN..TB_MAX_LEN, or TB_SIZE_MIX */
	uint64_t seed;
	unsigned patterns;    /* set of enum tb_pattern */
	const char *pcap;     /* NULL: no capture */
	const char *image;    /* NULL: flash left as it is (--flash only) */
	const char *flash;    /* NULL: a flash in memory */
	int bench;            /* throughput run: TB_BENCH_TX or _RX */
	int protected_mode;   /* guests post through the hypervisor core */
	int quiet;            /* no per-context table */
	int verbose;          /* the model's and firmware's log lines */
	enum tb_self_test self_test;
	uint32_t int_mod_us;  /* HV_INT_MOD_US: interrupt coalescing */
	uint64_t count_frames; /* benchmark: frames of the counting pass */
};

/*
 * Fill o from argv.  Returns -1 to go on, or the exit status to leave
 * with: 0 after --help, 2 after a usage error (already explained on
 * stderr).
 */
int tb_opts_parse(struct tb_opts *o, int argc, char **argv);

#endif /* TB_OPTS_H */
