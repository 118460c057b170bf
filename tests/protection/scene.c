/* SPDX-License-Identifier: MIT */
/*
 * scene.c - the stage of the DMA-protection tests (scene.h).
 */
#include "scene.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Host memory: the testbed's guests and hypervisor pages, the attacker's
 * buffers and special pages, the secret pages, and slack for pages the
 * attacks allocate. */
static uint64_t mem_pages(unsigned guests)
{
	return (uint64_t)guests * (TB_GUEST_PAGES + 1) + 3u * CDNA_NUM_CTX +
	       1 + 2 * ATK_PAGES + 4 + KEPT_PAGES + 64;
}

static const uint8_t atk_mac[6] = { 0x02, 0xcd, 0x4a, 0xee, 0xee, 0x01 };

static int setup_attacker(struct scene *s)
{
	struct testbed *tb = &s->tb;
	struct tb_domains *d = &tb->dom;
	long rc;

	dom_create(d, ATK_DOM);
	s->atk_arg = dom_alloc(d, ATK_DOM, 1, TB_PG_RAM);
	s->atk_tx = dom_alloc(d, ATK_DOM, ATK_PAGES, TB_PG_RAM);
	s->atk_rx = dom_alloc(d, ATK_DOM, ATK_PAGES, TB_PG_RAM);
	s->atk_ro = dom_alloc(d, ATK_DOM, 1, TB_PG_RO);
	s->atk_pt = dom_alloc(d, ATK_DOM, 1, TB_PG_PAGETABLE);
	s->atk = (struct cdna_op_assign){ .ctx = ATK_CTX, .domid = ATK_DOM };
	memcpy(s->atk.mac, atk_mac, 6);
	rc = board_dom0_op(tb, CDNA_OP_ASSIGN, &s->atk);
	if (rc) {
		fprintf(stderr, "cdna-protect: assign the attacker: %ld\n", rc);
		return 1;
	}
	tb->foreign_ctx = 1u << ATK_CTX;
	memcpy(tb->wire.untracked_src, atk_mac, 6);
	tb->wire.has_untracked = 1;
	return 0;
}

static void setup_secrets(struct scene *s)
{
	struct testbed *tb = &s->tb;
	static const uint16_t owner[KEPT_PAGES] = {
		1, 2, TB_DOM0, TB_DOM0, CDNA_DOMID_XEN
	};

	for (unsigned i = 0; i < KEPT_PAGES; i++) {
		uint8_t *p;

		s->kept[i] = dom_alloc(&tb->dom, owner[i], 1,
				       owner[i] == CDNA_DOMID_XEN ? TB_PG_XEN :
								   TB_PG_RAM);
		p = hostmem_ptr(&tb->hm, s->kept[i]);
		for (unsigned j = 0; j < CDNA_PAGE_SIZE; j++)
			p[j] = (uint8_t)prng_next(&tb->prng);
		memcpy(s->kept_copy[i], p, CDNA_PAGE_SIZE);
	}
}

int scene_init(struct scene *s, uint64_t frames, uint64_t seed)
{
	struct testbed *tb = &s->tb;
	char nframes[32], nseed[32], err[256];
	char *argv[] = { "cdna-protect", "--guests", "2", "--frames", nframes,
			 "--seed", nseed, "--size", "mix", "--protected",
			 "--quiet", NULL };

	memset(s, 0, sizeof(*s));
	snprintf(nframes, sizeof(nframes), "%" PRIu64, frames);
	snprintf(nseed, sizeof(nseed), "%" PRIu64, seed);
	if (tb_opts_parse(&tb->opts, 11, argv) >= 0)
		return 1;
	tb->nguests = tb->opts.guests;
	prng_seed(&tb->prng, tb->opts.seed);
	if (hostmem_init(&tb->hm, mem_pages(tb->nguests) * CDNA_PAGE_SIZE) ||
	    ledger_init(&tb->ledger, tb->opts.seed,
			tb->opts.frames + 2 * CDNA_RING_SLOTS)) {
		fprintf(stderr, "cdna-protect: out of memory\n");
		return 1;
	}
	if (wire_open(&tb->wire, NULL, &tb->ledger, err, sizeof(err))) {
		fprintf(stderr, "cdna-protect: wire: %s\n", err);
		return 1;
	}
	if (board_boot(tb) || board_start_guests(tb) || setup_attacker(s))
		return 1;
	setup_secrets(s);
	s->base_refs = dom_refs(&tb->dom);
	return 0;
}

void scene_free(struct scene *s)
{
	board_free(&s->tb);
	wire_close(&s->tb.wire);
	ledger_free(&s->tb.ledger);
	hostmem_free(&s->tb.hm);
}

void scene_traffic(struct scene *s, void (*hook)(struct testbed *tb))
{
	s->tb.step_hook = hook;
	s->tb.hook_arg = s;
	traffic_run(&s->tb);
	s->tb.step_hook = NULL;
}

/* ---- the attacker's moves ------------------------------------------------ */

long atk_enqueue(struct scene *s, unsigned ring,
		 const struct cdna_guest_buf *bufs, uint32_t n,
		 struct cdna_op_enqueue *op)
{
	struct testbed *tb = &s->tb;
	const struct cdna_hv_caller who = { .domid = ATK_DOM };
	uint64_t list = s->atk_arg + sizeof(*op);
	long rc;

