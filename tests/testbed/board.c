/* SPDX-License-Identifier: MIT */
/*
 * board.c - the NIC as the testbed's host sees it: the model's callbacks,
 * flashing and booting, running it until it waits, the interrupt vector
 * and the statistics registers.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_check.h"
#include "testbed.h"

/* cdna_nic_run calls a boot may take before the firmware says RUNNING. */
#define BOOT_RUNS      1000
/* cdna_nic_run calls with frames queued that the NIC does not take. */
#define STALL_RUNS     1000

/* ---- callbacks ---------------------------------------------------------- */

static int cb_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct testbed *tb = opaque;

	return hostmem_dma_read(&tb->hm, addr, buf, len);
}

static int cb_dma_write(void *opaque, uint64_t addr, const void *buf,
			size_t len)
{
	struct testbed *tb = opaque;

	return hostmem_dma_write(&tb->hm, addr, buf, len);
}

static void cb_wire_tx(void *opaque, const uint8_t *frame, size_t len)
{
	struct testbed *tb = opaque;

	wire_from_nic(&tb->wire, &tb->clock, frame, len);
}

static void cb_set_irq(void *opaque, int level)
{
	struct testbed *tb = opaque;

	if (level) {
		tb->irqs++;
		tb->irq_seen = 1;
	}
}

static uint64_t cb_now_us(void *opaque)
{
	struct testbed *tb = opaque;

	return tb_clock_us(&tb->clock);
}

static void cb_log(void *opaque, enum cdna_nic_log_level level,
		   const char *msg)
{
	struct testbed *tb = opaque;

	switch (level) {
	case CDNA_LOG_GUEST_ERROR:
		/* The testbed plays by the rules: this is a bug somewhere. */
		ledger_error(&tb->ledger, TB_ERR_NIC, "model reports a guest "
			     "error: %s", msg);
		break;
	case CDNA_LOG_UNIMP:
		fprintf(stderr, "cdna-testbed: model: unimplemented: %s\n", msg);
		break;
	case CDNA_LOG_INFO:
	case CDNA_LOG_FW_CONSOLE:
		if (tb->opts.verbose)
			fprintf(stderr, "cdna-testbed: %s: %s\n",
				level == CDNA_LOG_INFO ? "model" : "firmware",
				msg);
		break;
	}
}

static void cb_kick(void *opaque)
{
	struct testbed *tb = opaque;

	tb->kicked = 1;
}

/* ---- boot --------------------------------------------------------------- */

uint32_t board_mgmt(struct testbed *tb, uint32_t reg)
{
	return (uint32_t)cdna_nic_bar_read(tb->nic, 2, CDNA_BAR2_MGMT + reg, 4);
}

/* The whole file, at most max bytes plus one (so that "too large" shows). */
static void *load_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	*len = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int flash_image(struct testbed *tb)
{
	const char *path = tb->opts.image;
	char err[256];
	size_t len = 0;
	void *img = load_file(path, CDNA_FLASH_BANK_SIZE, &len);
	int rc;

	if (!img) {
		fprintf(stderr, "cdna-testbed: cannot read image %s: %s\n",
			path, strerror(errno));
		return 1;
	}
	rc = cdna_nic_flash_program(tb->nic, 0, img, len, err, sizeof(err));
	free(img);
	if (rc) {
		fprintf(stderr, "cdna-testbed: cannot flash %s into bank 0: "
			"%s\n", path, err);
		return 1;
	}
	/* The boot ROM runs at reset: boot the image just written. */
	cdna_nic_reset(tb->nic);
	return 0;
}

/* Why the NIC runs no firmware, from BAR2, with the boot ROM's words;
 * cdna_nic_get_info must tell the same story. */
