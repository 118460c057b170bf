/* SPDX-License-Identifier: MIT */
/*
 * cdna/regs.h - the NIC's PCI interface: identity, BAR0 and BAR2.
 *
 * Contract between: the NIC model (hw-model/core/ implements it, the QEMU
 * glue exposes it), guest drivers (BAR0 context pages), the hypervisor
 * (BAR2 page 1) and dom0's cdnactl (BAR2 page 0).
 *
 * All registers are 32 bits, little-endian.  An aligned 64-bit access is two
 * register accesses, low word first.  Accesses of another width, unaligned
 * ones and those to an offset that names no register read as 0 and are
 * ignored on write; they never fault.  "R" read only, "W" write only (reads 0), "RW" read/write,
 * "W1C" write 1 to clear.
 *
 * Who may map what (enforced by the hypervisor, not by the NIC):
 *   BAR0 page c    the domain that owns context c (and nobody else)
 *   BAR2 page 0    dom0 (management)
 *   BAR2 page 1    the hypervisor only; in native mode (no hypervisor) the
 *                  host's own driver
 *   BAR2 page 2    dom0 (statistics, read only)
 */
#ifndef CDNA_REGS_H
#define CDNA_REGS_H

#include <stdint.h>
#include "nic-hw.h"
#include "image.h"

#define CDNA_PCI_VENDOR_ID   0x1b36u  /* Red Hat, Inc.: QEMU's own devices */
#define CDNA_PCI_DEVICE_ID   0x10cdu  /* from the range QEMU leaves free */
#define CDNA_PCI_CLASS       0x0200u  /* Ethernet controller */

/* ---- BAR0: one 4 KiB page per context, CDNA_NUM_CTX pages ---------------- */
#define CDNA_BAR0_SIZE       (CDNA_NUM_CTX * 0x1000u)
#define CDNA_BAR0_CTX(c)     ((uint32_t)(c) * 0x1000u)

#define CTX_TX_PROD          0x000 /* RW TX producer index (free-running):
				    *    the doorbell.  Reads return the last
				    *    value written. */
#define CTX_RX_PROD          0x004 /* RW RX producer index: the doorbell */
#define CTX_IRQ_ENABLE       0x008 /* RW bit 0: this context's interrupt
				    *    bit may be delivered; while clear the
				    *    NIC holds it pending (NAPI) */
#define CTX_IRQ_STATUS       0x00c /* R  bit 0: held pending */
#define CTX_STATUS           0x010 /* R  bits 3:0 CDNA_CTX_STATE_*, bit 8
				    *    link up, bit 9 firmware running */
#define CTX_MAC_LO           0x014 /* R  MAC bytes 0..3 (byte 0 in 7:0) */
#define CTX_MAC_HI           0x018 /* R  MAC bytes 4..5 in 15:0 */
#define CTX_INDEX            0x01c /* R  this context's number */

#define CTX_STATUS_STATE(v)  ((v) & 0xfu)
#define CTX_STATUS_LINK_UP   (1u << 8)
#define CTX_STATUS_FW_UP     (1u << 9)

/* Context states (CTX_STATUS, BAR2 HV_CTX_STATE, nic-hw CFG_STATE). */
#define CDNA_CTX_STATE_DISABLED 0u /* never enabled since reset */
#define CDNA_CTX_STATE_RUNNING  1u /* enabled; the NIC fetches descriptors */
#define CDNA_CTX_STATE_STOPPED  2u /* revoked and drained: the NIC will not
				    * touch any buffer of this context again
				    * until it is enabled anew */

/* Context control (BAR2 HV_CTX_CTRL, nic-hw CFG_CTRL). */
#define CDNA_CTX_CTRL_REVOKE    0u
#define CDNA_CTX_CTRL_ENABLE    1u

/*
 * Context flags (BAR2 MGMT_CTX_FLAGS, nic-hw CFG_FLAGS, hcall ASSIGN).
 * A plain guest context has BCAST (and MCAST if it wants multicast); the
 * last two are for a context that bridges other hosts' traffic (dom0's,
 * under netback), never for an untrusted guest.
 */
