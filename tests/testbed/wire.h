/* SPDX-License-Identifier: MIT */
/*
 * wire.h - the wire and the simulated host at its far end.
 *
 * The far end sends frames into the NIC (cdna_nic_receive, never more than
 * cdna_nic_can_receive allows: the rest wait in its queue) and receives
 * what the NIC transmits.  Every frame crossing the wire, either way, goes
 * into the pcap file when there is one, stamped with the testbed's clock.
 * Received frames go to the ledger, or in a benchmark are only counted.
 */
#ifndef TB_WIRE_H
#define TB_WIRE_H

#include <pcap/pcap.h>
#include <stdint.h>

#include "cdna_nic.h"
#include "clock.h"
#include "frame.h"
#include "ledger.h"

#define TB_WIRE_QUEUE 256u /* frames the far end holds for sending */

struct tb_wire {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	struct tb_ledger *ledger; /* NULL: benchmark, count only */
	unsigned want_len;        /* benchmark: every frame's length */
	uint8_t *pool;            /* TB_WIRE_QUEUE frames of TB_MAX_LEN */
	uint16_t qlen[TB_WIRE_QUEUE];
	unsigned q_next, q_count; /* next to send, frames queued */
	uint64_t to_nic, to_nic_bytes;     /* frames sent into the NIC */
	uint64_t from_nic, from_nic_bytes; /* frames the NIC transmitted */
	uint64_t refused;         /* cdna_nic_receive said dropped */
	uint64_t bad_len;         /* benchmark: frames of another length */
	/* Frames the NIC sends from this source MAC are counted here and
	 * kept out of the ledger: a hostile guest's (tests/protection/). */
	uint8_t untracked_src[6];
	int has_untracked;
	uint64_t from_untracked;
	/* Called for every frame the NIC sends, before it is counted. */
	void (*tap)(void *arg, const uint8_t *frame, size_t len);
	void *tap_arg;
};

/* pcap_path may be NULL.  0, or -1 with a sentence in err. */
int wire_open(struct tb_wire *w, const char *pcap_path,
	      struct tb_ledger *ledger, char *err, size_t err_len);
void wire_close(struct tb_wire *w);

/* Room for one more frame in the queue: where to build it, or NULL. */
uint8_t *wire_queue_next(struct tb_wire *w);
void wire_queue_commit(struct tb_wire *w, uint32_t len);
static inline unsigned wire_queued(const struct tb_wire *w)
{
	return w->q_count;
}

/* Send queued frames while the NIC's MAC takes them; returns how many. */
unsigned wire_inject(struct tb_wire *w, struct cdna_nic *nic,
		     struct tb_clock *clock);
/* A frame the NIC transmitted (its wire_tx callback). */
void wire_from_nic(struct tb_wire *w, struct tb_clock *clock,
		   const uint8_t *frame, size_t len);

#endif /* TB_WIRE_H */
