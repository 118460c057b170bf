/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nic.c - libFuzzer harness over the whole protected stack: the
 * hypervisor's validation core, simulated domains, and the NIC model
 * (hw-model/core) running the real ARM firmware image in Unicorn.
 *
 * Booting the NIC takes far longer than an input, so one NIC lives across
 * inputs (persistent), with a victim guest that owns a context for the
 * whole run: RX buffers posted through ENQUEUE, its doorbell rung.  Each
 * input:
 *   1. the victim sends one known frame to the wire and the wire sends one
 *      known frame to the victim, and the NIC runs until idle;
 *   2. dom0 assigns the attacker a fresh context (its pages given back as
 *      they were), and the input is decoded into the attacker's actions
 *      (fuzz_input.h): ENQUEUE with buffers anywhere (its pages, the
 *      victim's posted RX buffers and TX page, dom0's, the hypervisor's
 *      rings, outside memory), doorbell stores of any value at any offset
 *      of its BAR0 page (and attempts on the victim's), frame bytes in its
 *      pages (any length, any source or destination MAC), frames from the
 *      wire aimed at it, giving pages up or away or retyping them while
 *      posted, dom0 revoking and re-assigning it mid-flight, refused
 *      management calls, dying; the NIC runs and interrupts are taken
 *      between actions as the input says;
 *   3. dom0 revokes every context but the victim's, and the NIC runs until
 *      idle.  Then:
 *        - the revokes succeeded (the NIC stopped each context in time);
 *        - the firmware is still RUNNING (a fault caused by guest input is
 *          a finding);
 *        - no page reference is held but the victim's, and the core's
 *          count equals the pages';
 *        - the victim's pages are as it left them, except its posted RX
 *          buffers, which hold exactly the frames the write-backs say
 *          (each from the wire frame or from the attacker's own MAC,
 *          addressed to the victim; nothing past the frame's length); its
 *          known frames arrived, each once; dom0's pages are unchanged;
 *        - the victim's rings hold what the core wrote (the NIC wrote only
 *          RX len|flags words of consumed slots), and the NIC wrote no
 *          TX ring, TX buffer field or RX descriptor field it may not
 *          (hostmem's stray writes);
 *        - the NIC made no DMA outside host memory and counted no DMA
 *          fault: every buffer the firmware uses came through the core,
 *          which only accepts pages of the poster's RAM, so a refused DMA
 *          means the firmware used an address the core never validated;
 *        - every frame on the wire has its sender's source MAC (no context
 *          has ANY_SRC): the victim's known frame or the attacker's MAC.
 * A failure aborts, so libFuzzer saves the input (README.md).
 *
 * CDNA_FW_IMG names the firmware image (default build/firmware/
 * cdna-fw.img).  CDNA_FUZZ_VERBOSE=1 prints what the inputs reached every
 * 5000 inputs, =2 after each.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdna_hv.h"
#include "cdna_nic.h"
#include "domains.h"
#include "fuzz_input.h"
#include "hostmem.h"
#include "hv_priv.h"

#define ATT         1u
#define VIC         2u
#define OTHER       3u
#define HOST_PAGES  320u
#define VIC_RX      8u     /* RX buffers, one page each */
#define VIC_PLAIN   3u     /* pages the NIC has no business with */
#define ATT_PAGES   10u
#define DOM0_PAGES  2u
#define MAX_ACTIONS 48u
#define RX_BUF_LEN  2048u
/* cdna_nic_run calls before the NIC counts as wedged. */
#define IDLE_RUNS   20000u

static const uint8_t vic_mac[6] = { 0x02, 0xcd, 0x4a, 0x00, 0x00, 0x02 };
static const uint8_t att_mac[6] = { 0x02, 0xcd, 0x4a, 0x00, 0x00, 0x01 };
static const uint8_t far_mac[6] = { 0x02, 0xcd, 0x4a, 0xff, 0x00, 0x01 };

struct nz {
	struct hostmem hm;
	struct tb_domains dom;
	struct cdna_nic *nic;
	struct cdna_hv *hv;
	uint64_t ns;               /* simulated time */
	int kicked, irq;
	uint64_t guest_errors, inputs;
	/* What the inputs reached (CDNA_FUZZ_VERBOSE=1 prints it). */
	uint64_t att_wire, att_to_vic, att_descs, att_rings, wire_in;

	/* The victim. */
	unsigned vic_ctx;
	uint64_t vic_arg, vic_tx, vic_rx[VIC_RX], vic_plain[VIC_PLAIN + 1];
	uint8_t vic_plain_copy[VIC_PLAIN + 1][CDNA_PAGE_SIZE];
	uint32_t rx_posted, rx_reaped, tx_posted;
	uint8_t rx_shadow[CDNA_PAGE_SIZE], tx_shadow[CDNA_PAGE_SIZE];
	uint8_t tx_frame[64], rx_frame[64];
	unsigned tx_seen, rx_seen;
	uint64_t dom0[DOM0_PAGES];
	uint8_t dom0_copy[DOM0_PAGES][CDNA_PAGE_SIZE];

	/* The attacker. */
	uint64_t att[ATT_PAGES];
	int att_ctx;               /* -1: none */
	int att_dead;
};

static struct nz *nz;
static uint8_t pattern[CDNA_PAGE_SIZE];

/* ---- the NIC's platform ------------------------------------------------- */

static int cb_dma_read(void *o, uint64_t addr, void *buf, size_t len)
{
	(void)o;
	return hostmem_dma_read(&nz->hm, addr, buf, len);
}

static int cb_dma_write(void *o, uint64_t addr, const void *buf, size_t len)
{
	(void)o;
	return hostmem_dma_write(&nz->hm, addr, buf, len);
}

/* A frame on the wire: only with its sender's own source MAC. */
static void cb_wire_tx(void *o, const uint8_t *frame, size_t len)
{
	(void)o;
	FZ_CHECK(len >= CDNA_MIN_FRAME && len <= CDNA_MAX_FRAME,
		 "a frame of %zu bytes on the wire", len);
	if (!memcmp(frame + 6, vic_mac, 6)) {
		FZ_CHECK(len == sizeof(nz->tx_frame) &&
			 !memcmp(frame, nz->tx_frame, len),
			 "a frame with the victim's source MAC that the victim "
			 "did not send");
		nz->tx_seen++;
		return;
	}
	nz->att_wire++;
	FZ_CHECK(!memcmp(frame + 6, att_mac, 6), "a frame on the wire with "
		 "source %02x:%02x:%02x:%02x:%02x:%02x", frame[6], frame[7],
		 frame[8], frame[9], frame[10], frame[11]);
}

static void cb_set_irq(void *o, int level)
{
	(void)o;
	if (level)
		nz->irq = 1;
}

static uint64_t cb_now_us(void *o)
{
	(void)o;
	return nz->ns / 1000u;
}

static void cb_log(void *o, enum cdna_nic_log_level level, const char *msg)
{
	(void)o;
	/* A hostile guest's doorbells at odd offsets are guest errors the
	 * model reports: counted, not a finding. */
	if (level == CDNA_LOG_GUEST_ERROR)
		nz->guest_errors++;
	else if (level == CDNA_LOG_UNIMP)
		fprintf(stderr, "fuzz_nic: model: unimplemented: %s\n", msg);
}

static void cb_kick(void *o)
{
	(void)o;
	nz->kicked = 1;
}

/* ---- the core's platform (the NIC half; domains.c has the rest) ------- */

static int p_nic_attach(void *o, uint64_t bar0, uint64_t bar2)
{
	(void)o;
	return bar0 == TB_BAR0_BASE && bar2 == TB_BAR2_BASE ? 0 : -1;
}

static uint32_t p_bar2_read(void *o, uint32_t off)
{
	(void)o;
	return (uint32_t)cdna_nic_bar_read(nz->nic, 2, off, 4);
}

static void p_bar2_write(void *o, uint32_t off, uint32_t val)
{
	(void)o;
	cdna_nic_bar_write(nz->nic, 2, off, val, 4);
}

static uint64_t p_now_ns(void *o)
{
	(void)o;
	return nz->ns;
}

static void nic_run(void)
{
	nz->kicked = 0;
	cdna_nic_run(nz->nic);
	nz->ns += 1000;
}

/* The core waits on the NIC: in one thread that is running it.  50 us of
 * simulated time a turn keeps a NIC that never stops to 4000 turns. */
static void p_relax(void *o)
{
	(void)o;
	nic_run();
	nz->ns += 49000;
}

static void p_notify(void *o, uint16_t domid, unsigned ctx, uint32_t port)
{
	struct hv_ctx *c = &nz->hv->ctx[ctx];

	(void)o;
	FZ_CHECK(c->state == HV_CTX_RUNNING && c->owner == domid &&
		 port == ctx + 1, "ctx %u (owner %u) notified domain %u port "
		 "%u", ctx, c->owner, domid, port);
}

static uint32_t mgmt(uint32_t reg)
{
	return (uint32_t)cdna_nic_bar_read(nz->nic, 2, CDNA_BAR2_MGMT + reg, 4);
}

/* Run the NIC and take its interrupts until it waits with nothing to
 * do: 0, or -1 if it never does. */
static int drain(void)
{
	for (unsigned i = 0; i < IDLE_RUNS; i++) {
		nic_run();
		if (nz->irq) {
			nz->irq = 0;
			cdna_hv_interrupt(nz->hv);
			continue;
		}
		if (!nz->kicked && i > 2)
			return 0;
	}
	return -1;
}

static long dom0_op(unsigned cmd, void *op)
{
	static const struct cdna_hv_caller dom0 = { .domid = TB_DOM0,
						    .privileged = 1 };

	return cdna_hv_do(nz->hv, &dom0, cmd, op);
}

static struct tb_page *page_at(uint64_t addr)
{
	if (addr < nz->hm.base || addr - nz->hm.base >= nz->hm.size)
		return NULL;
	return &nz->dom.page[(addr - nz->hm.base) / CDNA_PAGE_SIZE];
}

/* ---- the victim --------------------------------------------------------- */

static void vic_doorbell(uint32_t reg, uint32_t val)
{
	FZ_CHECK(dom_mmio_write(&nz->dom, VIC, TB_BAR0_BASE +
				CDNA_BAR0_CTX(nz->vic_ctx) + reg, val) == 0,
		 "the victim's doorbell refused");
}

static void vic_enqueue(unsigned ring, uint64_t addr, uint16_t len,
			uint16_t flags)
{
	const struct cdna_hv_caller who = { .domid = VIC };
	struct cdna_op_enqueue op = {
		.ctx = (uint16_t)nz->vic_ctx, .ring = (uint8_t)ring, .count = 1,
		.bufs = nz->vic_arg + sizeof(op),
	};
	struct cdna_guest_buf b = { .addr = addr, .len = len, .flags = flags };
	struct hv_ring *r = &nz->hv->ctx[nz->vic_ctx].ring[ring];
	long rc;

	FZ_CHECK(dom_write(&nz->dom, VIC, nz->vic_arg, &op, sizeof(op)) == 0 &&
		 dom_write(&nz->dom, VIC, op.bufs, &b, sizeof(b)) == 0,
		 "victim's own stores");
	rc = cdna_hv_op(nz->hv, &who, CDNA_OP_ENQUEUE, nz->vic_arg);
	FZ_CHECK(rc == 0, "the victim's ENQUEUE refused: %ld", rc);
	memcpy(ring == CDNA_RING_RX ? nz->rx_shadow : nz->tx_shadow,
	       r->slots, CDNA_PAGE_SIZE);
	if (ring == CDNA_RING_RX) {
		nz->rx_posted++;
		vic_doorbell(CTX_RX_PROD, nz->rx_posted);
	} else {
		nz->tx_posted++;
		vic_doorbell(CTX_TX_PROD, nz->tx_posted);
	}
}

static void vic_post_rx(uint32_t idx)
{
	uint64_t a = nz->vic_rx[idx % VIC_RX];

	memcpy(hostmem_ptr(&nz->hm, a), pattern, CDNA_PAGE_SIZE);
	vic_enqueue(CDNA_RING_RX, a, RX_BUF_LEN, 0);
}

/* One frame the victim sends, one the wire sends it: both known. */
static void vic_traffic(void)
{
	uint8_t *f;

	memcpy(nz->tx_frame, far_mac, 6);
	memcpy(nz->tx_frame + 6, vic_mac, 6);
	nz->tx_frame[12] = 0x88;
	nz->tx_frame[13] = 0xb5;
	memcpy(nz->tx_frame + 14, &nz->inputs, sizeof(nz->inputs));
	memset(nz->tx_frame + 22, 0x5a, sizeof(nz->tx_frame) - 22);
	f = hostmem_ptr(&nz->hm, nz->vic_tx);
	memcpy(f, nz->tx_frame, sizeof(nz->tx_frame));
	vic_enqueue(CDNA_RING_TX, nz->vic_tx, sizeof(nz->tx_frame),
		    CDNA_DESC_EOP);

	memcpy(nz->rx_frame, vic_mac, 6);
	memcpy(nz->rx_frame + 6, far_mac, 6);
	nz->rx_frame[12] = 0x88;
	nz->rx_frame[13] = 0xb5;
	memcpy(nz->rx_frame + 14, &nz->inputs, sizeof(nz->inputs));
	memset(nz->rx_frame + 22, 0xa5, sizeof(nz->rx_frame) - 22);
	for (unsigned i = 0; i < IDLE_RUNS && !cdna_nic_can_receive(nz->nic);
	     i++)
		nic_run();
	FZ_CHECK(cdna_nic_receive(nz->nic, nz->rx_frame,
				  sizeof(nz->rx_frame)) == 0,
		 "the NIC dropped the victim's frame from the wire");
	nz->tx_seen = nz->rx_seen = 0;
	FZ_CHECK(drain() == 0, "the NIC never idles (victim's traffic)");
}

/* The victim takes what arrived: each consumed RX buffer holds one frame
 * for it (or nothing, refused), and is posted again. */
static void vic_reap(void)
{
	struct hv_ctx *c = &nz->hv->ctx[nz->vic_ctx];
	uint32_t rx_cons = hv_rd32(c->status + CDNA_STATUS_OFF_RX_CONS);
	uint32_t tx_cons = hv_rd32(c->status + CDNA_STATUS_OFF_TX_CONS);
	const uint8_t *ring = c->ring[CDNA_RING_RX].slots;

	FZ_CHECK(rx_cons - nz->rx_reaped <= nz->rx_posted - nz->rx_reaped,
		 "victim's rx_cons %u past its producer %u", rx_cons,
		 nz->rx_posted);
	FZ_CHECK(tx_cons == nz->tx_posted, "victim's tx_cons %u, posted %u",
		 tx_cons, nz->tx_posted);
	/* The NIC writes only len|flags of consumed RX slots. */
	for (uint32_t s = 0; s < CDNA_RING_SLOTS; s++) {
		const uint8_t *d = ring + s * 16, *w = nz->rx_shadow + s * 16;
		int consumed = (uint32_t)(s - nz->rx_reaped) % CDNA_RING_SLOTS <
			       rx_cons - nz->rx_reaped;

		FZ_CHECK(!memcmp(d, w, 8) && !memcmp(d + 12, w + 12, 4) &&
			 (consumed || !memcmp(d + 8, w + 8, 4)),
			 "victim's RX ring slot %u changed", s);
	}
	FZ_CHECK(!memcmp(c->ring[CDNA_RING_TX].slots, nz->tx_shadow,
			 CDNA_PAGE_SIZE), "victim's TX ring changed");
	for (uint32_t i = nz->rx_reaped; i != rx_cons; i++) {
		const uint8_t *d = ring + (i % CDNA_RING_SLOTS) * 16;
		uint32_t wb = hv_rd32(d + CDNA_DESC_OFF_LEN);
		uint32_t len = wb & 0xffff, flags = wb >> 16;
		const uint8_t *b = hostmem_ptr(&nz->hm, nz->vic_rx[i % VIC_RX]);

		FZ_CHECK(flags & CDNA_DESC_DONE, "RX %u consumed, not done", i);
		if (flags & CDNA_DESC_ERR)
			len = 0;
		FZ_CHECK(len <= RX_BUF_LEN && !memcmp(b + len, pattern + len,
			 CDNA_PAGE_SIZE - len), "victim's RX buffer %u written "
			 "past its frame of %u bytes", i, len);
		if (!len)
			continue;
		FZ_CHECK(len >= CDNA_MIN_FRAME && !memcmp(b, vic_mac, 6),
			 "victim's RX %u: %u bytes for another address", i,
			 len);
		if (len == sizeof(nz->rx_frame) &&
		    !memcmp(b, nz->rx_frame, len)) {
			nz->rx_seen++;
			continue;
		}
		nz->att_to_vic++;
		FZ_CHECK(!memcmp(b + 6, att_mac, 6), "victim's RX %u: a frame "
			 "from %02x:%02x:%02x:%02x:%02x:%02x", i, b[6], b[7],
			 b[8], b[9], b[10], b[11]);
	}
	FZ_CHECK(nz->rx_seen == 1 && nz->tx_seen == 1, "the victim's frames: "
		 "%u received, %u sent, want 1 and 1", nz->rx_seen,
		 nz->tx_seen);
	/* What is posted and not consumed is untouched. */
	for (uint32_t i = rx_cons; i != nz->rx_posted; i++)
		FZ_CHECK(!memcmp(hostmem_ptr(&nz->hm, nz->vic_rx[i % VIC_RX]),
				 pattern, CDNA_PAGE_SIZE),
			 "victim's posted, unconsumed RX buffer %u written", i);
	for (; nz->rx_reaped != rx_cons; nz->rx_reaped++)
		vic_post_rx(nz->rx_posted);
}

/* ---- boot, once --------------------------------------------------------- */

static void *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(CDNA_FLASH_BANK_SIZE + 1);

	if (!f || !buf) {
		fprintf(stderr, "fuzz_nic: cannot read %s (set CDNA_FW_IMG; "
			"make firmware)\n", path);
		exit(2);
	}
	*len = fread(buf, 1, CDNA_FLASH_BANK_SIZE + 1, f);
	fclose(f);
	return buf;
}