static void explain_boot(struct testbed *tb, uint32_t state)
{
	uint32_t why = board_mgmt(tb, MGMT_BOOT_ERROR);
	struct cdna_nic_info info;

	if (state == CDNA_FW_STATE_NO_FW)
		fprintf(stderr, "cdna-testbed: no valid firmware: bank 0: %s; "
			"bank 1: %s\n",
			cdna_image_strerror((enum cdna_image_error)(why & 0xff)),
			cdna_image_strerror((enum cdna_image_error)
						    ((why >> 8) & 0xff)));
	else if (state == CDNA_FW_STATE_FAULT)
		fprintf(stderr, "cdna-testbed: firmware fault: %s at pc "
			"0x%08x\n",
			cdna_nic_fault_name(board_mgmt(tb, MGMT_FAULT_CAUSE)),
			board_mgmt(tb, MGMT_FAULT_PC));
	else
		fprintf(stderr, "cdna-testbed: firmware not running: %s\n",
			cdna_nic_fw_state_name(state));
	cdna_nic_get_info(tb->nic, &info);
	if (info.fw_state != state || info.boot_error[0] != (why & 0xff) ||
	    info.boot_error[1] != ((why >> 8) & 0xff))
		fprintf(stderr, "cdna-testbed: and cdna_nic_get_info disagrees "
			"with BAR2: state %u, boot errors %u and %u\n",
			info.fw_state, info.boot_error[0], info.boot_error[1]);
}

int board_boot(struct testbed *tb)
{
	static const struct cdna_nic_ops ops_template = {
		.dma_read = cb_dma_read,
		.dma_write = cb_dma_write,
		.wire_tx = cb_wire_tx,
		.set_irq = cb_set_irq,
		.now_us = cb_now_us,
		.log = cb_log,
		.kick = cb_kick,
	};
	struct cdna_nic_ops ops = ops_template;
	struct cdna_nic_config cfg = { .flash_path = tb->opts.flash };
	char err[256];
	uint32_t state = CDNA_FW_STATE_RESET;

	ops.opaque = tb;
	tb->nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	if (!tb->nic) {
		fprintf(stderr, "cdna-testbed: cannot create the NIC: %s\n",
			err);
		return 1;
	}
	if (tb->opts.image && flash_image(tb))
		return 1;
	for (int i = 0; i < BOOT_RUNS; i++) {
		state = board_mgmt(tb, MGMT_FW_STATE);
		if (state != CDNA_FW_STATE_RESET &&
		    state != CDNA_FW_STATE_BOOTING)
			break;
		cdna_nic_run(tb->nic);
		tb_clock_run(&tb->clock);
	}
	if (state != CDNA_FW_STATE_RUNNING) {
		explain_boot(tb, state);
		return 1;
	}
	if (board_mgmt(tb, MGMT_ID) != CDNA_HW_ID ||
	    board_mgmt(tb, MGMT_NUM_CTX) != CDNA_NUM_CTX) {
		fprintf(stderr, "cdna-testbed: BAR2 identity 0x%08x with %u "
			"contexts, want 0x%08x with %u\n",
			board_mgmt(tb, MGMT_ID), board_mgmt(tb, MGMT_NUM_CTX),
			CDNA_HW_ID, CDNA_NUM_CTX);
		return 1;
	}
	return 0;
}

/* ---- contexts ----------------------------------------------------------- */

static void hv_wr(struct testbed *tb, uint32_t reg, uint32_t val)
{
	cdna_nic_bar_write(tb->nic, 2, CDNA_BAR2_HV + reg, val, 4);
}

static uint32_t bar0_rd(struct testbed *tb, unsigned ctx, uint32_t reg)
{
	return (uint32_t)cdna_nic_bar_read(tb->nic, 0, CDNA_BAR0_CTX(ctx) + reg,
					   4);
}

/* What BAR0 page c says of its context, against what the guest set. */
static int check_ctx_page(struct testbed *tb, const struct tb_guest *g)
{
	uint32_t st = bar0_rd(tb, g->ctx, CTX_STATUS);
	uint32_t lo = bar0_rd(tb, g->ctx, CTX_MAC_LO);
	uint32_t hi = bar0_rd(tb, g->ctx, CTX_MAC_HI);
	uint32_t idx = bar0_rd(tb, g->ctx, CTX_INDEX);

	if (CTX_STATUS_STATE(st) != CDNA_CTX_STATE_RUNNING ||
	    !(st & CTX_STATUS_LINK_UP) || !(st & CTX_STATUS_FW_UP) ||
	    lo != guest_mac_lo(g) || (hi & 0xffffu) != guest_mac_hi(g) ||
	    idx != g->ctx) {
		fprintf(stderr, "cdna-testbed: ctx %u: BAR0 says status 0x%x, "
			"MAC 0x%08x:0x%04x, index %u; want RUNNING, link and "
			"firmware up, MAC 0x%08x:0x%04x, index %u\n", g->ctx,
			st, lo, hi, idx, guest_mac_lo(g), guest_mac_hi(g),
			g->ctx);
		return 1;
	}
	return 0;
}

/* ---- protected mode: the hypervisor core over the NIC ------------------- */

