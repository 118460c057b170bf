/*
 * QEMU cdna NIC: Concurrent Direct Network Access, a programmable NIC with
 * one private context per virtual machine.
 *
 * This file is only glue, as e1000e.c is around e1000e_core.c: the device
 * itself (register files, DMA engine, MAC, the NIC processor running the
 * flashed ARM firmware in an instruction-set simulator) is the cdna
 * project's hw-model/core, linked in as libcdna-nic.a and seen through
 * cdna_nic.h alone.  The register contract is include/cdna/regs.h.
 *
 * Threads and locks (the order is: BQL, then the core's lock, then
 * s->lock; nothing ever takes them the other way round):
 *
 * - vCPU threads (BAR accesses) and the main loop (receive, reset) call
 *   the core with the BQL held; the core takes its own lock.
 * - The NIC thread runs the firmware (cdna_nic_run) without the BQL.  The
 *   core's callbacks run with the core's lock held, on the NIC thread or
 *   on the thread of the verb that caused them, so they never take the
 *   BQL: interrupts and frames for the wire are handed to the main loop
 *   through a bottom half, and DMA is refused unless it lands in RAM
 *   (an MMIO access would take the BQL: see cdna_dma_allowed()).
 * - s->lock guards what the callbacks hand over (kick, interrupt, frames);
 *   it is a leaf: nobody calls the core with it held.
 *
 * Copyright (c) 2026 the cdna project authors
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/queue.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/memory.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "qom/object.h"
#include "trace.h"

#include "cdna_nic.h"

#define TYPE_CDNA "cdna"
OBJECT_DECLARE_SIMPLE_TYPE(CdnaState, CDNA)

/*
 * Frames the NIC sent while the main loop had not yet passed on the
 * earlier ones.  The firmware sends as fast as the ISS runs; beyond this
 * the wire drops (as a MAC whose FIFO overflows would) and counts.
 */
#define CDNA_TXQ_MAX 1024

typedef struct CdnaTxFrame {
    QSIMPLEQ_ENTRY(CdnaTxFrame) next;
    size_t len;
    uint8_t data[];
} CdnaTxFrame;

struct CdnaState {
    PCIDevice parent_obj;

    NICState *nic;
    NICConf conf;
    MemoryRegion bar0;
    MemoryRegion bar2;
    char *flash;
    uint32_t contexts;
    /* x-flash-cut-after set before realize: armed once the NIC exists. */
    int64_t cut_after;
    /* The NIC booted at realize and no reset came since (see cdna_reset). */
    bool fresh;

    struct cdna_nic *core;

    QemuThread thread;
    bool thread_started;
    QEMUBH *bh;

    /* s->lock guards the rest: handed over by the core's callbacks. */
    QemuMutex lock;
    QemuCond wake;
    bool kicked;          /* the NIC has work: run it */
    bool stopping;        /* unrealize: the NIC thread ends */
    bool irq_raised;      /* an interrupt to deliver (MSI) */
    int irq_level;        /* the line as the core wants it (INTx) */
    bool rx_blocked;      /* receive asked for room: flush after a run */
    bool rx_flush;        /* the bottom half flushes queued frames */
    QSIMPLEQ_HEAD(, CdnaTxFrame) txq;
    unsigned txq_len;
    uint64_t tx_dropped;

    /*
     * Main loop only (BQL): can_receive said no, so the net layer queues
     * what comes next; no new frame may pass those until the flush.
     */
    bool rx_held;
};

/* ---- the core's callbacks (core lock held; never take the BQL) -------- */

/*
 * Whether [addr, addr + len) on the device's bus-master address space is
 * plain RAM all along.  pci_dma_read/write to anything else (MMIO, a
 * ram_device, this device's own BARs, nothing at all when bus mastering
 * is off) would enter prepare_mmio_access(), which takes the BQL: the NIC
 * thread would wait for a vCPU that holds the BQL and waits, in a BAR
 * access, for the core lock the NIC thread holds.  Such DMA is refused;
 * the core counts it as a DMA fault (MGMT_DMA_FAULTS).
 */