static void boot(void)
{
	static const struct cdna_nic_ops ops = {
		.dma_read = cb_dma_read, .dma_write = cb_dma_write,
		.wire_tx = cb_wire_tx, .set_irq = cb_set_irq,
		.now_us = cb_now_us, .log = cb_log, .kick = cb_kick,
	};
	const char *img_path = getenv("CDNA_FW_IMG");
	struct cdna_nic_config cfg = { 0 };
	struct cdna_hv_platform plat;
	struct cdna_op_register_nic reg = { .bar0 = TB_BAR0_BASE,
					    .bar2 = TB_BAR2_BASE };
	struct cdna_op_assign a = { .ctx = CDNA_CTX_ANY, .domid = VIC };
	char err[256];
	size_t len;
	void *img;

	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7u + (i >> 8) + 0x11u);
	nz = calloc(1, sizeof(*nz));
	if (!nz || hostmem_init(&nz->hm, HOST_PAGES * CDNA_PAGE_SIZE))
		abort();
	nz->nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	FZ_CHECK(nz->nic, "cdna_nic_new: %s", err);
	img = load(img_path ? img_path : "build/firmware/cdna-fw.img", &len);
	FZ_CHECK(!cdna_nic_flash_program(nz->nic, 0, img, len, err,
					 sizeof(err)), "flash: %s", err);
	free(img);
	cdna_nic_reset(nz->nic);
	for (unsigned i = 0; i < 1000 && mgmt(MGMT_FW_STATE) !=
	     CDNA_FW_STATE_RUNNING; i++)
		nic_run();
	FZ_CHECK(mgmt(MGMT_FW_STATE) == CDNA_FW_STATE_RUNNING,
		 "firmware does not boot: %s",
		 cdna_nic_fw_state_name(mgmt(MGMT_FW_STATE)));

	if (dom_init(&nz->dom, &nz->hm, nz->nic))
		abort();
	dom_create(&nz->dom, TB_DOM0);
	dom_create(&nz->dom, ATT);
	dom_create(&nz->dom, VIC);
	dom_create(&nz->dom, OTHER);
	dom_platform(&nz->dom, &plat);
	plat.nic_attach = p_nic_attach;
	plat.bar2_read = p_bar2_read;
	plat.bar2_write = p_bar2_write;
	plat.now_ns = p_now_ns;
	plat.relax = p_relax;
	plat.notify = p_notify;
	nz->hv = calloc(1, cdna_hv_size());
	if (!nz->hv)
		abort();
	cdna_hv_init(nz->hv, &plat);
	FZ_CHECK(dom0_op(CDNA_OP_REGISTER_NIC, &reg) == 0, "register-NIC");

	for (unsigned i = 0; i < DOM0_PAGES; i++) {
		nz->dom0[i] = dom_alloc(&nz->dom, TB_DOM0, 1, TB_PG_RAM);
		memset(hostmem_ptr(&nz->hm, nz->dom0[i]), 0xd0 + i,
		       CDNA_PAGE_SIZE);
		memcpy(nz->dom0_copy[i], hostmem_ptr(&nz->hm, nz->dom0[i]),
		       CDNA_PAGE_SIZE);
	}
	/* The victim: no broadcast, so only frames for its MAC reach it. */
	memcpy(a.mac, vic_mac, 6);
	FZ_CHECK(dom0_op(CDNA_OP_ASSIGN, &a) == 0, "victim's ASSIGN");
	nz->vic_ctx = a.ctx;
	nz->vic_arg = dom_alloc(&nz->dom, VIC, 1, TB_PG_RAM);
	nz->vic_tx = dom_alloc(&nz->dom, VIC, 1, TB_PG_RAM);
	for (unsigned i = 0; i < VIC_RX; i++)
		nz->vic_rx[i] = dom_alloc(&nz->dom, VIC, 1, TB_PG_RAM);
	for (unsigned i = 0; i <= VIC_PLAIN; i++) {
		nz->vic_plain[i] = dom_alloc(&nz->dom, VIC, 1, i == VIC_PLAIN ?
					     TB_PG_RO : TB_PG_RAM);
		memset(hostmem_ptr(&nz->hm, nz->vic_plain[i]), 0x70 + i,
		       CDNA_PAGE_SIZE);
		memcpy(nz->vic_plain_copy[i],
		       hostmem_ptr(&nz->hm, nz->vic_plain[i]), CDNA_PAGE_SIZE);
	}
	vic_doorbell(CTX_IRQ_ENABLE, 1);
	for (unsigned i = 0; i < VIC_RX; i++)
		vic_post_rx(i);
	for (unsigned i = 0; i < ATT_PAGES; i++)
		nz->att[i] = dom_alloc(&nz->dom, ATT, 1, TB_PG_RAM);
	nz->att_ctx = -1;
	FZ_CHECK(drain() == 0, "the NIC never idles after boot");
}