static struct testbed *tb_of_dom(void *opaque)
{
	return (struct testbed *)((char *)opaque -
				  offsetof(struct testbed, dom));
}

static int hvp_nic_attach(void *opaque, uint64_t bar0, uint64_t bar2)
{
	(void)opaque;
	return bar0 == TB_BAR0_BASE && bar2 == TB_BAR2_BASE ? 0 : -1;
}

static uint32_t hvp_bar2_read(void *opaque, uint32_t off)
{
	return (uint32_t)cdna_nic_bar_read(tb_of_dom(opaque)->nic, 2, off, 4);
}

static void hvp_bar2_write(void *opaque, uint32_t off, uint32_t val)
{
	cdna_nic_bar_write(tb_of_dom(opaque)->nic, 2, off, val, 4);
}

static uint64_t hvp_now_ns(void *opaque)
{
	return tb_of_dom(opaque)->clock.ns;
}

/* The hypervisor waits on the NIC: in one thread, that is running it. */
static void hvp_relax(void *opaque)
{
	struct testbed *tb = tb_of_dom(opaque);

	if (tb->relax_hook)
		tb->relax_hook(tb);
	cdna_nic_run(tb->nic);
	tb->runs++;
	tb_clock_run(&tb->clock);
}

static void hvp_notify(void *opaque, uint16_t domid, unsigned ctx,
		       uint32_t port)
{
	struct testbed *tb = tb_of_dom(opaque);

	/* Guests are domains 1.., context c's port is c+1 (dom_platform). */
	if (port != ctx + 1u || domid == TB_DOM0)
		ledger_error(&tb->ledger, TB_ERR_DRIVER, "hypervisor notified "
			     "domain %u on port %u for ctx %u", domid, port,
			     ctx);
	tb->hv_news |= 1u << ctx;
	tb->hv_notifies++;
}

long board_dom0_op(struct testbed *tb, unsigned int cmd, void *op)
{
	static const struct cdna_hv_caller dom0 = { .domid = TB_DOM0,
						    .privileged = 1 };

	return cdna_hv_do(tb->hv, &dom0, cmd, op);
}

/* The hypervisor core on the simulated domains, the NIC registered. */
static int hv_start(struct testbed *tb)
{
	struct cdna_hv_platform plat;
	struct cdna_op_register_nic reg = { .bar0 = TB_BAR0_BASE,
					    .bar2 = TB_BAR2_BASE };
	long rc;

	if (dom_init(&tb->dom, &tb->hm, tb->nic))
		return 1;
	dom_create(&tb->dom, TB_DOM0);
	dom_platform(&tb->dom, &plat);
	plat.nic_attach = hvp_nic_attach;
	plat.bar2_read = hvp_bar2_read;
	plat.bar2_write = hvp_bar2_write;
	plat.now_ns = hvp_now_ns;
	plat.relax = hvp_relax;
	plat.notify = hvp_notify;
	tb->hv = calloc(1, cdna_hv_size());
	if (!tb->hv)
		return 1;
	cdna_hv_init(tb->hv, &plat);
	rc = board_dom0_op(tb, CDNA_OP_REGISTER_NIC, &reg);
	if (rc || reg.num_ctx != CDNA_NUM_CTX) {
		fprintf(stderr, "cdna-testbed: register-NIC: %ld, %u contexts\n",
			rc, reg.num_ctx);
		return 1;
	}
	/* Where the core put the vector (the coalescing check reads it). */
	tb->intvec = cdna_nic_bar_read(tb->nic, 2, CDNA_BAR2_HV + HV_INTVEC_LO,
				       8);
	return 0;
}

/* Guest c is domain c+1, given context c by dom0's ASSIGN. */
static int start_protected_guest(struct testbed *tb, unsigned c)
{
	struct tb_guest *g = &tb->guest[c];
	struct cdna_op_assign a = { .ctx = (uint16_t)c,
				    .domid = (uint16_t)(c + 1),
				    .flags = CDNA_CTXF_BCAST };
	long rc;

	dom_create(&tb->dom, a.domid);
	guest_init_protected(g, tb->nic, &tb->dom, tb->hv, c, a.domid);
	g->check_overrun = !tb->opts.bench;
	memcpy(a.mac, g->mac, 6);
	rc = board_dom0_op(tb, CDNA_OP_ASSIGN, &a);
	if (rc || a.ctx != c) {
		fprintf(stderr, "cdna-testbed: assign ctx %u to domain %u: "
			"%ld\n", c, a.domid, rc);
		return 1;
	}
	guest_attach(g, &a);
	return 0;
}

