/* SPDX-License-Identifier: MIT */
/*
 * cdna/nic-hw.h - the NIC's internal hardware as its firmware sees it.
 *
 * Contract between: the firmware (firmware/, the only software that runs on
 * the NIC's Cortex-M4) and the NIC model (hw-model/core/), which implements
 * exactly this memory map and these register semantics.  The host never sees
 * these addresses: the host's view is the PCI BARs of regs.h.
 *
 * All registers are 32 bits wide, little-endian, accessed with 32-bit loads
 * and stores at 4-byte aligned offsets.  Other widths read as 0 and are
 * ignored on write.  "RC" = read clears, "W" = write only (reads 0),
 * "R" = read only (writes ignored), "RW" = read/write.
 *
 * Design rule (see docs/design.md): the emulated NIC processor pays about
 * 57 ns for every store to SRAM and about 20 ns per MMIO access, so the
 * hardware, not the firmware, moves bytes (DMA engine, MAC) and counts
 * frames (per-context hardware counters).  The firmware only decides.
 *
 * Every operation here completes before the store that starts it retires:
 * a DMA command's data is in place, and DMA_STATUS tells its outcome, when
 * the next instruction runs.  The emulated NIC does not need a completion
 * queue; real silicon would put one behind the same registers.
 */
#ifndef CDNA_NIC_HW_H
#define CDNA_NIC_HW_H

#include <stdint.h>

/*
 * SYS_ID and the image header's hw_id: "cd4a" and the revision of this
 * interface.  The revision changes whenever a register's meaning changes
 * or firmware comes to depend on a new one, so that the boot ROM refuses
 * an image built for other hardware (CDNA_IMAGE_WRONG_HW).
 *   1  the first NIC
 *   2  DMA_DESC, DMA_DESC_OUT, DMA_RX_DONE, DMA_CTX, DMA_PUB_*,
 *      MAC_TX_SEND, MAC_RX_NEXT; the DMA engine no longer counts received frames
 *      (DMA_RX_DONE does)
 */
#define CDNA_HW_ID          0xcd4a0002u
#define CDNA_NUM_CTX        32u          /* contexts of one NIC */

/* ---- memory map ------------------------------------------------------- */
#define CDNA_NIC_CODE_BASE  0x00000000u  /* code RAM: image payload loaded */
#define CDNA_NIC_CODE_SIZE  0x00040000u  /* 256 KiB, executable, RW */
#define CDNA_NIC_SRAM_BASE  0x20000000u  /* data SRAM, also DMA-able */
#define CDNA_NIC_SRAM_SIZE  0x00040000u  /* 256 KiB */
#define CDNA_NIC_PERIPH     0x40000000u  /* register blocks below */

#define CDNA_NIC_SYS        (CDNA_NIC_PERIPH + 0x0000u)
#define CDNA_NIC_DMA        (CDNA_NIC_PERIPH + 0x1000u)
#define CDNA_NIC_MAC        (CDNA_NIC_PERIPH + 0x2000u)
#define CDNA_NIC_INT        (CDNA_NIC_PERIPH + 0x3000u)
#define CDNA_NIC_DB         (CDNA_NIC_PERIPH + 0x4000u)
#define CDNA_NIC_CFG        (CDNA_NIC_PERIPH + 0x5000u)
#define CDNA_NIC_PERIPH_SIZE 0x6000u

/* ---- SYS: identity, firmware state, events, time ---------------------- */
#define SYS_ID              0x000 /* R  CDNA_HW_ID */
#define SYS_NUM_CTX         0x004 /* R  CDNA_NUM_CTX */
#define SYS_FW_STATE        0x008 /* RW firmware's state, CDNA_FW_STATE_*
				   *    (regs.h); the firmware writes RUNNING
				   *    once initialised; the model sets FAULT */
#define SYS_FW_VERSION      0x00c /* RW firmware writes CDNA_FW_VERSION() */
#define SYS_EVENTS          0x010 /* R  pending events, SYS_EV_*; level */
#define SYS_TIME_US         0x014 /* R  free-running microseconds (wraps) */
#define SYS_TIMER_AT        0x018 /* RW raise SYS_EV_TIMER when TIME_US
				   *    reaches this value; write clears a
				   *    pending timer event; 0 = off */
#define SYS_HEARTBEAT       0x01c /* RW firmware bumps it periodically; the
				   *    host reads liveness from it (BAR2) */
#define SYS_UART_TX         0x020 /* W  one byte of console output */
#define SYS_FW_STATS_ADDR   0x024 /* RW SRAM address of the firmware's
				   *    struct cdna_fw_stats_block;
				   *    the model reads refusal counters there */
