/* SPDX-License-Identifier: MIT */
/*
 * fw.h - the firmware's state and its SRAM layout.
 *
 * The firmware is one event loop (fw_poll) over four kinds of work:
 * configuration changes (enable/revoke/MAC), doorbells, received frames and
 * transmit scheduling.  Per-packet work is inline in fw.c's loop so that
 * values stay in registers: on the emulated NIC every SRAM store costs
 * about 57 ns, so the fast path stores only the indexes it must remember.
 */
#ifndef FW_FW_H
#define FW_FW_H

#include <stdint.h>
#include <cdna/desc.h>
#include <cdna/nic-hw.h>
#include <cdna/regs.h>

/* The build may set them (-D): the test build of a second version. */
#ifndef FW_VERSION_MAJOR
#define FW_VERSION_MAJOR 1
#endif
#ifndef FW_VERSION_MINOR
#define FW_VERSION_MINOR 0
#endif
#ifndef FW_VERSION_PATCH
#define FW_VERSION_PATCH 0
#endif

/*
 * SRAM the hardware reads or writes (NIC bus addresses).  The linker script
 * keeps code data, bss and stack below FW_DMA_AREA.
 */
#define FW_DMA_AREA      (CDNA_NIC_SRAM_BASE + 0x10000u)
#define FW_DESC_CACHE    16u  /* descriptors cached per ring */
#define FW_TX_CACHE      (FW_DMA_AREA + 0x0000u) /* [ctx][16] descs, 8 KiB */
#define FW_RX_CACHE      (FW_DMA_AREA + 0x2000u) /* [ctx][16] descs, 8 KiB */
#define FW_TX_STAGE_SLOTS 8u  /* frames staged before switched delivery */
#define FW_TX_STAGE(i)   (FW_DMA_AREA + 0x4000u + (i) * 2048u) /* 16 KiB */
#define FW_STATS         (FW_DMA_AREA + 0x8000u) /* cdna_fw_stats_block */
#define FW_MAC_RX        (FW_DMA_AREA + 0x10000u) /* MAC receive slots */
#define FW_MAC_RX_SLOTS  32u

/*
 * Deficit round robin: each round a context with frames waiting may send
 * FW_DRR_QUANTUM bytes (carrying the rest to the next round).  Eight full
 * frames (12 KiB, about 10 us of a 10 Gb/s wire) keep visits long enough
 * that a visit's fixed stores (the prologue's nine registers, tx_cons and
 * deficit) are shared by many frames, and short enough to interleave
 * contexts finely.  Measured with make bench-testbed, 1500 B frames from 8
 * contexts: three frames gave 4.1 SRAM stores and 1.8 M frames/s, eight
 * give 1.6 and 2.9 M.
 */
#define FW_DRR_QUANTUM   (8 * CDNA_MAX_FRAME)
#define FW_RX_BUDGET     32u  /* wire frames per loop turn */
#define FW_TX_ROUNDS     4u   /* DRR rounds per loop turn */
#define FW_TX_SOLO_QUANTA 8u  /* a lone sender's credit per turn, in quanta */
#define FW_HEARTBEAT_US  100000u
#define FW_MAC_HASH_BITS 8u   /* MAC hash buckets: 8 per context */
#define FW_MAC_BUCKETS   (1u << FW_MAC_HASH_BITS)

/* SYS_FW_ERROR codes: the firmware's last refused host request. */
#define FW_ERR_RING_ALIGN 1u /* enable with misaligned ring or status */

/* One context as the firmware tracks it. */
struct fw_ctx {
	/* TX ring: indexes are free-running (desc.h) */
	uint32_t tx_prod;    /* last accepted doorbell */
	uint32_t tx_fetched; /* descriptors copied into the cache */
	uint32_t tx_cons;    /* descriptors consumed */
	int32_t deficit;     /* DRR bytes this context may still send */
	uint32_t tx_skip;    /* discarding the rest of a refused frame */
	/* RX ring */
	uint32_t rx_prod;
	uint32_t rx_fetched;
	uint32_t rx_cons;
	uint32_t seq_base;
	/* host addresses, from the CFG mirror at enable */
	uint32_t tx_ring_lo, tx_ring_hi;
	uint32_t rx_ring_lo, rx_ring_hi;
	uint32_t status_lo, status_hi;
	/* identity */
	uint32_t mac_lo;     /* MAC bytes 0..3 */
	uint32_t mac_hi;     /* MAC bytes 4..5 */
};

