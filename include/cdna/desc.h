/* SPDX-License-Identifier: MIT */
/*
 * cdna/desc.h - DMA descriptors, rings and the per-context status block.
 *
 * Contract between: whoever writes descriptors (the hypervisor in protected
 * mode, the guest driver itself in native mode), the NIC firmware that
 * fetches and checks them, and the guest driver that reads completions.
 *
 * Every field is little-endian.  All addresses are host bus addresses
 * (machine addresses under Xen, guest-physical under plain QEMU).
 *
 * Memory, per context (each area 4 KiB aligned so that Xen can map it on
 * its own into the owning guest, read-only):
 *   TX ring       CDNA_RING_SLOTS descriptors, 4 KiB
 *   RX ring       CDNA_RING_SLOTS descriptors, 4 KiB
 *   status block  struct cdna_ctx_status (64 bytes, in its own page)
 * In protected mode the hypervisor owns all three and only it writes the
 * rings; the NIC writes the status block and RX write-backs.  The guest can
 * read them, never write them.
 *
 * Indexes are free-running 32-bit counters (like Xen's RING_IDX): slot of
 * index i is i % CDNA_RING_SLOTS; "prod - cons" is the fill level even
 * across wrap-around.
 *
 * Sequence numbers.  The writer sets desc.seq = seq_base + i for the
 * descriptor of index i, where seq_base is the context's CFG_SEQ_BASE (chosen
 * anew by the hypervisor every time the context is assigned).  The NIC
 * accepts the slot of index i only if its seq matches.  A guest can ring its
 * doorbell with any producer index it likes, but it cannot write the ring, so
 * the slots past the real producer hold descriptors of an earlier lap
 * (seq_base + i - CDNA_RING_SLOTS) or of an earlier assignment (other
 * seq_base): both are refused and counted, and nothing is sent or written.
 */
#ifndef CDNA_DESC_H
#define CDNA_DESC_H

#include <stdint.h>

#define CDNA_PAGE_SIZE      4096u
#define CDNA_RING_SLOTS     256u   /* per ring; power of two; 16 B each */
#define CDNA_MTU            1500u
#define CDNA_ETH_HLEN       14u
#define CDNA_MIN_FRAME      CDNA_ETH_HLEN          /* header only */
#define CDNA_MAX_FRAME      (CDNA_MTU + CDNA_ETH_HLEN + 4u) /* + 802.1Q, no FCS */
#define CDNA_MAX_FRAGS      4u     /* TX descriptors per frame */
#define CDNA_RX_BUF_MIN     CDNA_MAX_FRAME /* drivers post at least this */

/*
 * One descriptor: 16 bytes, so four share a 64-byte cache line and the NIC
 * fetches a batch with one DMA burst.  addr is 64-bit because guests live
 * anywhere in machine memory; len is 16-bit because a buffer never exceeds
 * a page; seq is 32-bit so that a stale slot cannot match for 2^32
 * descriptors (years at line rate), which a 16-bit seq could not promise.
 *
 * TX: the writer fills all four fields; a frame is one to CDNA_MAX_FRAGS
 *     descriptors, the last with CDNA_DESC_EOP.  The NIC never writes a TX
 *     slot; completion is the status block's tx_cons.
 * RX: the writer fills addr, len (buffer size), flags = 0, seq.  When a frame
 *     lands, the NIC overwrites len with the frame's length and flags with
 *     CDNA_DESC_DONE | CDNA_DESC_EOP (| CDNA_DESC_ERR when the descriptor
 *     was refused and carries no frame), then advances rx_cons.  One RX
 *     descriptor holds one whole frame.
 */
struct cdna_desc {
	uint64_t addr;  /* buffer; addr % 4096 + len <= 4096 */
	uint16_t len;   /* bytes, 1..4096 */
	uint16_t flags; /* CDNA_DESC_* */
	uint32_t seq;   /* seq_base + index of this slot */
};

_Static_assert(sizeof(struct cdna_desc) == 16, "descriptor is 16 bytes");

#define CDNA_DESC_EOP   (1u << 0) /* TX: last fragment; RX write-back: set */
#define CDNA_DESC_DONE  (1u << 1) /* RX write-back: NIC finished the slot */
#define CDNA_DESC_ERR   (1u << 2) /* RX write-back: refused, no frame */

/* Byte offsets inside struct cdna_desc, for the NIC's write-back. */
#define CDNA_DESC_OFF_LEN   8u    /* len | flags << 16 as one 32-bit word */

/*
 * Status block, written only by the NIC (with single aligned 32-bit DMA
 * writes, so readers never see a torn value).  Written after the RX
 * write-backs it covers, before the interrupt that announces them.
 */
struct cdna_ctx_status {
	uint32_t tx_cons;   /* NIC: TX descriptors consumed (sent or refused) */
	uint32_t rx_cons;   /* NIC: RX descriptors consumed (filled or refused) */
	/* The hypervisor's words (protected mode; the NIC never writes them,
	 * a native driver leaves them 0).  Both are 0 at ASSIGN. */
	uint32_t hv_flags;  /* CDNA_STATUS_*: CDNA_STATUS_SUSPENDED while the
			     * NIC is being reset under the context
			     * (hcall.h, CDNA_OP_NIC_RESET): everything the
			     * owner had in flight is dropped */
	uint32_t hv_resets; /* NIC resets the context has lived through: when
			     * it changes (and SUSPENDED is clear) the rings
			     * start again at index 0 */
	uint32_t reserved[12];
};

_Static_assert(sizeof(struct cdna_ctx_status) == 64, "status is 64 bytes");

#define CDNA_STATUS_OFF_TX_CONS 0u
#define CDNA_STATUS_OFF_RX_CONS 4u
#define CDNA_STATUS_OFF_HV_FLAGS 8u
#define CDNA_STATUS_OFF_HV_RESETS 12u

#define CDNA_STATUS_SUSPENDED   (1u << 0)

#endif /* CDNA_DESC_H */