/* ---- the attacker ------------------------------------------------------- */

static int att_store(uint64_t addr, const void *src, size_t len)
{
	return dom_write(&nz->dom, ATT, addr, src, len);
}

/* Its pages back as they were (a new input, a new attacker): only once
 * the hypervisor holds no reference on them. */
static void att_reset(void)
{
	for (unsigned i = 0; i < ATT_PAGES; i++) {
		struct tb_page *p = page_at(nz->att[i]);

		FZ_CHECK(!p->refs, "attacker page %u still referenced", i);
		if (p->type == TB_PG_XEN) {
			/* Given up, then taken for a context's ring: a new
			 * page instead. */
			nz->att[i] = dom_alloc(&nz->dom, ATT, 1, TB_PG_RAM);
			p = page_at(nz->att[i]);
		}
		p->owner = ATT;
		p->type = i == ATT_PAGES - 1 ? TB_PG_RO :
			  i == ATT_PAGES - 2 ? TB_PG_PAGETABLE : TB_PG_RAM;
		p->granted_to = CDNA_DOMID_NONE;
	}
	dom_create(&nz->dom, ATT);
	nz->att_dead = 0;
}

static int att_assign(uint16_t ctx, uint16_t flags)
{
	struct cdna_op_assign a = { .ctx = ctx, .domid = ATT,
				    .flags = flags & (CDNA_CTXF_BCAST |
						      CDNA_CTXF_MCAST) };

	memcpy(a.mac, att_mac, 6);
	if (nz->att_dead || dom0_op(CDNA_OP_ASSIGN, &a))
		return -1;
	nz->att_ctx = a.ctx;
	return 0;
}