static bool cdna_dma_allowed(CdnaState *s, uint64_t addr, size_t len,
                             bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));

    RCU_READ_LOCK_GUARD();
    while (len) {
        hwaddr xlat, l = len;
        MemoryRegion *mr = address_space_translate(as, addr, &xlat, &l,
                                                   is_write,
                                                   MEMTXATTRS_UNSPECIFIED);

        if (!l || !memory_access_is_direct(mr, is_write)) {
            return false;
        }
        addr += l;
        len -= l;
    }
    return true;
}

static int cdna_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    CdnaState *s = opaque;

    if (!cdna_dma_allowed(s, addr, len, false) ||
        pci_dma_read(PCI_DEVICE(s), addr, buf, len) != MEMTX_OK) {
        return -1;
    }
    return 0;
}

static int cdna_dma_write(void *opaque, uint64_t addr, const void *buf,
                          size_t len)
{
    CdnaState *s = opaque;

    if (!cdna_dma_allowed(s, addr, len, true) ||
        pci_dma_write(PCI_DEVICE(s), addr, buf, len) != MEMTX_OK) {
        return -1;
    }
    return 0;
}

static void cdna_wire_tx(void *opaque, const uint8_t *frame, size_t len)
{
    CdnaState *s = opaque;
    CdnaTxFrame *f;

    qemu_mutex_lock(&s->lock);
    if (s->txq_len >= CDNA_TXQ_MAX) {
        s->tx_dropped++;
        qemu_mutex_unlock(&s->lock);
        trace_cdna_tx_dropped(s->tx_dropped);
        return;
    }
    f = g_malloc(sizeof(*f) + len);
    f->len = len;
    memcpy(f->data, frame, len);
    QSIMPLEQ_INSERT_TAIL(&s->txq, f, next);
    s->txq_len++;
    qemu_mutex_unlock(&s->lock);
    qemu_bh_schedule(s->bh);
}

static void cdna_set_irq(void *opaque, int level)
{
    CdnaState *s = opaque;

    qemu_mutex_lock(&s->lock);
    s->irq_level = level;
    s->irq_raised |= level;
    qemu_mutex_unlock(&s->lock);
    qemu_bh_schedule(s->bh);
}

static uint64_t cdna_now_us(void *opaque)
{
    /* Host time: the NIC thread sleeps in host time too. */
    return qemu_clock_get_us(QEMU_CLOCK_REALTIME);
}

static void cdna_log(void *opaque, enum cdna_nic_log_level level,
                     const char *msg)
{
    CdnaState *s = opaque;
    const char *id = DEVICE(s)->id ? DEVICE(s)->id : TYPE_CDNA;

    switch (level) {
    case CDNA_LOG_GUEST_ERROR:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s\n", id, msg);
        break;
    case CDNA_LOG_UNIMP:
        qemu_log_mask(LOG_UNIMP, "%s: %s\n", id, msg);
        break;
    case CDNA_LOG_INFO:
        trace_cdna_info(id, msg);
        break;
    case CDNA_LOG_FW_CONSOLE:
        trace_cdna_fw_console(id, msg);
        break;
    }
}

static void cdna_kick(void *opaque)
{
    CdnaState *s = opaque;

    qemu_mutex_lock(&s->lock);
    s->kicked = true;
    qemu_cond_signal(&s->wake);
    qemu_mutex_unlock(&s->lock);
}

/* ---- power cuts (x-flash-cut-after, tests) ---------------------------- */

/*
 * Once an armed cut is reached the flash persists nothing more: QEMU ends
 * at once, SIGKILL to itself, as if the power went (no unrealize, no
 * flush; the flash file holds exactly what reached it).  Checked after
 * everything that can write the flash: a BAR2 write (the flash window,
 * MGMT_NIC_CTRL) and a run of the NIC (the boot ROM's table writes at a
 * reset, the commit of a trial).
 */