#define SYS_FW_ERROR        0x028 /* RW firmware's last internal error code */

#define SYS_EV_DOORBELL     (1u << 0) /* DB_PENDING != 0 */
#define SYS_EV_MAC_RX       (1u << 1) /* a received frame waits in MAC RX */
#define SYS_EV_CFG          (1u << 2) /* CFG_PENDING != 0 */
#define SYS_EV_TIMER        (1u << 3) /* SYS_TIMER_AT reached */

/*
 * WFI: the processor sleeps until SYS_EVENTS != 0.  WFI with an event
 * already pending returns at once, so "read events, none, WFI" cannot miss
 * a wake-up.
 */

/* ---- DMA: host memory <-> NIC SRAM ------------------------------------ */
#define DMA_HOST_LO         0x000 /* RW host (bus) address, bits 31:0 */
#define DMA_HOST_HI         0x004 /* RW host (bus) address, bits 63:32 */
#define DMA_LOCAL           0x008 /* RW NIC SRAM bus address */
#define DMA_IMM             0x00c /* RW 32-bit value for DMA_OP_IMM32 */
#define DMA_CMD             0x010 /* W  writing it runs the command */
#define DMA_STATUS          0x014 /* R  outcome of the last command,
				   *    DMA_ST_*; 0 = success */
#define DMA_FAULTS          0x018 /* R  commands refused since reset */
#define DMA_DESC            0x01c /* W  fetch a buffer by its descriptor, in
				   *    one store instead of four: copy
				   *    desc.len bytes from host desc.addr to
				   *    SRAM, where desc is the struct
				   *    cdna_desc (desc.h) in SRAM at
				   *    DMA_DESC_AT and the destination is
				   *    DMA_DESC_TO; DMA_HOST_*, DMA_LOCAL
				   *    keep their values; outcome in
				   *    DMA_STATUS as for DMA_CMD.  The
				   *    firmware checks the descriptor first:
				   *    only it writes SRAM, so what it checked
				   *    is what the engine uses. */

#define DMA_CMD_LEN(n)      ((uint32_t)(n) & 0xffffu)   /* bytes, 1..65535 */
#define DMA_CMD_OP(op)      (((uint32_t)(op) & 0xfu) << 16)
#define DMA_CMD_CTX(c)      (((uint32_t)(c) & 0x1fu) << 24) /* for whom;
							    * informational */
#define DMA_DESC_OUT        0x020 /* W  deliver a frame, in one store: copy
				   *    DMA_OUT_LEN bytes from the 2 KiB-aligned
				   *    SRAM address DMA_DESC_TO to host
				   *    desc.addr, desc at DMA_DESC_AT (both
				   *    encoded as for DMA_DESC); outcome in
				   *    DMA_STATUS */
#define DMA_OUT_LEN(n)      (((uint32_t)(n) & 0x7ffu) << 21) /* < 2048 */
#define DMA_RX_DONE         0x024 /* W  write back one RX ring slot, in one
				   *    store: the 32-bit word
				   *    len | flags << 16 (desc.h) goes to
				   *    slot IDX of context CTX's RX ring (at
				   *    DMA_CTX_RX_RING), with DMA_IMM32's rules;
				   *    a slot written back with DONE and
				   *    without ERR counts as one frame of
				   *    len bytes received by CTX */
#define DMA_RX_DONE_LEN(n)  ((uint32_t)(n) & 0xffffu)
#define DMA_RX_DONE_IDX(i)  (((uint32_t)(i) & 0xffu) << 16)
#define DMA_RX_DONE_CTX(c)  (((uint32_t)(c) & 0x1fu) << 24)
#define DMA_RX_DONE_FLAGS(f) (((uint32_t)(f) & 0x7u) << 29) /* CDNA_DESC_* */
/* Per-context host addresses the engine uses by context number, latched
 * by the firmware when it enables a context (it, not the host, decides
 * what the engine may address). */
#define DMA_CTX(c)          (0x100 + 0x10 * (c))
#define DMA_CTX_RX_RING_LO  0x0 /* RW the RX ring (DMA_RX_DONE) */
#define DMA_CTX_RX_RING_HI  0x4
#define DMA_CTX_STATUS_LO   0x8 /* RW the status block (DMA_PUB_*) */
#define DMA_CTX_STATUS_HI   0xc
#define DMA_PUB_TX_CONS(c)  (0x400 + 8 * (c)) /* W  write the value into
						* context c's status block,
						* tx_cons, with DMA_IMM32's
						* rules: one store, not four */