static uint64_t hv_page(uint8_t sel)
{
	unsigned c = sel & 1 && nz->att_ctx >= 0 ? (unsigned)nz->att_ctx :
		     nz->vic_ctx;
	struct hv_ctx *ctx = &nz->hv->ctx[c];

	switch ((sel >> 1) % 4) {
	case 0: return ctx->ring[CDNA_RING_TX].maddr;
	case 1: return ctx->ring[CDNA_RING_RX].maddr;
	case 2: return ctx->status_maddr;
	default: return nz->hv->intvec_maddr;
	}
}

static uint64_t pick_addr(struct fz_in *in)
{
	uint8_t sel = fz_u8(in);
	uint64_t off = fz_u16(in) & 0xfffu;

	switch (sel % 12) {
	case 3: return nz->vic_rx[(sel >> 4) % VIC_RX] + off;
	case 4: return (sel & 0x10 ? nz->vic_tx : nz->vic_plain[(sel >> 5) %
			(VIC_PLAIN + 1)]) + off;
	case 5: return nz->dom0[(sel >> 4) % DOM0_PAGES] + off;
	case 6: return hv_page(sel >> 4) + off;
	case 7:
		switch ((sel >> 4) % 4) {
		case 0: return off;
		case 1: return nz->hm.base + nz->hm.size - off - 1;
		case 2: return TB_BAR0_BASE + off;
		default: return UINT64_MAX - off;
		}
	case 8: return fz_u64(in);
	default: return nz->att[(sel >> 4) % ATT_PAGES] + off;
	}
}

