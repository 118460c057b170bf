/*
 * cdna-fuzz: a qtest-based fuzzer for the cdna NIC inside QEMU
 * (hw/net/cdna.c and the NIC model with the real firmware behind it).
 *
 * It boots `qemu-system-x86_64 -machine q35 -device cdna,...` (sometimes
 * `-machine pc`, to hot-unplug the NIC at the end) with a copy of the real
 * firmware's flash and a datagram socket netdev whose far end is this
 * program, sets the device up as a driver would (BARs, bus mastering,
 * MSI, contexts), then performs random actions drawn from a seeded PRNG:
 * MMIO writes and reads of random and boundary values at every register of
 * BAR0 and BAR2 (and at offsets that name none; sizes 1/2/4/8, aligned
 * and not), doorbells with forged producer indexes, context enables with
 * random ring and status addresses (outside RAM, on MMIO, on the NIC's own
 * BARs, overlapping), random descriptors in guest memory, flash window
 * commands with garbage, NIC resets, system resets, link flaps, MSI aimed
 * anywhere, bus mastering switched off and on, frames of random length and
 * content from the wire.
 *
 * Findings: QEMU dies (a crash, an ASan or UBSan report: QEMU is built
 * with both, see README.md), QEMU hangs (a qtest command unanswered within
 * the deadline: the device must keep answering MMIO), the NIC stops
 * answering (MGMT_ID wrong), the firmware faults or cannot boot, QEMU
 * grows (resident memory, threads, file descriptors during a session) or
 * leaks (LeakSanitizer when QEMU exits; libqtest turns a non-zero exit
 * status into an abort).  On a finding it saves a reproducer (the seed,
 * the session's action log, QEMU's stderr, on a hang every thread's stack)
 * and exits 1.  `--replay LOG` runs a saved log again.
 *
 * Structure: a supervisor process forks one worker per QEMU session; the
 * worker (libqtest aborts on a dead QEMU) runs the session and logs every
 * action before doing it; the supervisor watches the worker's progress in
 * shared memory and calls a hang when a command takes too long.
 *
 * Environment: QTEST_QEMU_BINARY, CDNA_FLASH (the flash file with the
 * firmware: build/firmware/cdna-flash.bin), CDNA_BIOS_DIR (default
 * /usr/share/seabios).  Run by tests/fuzz-device/run.sh (make fuzz-device).
 *
 * Copyright (c) 2026 the cdna project authors
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "qapi/qmp/qdict.h"
#include "qemu/bswap.h"
#include "hw/pci/pci_regs.h"

#include "cdna/regs.h"
#include "cdna/desc.h"

/* ---- guest memory: what the fuzzer hands the NIC ------------------------ */

#define RAM_SIZE      0x8000000ull          /* -m 128M */
#define WIN           0x1000000ull          /* the fuzzer's window in RAM */
#define WIN_SIZE      0x2000000ull          /* 32 MiB, touched at boot */
#define CTX_AREA(c)   (WIN + 0x10000ull * (c))  /* tx ring, rx ring, status, buffers */
#define AREA_TX       0x0000
#define AREA_RX       0x1000
#define AREA_ST       0x2000
#define AREA_BUF      0x4000                /* 12 buffers of 4 KiB */
#define AREA_BUFS     12
#define INTVEC_ADDR   (WIN + 0x400000ull)
#define MSI_TARGET    (WIN + 0x410000ull)
#define PC_SLOT       5                     /* -machine pc: the NIC's slot */

#define MAX_LINE      512

/* ---- what the supervisor and the worker share --------------------------- */

typedef struct Stats {
    uint64_t actions, mmio_writes, mmio_reads, doorbells, descs, frames_in,
             frames_in_dropped, frames_out, ctx_enables, nic_resets,
             sys_resets, flash_cmds, config_writes, link_flaps, sleeps,
             checks, unplugs;
} Stats;

typedef struct Shared {
    volatile gint64 progress_us;   /* when the last command was answered */
    volatile gint64 allow_us;      /* how long the current one may take */
    volatile int qemu_pid;
    volatile int finding;          /* the worker found something itself */
    char what[MAX_LINE];           /* the worker's finding */
    char current[MAX_LINE];        /* the action under way */
    Stats st;
    uint64_t dma_faults, rss_kb_warm, rss_kb_end, fw_state_last;
    uint64_t nic_tx, nic_rx, nic_refused;  /* at the end, since the last reset */
    uint64_t refused[16];
    gint64 slowest_us;             /* the slowest action (a sleep, a burst) */
    char slowest[MAX_LINE];
} Shared;

typedef struct Ctx {
    uint64_t tx, rx, st;
    uint32_t seq, txp, rxp;
} Ctx;

typedef struct Fz {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    uint64_t bar0, bar2;
    bool mapped, mem_on, unplugged, pc;
    uint8_t msi_cap;
    unsigned nctx, sys_resets, calm;
    uint8_t mac[6];
    int sock;
    uint64_t rng;
    Ctx ctx[CDNA_NUM_CTX];
    int logfd;
    Shared *sh;
    bool replay;
} Fz;

/* Options */
static unsigned opt_seconds = 30, opt_session_seconds = 60;
static uint64_t opt_seed;
static bool opt_seed_set;
static const char *opt_out = "fuzz-device-out";
static const char *opt_replay;
static unsigned opt_hang_s = 20, opt_rss_mb = 96;
static bool opt_allow_fw_fault;
static bool opt_verbose, opt_calm_only;

static Shared *sh;

/* ---- PRNG --------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rnd(Fz *f)
{
    return splitmix(&f->rng);
}

static uint64_t below(Fz *f, uint64_t n)
{
    return n ? rnd(f) % n : 0;
}

static bool chance(Fz *f, unsigned percent)
{
    return below(f, 100) < percent;
}

/* Bytes of a buffer or frame: a header, then the PRNG stream of seed. */
static void fill(uint8_t *buf, size_t len, uint64_t seed, const uint8_t *hdr,
                 size_t hlen)
{
    uint64_t x = seed;

    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = splitmix(&x);

        memcpy(buf + i, &v, MIN(8, len - i));
    }
    memcpy(buf, hdr, MIN(hlen, len));
}

/* ---- the log: every action, before it is done --------------------------- */