#define CDNA_CTXF_BCAST      (1u << 0) /* receive ff:ff:ff:ff:ff:ff */
#define CDNA_CTXF_MCAST      (1u << 1) /* receive every multicast */
#define CDNA_CTXF_PROMISC    (1u << 2) /* receive unicast that matches no
					* context, from the wire or from
					* another context (the lowest such
					* context gets it) */
#define CDNA_CTXF_ANY_SRC    (1u << 3) /* may send with any source MAC;
					* without it a frame whose source is
					* not the context's MAC is refused
					* (CDNA_REFUSE_SPOOFED_SRC) */

/* ---- BAR2: management (dom0), hypervisor, statistics ------------------- */
#define CDNA_BAR2_SIZE       0x4000u /* a power of two, as PCI wants */
#define CDNA_BAR2_MGMT       0x0000u /* page 0: dom0 */
#define CDNA_BAR2_HV         0x1000u /* page 1: the hypervisor only */
#define CDNA_BAR2_STATS      0x2000u /* page 2: statistics (read only);
				      * page 3 reads as 0 */

/* Page 0: identity and firmware */
#define MGMT_ID              0x000 /* R  CDNA_HW_ID */
#define MGMT_NUM_CTX         0x004 /* R  contexts this NIC offers, 1..
				    *    CDNA_NUM_CTX (the platform's choice,
				    *    e.g. QEMU's contexts property);
				    *    contexts >= it are absent: their
				    *    BAR0 pages read 0 and ignore writes,
				    *    HV_CTX_CTRL ENABLE is ignored */
#define MGMT_FW_STATE        0x008 /* R  CDNA_FW_STATE_* */
#define MGMT_FW_VERSION      0x00c /* R  running firmware's CDNA_FW_VERSION;
				    *    0 when none runs */
#define MGMT_BOOT_BANK       0x010 /* R  flash bank booted (0 or 1), or
				    *    MGMT_BOOT_BANK_NONE */
#define MGMT_BOOT_ERROR      0x014 /* R  why the boot ROM refused each bank:
				    *    bank 0 in 7:0, bank 1 in 15:8, as
				    *    enum cdna_image_error (image.h) */
#define MGMT_FAULT_CAUSE     0x018 /* R  CDNA_FAULT_* when FW_STATE FAULT */
#define MGMT_FAULT_PC        0x01c /* R  NIC processor PC at the fault */
#define MGMT_HEARTBEAT       0x020 /* R  the firmware's SYS_HEARTBEAT */
#define MGMT_NIC_CTRL        0x024 /* W  CDNA_NIC_CTRL_* */
#define MGMT_MAC_RX_DROPS    0x028 /* R  frames the MAC dropped (no slot) */
#define MGMT_RX_NO_MATCH     0x02c /* R  frames for no context (dropped) */
#define MGMT_DMA_FAULTS      0x030 /* R  DMA commands the platform refused */
#define MGMT_MAC_LO          0x034 /* R  the NIC's own MAC (the platform's,
				    *    e.g. QEMU's mac property), bytes
				    *    0..3, byte 0 in 7:0.  A native-mode
				    *    driver gives context c this MAC with
				    *    c added to byte 5 */
#define MGMT_MAC_HI          0x038 /* R  the NIC's own MAC, bytes 4..5 in
				    *    15:0 (byte 4 in 7:0); 31:16 read 0 */

#define MGMT_BOOT_BANK_NONE  0xffffffffu /* no bank holds a valid image */

#define CDNA_NIC_CTRL_RESET  (1u << 0) /* reset the NIC and reboot firmware;
					* every context becomes DISABLED;
					* FW_STATE reads RESET until the
					* boot ROM has run again */

/* Firmware states (MGMT_FW_STATE, nic-hw SYS_FW_STATE). */
#define CDNA_FW_STATE_RESET     0u /* in reset, boot ROM not run yet */
#define CDNA_FW_STATE_BOOTING   1u /* image loaded, firmware initialising */
#define CDNA_FW_STATE_RUNNING   2u /* firmware up and serving contexts */
#define CDNA_FW_STATE_NO_FW     3u /* no flash bank holds a valid image */
#define CDNA_FW_STATE_FAULT     4u /* firmware crashed; see FAULT_* */

/* Fault causes (MGMT_FAULT_CAUSE). */
#define CDNA_FAULT_NONE         0u
#define CDNA_FAULT_MEMORY       1u /* access outside the memory map */
#define CDNA_FAULT_UNDEF        2u /* undefined instruction */
#define CDNA_FAULT_WATCHDOG     3u /* ran too long without waiting */
#define CDNA_FAULT_OTHER        4u

/* Page 0: per-context identity, set by dom0 (cdnactl assign). */
#define MGMT_CTX(c)          (0x100u + 0x10u * (uint32_t)(c))
#define MGMT_CTX_MAC_LO      0x0 /* RW MAC bytes 0..3 */
#define MGMT_CTX_MAC_HI      0x4 /* RW MAC bytes 4..5; writing it makes
				  *    the new MAC take effect */
#define MGMT_CTX_FLAGS       0x8 /* RW CDNA_CTXF_* */
#define MGMT_CTX_OWNER       0xc /* RW owner's domain id (informational) */

/*
 * Page 0, 0xc00..0xfff: the flash window, the NIC's flash controller (a
 * hardware block: the firmware keeps serving contexts meanwhile).
 *
 * The flash holds two banks of CDNA_FLASH_BANK_SIZE bytes, each for one
 * image (image.h), and a bank table saying which bank boots.  To flash:
 *
 *   1. FLASH_BANK = the inactive bank, FLASH_SIZE = the image's bytes,
 *      FLASH_CMD = BEGIN.  Refused (STATUS, nothing written) for the bank
 *      the NIC booted from, the ACTIVE bank while a trial runs, a bank
 *      number other than 0/1, a size of 0 or above CDNA_FLASH_BANK_SIZE.
 *      BEGIN latches BANK and SIZE and sets OFFSET to 0.
 *   2. FLASH_DATA, SIZE/4 rounded up times: image bytes [OFFSET,
 *      OFFSET + 4), byte OFFSET in 7:0; OFFSET advances by 4 (progress:
 *      OFFSET / SIZE).  The last word's bytes beyond SIZE are dropped.
 *   3. FLASH_CMD = VERIFY: the controller checks the SIZE bytes as
 *      cdna-image verify does (size, CRCs, hardware id, format, layout).
 *      OK: the bank becomes PENDING in the bank table (a PENDING other
 *      bank becomes VALID).  Refused: STATUS BAD_IMAGE with the reason;
 *      the table is not written, the bank is not PENDING.
 *   4. MGMT_NIC_CTRL reset: the boot ROM boots the PENDING bank as a
 *      TRIAL (the table says TRIAL before the first instruction runs).  A
 *      trial firmware that reports FW_STATE RUNNING within
 *      CDNA_FLASH_TRIAL_MS commits: TRIAL -> ACTIVE, the old ACTIVE ->
 *      VALID.  Otherwise (a crash at boot, a hang) the NIC resets itself
 *      at the deadline, as any reset before the commit does: the boot ROM
 *      marks the trial FAILED and boots the ACTIVE bank (rollback).
 *
 * Commands complete before the FLASH_CMD write returns (STATUS never reads
 * BUSY in the model; a host polls while it does).  A NIC reset ends an
 * open transfer.  Every bank table update is atomic: a power cut at any
 * point leaves the old table or the new one (docs/design.md, Flashing).
 */
#define MGMT_BOOT_FLAGS      0x03c /* R  MGMT_BOOT_F_*: how the last reset
				    *    booted */
#define MGMT_BOOT_F_TRIAL    (1u << 0) /* booted a PENDING bank as a trial */
#define MGMT_BOOT_F_ROLLBACK (1u << 1) /* found an uncommitted trial, marked
					* it FAILED, booted the previous bank */
#define MGMT_BOOT_F_TABLE    (1u << 2) /* the flash holds a valid bank table;
					* without one the rule is bank 0 if
					* it verifies, else bank 1 */
#define MGMT_BOOT_F_FALLBACK (1u << 3) /* the table names no ACTIVE bank that
					* verifies: booted the first bank that
					* does (and is not FAILED) */
#define MGMT_BOOT_F_FLASH_ERR (1u << 4) /* a table write failed at boot: a
					* PENDING bank was not tried */

#define MGMT_FLASH_BANK      0xc00 /* RW bank to write (0/1), latched by
				    *    BEGIN */
#define MGMT_FLASH_OFFSET    0xc04 /* RW byte offset in the bank of the next
				    *    DATA write (bits 1:0 read 0);
				    *    advances by 4 with every DATA write */
#define MGMT_FLASH_DATA      0xc08 /* W  4 image bytes at OFFSET */
#define MGMT_FLASH_CMD       0xc0c /* W  CDNA_FLASH_CMD_* */
#define MGMT_FLASH_STATUS    0xc10 /* R  result of the last command, or of
				    *    the first DATA write refused since:
				    *    7:0 CDNA_FLASH_ST_*, 15:8 enum
				    *    cdna_image_error for BAD_IMAGE */
#define MGMT_FLASH_SIZE      0xc14 /* RW the image's size in bytes, latched
				    *    by BEGIN */
#define MGMT_FLASH_BANK_VER(b) (0xc20 + 8 * (b)) /* R fw_version of the
				    *    image in bank b, 0 when it holds no
				    *    valid image */
#define MGMT_FLASH_BANK_ST(b)  (0xc24 + 8 * (b)) /* R CDNA_FLASH_BANK_* */
#define MGMT_FLASH_BANK_CRC(b) (0xc30 + 4 * (b)) /* R header_crc of the
				    *    image in bank b (image.h: the CRC-32
				    *    of its header bytes [0, 0x3c), which
				    *    include payload_crc, so it names the
				    *    whole image; what the bank table
				    *    records), 0 when it holds no valid
				    *    image (as BANK_VER) */

#define CDNA_FLASH_BANK_SIZE  (CDNA_IMAGE_MAX_SIZE)
/* A trial firmware must report RUNNING this long after boot (NIC clock). */
#define CDNA_FLASH_TRIAL_MS   1000u

/* Commands (MGMT_FLASH_CMD). */
#define CDNA_FLASH_CMD_BEGIN   1u /* open a transfer into BANK of SIZE bytes */
#define CDNA_FLASH_CMD_VERIFY  2u /* end the transfer: check, mark PENDING */
#define CDNA_FLASH_CMD_CANCEL  3u /* end an open transfer (nothing else);
				   * with none open, un-pend BANK if it is
				   * PENDING (it becomes VALID) */

/* Results (MGMT_FLASH_STATUS 7:0). */
#define CDNA_FLASH_ST_OK          0u /* done (or nothing asked yet) */
#define CDNA_FLASH_ST_BUSY        1u /* a command is running (not in the
				      * model: its commands are immediate) */