static void att_enqueue(struct fz_in *in)
{
	const struct cdna_hv_caller who = { .domid = ATT };
	struct cdna_guest_buf bufs[CDNA_ENQUEUE_MAX];
	struct cdna_op_enqueue op = { 0 };
	uint8_t how = fz_u8(in);
	uint32_t n = 1 + fz_u8(in) % 8;
	uint64_t arg = nz->att[0];

	op.ctx = how & 0x80 ? fz_u16(in) : nz->att_ctx >= 0 ?
		 (uint16_t)nz->att_ctx : 0;
	op.ring = how & 1 ? CDNA_RING_RX : CDNA_RING_TX;
	op.count = how & 0x40 ? fz_u32(in) : n;
	op.bufs = arg + 1024;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t l = fz_u8(in);

		bufs[i].addr = pick_addr(in);
		bufs[i].len = l % 4 == 0 ? fz_u16(in) : l % 4 == 1 ?
			      CDNA_MAX_FRAME : l % 4 == 2 ? RX_BUF_LEN :
			      (uint16_t)(14 + l);
		bufs[i].flags = op.ring == CDNA_RING_RX ? 0 :
				l & 0x80 ? 0 : CDNA_DESC_EOP;
		bufs[i].pad = 0;
	}
	att_store(op.bufs, bufs, n * sizeof(bufs[0]));
	att_store(arg, &op, sizeof(op));
	if (!cdna_hv_op(nz->hv, &who, CDNA_OP_ENQUEUE, arg))
		nz->att_descs += n;
}