static void logline(Fz *f, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void logline(Fz *f, const char *fmt, ...)
{
    char line[MAX_LINE];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    n = MIN(n, (int)sizeof(line) - 2);
    memcpy(sh->current, line, n + 1);
    line[n++] = '\n';
    if (f->logfd >= 0 && write(f->logfd, line, n) != n) {
        /* The log is best effort; the fuzzing goes on. */
    }
    if (opt_verbose && f->replay) {
        fprintf(stdout, "%.*s", n, line);
    }
}

static void progress(void)
{
    sh->progress_us = g_get_monotonic_time();
}

static void worker_finding(Fz *f, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void worker_finding(Fz *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sh->what, sizeof(sh->what), fmt, ap);
    va_end(ap);
    sh->finding = 1;
    logline(f, "# finding: %s", sh->what);
    _exit(3);
}

/* ---- executors: one per kind of log line -------------------------------- */

static uint64_t bar_base(Fz *f, int bar)
{
    return bar == 0 ? f->bar0 : f->bar2;
}

/* w BAR OFF SIZE VAL */
static void ex_write(Fz *f, int bar, uint64_t off, int size, uint64_t val)
{
    uint64_t a = bar_base(f, bar) + off;

    logline(f, "w %d 0x%" PRIx64 " %d 0x%" PRIx64, bar, off, size, val);
    if (!f->mapped) {
        return;
    }
    switch (size) {
    case 1: qtest_writeb(f->qts, a, val); break;
    case 2: qtest_writew(f->qts, a, val); break;
    case 4: qtest_writel(f->qts, a, val); break;
    default: qtest_writeq(f->qts, a, val); break;
    }
    sh->st.mmio_writes++;
}

/* r BAR OFF SIZE */
static uint64_t ex_read(Fz *f, int bar, uint64_t off, int size)
{
    uint64_t a = bar_base(f, bar) + off;

    logline(f, "r %d 0x%" PRIx64 " %d", bar, off, size);
    if (!f->mapped) {
        return 0;
    }
    sh->st.mmio_reads++;
    switch (size) {
    case 1: return qtest_readb(f->qts, a);
    case 2: return qtest_readw(f->qts, a);
    case 4: return qtest_readl(f->qts, a);
    default: return qtest_readq(f->qts, a);
    }
}

/* m ADDR HEX: a few bytes (descriptors) */
static void ex_mem(Fz *f, uint64_t addr, const uint8_t *buf, size_t len)
{
    char hex[2 * 64 + 1];

    len = MIN(len, 64);
    for (size_t i = 0; i < len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    }
    logline(f, "m 0x%" PRIx64 " %s", addr, hex);
    qtest_memwrite(f->qts, addr, buf, len);
}

static void hdr_hex(char *out, const uint8_t *hdr, size_t hlen)
{
    if (!hlen) {
        strcpy(out, "-");
        return;
    }
    for (size_t i = 0; i < hlen; i++) {
        snprintf(out + 2 * i, 3, "%02x", hdr[i]);
    }
}

/* p ADDR LEN SEED HDR: a buffer's bytes in guest memory */
static void ex_pattern(Fz *f, uint64_t addr, size_t len, uint64_t seed,
                       const uint8_t *hdr, size_t hlen)
{
    g_autofree uint8_t *buf = g_malloc(len ? len : 1);
    char hex[2 * 32 + 1];

    hlen = MIN(hlen, 32);
    hdr_hex(hex, hdr, hlen);
    logline(f, "p 0x%" PRIx64 " %zu 0x%" PRIx64 " %s", addr, len, seed, hex);
    fill(buf, len, seed, hdr, hlen);
    qtest_memwrite(f->qts, addr, buf, len);
}

static void drain_wire(Fz *f)
{
    static uint8_t buf[70000];

    while (recv(f->sock, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
        sh->st.frames_out++;
    }
}

/* f LEN SEED HDR: a frame from the wire */
static void ex_frame(Fz *f, size_t len, uint64_t seed, const uint8_t *hdr,
                     size_t hlen)
{
    g_autofree uint8_t *buf = g_malloc(len ? len : 1);
    char hex[2 * 32 + 1];

    hlen = MIN(hlen, 32);
    hdr_hex(hex, hdr, hlen);
    logline(f, "f %zu 0x%" PRIx64 " %s", len, seed, hex);
    fill(buf, len, seed, hdr, hlen);
    drain_wire(f);
    /* A datagram is all or nothing: a full socket drops the frame. */
    if (send(f->sock, buf, len, MSG_DONTWAIT) == (ssize_t)len) {
        sh->st.frames_in++;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        sh->st.frames_in_dropped++;
    } else {
        worker_finding(f, "the wire is gone: send: %s", strerror(errno));
    }
}

/* c OFF SIZE VAL: PCI configuration space */
static void ex_config(Fz *f, uint8_t off, int size, uint32_t val)
{
    logline(f, "c 0x%x %d 0x%x", off, size, val);
    if (f->unplugged) {
        return;
    }
    switch (size) {
    case 1: qpci_config_writeb(f->dev, off, val); break;
    case 2: qpci_config_writew(f->dev, off, val); break;
    default: qpci_config_writel(f->dev, off, val); break;
    }
    if (off == PCI_COMMAND) {
        f->mem_on = val & PCI_COMMAND_MEMORY;
    }
    sh->st.config_writes++;
}

static void save_dev(QPCIDevice *dev, int devfn, void *data)
{
    *(QPCIDevice **)data = dev;
}

/* map: find the NIC, enable memory and bus mastering, assign the BARs */
static void ex_map(Fz *f)
{
    QPCIBar b0, b2;

    logline(f, "map");
    if (f->unplugged) {
        return;
    }
    g_free(f->dev);
    f->dev = NULL;
    qpci_device_foreach(f->bus, CDNA_PCI_VENDOR_ID, CDNA_PCI_DEVICE_ID,
                        save_dev, &f->dev);
    g_assert(f->dev != NULL);
    qpci_device_enable(f->dev);
    b0 = qpci_iomap(f->dev, 0, NULL);
    b2 = qpci_iomap(f->dev, 2, NULL);
    f->bar0 = b0.addr;
    f->bar2 = b2.addr;
    f->msi_cap = qpci_find_capability(f->dev, PCI_CAP_ID_MSI, 0);
    f->mapped = f->mem_on = true;
    logline(f, "# bar0 0x%" PRIx64 " bar2 0x%" PRIx64, f->bar0, f->bar2);
}

/* q reset: system_reset (the BARs lose their addresses: map again) */
static void ex_sysreset(Fz *f)
{
    logline(f, "q reset");
    qtest_qmp_assert_success(f->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(f->qts, "RESET");
    f->mapped = false;
    sh->st.sys_resets++;
}

/* q link 0|1 */
static void ex_link(Fz *f, bool up)
{
    logline(f, "q link %d", up);
    qtest_qmp_assert_success(f->qts,
        "{'execute': 'set_link', 'arguments': {'name': 'nic0', 'up': %i}}",
        up);
    sh->st.link_flaps++;
}

/* z US: let the NIC work */
static void ex_sleep(Fz *f, unsigned us)
{
    logline(f, "z %u", us);
    g_usleep(us);
    sh->st.sleeps++;
}

/* y C R: wait (200 ms at most) until context c is RUNNING (R 1) or not (R 0) */
static void ex_wait_ctx(Fz *f, unsigned c, bool running)
{
    gint64 end = g_get_monotonic_time() + 200 * 1000;
    uint64_t a = f->bar2 + CDNA_BAR2_HV + HV_CTX(c % CDNA_NUM_CTX) + HV_CTX_STATE;

    logline(f, "y %u %d", c, running);
    while (f->mapped && f->mem_on && g_get_monotonic_time() < end &&
           (qtest_readl(f->qts, a) == CDNA_CTX_STATE_RUNNING) != running) {
        g_usleep(200);
    }
}

/* u: hot-unplug the NIC (-machine pc) */
static void ex_unplug(Fz *f)
{
    logline(f, "u");
    if (!f->pc || f->unplugged) {
        return;
    }
    qpci_unplug_acpi_device_test(f->qts, "nic0", PC_SLOT);
    f->unplugged = true;
    f->mapped = false;
    sh->st.unplugs++;
}

static uint32_t rd32(Fz *f, int bar, uint32_t off)
{
    return ex_read(f, bar, off, 4);
}

/* x: the NIC answers, its firmware runs (or boots) */
static void ex_check(Fz *f)
{
    uint32_t id, state;

    logline(f, "x");
    sh->st.checks++;
    if (!f->mapped || !f->mem_on) {
        return;
    }
    id = rd32(f, 2, MGMT_ID);
    if (id != CDNA_HW_ID) {
        worker_finding(f, "MGMT_ID reads 0x%08x, not 0x%08x: the NIC stopped "
                       "answering", id, CDNA_HW_ID);
    }
    state = rd32(f, 2, MGMT_FW_STATE);
    sh->fw_state_last = state;
    sh->dma_faults = rd32(f, 2, MGMT_DMA_FAULTS);
    if (state == CDNA_FW_STATE_NO_FW) {
        worker_finding(f, "FW_STATE NO_FW (boot error 0x%x): the flash no longer "
                       "boots", rd32(f, 2, MGMT_BOOT_ERROR));
    }
    if (state == CDNA_FW_STATE_FAULT && !opt_allow_fw_fault) {
        worker_finding(f, "firmware FAULT: cause %u at pc 0x%08x",
                       rd32(f, 2, MGMT_FAULT_CAUSE), rd32(f, 2, MGMT_FAULT_PC));
    }
}

/* ---- generators: actions of the fuzzer, made of the executors above ----- */

static const uint64_t special_addrs[] = {
    0, 0x8, 0xff0, 0x1000, 0x9f000, 0xa0000, 0xb8000, 0xc0000, 0xf0000,
    0xffff8, RAM_SIZE - 0x1000, RAM_SIZE - 16, RAM_SIZE - 8, RAM_SIZE - 4,
    RAM_SIZE, 0xb0000000, 0xdffff000, 0xfec00000, 0xfed00000, 0xfee00000,
    0xfee00ffc, 0xffff0000, 0xfffffff0, 0xfffffffc, 0x100000000ull,
    0x100000000ull - 8, 0x10000000000ull, 0x7ffffffffffff000ull,
    0x8000000000000000ull, 0xfffffffffffff000ull, 0xfffffffffffffff0ull,
    0xfffffffffffffff8ull, 0xffffffffffffffffull,
};

static const uint64_t special_vals[] = {
    0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000,
    0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
    0x100000000ull, 0xffffffffffffffffull, 0x8000000000000000ull,
    CDNA_RING_SLOTS, CDNA_RING_SLOTS - 1, CDNA_RING_SLOTS + 1, CDNA_HW_ID,
};

static uint64_t pick_addr(Fz *f)
{
    unsigned c = below(f, CDNA_NUM_CTX);
    uint64_t a;

    switch (below(f, 20)) {
    case 0 ... 9:   /* somewhere in the window, variously aligned */
        a = WIN + below(f, WIN_SIZE);
        switch (below(f, 4)) {
        case 0: return a & ~0xfffull;
        case 1: return a & ~0x3full;
        case 2: return a & ~0xfull;
        default: return a;
        }
    case 10 ... 11: /* on top of another context's rings or status */
        return (uint64_t[]){ f->ctx[c].tx, f->ctx[c].rx, f->ctx[c].st,
                             INTVEC_ADDR, MSI_TARGET }[below(f, 5)] +
               (chance(f, 70) ? 0 : below(f, 64));
    case 12:        /* the NIC's own BARs */
        return chance(f, 50) ? f->bar0 + below(f, CDNA_BAR0_SIZE)
                             : f->bar2 + below(f, CDNA_BAR2_SIZE);
    case 13 ... 17:
        return special_addrs[below(f, G_N_ELEMENTS(special_addrs))];
    case 18:
        return (uint32_t)rnd(f);
    default:
        return rnd(f);
    }
}

static uint64_t pick_val(Fz *f)
{
    switch (below(f, 8)) {
    case 0 ... 3:
        return special_vals[below(f, G_N_ELEMENTS(special_vals))];
    case 4:
        return below(f, 300);
    case 5:
        return pick_addr(f);
    case 6:
        return (uint32_t)rnd(f);
    default:
        return rnd(f);
    }
}

static int pick_size(Fz *f)
{
    return 1 << below(f, 4);
}

/* A context number: mostly one the NIC offers, sometimes one it does not. */
static unsigned pick_ctx(Fz *f)
{
    return chance(f, 90) ? below(f, f->nctx) : below(f, CDNA_NUM_CTX);
}

static void ctx_mac(Fz *f, unsigned c, uint8_t mac[6])
{
    memcpy(mac, f->mac, 6);
    mac[5] += c;
}

/* An Ethernet header aimed at something interesting. */
static size_t pick_header(Fz *f, uint8_t *hdr, bool from_ctx, unsigned c)
{
    static const uint16_t types[] = { 0x0800, 0x0806, 0x86dd, 0x8100,
                                      0x88b5, 0x88a8, 0x0000, 0xffff };
    uint64_t r = rnd(f);

    switch (below(f, 8)) {
    case 0 ... 3: ctx_mac(f, pick_ctx(f), hdr); break;
    case 4: memset(hdr, 0xff, 6); break;
    case 5: memcpy(hdr, (uint8_t[]){ 0x01, 0x00, 0x5e, 0, 0, 1 }, 6); break;
    case 6: memcpy(hdr, &r, 6); break;
    default: memcpy(hdr, (uint8_t[]){ 0x02, 0xfa, 0, 0, 0, 1 }, 6); break;
    }
    if (from_ctx && chance(f, 85)) {
        ctx_mac(f, c, hdr + 6);
    } else {
        r = rnd(f);
        memcpy(hdr + 6, &r, 6);
    }
    stw_be_p(hdr + 12, types[below(f, G_N_ELEMENTS(types))]);
    if (chance(f, 10)) {
        return 0;               /* no header: all random */
    }
    return 14;
}

static size_t pick_frame_len(Fz *f)
{
    switch (below(f, 20)) {
    case 0 ... 11: return 14 + below(f, CDNA_MAX_FRAME - 14 + 1);
    case 12 ... 13: return 1 + below(f, 13);
    case 14: return CDNA_MAX_FRAME + 1 + below(f, 512);
    case 15: return 2049 + below(f, 9216 - 2048);
    case 16: return 9217 + below(f, 65536 - 9216);
    default: return 60;
    }
}

static void act_frame(Fz *f)
{
    uint8_t hdr[14];
    size_t hlen = pick_header(f, hdr, false, 0);

    ex_frame(f, pick_frame_len(f), rnd(f), hdr, hlen);
}

/* A known register (or its neighbourhood) of either BAR. */
static void pick_register(Fz *f, int *bar, uint64_t *off)
{
    unsigned c = pick_ctx(f);

    if (chance(f, 35)) {
        *bar = 0;
        *off = CDNA_BAR0_CTX(c) + 4 * below(f, 8);
        return;
    }
    *bar = 2;
    switch (below(f, 10)) {
    case 0 ... 1: *off = 4 * below(f, 16); break;              /* identity */
    case 2: *off = MGMT_CTX(c) + 4 * below(f, 4); break;
    case 3: *off = MGMT_FLASH_BANK + 4 * below(f, 16); break;
    case 4: *off = CDNA_BAR2_HV + 4 * below(f, 4); break;
    case 5 ... 7: *off = CDNA_BAR2_HV + HV_CTX(c) + 4 * below(f, 16); break;
    case 8: *off = MGMT_STATS(c) + 4 * below(f, 32); break;
    default: *off = below(f, CDNA_BAR2_SIZE) & ~3ull; break;
    }
}

static void act_register_write(Fz *f)
{
    int bar;
    uint64_t off;

    pick_register(f, &bar, &off);
    /* Never a NIC reset by accident: those have their own action. */
    if (bar == 2 && off == MGMT_NIC_CTRL) {
        return;
    }
    ex_write(f, bar, off, chance(f, 85) ? 4 : pick_size(f), pick_val(f));
}

/* Any offset, any width, aligned or not; past the end of the BAR too. */
static void act_random_access(Fz *f)
{
    int bar = chance(f, 50) ? 0 : 2;
    uint64_t size = bar ? CDNA_BAR2_SIZE : CDNA_BAR0_SIZE;
    uint64_t off = below(f, size + 8);
    int width = pick_size(f);

    if (chance(f, 50)) {
        off &= ~(uint64_t)(width - 1);
    }
    if (bar == 2 && off <= MGMT_NIC_CTRL + 3 && off + width > MGMT_NIC_CTRL) {
        return;
    }
    if (off + width > size) {
        off = size - width;
    }
    if (chance(f, 60)) {
        ex_write(f, bar, off, width, pick_val(f));
    } else {
        ex_read(f, bar, off, width);
    }
}

static void act_register_read(Fz *f)
{
    int bar;
    uint64_t off;

    pick_register(f, &bar, &off);
    ex_read(f, bar, off, chance(f, 85) ? 4 : pick_size(f));
}

/* A context set up as a driver would, or with garbage for addresses. */
static void act_ctx_enable_c(Fz *f, bool sane, int which)
{
    unsigned c = which >= 0 ? (unsigned)which
                            : sane ? below(f, f->nctx) : pick_ctx(f);
    uint32_t hv = CDNA_BAR2_HV + HV_CTX(c);
    Ctx *x = &f->ctx[c];
    uint8_t mac[6];

    if (sane || chance(f, 50)) {
        x->tx = CTX_AREA(c) + AREA_TX;
        x->rx = CTX_AREA(c) + AREA_RX;
        x->st = CTX_AREA(c) + AREA_ST;
    }
    if (!sane) {
        if (chance(f, 60)) x->tx = pick_addr(f);
        if (chance(f, 60)) x->rx = pick_addr(f);
        if (chance(f, 60)) x->st = pick_addr(f);
    }
    x->seq = rnd(f);
    x->txp = x->rxp = 0;
    if (sane) {
        /* As a driver does: stopped first, so that ENABLE starts afresh. */
        ex_write(f, 2, hv + HV_CTX_CTRL, 4, CDNA_CTX_CTRL_REVOKE);
        ex_wait_ctx(f, c, false);
    } else if (chance(f, 30)) {
        ex_write(f, 2, hv + HV_CTX_CTRL, 4, CDNA_CTX_CTRL_REVOKE);
    }
    ctx_mac(f, c, mac);
    ex_write(f, 2, MGMT_CTX(c) + MGMT_CTX_MAC_LO, 4, (uint32_t)ldl_le_p(mac));
    ex_write(f, 2, MGMT_CTX(c) + MGMT_CTX_MAC_HI, 4, lduw_le_p(mac + 4));
    ex_write(f, 2, MGMT_CTX(c) + MGMT_CTX_FLAGS, 4,
             sane ? CDNA_CTXF_BCAST : below(f, 16));
    ex_write(f, 2, hv + HV_CTX_TX_RING_LO, 4, (uint32_t)x->tx);
    ex_write(f, 2, hv + HV_CTX_TX_RING_HI, 4, x->tx >> 32);
    ex_write(f, 2, hv + HV_CTX_RX_RING_LO, 4, (uint32_t)x->rx);
    ex_write(f, 2, hv + HV_CTX_RX_RING_HI, 4, x->rx >> 32);
    ex_write(f, 2, hv + HV_CTX_STATUS_LO, 4, (uint32_t)x->st);
    ex_write(f, 2, hv + HV_CTX_STATUS_HI, 4, x->st >> 32);
    ex_write(f, 2, hv + HV_CTX_SEQ_BASE, 4, x->seq);
    if (x->st >= WIN && x->st + 64 <= WIN + WIN_SIZE) {
        static const uint8_t zero[16];

        ex_mem(f, x->st, zero, sizeof(zero));
    }
    ex_write(f, 0, CDNA_BAR0_CTX(c) + CTX_TX_PROD, 4, 0);
    ex_write(f, 0, CDNA_BAR0_CTX(c) + CTX_RX_PROD, 4, 0);
    ex_write(f, 2, hv + HV_CTX_CTRL, 4,
             sane || chance(f, 80) ? CDNA_CTX_CTRL_ENABLE : pick_val(f));
    ex_write(f, 0, CDNA_BAR0_CTX(c) + CTX_IRQ_ENABLE, 4, chance(f, 90));
    if (sane) {
        ex_wait_ctx(f, c, true);
    }
    sh->st.ctx_enables++;
}

static void act_ctx_enable(Fz *f, bool sane)
{
    act_ctx_enable_c(f, sane, -1);
}

static void act_intvec(Fz *f, bool sane)
{
    uint64_t a = sane ? INTVEC_ADDR : pick_addr(f);

    switch (sane ? 0 : below(f, 4)) {
    case 0:
        ex_write(f, 2, CDNA_BAR2_HV + HV_INTVEC_LO, 4, (uint32_t)a);
        ex_write(f, 2, CDNA_BAR2_HV + HV_INTVEC_HI, 4, a >> 32);
        break;
    case 1:
        ex_write(f, 2, CDNA_BAR2_HV + HV_INT_CONS, 4, pick_val(f));
        break;
    case 2:
        ex_write(f, 2, CDNA_BAR2_HV + HV_INT_MOD_US, 4,
                 chance(f, 70) ? below(f, 200) : pick_val(f));
        break;
    default:
        ex_write(f, 2, CDNA_BAR2_HV + HV_INTVEC_HI, 4, pick_val(f));
        break;
    }
}

/*
 * Descriptors in a context's ring, mostly well formed with a frame in a
 * buffer of the context's own, some with any address, length, flags or
 * sequence number; then the doorbell, honest or forged.
 */
static void act_post(Fz *f)
{
    bool calm = f->calm || opt_calm_only;   /* honest, mostly */
    unsigned c = calm ? below(f, MIN(f->nctx, 8)) : pick_ctx(f);
    bool tx = chance(f, 55);
    Ctx *x = &f->ctx[c];
    uint32_t *prod = tx ? &x->txp : &x->rxp;
    uint64_t ring = tx ? x->tx : x->rx;
    unsigned n = calm || chance(f, 90) ? 1 + below(f, 8) : 1 + below(f, 300);
    uint32_t db;
    bool ring_in_ram = ring >= WIN && ring + 4096 <= WIN + WIN_SIZE;

    /*
     * Where the NIC is (its status block, when that is in RAM): after a
     * forged doorbell the honest producer follows the NIC's consumer, or
     * every later doorbell would be refused as out of range.
     */
    if (x->st >= WIN && x->st + 64 <= WIN + WIN_SIZE && chance(f, 90)) {
        uint32_t cons = qtest_readl(f->qts, x->st + (tx ? CDNA_STATUS_OFF_TX_CONS
                                                        : CDNA_STATUS_OFF_RX_CONS));

        if (*prod - cons > CDNA_RING_SLOTS) {
            *prod = cons;
        }
    }

    for (unsigned i = 0; i < n && ring_in_ram; i++) {
        uint32_t idx = *prod + i;
        uint8_t d[16];
        uint64_t addr;
        uint16_t len, flags;
        uint32_t seq;

        if (chance(f, calm ? 97 : 75)) {
            unsigned b = below(f, AREA_BUFS);
            addr = CTX_AREA(c) + AREA_BUF + 0x1000ull * b;
            if (tx) {
                uint8_t hdr[14];
                size_t hlen = pick_header(f, hdr, true, c);

                len = chance(f, calm ? 98 : 90) ? 14 + below(f, CDNA_MAX_FRAME - 13)
                                    : pick_val(f);
                if (chance(f, 30)) {
                    addr += below(f, 4096 - MIN(len, 4096));
                }
                if (len && len <= 4096 && i < 32) {
                    ex_pattern(f, addr, MIN(len, 4096), rnd(f), hdr, hlen);
                }
            } else {
                len = chance(f, calm ? 98 : 85) ? 2048 + below(f, 2049)
                                                 : pick_val(f);
            }
        } else {
            addr = pick_addr(f);
            len = chance(f, 50) ? below(f, 4097) : pick_val(f);
        }
        flags = tx ? (chance(f, 85) ? CDNA_DESC_EOP : below(f, 8))
                   : (chance(f, 90) ? 0 : pick_val(f));
        switch (below(f, calm ? 100 : 10)) {
        case 0: seq = rnd(f); break;
        case 1: seq = x->seq + idx - CDNA_RING_SLOTS; break;
        default: seq = x->seq + idx; break;
        }
        stq_le_p(d, addr);
        stw_le_p(d + 8, len);
        stw_le_p(d + 10, flags);
        stl_le_p(d + 12, seq);
        ex_mem(f, ring + 16 * (idx % CDNA_RING_SLOTS), d, 16);
        sh->st.descs++;
    }
    *prod += n;
    switch (below(f, calm ? 100 : 10)) {
    case 0: db = pick_val(f); break;            /* forged */
    case 1: db = *prod + below(f, 600); break;  /* beyond what was posted */
    case 2: db = *prod - n - below(f, 4); break; /* backwards */
    default: db = *prod; break;
    }
    ex_write(f, 0, CDNA_BAR0_CTX(c) + (tx ? CTX_TX_PROD : CTX_RX_PROD), 4, db);
    sh->st.doorbells++;
}

static void act_doorbell(Fz *f)
{
    unsigned c = pick_ctx(f);

    ex_write(f, 0, CDNA_BAR0_CTX(c) + (chance(f, 50) ? CTX_TX_PROD : CTX_RX_PROD),
             chance(f, 80) ? 4 : pick_size(f), pick_val(f));
    sh->st.doorbells++;
}

/* The flash window with garbage: banks, sizes, offsets, data, commands. */
static void act_flash(Fz *f)
{
    unsigned n = 1 + below(f, 6);

    for (unsigned i = 0; i < n; i++) {
        switch (below(f, 7)) {
        case 0:
            ex_write(f, 2, MGMT_FLASH_BANK, 4, chance(f, 70) ? below(f, 2)
                                                             : pick_val(f));
            break;
        case 1:
            ex_write(f, 2, MGMT_FLASH_SIZE, 4, chance(f, 50) ?
                     below(f, CDNA_FLASH_BANK_SIZE + 8) : pick_val(f));
            break;
        case 2:
            ex_write(f, 2, MGMT_FLASH_OFFSET, 4, pick_val(f));
            break;
        case 3: {
            unsigned words = 1 + below(f, 64);

            for (unsigned w = 0; w < words; w++) {
                ex_write(f, 2, MGMT_FLASH_DATA, 4, rnd(f));
            }
            break;
        }
        case 4:
            ex_read(f, 2, MGMT_FLASH_STATUS, 4);
            ex_read(f, 2, MGMT_FLASH_BANK_ST(below(f, 2)), 4);
            ex_read(f, 2, MGMT_FLASH_BANK_CRC(below(f, 2)), 4);
            break;
        default:
            ex_write(f, 2, MGMT_FLASH_CMD, 4, chance(f, 80) ?
                     1 + below(f, 3) : pick_val(f));
            sh->st.flash_cmds++;
            break;
        }
    }
}

static void act_nic_reset(Fz *f)
{
    ex_write(f, 2, MGMT_NIC_CTRL, 4, chance(f, 80) ? CDNA_NIC_CTRL_RESET
                                                   : pick_val(f));
    sh->st.nic_resets++;
}

/* Bus mastering off and on, memory decoding, INTx, and MSI aimed anywhere. */
static void act_config(Fz *f)
{
    uint8_t cap = f->msi_cap;

    if (f->unplugged) {
        return;
    }
    switch (below(f, 6)) {
    case 0: {
        uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

        if (chance(f, 40)) cmd &= ~PCI_COMMAND_MASTER;
        if (chance(f, 10)) cmd &= ~PCI_COMMAND_MEMORY;
        if (chance(f, 20)) cmd |= PCI_COMMAND_INTX_DISABLE;
        ex_config(f, PCI_COMMAND, 2, cmd);
        break;
    }
    case 1:
        ex_config(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
        break;
    default: {
        uint64_t a;

        if (!cap) {
            return;
        }
        switch (below(f, 5)) {
        case 0: a = MSI_TARGET; break;
        case 1: a = 0xfee00000 | (below(f, 256) << 12); break;
        case 2: a = f->bar2 + (chance(f, 50) ? MGMT_NIC_CTRL : below(f, 0x4000)); break;
        case 3: a = f->bar0 + below(f, CDNA_BAR0_SIZE); break;
        default: a = pick_addr(f); break;
        }
        ex_config(f, cap + PCI_MSI_ADDRESS_LO, 4, (uint32_t)a);
        ex_config(f, cap + PCI_MSI_ADDRESS_HI, 4, a >> 32);
        ex_config(f, cap + PCI_MSI_DATA_64, 2, pick_val(f));
        ex_config(f, cap + PCI_MSI_FLAGS, 2,
                  chance(f, 70) ? PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT
                                : below(f, 0x10000));
        break;
    }
    }
}

/*
 * Calm stretches: traffic only (posts, frames, a driver's enables), so
 * that frames really flow through rings the storm has not just broken,
 * and the next storm hits a NIC with work in flight.
 */
static void act_calm(Fz *f)
{
    unsigned r = below(f, 100);

    if (r < 50) {
        act_post(f);
    } else if (r < 80) {
        act_frame(f);
    } else if (r < 90) {
        ex_sleep(f, below(f, 1000));
    } else if (r < 93) {
        act_ctx_enable(f, true);
    } else {
        act_register_read(f);
    }
}

/* One random action, weighted (per mille). */
static void act_one(Fz *f)
{
    unsigned r = below(f, 1000);

    if (f->calm || opt_calm_only) {
        f->calm -= !!f->calm;
        act_calm(f);
        return;
    }
    if (r < 2) {
        /* The next few hundred actions: a calm stretch. */
        f->calm = 100 + below(f, 400);
        if (chance(f, 50)) {
            act_intvec(f, true);
        }
        ex_config(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
        for (unsigned c = 0; c < f->nctx && c < 8; c++) {
            act_ctx_enable_c(f, true, c);
        }
        return;
    }
    if (r < 170) {
        act_register_write(f);
    } else if (r < 280) {
        act_random_access(f);
    } else if (r < 360) {
        act_register_read(f);
    } else if (r < 540) {
        act_post(f);
    } else if (r < 620) {
        act_doorbell(f);
    } else if (r < 790) {
        act_frame(f);
    } else if (r < 830) {
        act_ctx_enable(f, chance(f, 50));
    } else if (r < 850) {
        act_intvec(f, chance(f, 20));
    } else if (r < 880) {
        act_flash(f);
    } else if (r < 881) {
        act_nic_reset(f);
    } else if (r < 913) {
        act_config(f);
    } else if (r < 918) {
        ex_link(f, chance(f, 50));
    } else if (r < 919 && chance(f, 50) && f->sys_resets < 30) {
        f->sys_resets++;
        ex_sysreset(f);
        ex_map(f);
    } else if (r < 955) {
        ex_sleep(f, below(f, 2000));
    } else {
        /* A sane stretch: what a driver does, so traffic really flows. */
        if (chance(f, 30)) {
            act_intvec(f, true);
        }
        if (chance(f, 30)) {
            ex_config(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
        }
        act_ctx_enable(f, true);
    }
}

/* ---- a session: one QEMU ------------------------------------------------ */

static char *flash_copy(const char *dir)
{
    const char *src = g_getenv("CDNA_FLASH");
    g_autofree gchar *data = NULL;
    GError *err = NULL;
    char *path = g_build_filename(dir, "nic.flash", NULL);
    gsize len;

    if (!src) {
        g_error("CDNA_FLASH is not set: the flash file with the firmware "
                "(build/firmware/cdna-flash.bin)");
    }
    if (!g_file_get_contents(src, &data, &len, &err) ||
        !g_file_set_contents(path, data, len, &err)) {
        g_error("flash: %s", err->message);
    }
    return path;
}

static pid_t child_pid(void)
{
    g_autofree char *self = g_strdup_printf("%d", getpid());
    GDir *proc = g_dir_open("/proc", 0, NULL);
    const char *e;
    pid_t pid = 0;

    while (proc && !pid && (e = g_dir_read_name(proc))) {
        g_autofree char *path = g_strdup_printf("/proc/%s/stat", e);
        g_autofree char *stat = NULL;
        char *paren;
        int ppid;

        if (!g_ascii_isdigit(e[0]) ||
            !g_file_get_contents(path, &stat, NULL, NULL)) {
            continue;
        }
        paren = strrchr(stat, ')');
        if (paren && sscanf(paren + 2, "%*c %d", &ppid) == 1 &&
            ppid == getpid()) {
            pid = atoi(e);
        }
    }
    if (proc) {
        g_dir_close(proc);
    }
    return pid;
}

static uint64_t proc_status_kb(pid_t pid, const char *field)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", pid);
    g_autofree char *s = NULL;
    const char *p;

    if (!g_file_get_contents(path, &s, NULL, NULL) || !(p = strstr(s, field))) {
        return 0;
    }
    return g_ascii_strtoull(p + strlen(field), NULL, 10);
}

static unsigned dir_entries(pid_t pid, const char *what)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/%s", pid, what);
    GDir *d = g_dir_open(path, 0, NULL);
    unsigned n = 0;

    while (d && g_dir_read_name(d)) {
        n++;
    }
    if (d) {
        g_dir_close(d);
    }
    return n;
}

typedef struct SessionCfg {
    uint64_t seed;
    bool pc;
    unsigned nctx;
    uint8_t mac[6];
} SessionCfg;

static void session_cfg(uint64_t seed, SessionCfg *cfg)
{
    uint64_t x = seed;

    cfg->seed = seed;
    cfg->pc = splitmix(&x) % 4 == 0;
    cfg->nctx = splitmix(&x) % 3 ? 1 + splitmix(&x) % CDNA_NUM_CTX
                                 : CDNA_NUM_CTX;
    memcpy(cfg->mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0xcd, 0x4a, 0x00 }, 6);
    /* Room for 32 contexts in the last byte. */
    cfg->mac[5] = (splitmix(&x) % 7) * 32;
}

static void boot(Fz *f, const SessionCfg *cfg, const char *dir)
{
    const char *bios = g_getenv("CDNA_BIOS_DIR");
    g_autofree char *flash = flash_copy(dir);
    int sv[2];

    f->pc = cfg->pc;
    f->nctx = cfg->nctx;
    memcpy(f->mac, cfg->mac, 6);
    for (unsigned c = 0; c < CDNA_NUM_CTX; c++) {
        f->ctx[c] = (Ctx){ CTX_AREA(c) + AREA_TX, CTX_AREA(c) + AREA_RX,
                           CTX_AREA(c) + AREA_ST, 0, 0, 0 };
    }
    logline(f, "boot %s contexts=%u mac=%02x:%02x:%02x:%02x:%02x:%02x",
            f->pc ? "pc" : "q35", f->nctx, f->mac[0], f->mac[1], f->mac[2],
            f->mac[3], f->mac[4], f->mac[5]);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), ==, 0);
    f->sock = sv[0];
    /* Booting an ASan QEMU takes a while on a loaded machine. */
    sh->allow_us = 120 * G_USEC_PER_SEC;
    progress();
    f->qts = qtest_initf("-machine %s -m 128M -nodefaults -L %s "
        "-netdev socket,fd=%d,id=n0 "
        "-device cdna,id=nic0,netdev=n0,contexts=%u,"
        "mac=%02x:%02x:%02x:%02x:%02x:%02x,flash=%s%s",
        f->pc ? "pc" : "q35", bios ? bios : "/usr/share/seabios", sv[1],
        f->nctx, f->mac[0], f->mac[1], f->mac[2], f->mac[3], f->mac[4],
        f->mac[5], flash, f->pc ? ",addr=0x5" : "");
    close(sv[1]);
    sh->qemu_pid = child_pid();
    f->bus = qpci_new_pc(f->qts, NULL);
    ex_map(f);
    /* The window: touched once, so resident memory measures QEMU alone. */
    qtest_memset(f->qts, WIN, 0, WIN_SIZE);
    progress();
    sh->allow_us = (gint64)opt_hang_s * G_USEC_PER_SEC;
}

/* The firmware boots from the fresh flash: give it a few seconds. */
static void wait_running(Fz *f)
{
    gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;

    while (qtest_readl(f->qts, f->bar2 + MGMT_FW_STATE) !=
           CDNA_FW_STATE_RUNNING) {
        progress();
        if (g_get_monotonic_time() > end) {
            worker_finding(f, "the firmware did not reach RUNNING after boot "
                           "(FW_STATE %u)", qtest_readl(f->qts, f->bar2 +
                                                        MGMT_FW_STATE));
        }
        g_usleep(2000);
    }
}

static void finish(Fz *f, unsigned threads_warm, unsigned fds_warm)
{
    pid_t pid = sh->qemu_pid;

    if (pid > 0) {
        unsigned threads = dir_entries(pid, "task");
        unsigned fds = dir_entries(pid, "fd");

        sh->rss_kb_end = proc_status_kb(pid, "VmRSS:");
        if (sh->rss_kb_warm &&
            sh->rss_kb_end > sh->rss_kb_warm + 1024ull * opt_rss_mb) {
            worker_finding(f, "QEMU's resident memory grew from %" PRIu64
                           " to %" PRIu64 " KiB in one session",
                           sh->rss_kb_warm, sh->rss_kb_end);
        }
        if (threads_warm && threads > threads_warm + 4) {
            worker_finding(f, "QEMU's threads grew from %u to %u",
                           threads_warm, threads);
        }
        if (fds_warm && fds > fds_warm + 8) {
            worker_finding(f, "QEMU's file descriptors grew from %u to %u",
                           fds_warm, fds);
        }
    }
    if (f->mapped && f->mem_on) {
        /* What got through, since the last NIC reset: the fuzzing is deep. */
        for (unsigned c = 0; c < f->nctx; c++) {
            sh->nic_tx += qtest_readl(f->qts, f->bar2 + MGMT_STATS(c) +
                                      STAT_TX_FRAMES);
            sh->nic_rx += qtest_readl(f->qts, f->bar2 + MGMT_STATS(c) +
                                      STAT_RX_FRAMES);
            for (unsigned r = 0; r < 16; r++) {
                uint32_t v = qtest_readl(f->qts, f->bar2 + MGMT_STATS(c) +
                                         STAT_REFUSED(r));

                sh->nic_refused += v;
                sh->refused[r] += v;
            }
        }
    }
    if (f->pc && !f->unplugged) {
        /* Unrealize: the NIC thread joined, the model freed (LSan sees). */
        ex_unplug(f);
        qtest_qmp_assert_success(f->qts, "{'execute': 'query-status'}");
    }
    logline(f, "# quit");
    sh->allow_us = 120 * G_USEC_PER_SEC;    /* LeakSanitizer takes a while */
    progress();
    g_free(f->dev);
    qpci_free_pc(f->bus);
    /* Aborts (a finding) when QEMU's exit status is not 0: ASan, LSan. */
    qtest_quit(f->qts);
    close(f->sock);
}

/* The worker: one session of random actions until end_us. */
static void run_session(const SessionCfg *cfg, const char *dir, gint64 end_us)
{
    Fz f = { .rng = cfg->seed ^ 0x5eed, .logfd = -1, .sh = sh };
    g_autofree char *logpath = g_build_filename(dir, "actions.log", NULL);
    gint64 start = g_get_monotonic_time(), warm_at;
    unsigned threads_warm = 0, fds_warm = 0;

    f.logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                   0644);
    logline(&f, "# cdna-fuzz session seed 0x%" PRIx64, cfg->seed);
    boot(&f, cfg, dir);
    wait_running(&f);
    act_intvec(&f, true);
    for (unsigned c = 0; c < f.nctx && c < 8; c++) {
        act_ctx_enable_c(&f, true, c);
    }
    f.calm = 500;       /* traffic first, then the storms */
    warm_at = start + (end_us - start) / 5;
    while (g_get_monotonic_time() < end_us) {
        gint64 t = g_get_monotonic_time();

        act_one(&f);
        sh->st.actions++;
        progress();
        if (sh->progress_us - t > sh->slowest_us) {
            sh->slowest_us = sh->progress_us - t;
            memcpy(sh->slowest, sh->current, sizeof(sh->slowest));
        }
        if (sh->st.actions % 64 == 0) {
            ex_check(&f);
            drain_wire(&f);
            if (!sh->rss_kb_warm && g_get_monotonic_time() >= warm_at &&
                sh->qemu_pid > 0) {
                sh->rss_kb_warm = proc_status_kb(sh->qemu_pid, "VmRSS:");
                threads_warm = dir_entries(sh->qemu_pid, "task");
                fds_warm = dir_entries(sh->qemu_pid, "fd");
            }
        }
    }
    ex_check(&f);
    finish(&f, threads_warm, fds_warm);
    close(f.logfd);
}