#define CDNA_FLASH_ST_BAD_IMAGE   2u /* VERIFY refused the image: 15:8 say
				      * why (enum cdna_image_error) */
#define CDNA_FLASH_ST_BANK_IN_USE 3u /* BEGIN: the bank booted, or the
				      * ACTIVE bank a trial falls back to */
#define CDNA_FLASH_ST_BAD_BANK    4u /* BEGIN: FLASH_BANK is not 0 or 1 */
#define CDNA_FLASH_ST_BAD_SIZE    5u /* BEGIN: SIZE is 0 or more than a
				      * bank holds (an oversized image) */
#define CDNA_FLASH_ST_NOT_OPEN    6u /* DATA or VERIFY without BEGIN */
#define CDNA_FLASH_ST_OVERRUN     7u /* a DATA write at or beyond SIZE: the
				      * transfer is spoiled, VERIFY refuses */
#define CDNA_FLASH_ST_INCOMPLETE  8u /* VERIFY before SIZE bytes came */
#define CDNA_FLASH_ST_FLASH_ERROR 9u /* the flash itself failed a write */
#define CDNA_FLASH_ST_BAD_CMD    10u /* unknown FLASH_CMD value */

/* Bank states (MGMT_FLASH_BANK_ST). */
#define CDNA_FLASH_BANK_EMPTY    0u /* erased: no image */
#define CDNA_FLASH_BANK_WRITING  1u /* a transfer into it is open */
#define CDNA_FLASH_BANK_INVALID  2u /* bytes that are no valid image (an
				     * interrupted or refused transfer) */
