/* SPDX-License-Identifier: MIT */
/*
 * cdna/hcall.h - the CDNA hypercall ABI.
 *
 * Contract between: the hypervisor's validation core
 * (hypervisor-protect/core/) and its Xen glue, guest drivers (PV mode) and
 * dom0's cdnactl.  Every structure has a fixed layout (explicit padding,
 * naturally aligned 64-bit fields, little-endian), identical for 32- and
 * 64-bit callers.
 *
 * Call:   long HYPERVISOR_cdna_op(unsigned int cmd, void *arg)
 *         hypercall number CDNA_HYPERCALL_NR, arg a guest virtual address.
 * Return: 0 on success or a negative CDNA_E* code.  OUT fields are written
 *         back on success and, where said, on partial success.
 *
 * Who may call: the ENQUEUE and QUERY commands take a context the caller
 * owns (assigned to its domain); every other command is dom0's.  A caller
 * without the right gets -CDNA_EPERM and the refusal is counted.
 *
 * The protection argument (docs/design.md): a guest never writes a ring.
 * It hands ENQUEUE a list of buffers; the hypervisor checks that the
 * caller owns every page of every buffer (and, for RX, may write it),
 * takes a reference on each page so it cannot be freed or given away while
 * the NIC may touch it, writes the descriptor with its sequence number
 * into a ring only the hypervisor can write, and moves the producer index.
 * References of descriptors the NIC has consumed (status block's tx_cons /
 * rx_cons) are dropped lazily, on the next ENQUEUE and on REVOKE.
 */
#ifndef CDNA_HCALL_H
#define CDNA_HCALL_H

#include <stdint.h>
#include "desc.h"
#include "nic-hw.h"

/*
 * Xen's x86 hypercall table has 64 entries; Xen 4.17 uses 0..41 and
 * reserves 48..55 for arch-specific calls.  CDNA takes the first number
 * above those.
 */
#define CDNA_HYPERCALL_NR     56

/* Commands. */
#define CDNA_OP_ENQUEUE       1 /* owner: post descriptors */
#define CDNA_OP_QUERY         2 /* owner or dom0: ring and context state */
#define CDNA_OP_REGISTER_NIC  3 /* dom0: tell the hypervisor where the NIC is */
#define CDNA_OP_ASSIGN        4 /* dom0: give a context to a domain */
#define CDNA_OP_REVOKE        5 /* dom0: take a context back */
#define CDNA_OP_STATS         6 /* dom0: the hypervisor's counters */
#define CDNA_OP_NIC_RESET     7 /* dom0: reset the NIC under running
				 * contexts (firmware activation) */

/* Error codes: the values of Xen's (and Linux's) errno.h. */
#define CDNA_EPERM      1   /* not dom0, or not the context's owner */
#define CDNA_ENOENT     2   /* no such context or domain */
#define CDNA_EFAULT     14  /* an argument could not be read or written */
#define CDNA_EBUSY      16  /* context already assigned / NIC registered */
#define CDNA_ENODEV     19  /* no NIC registered */
#define CDNA_EINVAL     22  /* a malformed argument or descriptor */
#define CDNA_ENOSPC     28  /* ring full; no free context */
#define CDNA_ENOSYS     38  /* no such command (or no CDNA in Xen) */
#define CDNA_ETIMEDOUT  110 /* the NIC did not drain in time */

#define CDNA_RING_TX    0
#define CDNA_RING_RX    1

#define CDNA_CTX_ANY    0xffffu /* ASSIGN: the lowest free context */
#define CDNA_ENQUEUE_MAX 64u    /* descriptors per ENQUEUE */

/*
 * Why the hypervisor refused (per context, per reason; STATS).  The first
 * reason that applies is counted.
 */
