/*
 * QTest for the cdna NIC (hw/net/cdna.c): the device as a native-mode
 * driver sees it, with the real firmware booted from a flash file and the
 * wire on a socket netdev whose other end is this test.
 *
 * Environment: CDNA_FLASH, a flash file holding the firmware image
 * (`cdna-image flash`, make firmware's build/firmware/cdna-flash.bin; each
 * QEMU gets a copy, as the NIC writes its flash); CDNA_BIOS_DIR, where
 * bios.bin is (default /usr/share/seabios).  Run by `make check-qemu`.
 *
 * Copyright (c) 2026 the cdna project authors
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "qemu/bswap.h"
#include "hw/pci/pci_regs.h"

#include "cdna/regs.h"
#include "cdna/desc.h"

#define CONTEXTS  4
#define MAC_STR   "52:54:00:cd:4a:10"
/* MGMT_MAC_LO/HI of MAC_STR: byte 0 in bits 7:0. */
#define MAC_LO    0xcd005452u
#define MAC_HI    0x104au

/* Guest memory (RAM) the test hands to the NIC, as a driver would. */
#define INTVEC       0x300000ull
#define RING_TX(c)   (0x400000ull + 0x10000ull * (c))
#define RING_RX(c)   (RING_TX(c) + 0x1000)
#define STATUS(c)    (RING_TX(c) + 0x2000)
#define BUF(c, i)    (RING_TX(c) + 0x4000 + 0x800ull * (i))
#define SEQ_BASE(c)  (0x51000000u + (c) * 0x100u)
#define BURST        200           /* frames in a burst (ring: 256) */
#define BURST_BUF(i) (0x800000ull + 0x800ull * (i))
#define MSI_ADDR     0x600000ull   /* MSI aimed at RAM: the test sees it */
#define MSI_DATA     0xcd4a

/* How long the device gets for anything (the firmware boots in ms). */
#define TIMEOUT_US   (5 * G_USEC_PER_SEC)

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 1 };

typedef struct Nic {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar0, bar2;
    uint64_t bar0_size, bar2_size;
    int sock;                   /* the far end of the wire */
    char *flash;
} Nic;

static void save_dev(QPCIDevice *dev, int devfn, void *data)
{
    *(QPCIDevice **)data = dev;
}

static void nic_map(Nic *n)
{
    n->dev = NULL;
    qpci_device_foreach(n->bus, CDNA_PCI_VENDOR_ID, CDNA_PCI_DEVICE_ID,
                        save_dev, &n->dev);
    g_assert(n->dev != NULL);
    qpci_device_enable(n->dev);
    n->bar0 = qpci_iomap(n->dev, 0, &n->bar0_size);
    n->bar2 = qpci_iomap(n->dev, 2, &n->bar2_size);
}

/* A copy of $CDNA_FLASH for one QEMU: the NIC writes its flash file. */
static char *flash_copy(void)
{
    const char *src = g_getenv("CDNA_FLASH");
    g_autofree gchar *data = NULL;
    GError *err = NULL;
    gsize len;
    char *path;
    int fd;

    if (!src) {
        g_error("CDNA_FLASH is not set: a flash file with the firmware "
                "(build/firmware/cdna-flash.bin)");
    }
    if (!g_file_get_contents(src, &data, &len, &err)) {
        g_error("CDNA_FLASH: %s", err->message);
    }
    fd = g_file_open_tmp("cdna-flash-XXXXXX", &path, &err);
    g_assert_no_error(err);
    close(fd);
    g_assert_true(g_file_set_contents(path, data, len, &err));
    return path;
}

/*
 * QEMU on machine with the far end of the wire on n->sock and a copy of
 * the flash in n->flash; with_nic: and the NIC, mapped; extra: more
 * arguments (an -object).
 */