#define CDNA_FLASH_BANK_VALID    3u /* a valid image; boots only if the
				     * ACTIVE bank does not verify */
#define CDNA_FLASH_BANK_PENDING  4u /* verified: boots as a trial at the
				     * next reset */
#define CDNA_FLASH_BANK_TRIAL    5u /* booted as a trial, not committed */
#define CDNA_FLASH_BANK_ACTIVE   6u /* the committed bank: boots at reset */
#define CDNA_FLASH_BANK_FAILED   7u /* a trial that never reported healthy:
				     * never booted again until re-flashed */

/*
 * Page 2: per-context statistics, read only, 128 bytes a context.  Frames
 * and bytes come from the NIC's hardware counters, refusals and drops from
 * the firmware (struct cdna_fw_stats).  64-bit counters are two registers,
 * low word first; read HI, LO, then HI again and retry if it changed.
 */
#define MGMT_STATS(c)        (CDNA_BAR2_STATS + 0x80u * (uint32_t)(c))
#define STAT_TX_FRAMES       0x00 /* frames sent (wire or switched) */
#define STAT_TX_BYTES_LO     0x04
#define STAT_TX_BYTES_HI     0x08
#define STAT_RX_FRAMES       0x0c /* frames delivered to the context */
#define STAT_RX_BYTES_LO     0x10
#define STAT_RX_BYTES_HI     0x14
#define STAT_REVOKES         0x18 /* completed revokes */
#define STAT_REFUSED(r)      (0x20 + 4 * (r)) /* enum cdna_refusal, < 16 */
#define STAT_DROPPED(d)      (0x60 + 4 * (d)) /* enum cdna_drop, < 8 */