/* A store to a BAR0 page: its own at any offset, or someone else's. */
static void att_doorbell(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	unsigned c = nz->att_ctx >= 0 ? (unsigned)nz->att_ctx : 0;
	uint32_t off, val;
	struct hv_ctx *ctx;
	int rc;

	if (how & 0x80)
		c = how & 0x40 ? nz->vic_ctx : fz_u8(in) % CDNA_NUM_CTX;
	ctx = &nz->hv->ctx[c];
	switch ((how >> 2) % 8) {
	case 0: case 1: off = CTX_TX_PROD; break;
	case 2: case 3: off = CTX_RX_PROD; break;
	case 4: off = CTX_IRQ_ENABLE; break;
	default: off = fz_u16(in) & 0xffcu; break;
	}
	switch (how % 4) {
	case 0: val = ctx->ring[off == CTX_RX_PROD].prod; break;
	case 1: val = ctx->ring[off == CTX_RX_PROD].prod + fz_u8(in); break;
	case 2: val = ctx->ring[off == CTX_RX_PROD].prod - fz_u8(in); break;
	default: val = fz_u32(in); break;
	}
	rc = dom_mmio_write(&nz->dom, ATT, TB_BAR0_BASE + CDNA_BAR0_CTX(c) +
			    off, val);
	nz->att_rings += !rc;
	FZ_CHECK(rc != 0 || (ctx->state == HV_CTX_RUNNING &&
			     ctx->owner == ATT),
		 "the attacker rang ctx %u (owner %u, state %u)", c,
		 ctx->owner, ctx->state);
}

/* Frame bytes in one of its pages. */
static void att_frame_at(struct fz_in *in, uint64_t a)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	uint8_t how = fz_u8(in), f[64];
	const uint8_t *dst, *src;

	switch (how % 6) {
	case 0: dst = vic_mac; break;
	case 1: dst = bcast; break;
	case 2: dst = mcast; break;
	case 3: dst = att_mac; break;
	case 4: dst = far_mac; break;
	default: dst = NULL; break;
	}
	switch ((how >> 3) % 4) {
	case 0: src = vic_mac; break;     /* spoofing */
	case 1: src = far_mac; break;
	case 2: src = NULL; break;
	default: src = att_mac; break;
	}
	for (unsigned i = 0; i < sizeof(f); i++)
		f[i] = fz_u8(in);
	if (dst)
		memcpy(f, dst, 6);
	if (src)
		memcpy(f + 6, src, 6);
	att_store(a, f, sizeof(f));
}

static void att_frame(struct fz_in *in)
{
	uint8_t where = fz_u8(in);

	att_frame_at(in, nz->att[1 + where % 4] + (where >> 2) * 64);
}

/* What a driver does, in one action (the firmware runs in Unicorn, out of
 * the coverage the fuzzer steers by, so it would seldom find the sequence
 * by itself): a frame written into its page, ENQUEUE'd and the doorbell
 * rung with the new producer; or an RX buffer posted and announced. */