static void cdna_power_check(CdnaState *s)
{
    if (s->cut_after < 0 || cdna_nic_flash_cut_left(s->core) != 0) {
        return;
    }
    fprintf(stderr, "cdna: x-flash-cut-after: power cut after %" PRIu64
            " flash units: QEMU killed\n", cdna_nic_flash_units(s->core));
    fflush(stderr);
    kill(getpid(), SIGKILL);
    _exit(137);
}

/* ---- the main loop's half (BQL held) ----------------------------------- */

static void cdna_bh(void *opaque)
{
    CdnaState *s = opaque;
    PCIDevice *d = PCI_DEVICE(s);
    NetClientState *nc = qemu_get_queue(s->nic);
    QSIMPLEQ_HEAD(, CdnaTxFrame) frames;
    bool raised, flush;
    int level;

    qemu_mutex_lock(&s->lock);
    QSIMPLEQ_INIT(&frames);
    QSIMPLEQ_CONCAT(&frames, &s->txq);
    s->txq_len = 0;
    raised = s->irq_raised;
    level = s->irq_level;
    flush = s->rx_flush;
    s->irq_raised = false;
    s->rx_flush = false;
    qemu_mutex_unlock(&s->lock);

    while (!QSIMPLEQ_EMPTY(&frames)) {
        CdnaTxFrame *f = QSIMPLEQ_FIRST(&frames);

        QSIMPLEQ_REMOVE_HEAD(&frames, next);
        qemu_send_packet(nc, f->data, f->len);
        g_free(f);
    }
    /*
     * An MSI per batch of raises: the host reads the whole vector.  INTx
     * stays low while MSI is on, even if it was high when MSI came on.
     */
    if (msi_enabled(d)) {
        pci_set_irq(d, 0);
        if (raised) {
            msi_notify(d, 0);
        }
    } else {
        pci_set_irq(d, level);
    }
    if (flush) {
        s->rx_held = false;
        qemu_flush_queued_packets(nc);
    }
}

/* ---- the NIC thread ---------------------------------------------------- */

static void *cdna_thread(void *opaque)
{
    CdnaState *s = opaque;

    /* It reads guest memory (address_space_translate under RCU). */
    rcu_register_thread();
    qemu_mutex_lock(&s->lock);
    while (!s->stopping) {
        uint64_t until;

        s->kicked = false;
        qemu_mutex_unlock(&s->lock);
        until = cdna_nic_run(s->core);
        cdna_power_check(s);
        qemu_mutex_lock(&s->lock);
        /*
         * The run may have freed receive slots for frames the net layer
         * queued while the MAC was full (see cdna_rx_space()).
         */
        if (s->rx_blocked) {
            s->rx_blocked = false;
            s->rx_flush = true;
            qemu_bh_schedule(s->bh);
        }
        if (s->kicked || s->stopping || until == 0) {
            continue;
        }
        if (until == UINT64_MAX) {
            /* Idle: no host CPU until a kick. */
            qemu_cond_wait(&s->wake, &s->lock);
        } else {
            /* QemuCond waits in milliseconds: round up. */
            uint64_t ms = MIN(until / 1000 + 1, INT_MAX);

            qemu_cond_timedwait(&s->wake, &s->lock, ms);
        }
    }
    qemu_mutex_unlock(&s->lock);
    rcu_unregister_thread();
    return NULL;
}

/* ---- BARs -------------------------------------------------------------- */

static uint64_t cdna_bar0_read(void *opaque, hwaddr addr, unsigned size)
{
    CdnaState *s = opaque;

    return cdna_nic_bar_read(s->core, 0, addr, size);
}

static void cdna_bar0_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    CdnaState *s = opaque;

    cdna_nic_bar_write(s->core, 0, addr, val, size);
}

static uint64_t cdna_bar2_read(void *opaque, hwaddr addr, unsigned size)
{
    CdnaState *s = opaque;

    return cdna_nic_bar_read(s->core, 2, addr, size);
}