/* A staged frame waiting to be copied to other contexts of this NIC. */
struct fw_switched {
	uint32_t to;         /* contexts to deliver it to */
	uint32_t len;        /* bytes; it sits in FW_TX_STAGE(its index) */
};

/* Everything the firmware remembers. */
struct fw_state {
	struct fw_ctx ctx[CDNA_NUM_CTX];
	uint32_t running;      /* bit c: context c RUNNING */
	uint32_t tx_ready;     /* bit c: tx_prod != tx_cons */
	uint32_t want_bcast;   /* bit c: running and accepts broadcast */
	uint32_t want_mcast;   /* bit c: running and accepts multicast */
	uint32_t promisc;      /* bit c: running, takes unmatched unicast */
	uint32_t any_src;      /* bit c: may send with any source MAC */
	uint32_t slow_dirty_rx; /* rx_cons moved on a slow path this turn */
	struct fw_switched switched[FW_TX_STAGE_SLOTS]; /* of one TX visit */
	uint32_t heartbeat;
	uint8_t mac_hash[FW_MAC_BUCKETS]; /* ctx + 1 by hash of the MAC,
					   * 0 = empty */
};

extern struct fw_state fw;

/* fw.c */
void fw_init(void);
/* One turn of the event loop; returns 0 when there was nothing to do. */
int fw_poll(void);
/* The NIC's main loop: turns, and WFI when idle.  Never returns. */
void fw_run(void) __attribute__((noreturn));

/* cfg.c: configuration changes (slow path) */
void fw_cfg_apply(uint32_t pending);
void fw_mac_rebuild(void);

/* Statistics block in SRAM, published to the model. */
static inline struct cdna_fw_stats_block *fw_stats(void);

#include "hal.h"

static inline struct cdna_fw_stats_block *fw_stats(void)
{
	return (struct cdna_fw_stats_block *)sram_ptr(FW_STATS);
}

/* Count a refusal for context c (slow path: one SRAM store). */
static inline void fw_refuse(uint32_t c, enum cdna_refusal why)
{
	fw_stats()->ctx[c].refused[why]++;
}

static inline void fw_drop(uint32_t c, enum cdna_drop why, uint32_t n)
{
	fw_stats()->ctx[c].dropped[why] += n;
}

/* MAC hash over all six bytes (multiplicative: one multiply on the M4),
 * so that MACs differing only in their vendor bytes spread too. */
static inline uint32_t fw_mac_hash(uint32_t mac_lo, uint32_t mac_hi)
{
	return ((mac_lo ^ (mac_hi << 13)) * 0x9e3779b1u) >> (32 - FW_MAC_HASH_BITS);
}

/*
 * The context whose MAC this is, or -1.  At most CDNA_NUM_CTX of the
 * FW_MAC_BUCKETS buckets are used (an eighth), so a probe always ends at an
 * empty bucket and needs no count, and almost every lookup ends at its
 * first bucket.  Inline, and with as few live values as possible: it sits
 * on the transmit and receive paths, where a call or a register spill
 * costs SRAM stores (the compiler spills inside the loop, which the sparse
 * table keeps from running: tried and measured, see docs/results.md).
 */
static inline __attribute__((always_inline)) int
fw_mac_lookup(uint32_t mac_lo, uint32_t mac_hi)
{
	uint32_t h = fw_mac_hash(mac_lo, mac_hi);
	uint32_t e;

	_Static_assert(CDNA_NUM_CTX < FW_MAC_BUCKETS,
		       "the MAC hash must keep an empty bucket");
	while ((e = fw.mac_hash[h]) != 0) {
		const struct fw_ctx *x = &fw.ctx[e - 1];

		if (x->mac_lo == mac_lo && x->mac_hi == mac_hi)
			return (int)(e - 1);
		h = (h + 1) & (FW_MAC_BUCKETS - 1);
	}
	return -1;
}

#endif /* FW_FW_H */