/* ---- replay: a saved log, line by line ---------------------------------- */

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;

    if (!strcmp(s, "-")) {
        return 0;
    }
    while (n < max && g_ascii_isxdigit(s[0]) && g_ascii_isxdigit(s[1])) {
        out[n++] = g_ascii_xdigit_value(s[0]) << 4 | g_ascii_xdigit_value(s[1]);
        s += 2;
    }
    return n;
}

static void run_replay(const char *logfile, const char *dir)
{
    Fz f = { .logfd = -1, .sh = sh, .replay = true };
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GError *err = NULL;
    bool booted = false;

    if (!g_file_get_contents(logfile, &text, NULL, &err)) {
        g_error("%s: %s", logfile, err->message);
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) w = g_strsplit(*l, " ", -1);
        unsigned nw = g_strv_length(w);
        uint8_t buf[64];

        if (!nw || !w[0][0] || w[0][0] == '#') {
            continue;
        }
        if (!strcmp(w[0], "boot")) {
            SessionCfg cfg = { .pc = !strcmp(w[1], "pc") };
            unsigned m[6];

            sscanf(w[2], "contexts=%u", &cfg.nctx);
            sscanf(w[3], "mac=%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                   &m[4], &m[5]);
            for (int i = 0; i < 6; i++) {
                cfg.mac[i] = m[i];
            }
            boot(&f, &cfg, dir);
            wait_running(&f);
            booted = true;
            continue;
        }
        g_assert(booted);
        sh->st.actions++;
        progress();
        if (!strcmp(w[0], "w") && nw >= 5) {
            ex_write(&f, atoi(w[1]), g_ascii_strtoull(w[2], NULL, 0), atoi(w[3]),
                     g_ascii_strtoull(w[4], NULL, 0));
        } else if (!strcmp(w[0], "r") && nw >= 4) {
            ex_read(&f, atoi(w[1]), g_ascii_strtoull(w[2], NULL, 0), atoi(w[3]));
        } else if (!strcmp(w[0], "m") && nw >= 3) {
            ex_mem(&f, g_ascii_strtoull(w[1], NULL, 0), buf,
                   unhex(w[2], buf, sizeof(buf)));
        } else if (!strcmp(w[0], "p") && nw >= 5) {
            ex_pattern(&f, g_ascii_strtoull(w[1], NULL, 0),
                       g_ascii_strtoull(w[2], NULL, 0),
                       g_ascii_strtoull(w[3], NULL, 0), buf,
                       unhex(w[4], buf, sizeof(buf)));
        } else if (!strcmp(w[0], "f") && nw >= 4) {
            ex_frame(&f, g_ascii_strtoull(w[1], NULL, 0),
                     g_ascii_strtoull(w[2], NULL, 0), buf,
                     unhex(w[3], buf, sizeof(buf)));
        } else if (!strcmp(w[0], "c") && nw >= 4) {
            ex_config(&f, g_ascii_strtoull(w[1], NULL, 0), atoi(w[2]),
                      g_ascii_strtoull(w[3], NULL, 0));
        } else if (!strcmp(w[0], "map")) {
            ex_map(&f);
        } else if (!strcmp(w[0], "q") && nw >= 2 && !strcmp(w[1], "reset")) {
            ex_sysreset(&f);
        } else if (!strcmp(w[0], "q") && nw >= 3 && !strcmp(w[1], "link")) {
            ex_link(&f, atoi(w[2]));
        } else if (!strcmp(w[0], "z") && nw >= 2) {
            ex_sleep(&f, atoi(w[1]));
        } else if (!strcmp(w[0], "x")) {
            ex_check(&f);
        } else if (!strcmp(w[0], "y") && nw >= 3) {
            ex_wait_ctx(&f, atoi(w[1]), atoi(w[2]));
        } else if (!strcmp(w[0], "u")) {
            ex_unplug(&f);
        } else {
            g_error("%s: cannot read line: %s", logfile, *l);
        }
        drain_wire(&f);
    }
    if (booted) {
        ex_check(&f);
        finish(&f, 0, 0);
    }
}