enum cdna_hv_refusal {
	CDNA_HV_NOT_OWNER = 0, /* context not assigned to the caller
				* (-CDNA_EPERM) */
	CDNA_HV_NOT_RUNNING,   /* context being revoked (-CDNA_EBUSY) */
	CDNA_HV_BAD_ARG,       /* bad ring, count, flags, or unreadable list */
	CDNA_HV_BAD_LEN,       /* length 0, > page, or frame > max */
	CDNA_HV_CROSSES_PAGE,  /* buffer crosses a page boundary */
	CDNA_HV_NOT_OWNED,     /* a page belongs to another domain */
	CDNA_HV_NOT_RAM,       /* not ordinary RAM: MMIO, hypervisor's */
	CDNA_HV_NOT_WRITABLE,  /* RX into a page table, read-only or
				* granted-in page */
	CDNA_HV_RING_FULL,     /* no free slot */
	CDNA_HV_REFUSAL_NUM
};

/* A buffer as the guest names it. */
struct cdna_guest_buf {
	uint64_t addr;   /* machine address (PV guests know their frames) */
	uint16_t len;    /* bytes, 1..4096, within one page */
	uint16_t flags;  /* TX: CDNA_DESC_EOP on a frame's last buffer;
			  * RX: 0 */
	uint32_t pad;    /* 0 */
};

/*
 * CDNA_OP_ENQUEUE.  Buffers are taken in order; the first refused one
 * stops the batch: the accepted prefix is in the ring and the OUT fields
 * say how far it went.  Returns 0 when all were accepted, else the error of
 * buffer `done` (OUT fields written in both cases).  The caller then rings
 * its doorbell (BAR0 CTX_TX_PROD / CTX_RX_PROD) with `prod`.
 */
struct cdna_op_enqueue {
	uint16_t ctx;        /* IN  context */
	uint8_t ring;        /* IN  CDNA_RING_TX or CDNA_RING_RX */
	uint8_t pad0;
	uint32_t count;      /* IN  1..CDNA_ENQUEUE_MAX */
	uint64_t bufs;       /* IN  guest address of cdna_guest_buf[count] */
	uint32_t done;       /* OUT buffers accepted */
	uint32_t prod;       /* OUT the ring's producer index after them */
	int32_t error;       /* OUT 0 or -CDNA_E* of buffer `done` */
	uint32_t reason;     /* OUT enum cdna_hv_refusal of that buffer */
};

/* CDNA_OP_QUERY. */
struct cdna_op_query {
	uint16_t ctx;        /* IN */
	uint16_t pad0;
	uint32_t state;      /* OUT CDNA_CTX_STATE_* */
	uint32_t tx_prod, tx_cons; /* OUT indexes (cons: as the NIC last wrote) */
	uint32_t rx_prod, rx_cons;
	uint32_t refs_held;  /* OUT page references held for this context */
	uint32_t pad1;
};

/*
 * CDNA_OP_REGISTER_NIC: once, by dom0 (its driver, when it finds the PCI
 * device under a hypervisor with CDNA), before anything maps BAR2.  From
 * then on BAR2 page 1 is the hypervisor's alone: Xen denies it to every
 * domain, dom0 included (pages 0 and 2 stay dom0's), and takes the NIC's
 * interrupt itself.  A second registration gets -CDNA_EBUSY and changes
 * nothing (a reloaded dom0 driver carries on with the registered NIC).
 */
struct cdna_op_register_nic {
	uint64_t bar0;       /* IN machine address of BAR0 */
	uint64_t bar2;       /* IN machine address of BAR2 */
	uint32_t sbdf;       /* IN PCI segment << 16 | bus << 8 | devfn */
	uint32_t irq;        /* IN 0: the hypervisor enables the device's
			      *    MSI itself (Xen); else a GSI */
	uint32_t num_ctx;    /* OUT contexts the NIC has */
	uint32_t int_mod_us; /* IN  least microseconds between two physical
			      *    interrupts of the NIC (HV_INT_MOD_US,
			      *    coalescing), kept across NIC resets; 0:
			      *    every delivery interrupts at once; above
			      *    CDNA_INT_MOD_US_MAX: -CDNA_EINVAL */
};

/* The longest interrupt coalescing REGISTER_NIC accepts (10 ms): beyond
 * it a guest's completions wait longer than its watchdog. */
#define CDNA_INT_MOD_US_MAX 10000u