#define DMA_PUB_RX_CONS(c)  (0x404 + 8 * (c)) /* W  the same, rx_cons */

#define DMA_DESC_AT(a)      ((((uint32_t)(a) - CDNA_NIC_SRAM_BASE) >> 4) \
			     & 0x3fffu) /* descriptor, 16-byte aligned */
#define DMA_DESC_TO(a)      (((((uint32_t)(a) - CDNA_NIC_SRAM_BASE) >> 11) \
			      & 0x7fu) << 14) /* 2 KiB-aligned SRAM */
#define DMA_DESC_AT_ADDR(v) (CDNA_NIC_SRAM_BASE + (((v) & 0x3fffu) << 4))
#define DMA_DESC_TO_ADDR(v) (CDNA_NIC_SRAM_BASE + ((((v) >> 14) & 0x7fu) << 11))

#define DMA_OP_TO_SRAM      1u /* host HOST -> SRAM LOCAL, LEN bytes */
#define DMA_OP_TO_HOST      2u /* SRAM LOCAL -> host HOST, LEN bytes */
#define DMA_OP_IMM32        3u /* DMA_IMM -> host HOST, 4 bytes (LEN
				*  ignored); an aligned, single write */

#define DMA_ST_OK           0u
#define DMA_ST_HOST_FAULT   1u /* the platform refused the host address */
#define DMA_ST_LOCAL_FAULT  2u /* LOCAL..LOCAL+LEN not inside SRAM */
#define DMA_ST_BAD_CMD      3u /* unknown op or zero length */

/* ---- MAC: the wire ---------------------------------------------------- */
#define MAC_TX_ADDR         0x000 /* RW SRAM address of the frame to send */
#define MAC_TX_CMD          0x004 /* W  send: MAC_TX_LEN | MAC_TX_CTX; the
				   *    frame is copied out before the store
				   *    retires; counted for CTX */
#define MAC_TX_LEN(n)       ((uint32_t)(n) & 0xffffu) /* 14..CDNA_MAX_FRAME */
#define MAC_TX_CTX(c)       (((uint32_t)(c) & 0x1fu) << 24)
#define MAC_RX_BASE         0x010 /* RW SRAM address of the receive slots;
				   *    write it (and RX_SLOTS) before
				   *    MAC_RX_ENABLE */
#define MAC_RX_SLOTS        0x014 /* RW number of slots, 1..64, each
				   *    MAC_RX_SLOT_SIZE bytes */
#define MAC_RX_ENABLE       0x018 /* RW 1 = accept frames from the wire */
#define MAC_RX_HEAD         0x01c /* R  the oldest received frame:
				   *    bit 31 valid, 21:16 slot, 15:0 length;
				   *    0 when none */
#define MAC_RX_POP          0x020 /* W  any value: release the oldest frame's
				   *    slot to the MAC */
#define MAC_RX_DROPS        0x024 /* R  frames dropped: no free slot */
#define MAC_RX_NEXT         0x030 /* R  MAC_RX_POP, then MAC_RX_HEAD, in one
				   *    access: release the oldest frame's
				   *    slot and return the new oldest */
#define MAC_CNT_TX          0x028 /* W  count a frame the firmware switched
				   *    inside the NIC as transmitted:
				   *    MAC_TX_LEN | MAC_TX_CTX */
#define MAC_TX_SEND         0x02c /* W  MAC_TX_CMD with the address in the
				   *    same store: MAC_TX_LEN | MAC_TX_SLOT |
				   *    MAC_TX_CTX sends the frame at SRAM
				   *    offset slot * 2 KiB (MAC_TX_ADDR keeps
				   *    its value) */
#define MAC_TX_SLOT(a)      (((((uint32_t)(a) - CDNA_NIC_SRAM_BASE) >> 11) \
			      & 0x7fu) << 16) /* 2 KiB-aligned SRAM */
#define MAC_TX_SLOT_ADDR(v) (CDNA_NIC_SRAM_BASE + ((((v) >> 16) & 0x7fu) << 11))

#define MAC_RX_SLOT_SIZE    2048u
#define MAC_RX_MAX_SLOTS    64u
#define MAC_RX_HEAD_VALID   (1u << 31)
#define MAC_RX_HEAD_SLOT(v) (((v) >> 16) & 0x3fu)
#define MAC_RX_HEAD_LEN(v)  ((v) & 0xffffu)

/* ---- INT: the interrupt unit ------------------------------------------ */
#define INT_SET             0x000 /* W  bit c set: context c has news (TX
				   *    completions or RX frames); the unit
				   *    records it in the interrupt vector
				   *    (regs.h, struct cdna_intvec) and raises
				   *    the physical interrupt, coalesced */