static void att_send(struct fz_in *in)
{
	const struct cdna_hv_caller who = { .domid = ATT };
	uint8_t how = fz_u8(in);
	uint64_t arg = nz->att[0], buf = nz->att[1 + how % 3] +
					(fz_u8(in) & 0x1f) * 64;
	struct cdna_guest_buf b = { .addr = buf, .flags = CDNA_DESC_EOP };
	struct cdna_op_enqueue op = {
		.ring = how & 0x80 ? CDNA_RING_RX : CDNA_RING_TX,
		.count = 1, .bufs = arg + 1024,
	};
	struct hv_ctx *ctx;

	if (nz->att_ctx < 0)
		return;
	op.ctx = (uint16_t)nz->att_ctx;
	ctx = &nz->hv->ctx[op.ctx];
	if (op.ring == CDNA_RING_RX) {
		b.len = how & 0x40 ? RX_BUF_LEN : (uint16_t)(14 + fz_u8(in));
		b.flags = 0;
	} else {
		att_frame_at(in, buf);
		b.len = how & 0x40 ? (uint16_t)(14 + fz_u8(in) % 50) :
			(uint16_t)(14 + fz_u16(in) % 1600);
		if (how & 0x20)
			b.addr = nz->att[1 + (how >> 3) % 4];
	}
	att_store(op.bufs, &b, sizeof(b));
	att_store(arg, &op, sizeof(op));
	if (cdna_hv_op(nz->hv, &who, CDNA_OP_ENQUEUE, arg) == 0)
		nz->att_descs++;
	dom_mmio_write(&nz->dom, ATT, TB_BAR0_BASE + CDNA_BAR0_CTX(op.ctx) +
		       (op.ring == CDNA_RING_RX ? CTX_RX_PROD : CTX_TX_PROD),
		       ctx->ring[op.ring].prod);
}

/* A frame from the wire for the attacker (never the victim's address:
 * what the wire sends the victim is the known frame). */
static void wire_frame(struct fz_in *in)
{
	uint8_t f[CDNA_MAX_FRAME + 64];
	uint8_t how = fz_u8(in);
	size_t len = how & 1 ? fz_u16(in) % sizeof(f) : 14 + how;

	memset(f, how, sizeof(f));
	for (unsigned i = 0; i < 24; i++)
		f[i] = fz_u8(in);
	switch ((how >> 1) % 4) {
	case 0: case 1: memcpy(f, att_mac, 6); break;
	case 2: memset(f, 0xff, 6); break;
	default: break;
	}
	if (!memcmp(f, vic_mac, 6))
		f[5] ^= 0x80;
	if (cdna_nic_can_receive(nz->nic) &&
	    !cdna_nic_receive(nz->nic, f, len))
		nz->wire_in++;
}

static void run_some(struct fz_in *in)
{
	unsigned n = 1 + fz_u8(in) % 32;

	for (unsigned i = 0; i < n; i++) {
		nic_run();
		if (nz->irq) {
			nz->irq = 0;
			cdna_hv_interrupt(nz->hv);
		}
	}
}

static void page_games(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	uint64_t a = nz->att[fz_u8(in) % ATT_PAGES];
	struct tb_page *p = page_at(a);

	if (nz->att_dead || p->owner != ATT || p->type == TB_PG_DYING)
		return;
	switch (how % 4) {
	case 0: dom_release(&nz->dom, ATT, a); break;
	case 1: dom_transfer(&nz->dom, a, OTHER); break;
	case 2: dom_set_type(&nz->dom, a, how & 4 ? TB_PG_PAGETABLE :
			     TB_PG_RO); break;
	default: dom_set_type(&nz->dom, a, TB_PG_RAM); break;
	}
}

static void dom0_games(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	struct cdna_op_revoke rv = { .ctx = nz->att_ctx >= 0 ?
				     (uint16_t)nz->att_ctx : 0 };

	if (nz->att_ctx >= 0 && nz->hv->ctx[nz->att_ctx].owner == ATT) {
		FZ_CHECK(dom0_op(CDNA_OP_REVOKE, &rv) == 0,
			 "revoke of the attacker's ctx %u mid-flight", rv.ctx);
		nz->att_ctx = -1;
	}
	if (how & 1)
		att_assign(how & 2 ? CDNA_CTX_ANY : (how >> 2) % CDNA_NUM_CTX,
			   how >> 6);
}

static void att_mgmt(struct fz_in *in)
{
	const struct cdna_hv_caller who = { .domid = ATT };
	static const unsigned cmds[] = {
		CDNA_OP_REGISTER_NIC, CDNA_OP_ASSIGN, CDNA_OP_REVOKE,
		CDNA_OP_STATS,
	};
	uint8_t raw[128];
	uint8_t how = fz_u8(in);
	long rc;

	for (unsigned i = 0; i < sizeof(raw); i++)
		raw[i] = fz_u8(in);
	if (how & 4)   /* the victim's context */
		memcpy(raw, &(uint16_t){ (uint16_t)nz->vic_ctx }, 2);
	rc = cdna_hv_do(nz->hv, &who, cmds[how % 4], raw);
	FZ_CHECK(rc < 0, "the attacker's command %u answered", cmds[how % 4]);
}

static void die(void)
{
	if (nz->att_dead)
		return;
	cdna_hv_domain_gone(nz->hv, ATT);
	for (unsigned i = 0; i < ATT_PAGES; i++)
		dom_release(&nz->dom, ATT, nz->att[i]);
	nz->dom.alive[ATT] = 0;
	nz->att_dead = 1;
	nz->att_ctx = -1;
}

/* ---- one input ---------------------------------------------------------- */