int board_start_guests(struct testbed *tb)
{
	if (tb->opts.protected_mode) {
		if (hv_start(tb))
			return 1;
		for (unsigned c = 0; c < tb->nguests; c++)
			if (start_protected_guest(tb, c))
				return 1;
		for (unsigned c = 0; c < tb->nguests; c++) {
			if (check_ctx_page(tb, &tb->guest[c]))
				return 1;
			guest_start(&tb->guest[c]);
		}
		return board_drain(tb) ? 1 : 0;
	}
	tb->intvec = hostmem_alloc(&tb->hm, 1, HM_NIC_WRITES);
	hv_wr(tb, HV_INTVEC_LO, (uint32_t)tb->intvec);
	hv_wr(tb, HV_INTVEC_HI, (uint32_t)(tb->intvec >> 32));
	hv_wr(tb, HV_INT_CONS, 0);
	/* The testbed reads the vector after every drain anyway; without
	 * coalescing (the default) an interrupt must come with every entry. */
	hv_wr(tb, HV_INT_MOD_US, tb->opts.int_mod_us);

	for (unsigned c = 0; c < tb->nguests; c++) {
		/* A fresh seq_base per assignment, as the hypervisor would;
		 * context 0's sequence numbers wrap past 2^32 in its first
		 * lap, where a careless compare would break. */
		uint32_t seq_base = c ? (uint32_t)prng_next(&tb->prng)
				      : UINT32_MAX - 100;

		guest_init(&tb->guest[c], tb->nic, &tb->hm, c, seq_base);
		tb->guest[c].check_overrun = !tb->opts.bench;
		guest_configure(&tb->guest[c], CDNA_CTXF_BCAST);
	}
	if (board_drain(tb))
		return 1;
	for (unsigned c = 0; c < tb->nguests; c++) {
		uint32_t state = guest_state(&tb->guest[c]);

		if (state != CDNA_CTX_STATE_RUNNING) {
			fprintf(stderr, "cdna-testbed: ctx %u did not start: "
				"state %u after ENABLE\n", c, state);
			return 1;
		}
		if (check_ctx_page(tb, &tb->guest[c]))
			return 1;
		guest_start(&tb->guest[c]);
	}
	return board_drain(tb) ? 1 : 0;
}

/* ---- running ------------------------------------------------------------ */

int board_drain(struct testbed *tb)
{
	unsigned idle = 0;

	for (;;) {
		unsigned sent;

		tb->kicked = 0;
		cdna_nic_run(tb->nic);
		tb->runs++;
		tb_clock_run(&tb->clock);
		sent = wire_inject(&tb->wire, tb->nic, &tb->clock);
		if (sent || tb->kicked) {
			idle = 0;
			continue;
		}
		if (!wire_queued(&tb->wire))
			return 0;
		if (++idle == STALL_RUNS) {
			ledger_error(&tb->ledger, TB_ERR_NIC, "the NIC takes no "
				     "frames from the wire (%u queued, "
				     "can_receive %u, firmware %s)",
				     wire_queued(&tb->wire),
				     cdna_nic_can_receive(tb->nic),
				     cdna_nic_fw_state_name(board_mgmt(
					     tb, MGMT_FW_STATE)));
			return -1;
		}
	}
}