static void cdna_bar2_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    CdnaState *s = opaque;

    cdna_nic_bar_write(s->core, 2, addr, val, size);
    cdna_power_check(s);
}

/* Every width reaches the core, which answers (and logs) odd ones itself. */
static const MemoryRegionOps cdna_bar0_ops = {
    .read = cdna_bar0_read,
    .write = cdna_bar0_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static const MemoryRegionOps cdna_bar2_ops = {
    .read = cdna_bar2_read,
    .write = cdna_bar2_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- the wire ---------------------------------------------------------- */

/*
 * Whether the MAC has a free receive slot.  Asking also arms the flush:
 * the NIC thread schedules qemu_flush_queued_packets() after its next run
 * (which is what frees slots).  Armed before the question, so a run that
 * frees slots in between is either seen by the question or followed by a
 * flush: a queued frame never waits for an unrelated kick.
 */
static bool cdna_rx_space(CdnaState *s)
{
    qemu_mutex_lock(&s->lock);
    s->rx_blocked = true;
    qemu_mutex_unlock(&s->lock);
    return cdna_nic_can_receive(s->core) > 0;
}

/*
 * The net layer asks this before each frame a backend sends, and queues
 * the frame on a no; but it does not look at its queue on a yes.  The
 * NIC thread frees slots at any moment, so after a no, a yes for the next
 * frame of the same burst would let it overtake the queued ones (frames
 * then reach the guest out of order: TCP takes that for loss).  So a no
 * holds until the bottom half has flushed the queue in order.
 */
static bool cdna_can_receive(NetClientState *nc)
{
    CdnaState *s = qemu_get_nic_opaque(nc);

    if (s->rx_held) {
        return false;
    }
    s->rx_held = !cdna_rx_space(s);
    return !s->rx_held;
}

static ssize_t cdna_receive(NetClientState *nc, const uint8_t *buf,
                            size_t size)
{
    CdnaState *s = qemu_get_nic_opaque(nc);

    /*
     * The net layer flushes its queue without asking can_receive first:
     * 0 keeps the frame queued (and the backend paused) until the flush
     * after the NIC made room.
     */
    if (!cdna_rx_space(s)) {
        return 0;
    }
    /* Taken or dropped (and counted by the NIC): consumed either way. */
    cdna_nic_receive(s->core, buf, size);
    return size;
}

static void cdna_set_link_status(NetClientState *nc)
{
    CdnaState *s = qemu_get_nic_opaque(nc);

    cdna_nic_set_link(s->core, !nc->link_down);
}

static NetClientInfo net_cdna_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = cdna_can_receive,
    .receive = cdna_receive,
    .link_status_changed = cdna_set_link_status,
};

/* ---- life cycle -------------------------------------------------------- */

static void cdna_drop_txq(CdnaState *s)
{
    CdnaTxFrame *f, *tmp;

    QSIMPLEQ_FOREACH_SAFE(f, &s->txq, next, tmp) {
        g_free(f);
    }
    QSIMPLEQ_INIT(&s->txq);
    s->txq_len = 0;
}

static void cdna_realize(PCIDevice *pci_dev, Error **errp)
{
    CdnaState *s = CDNA(pci_dev);
    DeviceState *dev = DEVICE(pci_dev);
    struct cdna_nic_config cfg = {
        .flash_path = s->flash,
        .num_ctx = s->contexts,
        .locked = 1,
    };
    const struct cdna_nic_ops ops = {
        .opaque = s,
        .dma_read = cdna_dma_read,
        .dma_write = cdna_dma_write,
        .wire_tx = cdna_wire_tx,
        .set_irq = cdna_set_irq,
        .now_us = cdna_now_us,
        .log = cdna_log,
        .kick = cdna_kick,
    };
    sigset_t all, old;
    char err[256];
    int ret;

    if (s->contexts < 1 || s->contexts > CDNA_NUM_CTX) {
        error_setg(errp, "cdna: contexts=%" PRIu32 ": the NIC has 1 to %u",
                   s->contexts, CDNA_NUM_CTX);
        return;
    }

    pci_dev->config[PCI_INTERRUPT_PIN] = 1;
    memory_region_init_io(&s->bar0, OBJECT(s), &cdna_bar0_ops, s,
                          "cdna-bar0", CDNA_BAR0_SIZE);
    pci_register_bar(pci_dev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->bar0);
    memory_region_init_io(&s->bar2, OBJECT(s), &cdna_bar2_ops, s,
                          "cdna-bar2", CDNA_BAR2_SIZE);
    pci_register_bar(pci_dev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->bar2);

    /* One vector; without MSI (a machine that lacks it) INTx remains. */
    ret = msi_init(pci_dev, 0, 1, true, false, NULL);
    if (ret && ret != -ENOTSUP) {
        error_setg(errp, "cdna: MSI initialisation failed (%d)", ret);
        return;
    }

    qemu_mutex_init(&s->lock);
    qemu_cond_init(&s->wake);
    QSIMPLEQ_INIT(&s->txq);
    s->bh = qemu_bh_new_guarded(cdna_bh, s, &dev->mem_reentrancy_guard);

    qemu_macaddr_default_if_unset(&s->conf.macaddr);
    memcpy(cfg.mac, s->conf.macaddr.a, sizeof(cfg.mac));
    /*
     * The core starts a watchdog thread of its own: it must not take
     * QEMU's signals (as a QemuThread would not), so it is created with
     * every signal blocked.
     */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    s->core = cdna_nic_new(&cfg, &ops, err, sizeof(err));
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->core) {
        error_setg(errp, "cdna: %s", err);
        goto fail;
    }

    if (s->cut_after >= 0) {
        cdna_nic_flash_cut_after(s->core, s->cut_after);
    }

    s->nic = qemu_new_nic(&net_cdna_info, &s->conf,
                          object_get_typename(OBJECT(s)), dev->id,
                          &dev->mem_reentrancy_guard, s);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), s->conf.macaddr.a);

    s->fresh = true;
    qemu_thread_create(&s->thread, "cdna-nic", cdna_thread, s,
                       QEMU_THREAD_JOINABLE);
    s->thread_started = true;
    return;

