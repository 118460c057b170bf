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

static Nic *nic_start(void)
{
    Nic *n = g_new0(Nic, 1);
    const char *bios = g_getenv("CDNA_BIOS_DIR");
    struct timeval tv = { .tv_sec = 5 };
    int sv[2];

    g_assert_cmpint(socketpair(PF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    n->sock = sv[0];
    setsockopt(n->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    n->flash = flash_copy();
    n->qts = qtest_initf("-machine q35 -nodefaults -L %s "
                         "-netdev socket,fd=%d,id=n0 "
                         "-device cdna,netdev=n0,contexts=%d,mac=%s,flash=%s",
                         bios ? bios : "/usr/share/seabios", sv[1],
                         CONTEXTS, MAC_STR, n->flash);
    close(sv[1]);
    n->bus = qpci_new_pc(n->qts, NULL);
    nic_map(n);
    return n;
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
    uint8_t mac[6], f[60], got[CDNA_MAX_FRAME];
    uint32_t len_be;

    wait_running(n);
    ctx_enable(n, 1);
    ctx_mac(1, mac);
    make_frame(f, far_mac, mac, 0x5a);
    qtest_memwrite(n->qts, BUF(1, 0), f, sizeof(f));
    put_desc(n, RING_TX(1), 0, BUF(1, 0), sizeof(f), CDNA_DESC_EOP,
             SEQ_BASE(1));
    bar0_wr(n, 1, CTX_TX_PROD, 1);

    /* The socket netdev frames each packet with its length, big-endian. */
    g_assert_cmpint(recv(n->sock, &len_be, 4, MSG_WAITALL), ==, 4);
    g_assert_cmpuint(ntohl(len_be), ==, sizeof(f));
    g_assert_cmpint(recv(n->sock, got, sizeof(f), MSG_WAITALL), ==,
                    sizeof(f));
    g_assert_cmpmem(got, sizeof(f), f, sizeof(f));
    g_assert_true(wait_mem(n, STATUS(1) + CDNA_STATUS_OFF_TX_CONS, 1));
    g_assert_cmpuint(bar2_rd(n, MGMT_STATS(1) + STAT_TX_FRAMES), ==, 1);
    nic_stop(n);
}

static void test_rx_frame_reaches_its_context(void)
{
    Nic *n = nic_start();
    uint8_t mac[6], f[60], got[60];
    uint32_t len_be = htonl(sizeof(f)), wb;

    wait_running(n);
    ctx_enable(n, 0);
    ctx_enable(n, 2);
    ctx_mac(2, mac);
    put_desc(n, RING_RX(2), 0, BUF(2, 0), 2048, 0, SEQ_BASE(2));
    bar0_wr(n, 2, CTX_RX_PROD, 1);
    make_frame(f, mac, far_mac, 0xa5);
    g_assert_cmpint(send(n->sock, &len_be, 4, 0), ==, 4);
    g_assert_cmpint(send(n->sock, f, sizeof(f), 0), ==, sizeof(f));

    g_assert_true(wait_mem(n, STATUS(2) + CDNA_STATUS_OFF_RX_CONS, 1));
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cdna/pci/identity-and-bars", test_pci_identity_and_bars);
    qtest_add_func("/cdna/mgmt/identity", test_mgmt_identity);
    qtest_add_func("/cdna/firmware/runs-after-boot",
                   test_firmware_runs_after_boot);
    qtest_add_func("/cdna/tx/frame-reaches-the-netdev",
                   test_tx_frame_reaches_the_netdev);
    qtest_add_func("/cdna/rx/frame-reaches-its-context",
                   test_rx_frame_reaches_its_context);
    qtest_add_func("/cdna/reset/nic-ctrl",
                   test_nic_ctrl_reset_reboots_and_disables_contexts);
    qtest_add_func("/cdna/reset/device",
                   test_device_reset_reboots_and_disables_contexts);
    qtest_add_func("/cdna/dma/own-bar-is-refused",
                   test_dma_to_its_own_bar_is_refused);
    return g_test_run();
}
