/* SPDX-License-Identifier: MIT */
/*
 * wire.c - the far end of the wire and its capture (see wire.h).
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pcap timestamps: the testbed's clock from 2023-11-14 22:13:20 UTC, a
 * fixed origin so that one seed always gives the same file. */
#define PCAP_EPOCH_S 1700000000ull

int wire_open(struct tb_wire *w, const char *pcap_path,
	      struct tb_ledger *ledger, char *err, size_t err_len)
{
	memset(w, 0, sizeof(*w));
	w->ledger = ledger;
	w->pool = malloc((size_t)TB_WIRE_QUEUE * TB_MAX_LEN);
	if (!w->pool) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (!pcap_path)
		return 0;
	w->pcap = pcap_open_dead(DLT_EN10MB, 65535);
	if (!w->pcap) {
		snprintf(err, err_len, "pcap_open_dead failed");
		return -1;
	}
	w->dump = pcap_dump_open(w->pcap, pcap_path);
	if (!w->dump) {
		snprintf(err, err_len, "%s", pcap_geterr(w->pcap));
		return -1;
	}
	return 0;
}

void wire_close(struct tb_wire *w)
{
	if (w->dump)
		pcap_dump_close(w->dump);
	if (w->pcap)
		pcap_close(w->pcap);
	free(w->pool);
	memset(w, 0, sizeof(*w));
}

static void capture(struct tb_wire *w, uint64_t now_ns, const uint8_t *frame,
		    size_t len)
{
	struct pcap_pkthdr h;

	if (!w->dump)
		return;
	h.ts.tv_sec = (time_t)(PCAP_EPOCH_S + now_ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(now_ns % 1000000000u / 1000u);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->dump, &h, frame);
}

uint8_t *wire_queue_next(struct tb_wire *w)
{
	if (w->q_count == TB_WIRE_QUEUE)
		return NULL;
	return w->pool + (size_t)((w->q_next + w->q_count) % TB_WIRE_QUEUE) *
				 TB_MAX_LEN;
}

void wire_queue_commit(struct tb_wire *w, uint32_t len)
{
	w->qlen[(w->q_next + w->q_count) % TB_WIRE_QUEUE] = (uint16_t)len;
	w->q_count++;
}

unsigned wire_inject(struct tb_wire *w, struct cdna_nic *nic,
		     struct tb_clock *clock)
{
	unsigned sent = 0;
	uint32_t room = w->q_count ? cdna_nic_can_receive(nic) : 0;

	while (w->q_count && room) {
		const uint8_t *f = w->pool + (size_t)w->q_next * TB_MAX_LEN;
		uint32_t len = w->qlen[w->q_next];

		capture(w, tb_clock_frame(clock, len), f, len);
		if (cdna_nic_receive(nic, f, len)) {
			/* Counted by the NIC; the ledger will miss it. */
			w->refused++;
		} else {
			w->to_nic++;
			w->to_nic_bytes += len;
		}
		w->q_next = (w->q_next + 1) % TB_WIRE_QUEUE;
		w->q_count--;
		room--;
		sent++;
	}
	return sent;
}

void wire_from_nic(struct tb_wire *w, struct tb_clock *clock,
		   const uint8_t *frame, size_t len)
{
	capture(w, tb_clock_frame(clock, (uint32_t)len), frame, len);
	if (w->tap)
		w->tap(w->tap_arg, frame, len);
	w->from_nic++;
	w->from_nic_bytes += len;
	if (w->has_untracked && len >= 12 &&
	    !memcmp(frame + 6, w->untracked_src, 6))
		w->from_untracked++;
	else if (w->ledger)
		ledger_receive(w->ledger, TB_WIRE, frame, len);
	else if (w->want_len && len != w->want_len)
		w->bad_len++;
}