	*op = (struct cdna_op_enqueue){ .ctx = ATK_CTX, .ring = (uint8_t)ring,
					.count = n, .bufs = list };
	/* The attacker writes its own argument page like any guest. */
	dom_write(&tb->dom, ATK_DOM, s->atk_arg, op, sizeof(*op));
	if (n && n <= CDNA_ENQUEUE_MAX)
		dom_write(&tb->dom, ATK_DOM, list, bufs, n * sizeof(*bufs));
	rc = cdna_hv_op(tb->hv, &who, CDNA_OP_ENQUEUE, s->atk_arg);
	memcpy(op, hostmem_ptr(&tb->hm, s->atk_arg), sizeof(*op));
	if (ring == CDNA_RING_TX)
		s->atk_tx_prod += op->done;
	else if (ring == CDNA_RING_RX)
		s->atk_rx_prod += op->done;
	return rc;
}

void atk_expect_refused(struct scene *s, const char *what, long rc,
			const struct cdna_op_enqueue *op,
			enum cdna_hv_refusal reason)
{
	if (rc < 0 && op->done == 0 && op->reason == (uint32_t)reason)
		return;
	if (!s->violated)
		snprintf(s->why, sizeof(s->why), "%s: returned %ld, %u "
			 "accepted, reason %u (want %u)", what, rc, op->done,
			 op->reason, reason);
	s->violated = 1;
}

uint64_t atk_ctx_reg(unsigned ctx, uint32_t reg)
{
	return TB_BAR0_BASE + CDNA_BAR0_CTX(ctx) + reg;
}

int atk_store(struct scene *s, uint64_t addr, uint32_t val)
{
	return dom_mmio_write(&s->tb.dom, ATK_DOM, addr, val);
}

uint32_t atk_send(struct scene *s, uint32_t n, uint32_t len)
{
	struct cdna_guest_buf b[CDNA_ENQUEUE_MAX];
	struct cdna_op_enqueue op;
	uint32_t sent = 0;

	while (sent < n) {
		uint32_t k = n - sent < CDNA_ENQUEUE_MAX ? n - sent :
							   CDNA_ENQUEUE_MAX;

		for (uint32_t i = 0; i < k; i++) {
			uint32_t slot = (s->atk_tx_prod + i) % (ATK_PAGES * 2);
			uint64_t addr = s->atk_tx + slot * 2048u;
			uint8_t frame[64] = { 0 };

			/* To the far end, from its own MAC: legitimate. */
			tb_node_mac(TB_WIRE, frame);
			memcpy(frame + 6, atk_mac, 6);
			frame[12] = 0x88;
			frame[13] = 0xb6;
			dom_write(&s->tb.dom, ATK_DOM, addr, frame,
				  sizeof(frame));
			b[i] = (struct cdna_guest_buf){
				.addr = addr, .len = (uint16_t)len,
				.flags = CDNA_DESC_EOP };
		}
		if (atk_enqueue(s, CDNA_RING_TX, b, k, &op) || op.done != k) {
			sent += op.done;
			break;
		}
		sent += k;
	}
	if (sent) {
		s->atk_calls_ok++;
		atk_store(s, atk_ctx_reg(ATK_CTX, CTX_TX_PROD), s->atk_tx_prod);
	}
	return sent;
}

long atk_revoke(struct scene *s, struct cdna_op_revoke *r)
{
	*r = (struct cdna_op_revoke){ .ctx = ATK_CTX };
	return board_dom0_op(&s->tb, CDNA_OP_REVOKE, r);
}

uint32_t hv_refused(struct scene *s, unsigned ctx, enum cdna_hv_refusal r)
{
	struct cdna_op_stats st = { .ctx = (uint16_t)ctx };

	return board_dom0_op(&s->tb, CDNA_OP_STATS, &st) ? 0 : st.refused[r];
}

uint32_t nic_refused(struct scene *s, unsigned ctx, enum cdna_refusal r)
{
	struct tb_ctx_stats st;

	board_ctx_stats(&s->tb, ctx, &st);
	return st.refused[r];
}

/* ---- the verdicts -------------------------------------------------------- */

uint64_t scene_kept_changed(const struct scene *s)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < KEPT_PAGES; i++) {
		const uint8_t *p = hostmem_ptr(&s->tb.hm, s->kept[i]);

		for (unsigned j = 0; j < CDNA_PAGE_SIZE; j++)
			n += p[j] != s->kept_copy[i][j];
	}
	return n;
}

uint64_t scene_leaked_refs(struct scene *s)
{
	struct testbed *tb = &s->tb;

	for (unsigned c = 0; c < CDNA_NUM_CTX; c++) {
		struct cdna_op_revoke r = { .ctx = (uint16_t)c };

		board_dom0_op(tb, CDNA_OP_REVOKE, &r);
	}
	return dom_refs(&tb->dom) + cdna_hv_refs_held(tb->hv) +
	       tb->dom.bad_puts;
}

int scene_traffic_intact(struct scene *s, char *why, size_t len)
{
	struct testbed *tb = &s->tb;
	const struct tb_ledger *l = &tb->ledger;

	report_check(tb);
	if (ledger_error_total(l)) {
		snprintf(why, len, "%" PRIu64 " errors in the well-behaved "
			 "guests' traffic (stderr)", ledger_error_total(l));
		return 0;
	}
	if (!l->deliveries_due || l->deliveries_made != l->deliveries_due) {
		snprintf(why, len, "%" PRIu64 " of %" PRIu64 " deliveries",
			 l->deliveries_made, l->deliveries_due);
		return 0;
	}
	snprintf(why, len, "%" PRIu64 " deliveries", l->deliveries_made);
	return 1;
}