static void check_after(void)
{
	struct hv_ctx *vc = &nz->hv->ctx[nz->vic_ctx];
	uint64_t held = 0;

	FZ_CHECK(mgmt(MGMT_FW_STATE) == CDNA_FW_STATE_RUNNING,
		 "firmware %s: %s at pc 0x%08x",
		 cdna_nic_fw_state_name(mgmt(MGMT_FW_STATE)),
		 cdna_nic_fault_name(mgmt(MGMT_FAULT_CAUSE)),
		 mgmt(MGMT_FAULT_PC));
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++)
		FZ_CHECK(c == nz->vic_ctx ||
			 nz->hv->ctx[c].state == HV_CTX_FREE,
			 "ctx %u left in state %u", c, nz->hv->ctx[c].state);
	for (uint64_t i = 0; i < nz->dom.npages; i++) {
		const struct tb_page *p = &nz->dom.page[i];

		FZ_CHECK(!p->refs || (p->owner == VIC &&
				      p->type == TB_PG_RAM),
			 "page %llu (owner %u type %u) holds %u references",
			 (unsigned long long)i, p->owner, p->type, p->refs);
		held += p->refs;
	}
	FZ_CHECK(held == vc->refs_held &&
		 cdna_hv_refs_held(nz->hv) == vc->refs_held,
		 "references: pages %llu, core %u, victim's ctx %u",
		 (unsigned long long)held, cdna_hv_refs_held(nz->hv),
		 vc->refs_held);
	FZ_CHECK(!nz->dom.bad_puts && !nz->dom.bad_maps, "bad puts/maps");
	FZ_CHECK(!nz->hm.refused && !mgmt(MGMT_DMA_FAULTS),
		 "the NIC's DMA went outside host memory: %llu refused, "
		 "%u faults", (unsigned long long)nz->hm.refused,
		 mgmt(MGMT_DMA_FAULTS));
	FZ_CHECK(!nz->hm.stray_writes, "the NIC wrote where it may not: "
		 "0x%llx", (unsigned long long)nz->hm.first_stray);
	for (unsigned i = 0; i <= VIC_PLAIN; i++)
		FZ_CHECK(!memcmp(hostmem_ptr(&nz->hm, nz->vic_plain[i]),
				 nz->vic_plain_copy[i], CDNA_PAGE_SIZE),
			 "victim's page %u changed", i);
	FZ_CHECK(!memcmp(hostmem_ptr(&nz->hm, nz->vic_tx), nz->tx_frame,
			 sizeof(nz->tx_frame)), "victim's TX page changed");
	for (unsigned i = 0; i < DOM0_PAGES; i++)
		FZ_CHECK(!memcmp(hostmem_ptr(&nz->hm, nz->dom0[i]),
				 nz->dom0_copy[i], CDNA_PAGE_SIZE),
			 "dom0's page %u changed", i);
	vic_reap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	const char *verbose;
	uint8_t first;

	if (!nz)
		boot();
	nz->inputs++;
	vic_traffic();
	att_reset();
	first = fz_u8(&in);
	if (att_assign(first & 0x80 ? CDNA_CTX_ANY : first % CDNA_NUM_CTX,
		       first >> 5))
		att_assign(CDNA_CTX_ANY, 0);
	for (unsigned n = 0; n < MAX_ACTIONS && fz_more(&in); n++) {
		switch (fz_u8(&in) % 12) {
		case 0: att_enqueue(&in); break;
		case 1: att_send(&in); break;
		case 2: case 3: att_doorbell(&in); break;
		case 4: att_frame(&in); break;
		case 5: wire_frame(&in); break;
		case 6: case 7: run_some(&in); break;
		case 8: page_games(&in); break;
		case 9: dom0_games(&in); break;
		case 10: att_mgmt(&in); break;
		default:
			if (fz_u8(&in) % 4 == 0)
				die();
			break;
		}
	}
	/* What the attacker queued is processed (a revoke would stop it
	 * half-way: that is dom0_games' case), then it goes: every context
	 * but the victim's. */
	FZ_CHECK(drain() == 0, "the NIC never idles with the attacker");
	for (uint16_t c = 0; c < CDNA_NUM_CTX; c++) {
		struct cdna_op_revoke rv = { .ctx = c };

		if (c == nz->vic_ctx || nz->hv->ctx[c].state == HV_CTX_FREE)
			continue;
		FZ_CHECK(dom0_op(CDNA_OP_REVOKE, &rv) == 0,
			 "final revoke of ctx %u", c);
	}
	nz->att_ctx = -1;
	FZ_CHECK(drain() == 0, "the NIC never idles after the revoke");
	check_after();
	FZ_CHECK(drain() == 0, "the NIC never idles after the victim's posts");
	verbose = getenv("CDNA_FUZZ_VERBOSE");
	if (verbose && (nz->inputs % 5000 == 0 || verbose[0] == '2'))
		fprintf(stderr, "fuzz_nic: %llu inputs: attacker %llu "
			"descriptors accepted, %llu doorbells, %llu frames on "
			"the wire, %llu to the victim; %llu wire frames taken "
			"for it; %llu guest errors\n",
			(unsigned long long)nz->inputs,
			(unsigned long long)nz->att_descs,
			(unsigned long long)nz->att_rings,
			(unsigned long long)nz->att_wire,
			(unsigned long long)nz->att_to_vic,
			(unsigned long long)nz->wire_in,
			(unsigned long long)nz->guest_errors);
	return 0;
}
