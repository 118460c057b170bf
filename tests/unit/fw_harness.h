/* SPDX-License-Identifier: MIT */
/*
 * fw_harness.h - drives the host build of the firmware against the NIC
 * hardware model, with host memory, a captured wire and "native mode"
 * drivers that write their own rings.  The firmware unit tests and the
 * firmware benchmark share it.
 */
#ifndef CDNA_TEST_FW_HARNESS_H
#define CDNA_TEST_FW_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <cdna/desc.h>
#include <cdna/regs.h>
#include "../../hw-model/core/nic_hw.h"

#define H_HOST_BASE  0x100000ull   /* host memory starts here; below faults */
#define H_HOST_SIZE  (64u << 20)
#define H_WIRE_MAX   1024u

struct h_frame {
	uint16_t len;
	uint8_t data[CDNA_MAX_FRAME];
};

struct h_ctx {
	uint64_t tx_ring, rx_ring, status; /* host addresses */
	uint64_t tx_buf, rx_buf;           /* 256 buffers each, 2 per page */
	uint32_t seq_base;
	uint32_t tx_prod, rx_prod;         /* the driver's producers */
	uint32_t rx_seen;                  /* RX completions read so far */
	uint8_t mac[6];
};

struct harness;

/* Which firmware runs: the host build (default) or, for benchmarks, the
 * ARM image in an instruction-set simulator. */
struct h_fw_ops {
	void (*boot)(struct harness *h);  /* fw_init's work, then idle */
	void (*run)(struct harness *h);   /* until the firmware idles */
	void *priv;
};

struct harness {
	struct nic_hw *hw;
	const struct h_fw_ops *fw_ops;
	uint8_t *mem;                      /* H_HOST_SIZE bytes */
	uint64_t next_page;                /* bump allocator */
	uint64_t intvec;
	uint64_t now_us;
	struct h_frame *wire;              /* frames the MAC sent */
	uint32_t n_wire;
	uint32_t irqs;
	struct h_ctx ctx[CDNA_NUM_CTX];
};

/* A NIC with booted firmware and an interrupt vector; asserts on failure.
 * h_new runs the host build of the firmware, h_new_fw the given one. */
struct harness *h_new(void);
struct harness *h_new_fw(const struct h_fw_ops *ops);
void h_free(struct harness *h);

/* Host memory access. */
uint8_t *h_mem(struct harness *h, uint64_t addr);
uint32_t h_rd32(struct harness *h, uint64_t addr);
void h_wr32(struct harness *h, uint64_t addr, uint32_t v);
uint64_t h_alloc_pages(struct harness *h, uint32_t n);

/* Enable context c with MAC 02:00:00:00:00:(c+1) (or mac if non-NULL) and
 * context flags (CDNA_CTXF_*); seq_base is derived from c.  Posts no
 * buffers. */
void h_ctx_enable(struct harness *h, uint32_t c, const uint8_t *mac,
		  uint32_t flags);
void h_ctx_revoke(struct harness *h, uint32_t c);

/* Write one descriptor at index idx of a ring, with the right seq unless
 * seq_delta moves it. */
void h_write_desc(struct harness *h, uint32_t c, int rx, uint32_t idx,
		  uint64_t addr, uint16_t len, uint16_t flags,
		  uint32_t seq_delta);

/* Native-mode driver verbs.  h_tx_frame builds a frame from dst MAC, src =
 * the context's MAC, payload byte pattern tag, total length len, in nfrag
 * fragments; it writes descriptors but does not ring. */
void h_tx_frame(struct harness *h, uint32_t c, const uint8_t *dst,
		uint32_t len, uint8_t tag, uint32_t nfrag);
void h_tx_ring(struct harness *h, uint32_t c);
/* Post n RX buffers of buf_len bytes and ring. */
void h_rx_post(struct harness *h, uint32_t c, uint32_t n, uint16_t buf_len);

/* Feed a frame to the MAC from the wire. */
int h_wire_in(struct harness *h, const uint8_t *dst, const uint8_t *src,
	      uint32_t len, uint8_t tag);

/* Run the firmware until it has nothing to do; returns turns run. */
uint32_t h_run(struct harness *h);

/* Status block and statistics. */
uint32_t h_tx_cons(struct harness *h, uint32_t c);
uint32_t h_rx_cons(struct harness *h, uint32_t c);
const struct cdna_fw_stats *h_fw_stats(struct harness *h, uint32_t c);
const struct cdna_fw_nic_stats *h_fw_nic_stats(struct harness *h);
/* RX descriptor write-back of index idx: len | flags << 16. */
uint32_t h_rx_wb(struct harness *h, uint32_t c, uint32_t idx);
/* Tag byte of the frame in RX buffer idx (payload byte at offset 14). */
uint8_t h_rx_tag(struct harness *h, uint32_t c, uint32_t idx);

/* Payload bytes are tag, tag + 1, ...: 1 when a frame carries them. */
int h_payload_ok(const uint8_t *p, uint32_t len, uint8_t tag);
const uint8_t *h_rx_buf(struct harness *h, uint32_t c, uint32_t idx);

extern const uint8_t h_bcast[6];

#endif /* CDNA_TEST_FW_HARNESS_H */