/* ---- the supervisor ----------------------------------------------------- */

static const char *const markers[] = {
    "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
    "kill_qemu()", "Broken pipe", "SUMMARY: ", "**\nERROR", "Bail out!",
};

/* The first interesting line of QEMU's (and the worker's) stderr. */
static char *stderr_summary(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(markers); i++) {
        const char *p = strstr(text, markers[i]);

        if (p) {
            const char *e = strchr(p, '\n');

            return g_strndup(p, e ? (size_t)(e - p) : strlen(p));
        }
    }
    return NULL;
}

static void dump_stacks(pid_t pid, const char *dir)
{
    g_autofree char *cmd = g_strdup_printf(
        "gdb -p %d -batch -nx -ex 'set pagination off' "
        "-ex 'thread apply all bt' >'%s/hang-stacks.txt' 2>&1", pid, dir);

    if (pid > 0 && system(cmd) != 0) {
        /* Without gdb: the names and wait channels of the threads. */
        g_autofree char *alt = g_strdup_printf(
            "for t in /proc/%d/task/*; do echo \"$t $(cat $t/comm) "
            "$(cat $t/wchan)\"; cat $t/stack 2>/dev/null; done >>'%s/hang-stacks.txt'",
            pid, dir);
        if (system(alt) != 0) {
            /* nothing more to get */
        }
    }
}