fail:
    qemu_bh_delete(s->bh);
    s->bh = NULL;
    qemu_cond_destroy(&s->wake);
    qemu_mutex_destroy(&s->lock);
    msi_uninit(pci_dev);
}

static void cdna_unrealize(PCIDevice *pci_dev)
{
    CdnaState *s = CDNA(pci_dev);

    /* The NIC thread finishes its run (one firmware turn) and ends. */
    qemu_mutex_lock(&s->lock);
    s->stopping = true;
    qemu_cond_signal(&s->wake);
    qemu_mutex_unlock(&s->lock);
    if (s->thread_started) {
        qemu_thread_join(&s->thread);
        s->thread_started = false;
    }
    /*
     * No callback can come any more: vCPUs are out (BQL), the thread is
     * gone.
     */
    qemu_del_nic(s->nic);
    cdna_nic_free(s->core);
    s->core = NULL;
    qemu_bh_delete(s->bh);
    s->bh = NULL;
    cdna_drop_txq(s);
    qemu_cond_destroy(&s->wake);
    qemu_mutex_destroy(&s->lock);
    msi_uninit(pci_dev);
}

static void cdna_reset(DeviceState *dev)
{
    CdnaState *s = CDNA(dev);

    /*
     * The PCI core lowers INTx and resets MSI; an interrupt the NIC
     * raised before the reset must not be delivered after it.
     */
    qemu_mutex_lock(&s->lock);
    s->irq_raised = false;
    s->irq_level = 0;
    qemu_mutex_unlock(&s->lock);
    /*
     * The NIC booted when it was created (cdna_nic_new is its power-on),
     * and QEMU resets every device once more before the machine starts
     * (and after a hot-plug): that reset is the same power-on, not a
     * second boot.  A second boot would end a trial firmware found
     * PENDING at power-on before it could commit (a rollback, the design's
     * "any reset before the commit"), and MGMT_BOOT_FLAGS would no longer
     * say how the power-on booted (trial, rollback).
     */
    if (s->fresh) {
        s->fresh = false;
        return;
    }
    cdna_nic_reset(s->core);
}