uint32_t board_take_irqs(struct testbed *tb)
{
	uint32_t mask = 0, prod;
	int had_irq;

	if (!tb->irq_seen && tb->opts.int_mod_us &&
	    hostmem_rd32(&tb->hm, tb->intvec) != tb->int_cons) {
		/* Coalesced: the interrupt is due within HV_INT_MOD_US. */
		tb->clock.ns += (uint64_t)tb->opts.int_mod_us * 1000u;
		cdna_nic_run(tb->nic);
		tb->runs++;
	}
	had_irq = tb->irq_seen;
	tb->irq_seen = 0;
	if (tb->hv) {
		/* The hypervisor takes the interrupt and notifies owners. */
		if (had_irq)
			cdna_hv_interrupt(tb->hv);
		mask = tb->hv_news;
		tb->hv_news = 0;
		return mask;
	}
	while ((prod = hostmem_rd32(&tb->hm, tb->intvec)) != tb->int_cons) {
		if (prod - tb->int_cons > CDNA_INTVEC_SLOTS) {
			ledger_error(&tb->ledger, TB_ERR_DRIVER, "interrupt "
				     "vector producer %u is more than a ring "
				     "past the consumer %u", prod,
				     tb->int_cons);
			tb->int_cons = prod;
		}
		for (; tb->int_cons != prod; tb->int_cons++)
			mask |= hostmem_rd32(&tb->hm, tb->intvec +
				offsetof(struct cdna_intvec, mask) +
				4u * (tb->int_cons % CDNA_INTVEC_SLOTS));
		/* The NIC may append what it held back for lack of room. */
		hv_wr(tb, HV_INT_CONS, tb->int_cons);
		if (!had_irq && !tb->irq_seen)
			ledger_error(&tb->ledger, TB_ERR_DRIVER, "interrupt "
				     "vector entries up to %u without an "
				     "interrupt", prod);
		had_irq = 1;
	}
	if (tb->nguests < CDNA_NUM_CTX && (mask >> tb->nguests))
		ledger_error(&tb->ledger, TB_ERR_DRIVER, "interrupt for "
			     "contexts 0x%08x, which have no guest",
			     mask & ~((1u << tb->nguests) - 1));
	return mask;
}

void board_service(struct testbed *tb, const struct tb_rx_sink *sink,
		   uint32_t taken)
{
	uint32_t mask = taken | board_take_irqs(tb);

	for (unsigned c = 0; c < tb->nguests; c++) {
		struct tb_guest *g = &tb->guest[c];

		if (!(mask & (1u << c))) {
			if (!guest_has_news(g))
				continue;
			ledger_error(&tb->ledger, TB_ERR_DRIVER, "ctx %u: "
				     "completions no interrupt announced", c);
		}
		guest_reap_tx(g, sink);
		guest_reap_rx(g, sink);
	}
}

void board_free(struct testbed *tb)
{
	if (tb->hv) {
		cdna_hv_fini(tb->hv);
		free(tb->hv);
		tb->hv = NULL;
		dom_free(&tb->dom);
	}
	if (tb->nic)
		cdna_nic_free(tb->nic);
	tb->nic = NULL;
}

/* ---- statistics (BAR2 page 2) ------------------------------------------- */

static uint32_t stat_rd(struct testbed *tb, unsigned ctx, uint32_t reg)
{
	return (uint32_t)cdna_nic_bar_read(tb->nic, 2, MGMT_STATS(ctx) + reg, 4);
}

/* A 64-bit counter: high, low, high again, retried if it moved. */
static uint64_t stat_rd64(struct testbed *tb, unsigned ctx, uint32_t lo_reg)
{
	uint32_t hi, lo;

	do {
		hi = stat_rd(tb, ctx, lo_reg + 4);
		lo = stat_rd(tb, ctx, lo_reg);
	} while (stat_rd(tb, ctx, lo_reg + 4) != hi);
	return (uint64_t)hi << 32 | lo;
}

void board_ctx_stats(struct testbed *tb, unsigned ctx, struct tb_ctx_stats *st)
{
	uint32_t lo = board_mgmt(tb, MGMT_CTX(ctx) + MGMT_CTX_MAC_LO);
	uint32_t hi = board_mgmt(tb, MGMT_CTX(ctx) + MGMT_CTX_MAC_HI);

	memset(st, 0, sizeof(*st));
	st->tx_frames = stat_rd(tb, ctx, STAT_TX_FRAMES);
	st->rx_frames = stat_rd(tb, ctx, STAT_RX_FRAMES);
	st->tx_bytes = stat_rd64(tb, ctx, STAT_TX_BYTES_LO);
	st->rx_bytes = stat_rd64(tb, ctx, STAT_RX_BYTES_LO);
	for (unsigned r = 0; r < CDNA_REFUSE_NUM; r++) {
		st->refused[r] = stat_rd(tb, ctx, STAT_REFUSED(r));
		st->refused_total += st->refused[r];
	}
	for (unsigned d = 0; d < CDNA_DROP_NUM; d++) {
		st->dropped[d] = stat_rd(tb, ctx, STAT_DROPPED(d));
		st->dropped_total += st->dropped[d];
	}
	for (int i = 0; i < 4; i++)
		st->mac[i] = (uint8_t)(lo >> (8 * i));
	st->mac[4] = (uint8_t)hi;
	st->mac[5] = (uint8_t)(hi >> 8);
}