static void print_stats(const Stats *t, unsigned sessions, double secs)
{
    printf("cdna-fuzz: %u sessions, %" PRIu64 " actions in %.0f s "
           "(%.0f/s): %" PRIu64 " MMIO writes, %" PRIu64 " MMIO reads, %"
           PRIu64 " doorbells, %" PRIu64 " descriptors, %" PRIu64
           " context enables, %" PRIu64 " frames in (%" PRIu64
           " refused by a full socket), %" PRIu64 " frames out, %" PRIu64
           " NIC resets, %" PRIu64 " system resets, %" PRIu64
           " flash commands, %" PRIu64 " config writes, %" PRIu64
           " link flaps, %" PRIu64 " hot-unplugs\n",
           sessions, t->actions, secs, secs > 0 ? t->actions / secs : 0,
           t->mmio_writes, t->mmio_reads, t->doorbells, t->descs,
           t->ctx_enables, t->frames_in, t->frames_in_dropped, t->frames_out,
           t->nic_resets, t->sys_resets, t->flash_cmds, t->config_writes,
           t->link_flaps, t->unplugs);
}

static void add_stats(Stats *a, const Stats *b)
{
    uint64_t *pa = (uint64_t *)a;
    const uint64_t *pb = (const uint64_t *)b;

    for (size_t i = 0; i < sizeof(Stats) / sizeof(uint64_t); i++) {
        pa[i] += pb[i];
    }
}