/*
 * The firmware's state lives in the ISS and the flash file; saving it is
 * not implemented, so the device blocks migration rather than lose it.
 */
static const VMStateDescription vmstate_cdna = {
    .name = TYPE_CDNA,
    .unmigratable = 1,
};

/*
 * x-flash-cut-after (tests): a power cut after N more 4-byte flash units
 * (cdna_nic.h's cdna_nic_flash_cut_after: a write of n bytes is n/4
 * rounded up, the one that crosses the limit keeps its first units), then
 * QEMU kills itself.  Settable at any time (qom-set): N counts from then
 * (from realize on the command line); -1 disarms.  Reads the units left
 * (-1: none armed).  x-flash-units reads the units persisted since the
 * device was created: a dry run finds the cut points with it.
 */
static void cdna_get_cut_after(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    CdnaState *s = CDNA(obj);
    int64_t left = s->cut_after;

    if (s->core && left >= 0) {
        left = cdna_nic_flash_cut_left(s->core);
    }
    visit_type_int64(v, name, &left, errp);
}

static void cdna_set_cut_after(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    CdnaState *s = CDNA(obj);
    int64_t n;

    if (!visit_type_int64(v, name, &n, errp)) {
        return;
    }
    s->cut_after = n < 0 ? -1 : n;
    if (s->core) {
        cdna_nic_flash_cut_after(s->core, s->cut_after);
        cdna_power_check(s);
    }
}

static void cdna_get_flash_units(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    CdnaState *s = CDNA(obj);
    uint64_t n = s->core ? cdna_nic_flash_units(s->core) : 0;

    visit_type_uint64(v, name, &n, errp);
}

static void cdna_instance_init(Object *obj)
{
    CDNA(obj)->cut_after = -1;
}

static Property cdna_properties[] = {
    DEFINE_NIC_PROPERTIES(CdnaState, conf),
    DEFINE_PROP_STRING("flash", CdnaState, flash),
    DEFINE_PROP_UINT32("contexts", CdnaState, contexts, CDNA_NUM_CTX),
    DEFINE_PROP_END_OF_LIST(),
};

static void cdna_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = cdna_realize;
    k->exit = cdna_unrealize;
    k->vendor_id = CDNA_PCI_VENDOR_ID;
    k->device_id = CDNA_PCI_DEVICE_ID;
    k->class_id = CDNA_PCI_CLASS;

    dc->desc = "cdna programmable NIC (a private context per VM)";
    dc->reset = cdna_reset;
    dc->vmsd = &vmstate_cdna;
    device_class_set_props(dc, cdna_properties);
    object_class_property_set_description(klass, "flash",
        "NIC flash backing file (kept across runs; created erased when "
        "missing; without it the flash is erased and in memory only)");
    object_class_property_add(klass, "x-flash-cut-after", "int",
                              cdna_get_cut_after, cdna_set_cut_after,
                              NULL, NULL);
    object_class_property_set_description(klass, "x-flash-cut-after",
        "test: power cut (QEMU kills itself) after N more 4-byte flash "
        "units; settable at run time (qom-set), -1 disarms");
    object_class_property_add(klass, "x-flash-units", "uint64",
                              cdna_get_flash_units, NULL, NULL, NULL);
    object_class_property_set_description(klass, "x-flash-units",
        "test: 4-byte flash units persisted since the device was created");
    object_class_property_set_description(klass, "contexts",
        "contexts the NIC offers (MGMT_NUM_CTX), 1 to 32");
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
}

static const TypeInfo cdna_info = {
    .name = TYPE_CDNA,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(CdnaState),
    .instance_init = cdna_instance_init,
    .class_init = cdna_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void cdna_register_types(void)
{
    type_register_static(&cdna_info);
}

type_init(cdna_register_types)