#define INT_PENDING         0x004 /* R  bits set but not yet delivered */

/* ---- DB: mirror of the guests' doorbells (BAR0) ----------------------- */
#define DB_PENDING          0x000 /* RC bit c: context c wrote a doorbell */
#define DB_TX_PROD(c)       (0x100 + 8 * (c)) /* R last TX_PROD written */
#define DB_RX_PROD(c)       (0x104 + 8 * (c)) /* R last RX_PROD written */

/* ---- CFG: mirror of the host's context configuration (BAR2) ----------- */
#define CFG_PENDING         0x000 /* RC bit c: context c's configuration
				   *    (CTRL, rings, MAC, filter) changed */
#define CFG_CTX(c)          (0x100 + 0x40 * (c)) /* per-context block: */
#define CFG_CTRL            0x00 /* R  CDNA_CTX_CTRL_* written by the host */
#define CFG_TX_RING_LO      0x04 /* R  host address of the TX ring */
#define CFG_TX_RING_HI      0x08
#define CFG_RX_RING_LO      0x0c /* R  host address of the RX ring */
#define CFG_RX_RING_HI      0x10
#define CFG_STATUS_LO       0x14 /* R  host address of the status block */
#define CFG_STATUS_HI       0x18
#define CFG_SEQ_BASE        0x1c /* R  sequence number of slot index 0 */
#define CFG_MAC_LO          0x20 /* R  MAC bytes 0..3 (byte 0 in bits 7:0) */
#define CFG_MAC_HI          0x24 /* R  MAC bytes 4..5 in bits 15:0 */
#define CFG_FLAGS           0x28 /* R  CDNA_CTXF_* (regs.h) */
#define CFG_STATE           0x2c /* RW CDNA_CTX_STATE_*, written by the
				   *    firmware; shown to the host in BAR0
				   *    CTX_STATUS and BAR2 */

/*
 * Firmware statistics in SRAM, published through SYS_FW_STATS_ADDR: one
 * struct per context.  Only the firmware writes them (slow paths only: a
 * refusal is rare); the model reads them for BAR2.  Frame and byte counts
 * live in hardware counters, which the fast path updates for free.
 */
enum cdna_refusal {
	CDNA_REFUSE_BAD_SEQ = 0,     /* slot's seq != expected: forged
				      * producer index, stale or replayed */
	CDNA_REFUSE_BAD_LEN,         /* fragment length 0, > page, or the
				      * frame < 14 or > CDNA_MAX_FRAME bytes */
	CDNA_REFUSE_CROSSES_PAGE,    /* buffer crosses a 4 KiB boundary */
	CDNA_REFUSE_DOORBELL_RANGE,  /* producer - consumer > ring slots */
	CDNA_REFUSE_TOO_MANY_FRAGS,  /* frame has > CDNA_MAX_FRAGS fragments */
	CDNA_REFUSE_DMA_FAULT,       /* the platform refused a DMA address */
	CDNA_REFUSE_RX_BUF_SMALL,    /* frame longer than the RX buffer */
	CDNA_REFUSE_NOT_ENABLED,     /* doorbell on a context not enabled */
	CDNA_REFUSE_SPOOFED_SRC,     /* source MAC is not the context's and
				      * the context lacks CDNA_CTXF_ANY_SRC */
	CDNA_REFUSE_NUM
};

enum cdna_drop {
	CDNA_DROP_RX_NO_BUF = 0,     /* frame for ctx, no RX descriptor posted */
	CDNA_DROP_REVOKED,           /* TX work discarded by a revoke */
	CDNA_DROP_NUM
};

struct cdna_fw_stats {
	uint32_t refused[CDNA_REFUSE_NUM];
	uint32_t dropped[CDNA_DROP_NUM];
	uint32_t revokes;            /* completed stop/drain cycles */
	uint32_t reserved[16 - CDNA_REFUSE_NUM - CDNA_DROP_NUM - 1];
};

_Static_assert(sizeof(struct cdna_fw_stats) == 64, "fw stats are 64 bytes");

/* NIC-wide firmware counters. */
struct cdna_fw_nic_stats {
	uint32_t rx_no_match;        /* wire frames for no context: dropped */
	uint32_t rx_bad_frame;       /* wire frames shorter than a header */
	uint32_t reserved[14];
};

/* What SYS_FW_STATS_ADDR points at. */
struct cdna_fw_stats_block {
	struct cdna_fw_nic_stats nic;
	struct cdna_fw_stats ctx[CDNA_NUM_CTX];
};

#endif /* CDNA_NIC_HW_H */
