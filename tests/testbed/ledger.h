/* SPDX-License-Identifier: MIT */
/*
 * ledger.h - the testbed's accounting: every frame sent, where it must
 * arrive, where it did; the errors found on the way; per-node tallies.
 *
 * A receiver hands every frame it gets to ledger_receive, which rebuilds
 * the frame from its number (frame.h) and compares every byte, then checks
 * that this receiver was one the frame was for and had not had it yet, and
 * that frames from one source reach one receiver in the order sent.
 * ledger_finish then finds the frames that never reached a receiver.
 */
#ifndef TB_LEDGER_H
#define TB_LEDGER_H

#include <stdint.h>
#include <stdio.h>

#include "frame.h"

#define TB_NODE_BIT(n) (1ull << (n))

enum tb_error {
	TB_ERR_MISSING = 0,   /* never reached a receiver it was for */
	TB_ERR_DUPLICATE,     /* reached a receiver twice */
	TB_ERR_CORRUPT,       /* bytes or length differ from what was sent */
	TB_ERR_MISDELIVERED,  /* reached a receiver it was not for */
	TB_ERR_FOREIGN,       /* not a frame the testbed sent */
	TB_ERR_REORDERED,     /* overtook an earlier frame of its source */
	TB_ERR_DRIVER,        /* bad write-back, status or interrupt vector */
	TB_ERR_NIC,           /* firmware state, counters, DMA refusals */
	TB_ERR_NUM
};

struct tb_record {
	uint64_t expect;      /* TB_NODE_BIT of every receiver it is for */
	uint64_t got;         /* ... of every receiver it reached */
	uint16_t len;
	uint8_t src, dst, pattern;
};

struct tb_ledger {
	uint64_t seed;
	struct tb_record *rec;
	uint32_t n, cap;
	/* last[src][at]: 1 + the newest frame number from src seen at at */
	uint32_t last[TB_NODES][TB_NODES];
	uint64_t sent_frames[TB_NODES], sent_bytes[TB_NODES];
	uint64_t recv_frames[TB_NODES], recv_bytes[TB_NODES];
	uint64_t sent_by_pattern[TB_PAT_NUM];
	uint64_t deliveries_due, deliveries_made;
	uint64_t errors[TB_ERR_NUM];
	uint64_t printed;
	uint8_t scratch[TB_MAX_LEN];
};

int ledger_init(struct tb_ledger *l, uint64_t seed, uint64_t frames);
void ledger_free(struct tb_ledger *l);

/* Record a frame about to be sent: assigns id->num, fills out (id->len
 * bytes) with the frame. */
void ledger_send(struct tb_ledger *l, struct tb_frame_id *id, uint64_t expect,
		 uint8_t *out);
void ledger_receive(struct tb_ledger *l, unsigned at, const uint8_t *frame,
		    size_t len);
/* Count an error and say what it was (the first few are printed). */
void ledger_error(struct tb_ledger *l, enum tb_error kind, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
/* Every frame reached every receiver it was for? Errors otherwise. */
void ledger_finish(struct tb_ledger *l);

uint64_t ledger_error_total(const struct tb_ledger *l);
const char *ledger_error_name(enum tb_error kind);
/* "frame 12 (switch, ctx 0 -> ctx 3, 512 B)" */
const char *ledger_describe(const struct tb_ledger *l, uint32_t num,
			    char *buf, size_t len);

#endif /* TB_LEDGER_H */