/* Run one worker; returns NULL when the session passed, else what it found. */
static char *supervise(const SessionCfg *cfg, const char *dir, gint64 end_us,
                       bool replay)
{
    g_autofree char *errpath = g_build_filename(dir, "stderr.txt", NULL);
    pid_t w;
    int status;
    bool hung = false;

    memset(sh, 0, sizeof(*sh));
    sh->progress_us = g_get_monotonic_time();
    sh->allow_us = 120 * G_USEC_PER_SEC;
    fflush(stdout);
    fflush(stderr);
    w = fork();
    g_assert(w >= 0);
    if (w == 0) {
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        /* QEMU inherits this stderr: its sanitizer reports land there. */
        dup2(fd, STDERR_FILENO);
        dup2(fd, STDOUT_FILENO);
        close(fd);
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (replay) {
            run_replay(opt_replay, dir);
        } else {
            run_session(cfg, dir, end_us);
        }
        fflush(stdout);
        _exit(0);
    }
    for (;;) {
        pid_t r = waitpid(w, &status, WNOHANG);

        if (r == w) {
            break;
        }
        if (g_get_monotonic_time() - sh->progress_us > sh->allow_us) {
            hung = true;
            dump_stacks(sh->qemu_pid, dir);
            if (sh->qemu_pid > 0) {
                kill(sh->qemu_pid, SIGKILL);
            }
            kill(-w, SIGKILL);
            kill(w, SIGKILL);
            waitpid(w, &status, 0);
            break;
        }
        g_usleep(50 * 1000);
    }
    if (hung) {
        return g_strdup_printf("hang: no answer for %" PRId64 " s to: %s "
                               "(every QEMU thread's stack: hang-stacks.txt)",
                               sh->allow_us / G_USEC_PER_SEC, sh->current);
    }
    if (sh->finding) {
        return g_strdup(sh->what);
    }
    {
        g_autofree char *summary = stderr_summary(errpath);

        if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
            return g_strdup_printf("%s, during: %s (see stderr.txt)",
                                   summary ? summary : "the worker died",
                                   sh->current);
        }
        if (summary) {
            return g_strdup_printf("%s (see stderr.txt)", summary);
        }
    }
    return NULL;
}