static Nic *nic_boot(const char *machine, bool with_nic, const char *extra)
{
    Nic *n = g_new0(Nic, 1);
    const char *bios = g_getenv("CDNA_BIOS_DIR");
    struct timeval tv = { .tv_sec = 5 };
    g_autofree char *nic = NULL;
    int sv[2];

    g_assert_cmpint(socketpair(PF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    n->sock = sv[0];
    setsockopt(n->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    n->flash = flash_copy();
    nic = with_nic ? g_strdup_printf("-device cdna,netdev=n0,contexts=%d,"
                                     "mac=%s,flash=%s", CONTEXTS, MAC_STR,
                                     n->flash)
                   : g_strdup("");
    n->qts = qtest_initf("-machine %s -nodefaults -L %s "
                         "-netdev socket,fd=%d,id=n0 %s %s", machine,
                         bios ? bios : "/usr/share/seabios", sv[1], nic,
                         extra);
    close(sv[1]);
    n->bus = qpci_new_pc(n->qts, NULL);
    if (with_nic) {
        nic_map(n);
    }
    return n;
}

static Nic *nic_start(void)
{
    return nic_boot("q35", true, "");
}

static void nic_stop(Nic *n)
{
    g_free(n->dev);
    qpci_free_pc(n->bus);
    qtest_quit(n->qts);
    close(n->sock);
    unlink(n->flash);
    g_free(n->flash);
    g_free(n);
}

static uint32_t bar2_rd(Nic *n, uint32_t off)
{
    return qpci_io_readl(n->dev, n->bar2, off);
}

static void bar2_wr(Nic *n, uint32_t off, uint32_t val)
{
    qpci_io_writel(n->dev, n->bar2, off, val);
}

static void bar0_wr(Nic *n, uint32_t c, uint32_t reg, uint32_t val)
{
    qpci_io_writel(n->dev, n->bar0, CDNA_BAR0_CTX(c) + reg, val);
}

/* Wait until BAR2 register off reads want; false after the timeout. */
static bool wait_bar2(Nic *n, uint32_t off, uint32_t want)
{
    gint64 end = g_get_monotonic_time() + TIMEOUT_US;

    while (bar2_rd(n, off) != want) {
        if (g_get_monotonic_time() > end) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

/* Wait until the 32-bit word at guest address addr reads want. */
static bool wait_mem(Nic *n, uint64_t addr, uint32_t want)
{
    gint64 end = g_get_monotonic_time() + TIMEOUT_US;

    while (qtest_readl(n->qts, addr) != want) {
        if (g_get_monotonic_time() > end) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

/* Wait until an entry of the interrupt vector has context c's bit. */
static bool wait_intvec_names(Nic *n, uint32_t c)
{
    gint64 end = g_get_monotonic_time() + TIMEOUT_US;

    for (;;) {
        uint32_t prod = qtest_readl(n->qts, INTVEC);

        for (uint32_t i = 0; i < prod && i < CDNA_INTVEC_SLOTS; i++) {
            if (qtest_readl(n->qts, INTVEC + 64 + 4 * i) & (1u << c)) {
                return true;
            }
        }
        if (g_get_monotonic_time() > end) {
            return false;
        }
        g_usleep(1000);
    }
}

static void wait_running(Nic *n)
{
    g_assert_true(wait_bar2(n, MGMT_FW_STATE, CDNA_FW_STATE_RUNNING));
}

/* The MAC of context c: the NIC's own, c added to the last byte. */
static void ctx_mac(uint32_t c, uint8_t mac[6])
{
    static const uint8_t own[6] = { 0x52, 0x54, 0x00, 0xcd, 0x4a, 0x10 };

    memcpy(mac, own, 6);
    mac[5] += c;
}

/* Context c in native mode: rings, status, sequence base, then ENABLE. */
static void ctx_enable_tx_ring(Nic *n, uint32_t c, uint64_t tx_ring)
{
    uint32_t hv = CDNA_BAR2_HV + HV_CTX(c);
    uint8_t mac[6];

    ctx_mac(c, mac);
    qtest_memset(n->qts, RING_TX(c), 0, 0x4000);
    bar2_wr(n, CDNA_BAR2_HV + HV_INTVEC_LO, (uint32_t)INTVEC);
    bar2_wr(n, CDNA_BAR2_HV + HV_INTVEC_HI, 0);
    bar2_wr(n, MGMT_CTX(c) + MGMT_CTX_MAC_LO, ldl_le_p(mac));
    bar2_wr(n, MGMT_CTX(c) + MGMT_CTX_MAC_HI, lduw_le_p(mac + 4));
    bar2_wr(n, MGMT_CTX(c) + MGMT_CTX_FLAGS, CDNA_CTXF_BCAST);
    bar2_wr(n, hv + HV_CTX_TX_RING_LO, (uint32_t)tx_ring);
    bar2_wr(n, hv + HV_CTX_TX_RING_HI, tx_ring >> 32);
    bar2_wr(n, hv + HV_CTX_RX_RING_LO, (uint32_t)RING_RX(c));
    bar2_wr(n, hv + HV_CTX_RX_RING_HI, 0);
    bar2_wr(n, hv + HV_CTX_STATUS_LO, (uint32_t)STATUS(c));
    bar2_wr(n, hv + HV_CTX_STATUS_HI, 0);
    bar2_wr(n, hv + HV_CTX_SEQ_BASE, SEQ_BASE(c));
    bar2_wr(n, hv + HV_CTX_CTRL, CDNA_CTX_CTRL_ENABLE);
    bar0_wr(n, c, CTX_IRQ_ENABLE, 1);
    g_assert_true(wait_bar2(n, hv + HV_CTX_STATE, CDNA_CTX_STATE_RUNNING));
}

static void ctx_enable(Nic *n, uint32_t c)
{
    ctx_enable_tx_ring(n, c, RING_TX(c));
}

static void put_desc(Nic *n, uint64_t ring, uint32_t idx, uint64_t addr,
                     uint16_t len, uint16_t flags, uint32_t seq)
{
    uint64_t d = ring + 16 * (idx % CDNA_RING_SLOTS);

    qtest_writeq(n->qts, d, addr);
    qtest_writew(n->qts, d + 8, len);
    qtest_writew(n->qts, d + 10, flags);
    qtest_writel(n->qts, d + 12, seq);
}

/* A 60-byte frame from src to dst, payload byte fill. */
static void make_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src,
                       uint8_t fill)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x88;
    f[13] = 0xb5;
    memset(f + 14, fill, 46);
}

/* The far end sends f: the socket netdev frames it with its length. */
static void wire_send(Nic *n, const uint8_t *f, size_t len)
{
    uint32_t len_be = htonl(len);

    g_assert_cmpint(send(n->sock, &len_be, 4, 0), ==, 4);
    g_assert_cmpint(send(n->sock, f, len, 0), ==, len);
}

/* The far end receives one frame of want_len bytes into f. */
static void wire_recv(Nic *n, uint8_t *f, size_t want_len)
{
    uint32_t len_be;

    g_assert_cmpint(recv(n->sock, &len_be, 4, MSG_WAITALL), ==, 4);
    g_assert_cmpuint(ntohl(len_be), ==, want_len);
    g_assert_cmpint(recv(n->sock, f, want_len, MSG_WAITALL), ==, want_len);
}

/* Context c sends a 60-byte frame to the far end, as frame f. */
static void ctx_send(Nic *n, uint32_t c, uint8_t *f)
{
    uint8_t mac[6];

    ctx_mac(c, mac);
    make_frame(f, far_mac, mac, 0x5a);
    qtest_memwrite(n->qts, BUF(c, 0), f, 60);
    put_desc(n, RING_TX(c), 0, BUF(c, 0), 60, CDNA_DESC_EOP, SEQ_BASE(c));
    bar0_wr(n, c, CTX_TX_PROD, 1);
}

/* Context c posts one receive buffer and the far end sends it frame f. */
static void ctx_receive(Nic *n, uint32_t c, uint8_t *f)
{
    uint8_t mac[6];

    ctx_mac(c, mac);
    put_desc(n, RING_RX(c), 0, BUF(c, 0), 2048, 0, SEQ_BASE(c));
    bar0_wr(n, c, CTX_RX_PROD, 1);
    make_frame(f, mac, far_mac, 0xa5);
    wire_send(n, f, 60);
    g_assert_true(wait_mem(n, STATUS(c) + CDNA_STATUS_OFF_RX_CONS, 1));
}

/* The QEMU process under test: this test's child. */
static pid_t qemu_pid(void)
{
    g_autofree char *self = g_strdup_printf("%d", getpid());
    GDir *proc = g_dir_open("/proc", 0, NULL);
    const char *e;
    pid_t pid = 0;

    g_assert(proc != NULL);
    while (!pid && (e = g_dir_read_name(proc))) {
        g_autofree char *path = g_strdup_printf("/proc/%s/stat", e);
        g_autofree char *stat = NULL;
        char *paren;
        int ppid;

        if (!g_ascii_isdigit(e[0]) ||
            !g_file_get_contents(path, &stat, NULL, NULL)) {
            continue;
        }
        /* pid (comm) state ppid ...: comm may hold spaces and parens. */
        paren = strrchr(stat, ')');
        if (paren && sscanf(paren + 2, "%*c %d", &ppid) == 1 &&
            ppid == getpid()) {
            pid = atoi(e);
        }
    }
    g_dir_close(proc);
    g_assert_cmpint(pid, >, 0);
    return pid;
}

static unsigned thread_count(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/task", pid);
    GDir *d = g_dir_open(path, 0, NULL);
    unsigned n = 0;

    g_assert(d != NULL);
    while (g_dir_read_name(d)) {
        n++;
    }
    g_dir_close(d);
    return n;
}

/* ---- tests ------------------------------------------------------------- */

static void test_pci_identity_and_bars(void)
{
    Nic *n = nic_start();

    g_assert_cmphex(qpci_config_readw(n->dev, PCI_VENDOR_ID), ==,
                    CDNA_PCI_VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(n->dev, PCI_DEVICE_ID), ==,
                    CDNA_PCI_DEVICE_ID);
    g_assert_cmphex(qpci_config_readw(n->dev, PCI_CLASS_DEVICE), ==,
                    CDNA_PCI_CLASS);
    g_assert_cmpuint(n->bar0_size, ==, CDNA_BAR0_SIZE);
    g_assert_cmpuint(n->bar2_size, ==, CDNA_BAR2_SIZE);
    /* Both are memory BARs; BAR1 (and so no 64-bit BAR0) is unused. */
    g_assert_cmphex(qpci_config_readl(n->dev, PCI_BASE_ADDRESS_0) &
                    PCI_BASE_ADDRESS_SPACE, ==, PCI_BASE_ADDRESS_SPACE_MEMORY);
    g_assert_cmphex(qpci_config_readl(n->dev, PCI_BASE_ADDRESS_2) &
                    PCI_BASE_ADDRESS_SPACE, ==, PCI_BASE_ADDRESS_SPACE_MEMORY);
    g_assert_cmphex(qpci_config_readl(n->dev, PCI_BASE_ADDRESS_1), ==, 0);
    g_assert_cmpuint(qpci_config_readb(n->dev, PCI_INTERRUPT_PIN), ==, 1);
    g_assert_cmpuint(qpci_find_capability(n->dev, PCI_CAP_ID_MSI, 0), !=, 0);
    nic_stop(n);
}

static void test_mgmt_identity(void)
{
    Nic *n = nic_start();

    g_assert_cmphex(bar2_rd(n, MGMT_ID), ==, CDNA_HW_ID);
    g_assert_cmpuint(bar2_rd(n, MGMT_NUM_CTX), ==, CONTEXTS);
    g_assert_cmphex(bar2_rd(n, MGMT_MAC_LO), ==, MAC_LO);
    g_assert_cmphex(bar2_rd(n, MGMT_MAC_HI), ==, MAC_HI);
    /* Contexts past the property are absent: their pages read 0. */
    g_assert_cmpuint(qpci_io_readl(n->dev, n->bar0,
                                   CDNA_BAR0_CTX(CONTEXTS - 1) + CTX_INDEX),
                     ==, CONTEXTS - 1);
    g_assert_cmpuint(qpci_io_readl(n->dev, n->bar0,
                                   CDNA_BAR0_CTX(CONTEXTS) + CTX_STATUS),
                     ==, 0);
    nic_stop(n);
}

static void test_firmware_runs_after_boot(void)
{
    Nic *n = nic_start();

    wait_running(n);
    g_assert_cmphex(bar2_rd(n, MGMT_FW_VERSION), !=, 0);
    g_assert_cmpuint(bar2_rd(n, MGMT_BOOT_BANK), ==, 0);
    nic_stop(n);
}

static void test_tx_frame_reaches_the_netdev(void)
{
    Nic *n = nic_start();
    uint8_t f[60], got[60];

    wait_running(n);
    ctx_enable(n, 1);
    ctx_send(n, 1, f);
    wire_recv(n, got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), f, sizeof(f));
    g_assert_true(wait_mem(n, STATUS(1) + CDNA_STATUS_OFF_TX_CONS, 1));
    g_assert_cmpuint(bar2_rd(n, MGMT_STATS(1) + STAT_TX_FRAMES), ==, 1);
    nic_stop(n);
}

/* The NIC is a plain QEMU NIC client: netdev filters see its frames. */
static void test_tx_frame_is_seen_by_filter_dump(void)
{
    g_autofree char *pcap = NULL;
    g_autofree char *args = NULL;
    g_autofree gchar *dump = NULL;
    uint8_t f[60], got[60];
    gsize len;
    Nic *n;
    int fd;

    fd = g_file_open_tmp("cdna-dump-XXXXXX.pcap", &pcap, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    args = g_strdup_printf("-object filter-dump,id=d0,netdev=n0,file=%s",
                           pcap);
    n = nic_boot("q35", true, args);
    wait_running(n);
    ctx_enable(n, 1);
    ctx_send(n, 1, f);
    wire_recv(n, got, sizeof(got));
    nic_stop(n);
    /* pcap: a 24-byte file header, a 16-byte record header, the frame. */
    g_assert_true(g_file_get_contents(pcap, &dump, &len, NULL));
    unlink(pcap);
    g_assert_cmpuint(len, ==, 24 + 16 + sizeof(f));
    g_assert_cmpmem(dump + 40, sizeof(f), f, sizeof(f));
}

static void test_rx_frame_reaches_its_context(void)
{
    Nic *n = nic_start();
    uint8_t f[60], got[60];
    uint32_t wb;

    wait_running(n);
    ctx_enable(n, 0);
    ctx_enable(n, 2);
    ctx_receive(n, 2, f);
    wb = qtest_readl(n->qts, RING_RX(2) + CDNA_DESC_OFF_LEN);
    g_assert_cmpuint(wb & 0xffff, ==, sizeof(f));
    g_assert_cmphex(wb >> 16, ==, CDNA_DESC_DONE | CDNA_DESC_EOP);
    qtest_memread(n->qts, BUF(2, 0), got, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), f, sizeof(f));
    /* Context 0 has another MAC: it got nothing. */
    g_assert_cmpuint(qtest_readl(n->qts, STATUS(0) + CDNA_STATUS_OFF_RX_CONS),
                     ==, 0);
    /* The interrupt vector has an entry that names context 2. */
    g_assert_true(wait_intvec_names(n, 2));
    nic_stop(n);
}

/* A burst on one doorbell: every frame reaches the wire, in ring order. */
static void test_tx_burst_arrives_whole_and_in_order(void)
{
    Nic *n = nic_start();
    uint8_t mac[6], f[60], got[60];

    wait_running(n);
    ctx_enable(n, 1);
    ctx_mac(1, mac);
    for (uint32_t i = 0; i < BURST; i++) {
        make_frame(f, far_mac, mac, i);
        qtest_memwrite(n->qts, BURST_BUF(i), f, sizeof(f));
        put_desc(n, RING_TX(1), i, BURST_BUF(i), sizeof(f), CDNA_DESC_EOP,
                 SEQ_BASE(1) + i);
    }
    bar0_wr(n, 1, CTX_TX_PROD, BURST);
    for (uint32_t i = 0; i < BURST; i++) {
        wire_recv(n, got, sizeof(got));
        g_assert_cmpuint(got[14], ==, (uint8_t)i);
    }
    g_assert_true(wait_mem(n, STATUS(1) + CDNA_STATUS_OFF_TX_CONS, BURST));
    nic_stop(n);
}

/*
 * A burst from the wire larger than the MAC's receive slots: the net layer
 * queues what the NIC cannot take yet (can_receive 0) and the device
 * flushes the queue after the firmware made room; nothing is dropped.
 */
static void test_rx_burst_is_queued_not_dropped(void)
{
    Nic *n = nic_start();
    uint8_t mac[6], f[60];

    wait_running(n);
    ctx_enable(n, 2);
    ctx_mac(2, mac);
    for (uint32_t i = 0; i < BURST; i++) {
        put_desc(n, RING_RX(2), i, BURST_BUF(i), 2048, 0, SEQ_BASE(2) + i);
    }
    bar0_wr(n, 2, CTX_RX_PROD, BURST);
    for (uint32_t i = 0; i < BURST; i++) {
        make_frame(f, mac, far_mac, i);
        wire_send(n, f, sizeof(f));
    }
    g_assert_true(wait_mem(n, STATUS(2) + CDNA_STATUS_OFF_RX_CONS, BURST));
    for (uint32_t i = 0; i < BURST; i++) {
        g_assert_cmpuint(qtest_readb(n->qts, BURST_BUF(i) + 14), ==,
                         (uint8_t)i);
    }
    g_assert_cmpuint(bar2_rd(n, MGMT_MAC_RX_DROPS), ==, 0);
    g_assert_cmpuint(bar2_rd(n, MGMT_STATS(2) + STAT_RX_FRAMES), ==, BURST);
    nic_stop(n);
}

/* Whether any of the IOAPIC lines PCI INTx can reach (16..23) is high. */
static bool intx_high(Nic *n)
{
    for (int i = 16; i < 24; i++) {
        if (qtest_get_irq(n->qts, i)) {
            return true;
        }
    }
    return false;
}

/*
 * Without MSI the NIC asserts INTx while the vector holds unread
 * entries, and lowers it when the host's HV_INT_CONS catches up.
 */
static void test_intx_follows_the_interrupt_vector(void)
{
    Nic *n = nic_start();
    gint64 end = g_get_monotonic_time() + TIMEOUT_US;
    uint8_t f[60];

    qtest_irq_intercept_in(n->qts, "ioapic");
    wait_running(n);
    ctx_enable(n, 2);
    g_assert_false(intx_high(n));
    ctx_receive(n, 2, f);
    g_assert_true(wait_intvec_names(n, 2));
    while (!intx_high(n)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    bar2_wr(n, CDNA_BAR2_HV + HV_INT_CONS, qtest_readl(n->qts, INTVEC));
    while (intx_high(n)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    nic_stop(n);
}

/*
 * With MSI on, an interrupt is a message: aimed at RAM here, so that
 * the test sees it land.
 */
static void test_msi_message_is_written(void)
{
    Nic *n = nic_start();
    uint8_t cap = qpci_find_capability(n->dev, PCI_CAP_ID_MSI, 0);
    uint8_t f[60];

    qtest_irq_intercept_in(n->qts, "ioapic");
    wait_running(n);
    qpci_config_writel(n->dev, cap + PCI_MSI_ADDRESS_LO, MSI_ADDR);
    qpci_config_writel(n->dev, cap + PCI_MSI_ADDRESS_HI, 0);
    qpci_config_writew(n->dev, cap + PCI_MSI_DATA_64, MSI_DATA);
    qpci_config_writew(n->dev, cap + PCI_MSI_FLAGS,
                       qpci_config_readw(n->dev, cap + PCI_MSI_FLAGS) |
                       PCI_MSI_FLAGS_ENABLE);
    qtest_writel(n->qts, MSI_ADDR, 0);
    ctx_enable(n, 2);
    ctx_receive(n, 2, f);
    g_assert_true(wait_mem(n, MSI_ADDR, MSI_DATA));
    g_assert_false(intx_high(n));
    nic_stop(n);
}

static void test_nic_ctrl_reset_reboots_and_disables_contexts(void)
{
    Nic *n = nic_start();

    wait_running(n);
    ctx_enable(n, 3);
    bar2_wr(n, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
    wait_running(n);
    g_assert_cmpuint(bar2_rd(n, CDNA_BAR2_HV + HV_CTX(3) + HV_CTX_STATE), ==,
                     CDNA_CTX_STATE_DISABLED);
    /* A context can be enabled again. */
    ctx_enable(n, 3);
    nic_stop(n);
}

static void test_device_reset_reboots_and_disables_contexts(void)
{
    Nic *n = nic_start();

    wait_running(n);
    ctx_enable(n, 3);
    qtest_qmp_assert_success(n->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(n->qts, "RESET");
    /* The reset cleared the BARs' addresses: map them again. */
    g_free(n->dev);
    nic_map(n);
    wait_running(n);
    g_assert_cmpuint(bar2_rd(n, CDNA_BAR2_HV + HV_CTX(3) + HV_CTX_STATE), ==,
                     CDNA_CTX_STATE_DISABLED);
    g_assert_cmpuint(bar2_rd(n, MGMT_NUM_CTX), ==, CONTEXTS);
    nic_stop(n);
}

/*
 * DMA that is not to RAM is refused (it would take the BQL on the NIC
 * thread): a TX ring placed on the device's own BAR2 makes DMA faults,
 * and the NIC and QEMU keep answering.
 */
static void test_dma_to_its_own_bar_is_refused(void)
{
    Nic *n = nic_start();
    uint64_t bar2_addr = qpci_config_readl(n->dev, PCI_BASE_ADDRESS_2) &
                         PCI_BASE_ADDRESS_MEM_MASK;
    gint64 end = g_get_monotonic_time() + TIMEOUT_US;

    wait_running(n);
    ctx_enable_tx_ring(n, 0, bar2_addr);
    bar0_wr(n, 0, CTX_TX_PROD, 1);
    while (bar2_rd(n, MGMT_DMA_FAULTS) == 0) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    g_assert_cmpuint(bar2_rd(n, MGMT_FW_STATE), ==, CDNA_FW_STATE_RUNNING);
    g_assert_cmphex(bar2_rd(n, MGMT_ID), ==, CDNA_HW_ID);
    nic_stop(n);
}

/* QEMU with only the NIC (its wire unconnected) and the flash file path. */
static QTestState *boot_with_flash(const char *path)
{
    const char *bios = g_getenv("CDNA_BIOS_DIR");

    return qtest_initf("-machine q35 -nodefaults -L %s -device cdna,flash=%s",
                       bios ? bios : "/usr/share/seabios", path);
}

static uint32_t mgmt_read(QTestState *qts, uint32_t off)
{
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    QPCIDevice *dev = NULL;
    QPCIBar bar2;
    uint32_t v;

    qpci_device_foreach(bus, CDNA_PCI_VENDOR_ID, CDNA_PCI_DEVICE_ID,
                        save_dev, &dev);
    g_assert(dev != NULL);
    qpci_device_enable(dev);
    bar2 = qpci_iomap(dev, 2, NULL);
    v = qpci_io_readl(dev, bar2, off);
    g_free(dev);
    qpci_free_pc(bus);
    return v;
}

/* A flash file that does not exist is created, erased: no firmware. */
static void test_missing_flash_file_is_created_erased(void)
{
    g_autofree char *dir = g_dir_make_tmp("cdna-flash-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "nic.flash", NULL);
    QTestState *qts;
    struct stat st;

    qts = boot_with_flash(path);
    g_assert_cmpuint(mgmt_read(qts, MGMT_FW_STATE), ==, CDNA_FW_STATE_NO_FW);
    g_assert_cmphex(mgmt_read(qts, MGMT_BOOT_ERROR), ==,
                    CDNA_IMAGE_EMPTY | CDNA_IMAGE_EMPTY << 8);
    qtest_quit(qts);
    g_assert_cmpint(stat(path, &st), ==, 0);
    /* Two banks of an image's largest size and the bank-table sector. */
    g_assert_cmpuint(st.st_size, ==, 2 * CDNA_FLASH_BANK_SIZE + 4096);
    unlink(path);
    rmdir(dir);
}

/* The flash is a file that outlives QEMU: the next QEMU boots from it. */
static void test_flash_file_boots_again_after_a_restart(void)
{
    g_autofree char *path = flash_copy();
    g_autofree gchar *before = NULL;
    g_autofree gchar *after = NULL;
    gsize before_len, after_len;
    QTestState *qts;

    g_assert_true(g_file_get_contents(path, &before, &before_len, NULL));
    for (int boot = 0; boot < 2; boot++) {
        gint64 end = g_get_monotonic_time() + TIMEOUT_US;

        qts = boot_with_flash(path);
        while (mgmt_read(qts, MGMT_FW_STATE) != CDNA_FW_STATE_RUNNING) {
            g_assert_cmpint(g_get_monotonic_time(), <, end);
            g_usleep(1000);
        }
        qtest_quit(qts);
    }
    g_assert_true(g_file_get_contents(path, &after, &after_len, NULL));
    g_assert_cmpmem(after, after_len, before, before_len);
    unlink(path);
}

/*
 * Hot-unplug (ACPI, on the pc machine) stops and joins the NIC thread and
 * frees the core: the QEMU process is left with the threads it had
 * before the NIC came, and keeps running.
 */
static void test_unplug_leaves_no_thread_behind(void)
{
    Nic *n = nic_boot("pc", false, "");
    pid_t pid = qemu_pid();
    unsigned before = thread_count(pid);

    qtest_qmp_device_add(n->qts, "cdna", "nic0",
                         "{'addr': '0x5', 'netdev': 'n0', 'flash': %s}",
                         n->flash);
    nic_map(n);
    wait_running(n);
    /* The NIC thread and the model's watchdog. */
    g_assert_cmpuint(thread_count(pid), ==, before + 2);
    qpci_unplug_acpi_device_test(n->qts, "nic0", 0x5);
    g_assert_cmpuint(thread_count(pid), ==, before);
    qtest_qmp_assert_success(n->qts, "{'execute': 'query-status'}");
    nic_stop(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cdna/pci/identity-and-bars", test_pci_identity_and_bars);
    qtest_add_func("/cdna/mgmt/identity", test_mgmt_identity);
    qtest_add_func("/cdna/firmware/runs-after-boot",
                   test_firmware_runs_after_boot);
    qtest_add_func("/cdna/tx/frame-reaches-the-netdev",
                   test_tx_frame_reaches_the_netdev);
    qtest_add_func("/cdna/tx/frame-is-seen-by-filter-dump",
                   test_tx_frame_is_seen_by_filter_dump);
    qtest_add_func("/cdna/rx/frame-reaches-its-context",
                   test_rx_frame_reaches_its_context);
    qtest_add_func("/cdna/tx/burst-arrives-whole-and-in-order",
                   test_tx_burst_arrives_whole_and_in_order);
    qtest_add_func("/cdna/rx/burst-is-queued-not-dropped",
                   test_rx_burst_is_queued_not_dropped);
    qtest_add_func("/cdna/irq/intx-follows-the-vector",
                   test_intx_follows_the_interrupt_vector);
    qtest_add_func("/cdna/irq/msi-message-is-written",
                   test_msi_message_is_written);
    qtest_add_func("/cdna/reset/nic-ctrl",
                   test_nic_ctrl_reset_reboots_and_disables_contexts);
    qtest_add_func("/cdna/reset/device",
                   test_device_reset_reboots_and_disables_contexts);
    qtest_add_func("/cdna/dma/own-bar-is-refused",
                   test_dma_to_its_own_bar_is_refused);
    qtest_add_func("/cdna/flash/missing-file-is-created-erased",
                   test_missing_flash_file_is_created_erased);
    qtest_add_func("/cdna/flash/file-boots-again-after-a-restart",
                   test_flash_file_boots_again_after_a_restart);
    qtest_add_func("/cdna/hotplug/unplug-leaves-no-thread-behind",
                   test_unplug_leaves_no_thread_behind);
    return g_test_run();
}