/*
 * CDNA_OP_ASSIGN: the hypervisor allocates and pins the context's TX ring,
 * RX ring and status page, maps them read-only for the domain, programs
 * BAR2 (rings, a fresh seq_base, MAC, flags), enables the context, and
 * binds an event channel in the domain for the context's interrupt bit.
 *
 * "Maps" on Xen, for a PV domain: the ring and status pages become pages
 * the domain may map read-only (never writable) at their machine
 * addresses, and the domain is permitted to map the context's BAR0 page
 * (and no other page of BAR0); the guest builds the mappings itself
 * (HYPERVISOR_update_va_mapping / mmu_update with those frames).  REVOKE
 * withdraws both; pages the guest still maps are freed when it unmaps
 * them or dies, never reused while mapped.
 *
 * A mapping of the BAR0 page cannot be withdrawn from a PV domain (Xen
 * keeps no reverse map of I/O memory), so after a revoke a context goes to
 * another domain only once its last owner is gone (dead): until then
 * ASSIGN of that context to anyone but its last owner gets -CDNA_EBUSY,
 * and CDNA_CTX_ANY passes it over.  dom0's own contexts are exempt (dom0
 * is trusted).  Otherwise the last owner could ring the next owner's
 * doorbells through the mapping it kept.
 */
struct cdna_op_assign {
	uint16_t ctx;        /* IN  context, or CDNA_CTX_ANY; OUT the one used */
	uint16_t domid;      /* IN  the domain that gets it */
	uint8_t mac[6];      /* IN  its MAC; unicast, not all-zero */
	uint16_t flags;      /* IN  CDNA_CTXF_*: BCAST and MCAST only for a
			      *     guest; PROMISC and ANY_SRC are dom0's */
	uint32_t pad1;       /* 0 */
	uint64_t tx_ring;    /* OUT machine address of the TX ring page */
	uint64_t rx_ring;    /* OUT machine address of the RX ring page */
	uint64_t status;     /* OUT machine address of the status page */
	uint64_t ctx_page;   /* OUT machine address of the BAR0 page */
	uint32_t evtchn;     /* OUT event channel port in the domain whose
			      *     other end is the hypervisor (Xen: an
			      *     unbound port with Xen as consumer).  The
			      *     domain binds it with EVTCHNOP_bind_
			      *     interdomain(remote_dom DOMID_SELF,
			      *     remote_port evtchn) and gets the port on
			      *     which the context's interrupts arrive. */
	uint32_t pad0;
};

/*
 * CDNA_OP_REVOKE: stop the context on the NIC, wait (bounded) until it
 * reports STOPPED, then return every page reference and unmap the rings.
 * Also done by the hypervisor itself when the owning domain dies.
 */
struct cdna_op_revoke {
	uint16_t ctx;        /* IN */
	uint16_t pad0;
	uint32_t refs_returned; /* OUT */
	uint32_t drain_us;   /* OUT how long the NIC took to stop */
	uint32_t pad1;
};

/*
 * CDNA_OP_STATS: the hypervisor's view of one context; with ctx
 * CDNA_CTX_ANY, the whole hypervisor: domid 0xffff, enqueues, descs and
 * hv_ns summed over every context since the hypervisor started (contexts
 * revoked or reassigned since included), refs_held over all contexts,
 * refused[] the refusals counted against no context (a context number
 * that does not exist, management commands from a guest).
 *
 * A context's counters (enqueues, descs, hv_ns, refused[]) start from 0
 * when it is assigned and keep their values after a revoke until the next
 * assignment.  hv_ns / descs is the hypervisor's time per descriptor.
 */