/* Page 1: hypervisor.  The interrupt vector, then one block per context. */
#define HV_INTVEC_LO         0x000 /* RW host address of struct cdna_intvec */
#define HV_INTVEC_HI         0x004 /* writing HI sets the vector address
				    *    (LO first) and zeroes prod and cons */
#define HV_INT_CONS          0x008 /* RW host's consumer index in the vector */
#define HV_INT_MOD_US        0x00c /* RW least microseconds between two
				    *    physical interrupts (coalescing) */
#define HV_CTX(c)            (0x100u + 0x40u * (uint32_t)(c))
#define HV_CTX_CTRL          0x00 /* RW CDNA_CTX_CTRL_*: write ENABLE after
				   *    the fields below (rings 4 KiB aligned,
				   *    status 64-byte aligned, or the firmware
				   *    refuses: state stays not RUNNING); write
				   *    REVOKE to stop, complete once
				   *    HV_CTX_STATE is no longer RUNNING */
#define HV_CTX_TX_RING_LO    0x04 /* RW host address of the TX ring */
#define HV_CTX_TX_RING_HI    0x08
#define HV_CTX_RX_RING_LO    0x0c /* RW host address of the RX ring */
#define HV_CTX_RX_RING_HI    0x10
#define HV_CTX_STATUS_LO     0x14 /* RW host address of cdna_ctx_status */
#define HV_CTX_STATUS_HI     0x18
#define HV_CTX_SEQ_BASE      0x1c /* RW sequence number of index 0 */
#define HV_CTX_STATE         0x2c /* R  CDNA_CTX_STATE_* (the firmware's) */

/*
 * Interrupt vector, in host memory the hypervisor owns.  The NIC appends
 * one entry per delivery: the bit mask of contexts with news.  It is a
 * ring, not a single word, so the NIC never races with a host clearing
 * bits.  The host reads entries up to prod, then writes HV_INT_CONS.  When
 * the ring is full, the NIC keeps new bits pending (nothing is lost).
 * The NIC raises its physical interrupt (MSI, or INTx asserted while
 * prod != HV_INT_CONS) after appending, at most once per HV_INT_MOD_US.
 */
#define CDNA_INTVEC_SLOTS    256u
struct cdna_intvec {
	uint32_t prod;       /* entries appended (free-running) */
	uint32_t reserved[15];
	uint32_t mask[CDNA_INTVEC_SLOTS]; /* entry i at mask[i % SLOTS] */
};

#endif /* CDNA_REGS_H */