static void usage(void)
{
    printf("usage: cdna-fuzz [--seconds N] [--session-seconds N] [--seed S]\n"
           "                 [--out DIR] [--hang-seconds N] [--rss-mb N]\n"
           "                 [--allow-fw-fault] [--replay LOG [--verbose]]\n"
           "Environment: QTEST_QEMU_BINARY, CDNA_FLASH, CDNA_BIOS_DIR.\n");
}

int main(int argc, char **argv)
{
    Stats total = { 0 };
    g_autofree char *work = NULL;
    gint64 t0 = g_get_monotonic_time(), end;
    unsigned sessions = 0;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--seconds") && v) {
            opt_seconds = atoi(v), i++;
        } else if (!strcmp(a, "--session-seconds") && v) {
            opt_session_seconds = MAX(atoi(v), 1), i++;
        } else if (!strcmp(a, "--seed") && v) {
            opt_seed = g_ascii_strtoull(v, NULL, 0), opt_seed_set = true, i++;
        } else if (!strcmp(a, "--out") && v) {
            opt_out = v, i++;
        } else if (!strcmp(a, "--hang-seconds") && v) {
            opt_hang_s = atoi(v), i++;
        } else if (!strcmp(a, "--rss-mb") && v) {
            opt_rss_mb = atoi(v), i++;
        } else if (!strcmp(a, "--replay") && v) {
            opt_replay = v, i++;
        } else if (!strcmp(a, "--allow-fw-fault")) {
            opt_allow_fw_fault = true;
        } else if (!strcmp(a, "--calm-only")) {
            opt_calm_only = true;
        } else if (!strcmp(a, "--verbose")) {
            opt_verbose = true;
        } else {
            usage();
            return !strcmp(a, "--help") ? 0 : 2;
        }
    }
    if (!opt_seed_set) {
        opt_seed = (uint64_t)g_get_real_time() ^ ((uint64_t)getpid() << 32);
    }
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    g_assert(sh != MAP_FAILED);
    g_mkdir_with_parents(opt_out, 0755);
    work = g_build_filename(opt_out, "session", NULL);
    g_mkdir_with_parents(work, 0755);

    if (opt_replay) {
        g_autofree char *found = supervise(NULL, work, 0, true);

        print_stats(&sh->st, 1, (g_get_monotonic_time() - t0) / 1e6);
        if (found) {
            printf("cdna-fuzz: replay of %s: FINDING: %s\n", opt_replay, found);
            rc = 1;
        } else {
            printf("cdna-fuzz: replay of %s: nothing found\n", opt_replay);
        }
        fflush(stdout);
        _exit(rc);
    }

    printf("cdna-fuzz: seed 0x%" PRIx64 ", %u s, sessions of up to %u s, "
           "QEMU %s\n", opt_seed, opt_seconds, opt_session_seconds,
           g_getenv("QTEST_QEMU_BINARY") ?: "(QTEST_QEMU_BINARY unset)");
    end = t0 + (gint64)opt_seconds * G_USEC_PER_SEC;
    do {
        uint64_t x = opt_seed + sessions;
        SessionCfg cfg;
        gint64 now = g_get_monotonic_time();
        gint64 send = MIN(end, now + (gint64)opt_session_seconds *
                                     G_USEC_PER_SEC);
        g_autofree char *found = NULL;

        session_cfg(splitmix(&x), &cfg);
        found = supervise(&cfg, work, MAX(send, now + G_USEC_PER_SEC), false);
        add_stats(&total, &sh->st);
        sessions++;
        printf("cdna-fuzz: session %u (seed 0x%" PRIx64 ", %s, %u contexts): "
               "%" PRIu64 " actions, %" PRIu64 " frames in, %" PRIu64
               " out; since the last NIC reset %" PRIu64 " sent, %" PRIu64
               " received, %" PRIu64 " refused, %" PRIu64 " DMA faults; "
               "QEMU RSS %" PRIu64 " -> %" PRIu64 " KiB: %s\n", sessions,
               cfg.seed, cfg.pc ? "pc" : "q35", cfg.nctx, sh->st.actions,
               sh->st.frames_in, sh->st.frames_out, sh->nic_tx, sh->nic_rx,
               sh->nic_refused, sh->dma_faults, sh->rss_kb_warm,
               sh->rss_kb_end,
               found ? "FINDING" : "ok");
        printf("cdna-fuzz:   slowest action %.1f ms (the last line it logged: "
               "%s)\n", sh->slowest_us / 1000.0, sh->slowest);
        if (opt_verbose) {
            for (unsigned r = 0; r < 16; r++) {
                if (sh->refused[r]) {
                    printf("cdna-fuzz:   refused[%u] %" PRIu64 "\n", r,
                           sh->refused[r]);
                }
            }
        }
        fflush(stdout);
        if (found) {
            g_autofree char *repro = g_strdup_printf("%s/finding-%" PRIx64,
                                                     opt_out, cfg.seed);
            g_autofree char *cmd = g_strdup_printf("rm -rf '%s' && cp -r '%s' "
                                                   "'%s'", repro, work, repro);
            g_autofree char *note = g_strdup_printf(
                "finding: %s\nrun seed: 0x%" PRIx64 ", session %u, session "
                "seed 0x%" PRIx64 "\nreplay: cdna-fuzz --replay %s/actions.log"
                " (tests/fuzz-device/run.sh --replay ...)\n", found, opt_seed,
                sessions, cfg.seed, repro);
            g_autofree char *notepath = NULL;

            if (system(cmd) != 0) {
                fprintf(stderr, "cdna-fuzz: could not save %s\n", repro);
            }
            notepath = g_build_filename(repro, "FINDING.txt", NULL);
            g_file_set_contents(notepath, note, -1, NULL);
            printf("cdna-fuzz: FINDING: %s\n", found);
            printf("cdna-fuzz: reproducer: %s (actions.log, stderr.txt, "
                   "FINDING.txt)\n", repro);
            rc = 1;
            break;
        }
    } while (g_get_monotonic_time() + G_USEC_PER_SEC < end);
    print_stats(&total, sessions, (g_get_monotonic_time() - t0) / 1e6);
    printf("cdna-fuzz: seed 0x%" PRIx64 ": %s\n", opt_seed,
           rc ? "FINDING (see above)" : "no findings");
    fflush(stdout);
    _exit(rc);
}