struct cdna_op_stats {
	uint16_t ctx;        /* IN  context, or CDNA_CTX_ANY */
	uint16_t domid;      /* OUT owner, 0xffff if none */
	uint32_t state;      /* OUT CDNA_CTX_STATE_* */
	uint64_t enqueues;   /* OUT ENQUEUE calls (that got past the
			      *     context's and the arguments' checks) */
	uint64_t descs;      /* OUT descriptors written */
	uint32_t refs_held;  /* OUT */
	uint32_t pad0;
	uint32_t refused[CDNA_HV_REFUSAL_NUM]; /* OUT per reason */
	uint32_t pad1[14 - CDNA_HV_REFUSAL_NUM];
	uint64_t hv_ns;      /* OUT nanoseconds the hypervisor spent in the
			      *     owner's ENQUEUE and QUERY calls of this
			      *     context, refused ones included, from the
			      *     hypercall's entry into the core to its exit
			      *     (copying the arguments, validation, page
			      *     references, ring writes, lazy release; not
			      *     the wait for the hypervisor's lock).  With
			      *     CDNA_CTX_ANY: every ENQUEUE and QUERY, by
			      *     anyone.  Last in the structure so that it
			      *     stays 8-byte aligned whatever
			      *     CDNA_HV_REFUSAL_NUM is. */
};

/*
 * CDNA_OP_NIC_RESET: reset the NIC (MGMT_NIC_CTRL) without taking contexts
 * from their owners: how dom0 activates newly flashed firmware (regs.h,
 * the flash window) under Xen, where the contexts are the hypervisor's.
 * dom0 must not write MGMT_NIC_CTRL itself while contexts are assigned.
 * Two calls, with dom0 waiting in between for the firmware to run (boot,
 * trial, commit or rollback take up to about CDNA_FLASH_TRIAL_MS, too long
 * to hold a hypervisor lock):
 *
 *   BEGIN: every assigned context is suspended: stopped on the NIC (bounded
 *     wait, as REVOKE), the references of all its descriptors returned (they
 *     are dropped, never completed), its status page's hv_flags set to
 *     CDNA_STATUS_SUSPENDED and its owner notified (the owner's driver shows
 *     link down and frees what it had in flight).  The owner keeps its
 *     mappings and its event channel; ENQUEUE gets -CDNA_EBUSY (not counted
 *     as a refusal).  Then the NIC is reset.  A context the NIC did not stop
 *     in time keeps its references until END, when the running firmware
 *     proves the reset happened.  A BEGIN while suspended resets again.
 *   END: -CDNA_EBUSY while the NIC's firmware is not RUNNING (FW_STATE);
 *     otherwise the interrupt vector is re-armed and every suspended context
 *     is restored: rings cleared, producer indexes back to 0, a fresh
 *     seq_base, programmed and enabled as at ASSIGN (same owner, MAC, flags,
 *     pages, event channel), hv_flags cleared and hv_resets incremented in
 *     its status page, its owner notified (link up: the driver starts its
 *     rings again from index 0).  A context that does not run again within
 *     the wait stays suspended and is counted in `failed`; dom0 may revoke
 *     it.  END without a BEGIN restores nothing and returns 0.
 *
 * Between the two, ASSIGN gets -CDNA_EBUSY; REVOKE and domain death work
 * as usual (a context whose references wait for END is left REVOKING and
 * finished by END).
 */
#define CDNA_NIC_RESET_BEGIN  1u
#define CDNA_NIC_RESET_END    2u

struct cdna_op_nic_reset {
	uint32_t phase;         /* IN  CDNA_NIC_RESET_BEGIN or _END */
	uint32_t contexts;      /* OUT BEGIN: contexts suspended;
				 *     END: contexts restored */
	uint32_t refs_returned; /* OUT references returned by this call */
	uint32_t failed;        /* OUT BEGIN: contexts that did not stop in
				 *     time (references kept until END);
				 *     END: contexts left suspended */
};

_Static_assert(sizeof(struct cdna_guest_buf) == 16, "guest buf layout");
_Static_assert(sizeof(struct cdna_op_enqueue) == 32, "enqueue layout");
_Static_assert(sizeof(struct cdna_op_query) == 32, "query layout");
_Static_assert(sizeof(struct cdna_op_register_nic) == 32, "register layout");
_Static_assert(sizeof(struct cdna_op_assign) == 56, "assign layout");
_Static_assert(sizeof(struct cdna_op_revoke) == 16, "revoke layout");
_Static_assert(sizeof(struct cdna_op_stats) == 96, "stats layout");
_Static_assert(sizeof(struct cdna_op_nic_reset) == 16, "nic reset layout");

#endif /* CDNA_HCALL_H */
