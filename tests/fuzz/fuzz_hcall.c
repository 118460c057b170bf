/* SPDX-License-Identifier: MIT */
/*
 * fuzz_hcall.c - libFuzzer harness over the hypervisor's validation core
 * (hypervisor-protect/core/) on simulated domains with a stand-in BAR2
 * (tests/lib/hv_fake.h): no NIC, so thousands of inputs a second.
 *
 * Each input is a fresh machine: dom0, a victim guest with a context of
 * its own (it never posts), and an attacker guest with a context.  The
 * input is decoded into a sequence of actions (fuzz_input.h), nearly all
 * of them the attacker's: ENQUEUE with buffers anywhere (its own pages of
 * every type, the victim's, dom0's, the hypervisor's rings, outside
 * memory, random), malformed fields and bogus buffer lists, through
 * cdna_hv_op (structure in guest memory) or cdna_hv_do; the management
 * commands, which must be refused; giving its pages up, away or a new
 * type while they are referenced; dying.  The rest is the machine's: the
 * "NIC" writing any consumer index (past the producer too) and any
 * interrupt vector, hanging on revoke or enable, and dom0 revoking and
 * re-assigning the attacker's context.
 *
 * After every action (cheap) and every input (the rest) it checks:
 *   - each descriptor in [clean, prod) of every ring is the one the core
 *     wrote when it accepted it, it names a page the poster owned then
 *     (RX: ordinary writable RAM; TX: not the hypervisor's, not free),
 *     and that page still holds the reference: every page's reference
 *     counts equal exactly what the rings hold, cdna_hv_refs_held equals
 *     dom_refs, and no free page is referenced;
 *   - a domain has a context's rings and doorbell page mapped exactly
 *     while it owns the running context; notifications go to owners;
 *   - refused commands change no context; the platform saw no bad put or
 *     map (struct tb_domains);
 *   - the victim's and dom0's pages are byte for byte as they were;
 *   - after a final revoke of everything: no reference anywhere.
 * A failure aborts, so libFuzzer saves the input (README.md).
 *
 * The harness reads the core's private state (hv_priv.h) to know each
 * ring's clean/prod window: the invariants are about that window.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "hv_fake.h"
#include "hv_priv.h"

#define ATT         1u     /* the attacker's domain */
#define VIC         2u     /* the victim's */
#define OTHER       3u     /* a bystander that receives transfers */
#define NDOMS       4u
#define HOST_PAGES  192u   /* enough for every context's pages */
#define ATT_MAX     12u    /* attacker pages tracked */
#define VIC_PAGES   6u
#define DOM0_PAGES  4u
#define MAX_ACTIONS 96u
/* Revokes or assigns that may run into the simulated timeout (200 ms of
 * 10 us relaxes): each costs a few milliseconds of real time. */
#define MAX_HANGS   3u

struct shadow_slot {
	uint8_t desc[16];          /* as the core wrote it */
	uint64_t frame;
};

struct fz {
	struct hv_fake f;
	uint64_t att[ATT_MAX];     /* attacker pages (may be given away) */
	unsigned natt;
	uint64_t arg;              /* attacker's argument page (att[0]) */
	uint64_t vic[VIC_PAGES];
	uint64_t dom0[DOM0_PAGES];
	uint8_t vic_copy[VIC_PAGES][CDNA_PAGE_SIZE];
	uint8_t dom0_copy[DOM0_PAGES][CDNA_PAGE_SIZE];
	int att_ctx, vic_ctx;      /* -1: none */
	int att_dead;
	unsigned hangs;
	/* Per context and ring: the slots of [clean, prod) as accepted. */
	struct shadow_slot shadow[CDNA_NUM_CTX][2][CDNA_RING_SLOTS];
	/* A TX frame's open fragments, as the accepted descriptors say. */
	uint32_t open_len[CDNA_NUM_CTX], open_frags[CDNA_NUM_CTX];
};

static struct fz *fz;

/* The checks' own loops are left out of the coverage the fuzzer steers
 * by: they are the same for every input and, traced, took half the time. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

NO_COVERAGE static struct hv_ctx *core_ctx(unsigned c)
{
	return &fz->f.hv->ctx[c];
}

static struct tb_page *page_at(uint64_t addr)
{
	struct tb_domains *d = &fz->f.dom;

	if (addr < d->hm->base || addr - d->hm->base >= d->hm->size)
		return NULL;
	return &d->page[(addr - d->hm->base) / CDNA_PAGE_SIZE];
}

/* A page of recognisable bytes, different per seed (the patterns are
 * made once: filling pages byte by byte was most of an input's time). */
static void fill(uint64_t addr, uint8_t seed, uint8_t *copy)
{
	static uint8_t pattern[CDNA_PAGE_SIZE + 256];
	static int made;
	uint8_t *p = hostmem_ptr(&fz->f.hm, addr);

	if (!made) {
		for (unsigned i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(i * 11u + (i >> 8) * 7u + 1u);
		made = 1;
	}
	memcpy(p, pattern + seed, CDNA_PAGE_SIZE);
	if (copy)
		memcpy(copy, p, CDNA_PAGE_SIZE);
}

/* ---- choices ------------------------------------------------------------ */

/* A hypervisor page the attacker might name: rings, status, the vector. */
static uint64_t hv_page(uint8_t sel)
{
	unsigned c = sel & 1 ? (fz->att_ctx >= 0 ? (unsigned)fz->att_ctx : 0) :
		     (fz->vic_ctx >= 0 ? (unsigned)fz->vic_ctx : 1);
	struct hv_ctx *ctx = core_ctx(c);

	switch ((sel >> 1) % 4) {
	case 0: return ctx->ring[CDNA_RING_TX].maddr;
	case 1: return ctx->ring[CDNA_RING_RX].maddr;
	case 2: return ctx->status_maddr;
	default: return fz->f.hv->intvec_maddr;
	}
}

/* A buffer address: mostly the attacker's own pages, then everyone
 * else's, the hypervisor's, MMIO, outside memory and noise. */
static uint64_t pick_addr(struct fz_in *in)
{
	uint8_t sel = fz_u8(in);
	uint64_t off = fz_u16(in) & 0x1fffu;
	const struct hostmem *hm = &fz->f.hm;

	switch (sel % 16) {
	case 4: return fz->vic[(sel >> 4) % VIC_PAGES] + off;
	case 5: return fz->dom0[(sel >> 4) % DOM0_PAGES] + off;
	case 6: return hv_page(sel >> 4) + (off & 0xfff);
	case 7: return TB_BAR0_BASE + CDNA_BAR0_CTX((sel >> 4) % CDNA_NUM_CTX);
	case 8:
		switch ((sel >> 4) % 8) {
		case 0: return off;
		case 1: return hm->base - CDNA_PAGE_SIZE + (off & 0xfff);
		case 2: return hm->base + hm->size - (off & 0xfff) - 1;
		case 3: return hm->base + hm->size + off;
		case 4: return UINT64_MAX - (off & 0xfff);
		case 5: return (uint64_t)1 << 52 | hm->base;
		case 6: return hm->base + hm->used - CDNA_PAGE_SIZE + off;
		default: return (uint64_t)0xffffffff00000000ull | hm->base;
		}
	case 9: return fz_u64(in);
	default: return fz->att[(sel >> 4) % fz->natt] + (off & 0xfff);
	}
}

static uint16_t pick_len(struct fz_in *in)
{
	uint8_t s = fz_u8(in);

	switch (s % 8) {
	case 0: return 1;
	case 1: return CDNA_MIN_FRAME;
	case 2: return (uint16_t)(60 + (s >> 3));
	case 3: return CDNA_MAX_FRAME;
	case 4: return CDNA_PAGE_SIZE;
	case 5: return CDNA_PAGE_SIZE + 1;
	case 6: return 0;
	default: return fz_u16(in);
	}
}

static uint16_t pick_flags(struct fz_in *in)
{
	uint8_t s = fz_u8(in);

	switch (s % 4) {
	case 0: return CDNA_DESC_EOP;
	case 1: return 0;
	case 2: return CDNA_DESC_EOP | CDNA_DESC_DONE;
	default: return fz_u16(in);
	}
}

static uint16_t pick_ctx(struct fz_in *in)
{
	uint8_t s = fz_u8(in);

	switch (s % 8) {
	case 5: return fz->vic_ctx >= 0 ? (uint16_t)fz->vic_ctx : 0;
	case 6: return (uint16_t)(s >> 3);   /* any of 0..31 */
	case 7: return fz_u16(in);
	default: return fz->att_ctx >= 0 ? (uint16_t)fz->att_ctx :
			(uint16_t)(s >> 3);
	}
}

/* ---- invariants --------------------------------------------------------- */

/* Whether domid has ctx c's pages mapped (rings and status read only,
 * the BAR0 page as MMIO): all of them, none, or -1 for a mix. */
NO_COVERAGE static int mapped(uint16_t domid, unsigned c)
{
	struct tb_domains *d = &fz->f.dom;
	struct hv_ctx *ctx = core_ctx(c);
	int n = 0;

	if (ctx->ring[0].slots) {
		uint64_t pg[3] = { ctx->ring[0].maddr, ctx->ring[1].maddr,
				   ctx->status_maddr };

		for (unsigned i = 0; i < 3; i++)
			n += d->ro_map[domid][(pg[i] - d->hm->base) /
					      CDNA_PAGE_SIZE];
	}
	n += !!(d->mmio[domid] & (1u << c));
	return n == 0 ? 0 : n == (ctx->ring[0].slots ? 4 : 1) ? 1 : -1;
}

NO_COVERAGE static void check_state(const char *after)
{
	struct tb_domains *d = &fz->f.dom;
	static uint32_t want[HOST_PAGES], want_w[HOST_PAGES];
	uint64_t total = 0;

	FZ_CHECK(d->npages <= HOST_PAGES, "after %s", after);
	memset(want, 0, sizeof(want));
	memset(want_w, 0, sizeof(want_w));
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++) {
		struct hv_ctx *ctx = core_ctx(c);

		for (unsigned r = 0; r < 2; r++) {
			struct hv_ring *ring = &ctx->ring[r];

			FZ_CHECK(ring->prod - ring->clean <= CDNA_RING_SLOTS,
				 "after %s: ctx %u ring %u clean %u prod %u",
				 after, c, r, ring->clean, ring->prod);
			FZ_CHECK(ctx->state != HV_CTX_FREE ||
				 ring->clean == ring->prod,
				 "after %s: free ctx %u holds descriptors",
				 after, c);
			for (uint32_t i = ring->clean; i != ring->prod; i++) {
				struct shadow_slot *s =
					&fz->shadow[c][r][i % CDNA_RING_SLOTS];
				uint64_t pi = ring->frame[i % CDNA_RING_SLOTS] -
					      d->hm->base / CDNA_PAGE_SIZE;

				FZ_CHECK(!memcmp(ring->slots + (i %
					 CDNA_RING_SLOTS) * 16, s->desc, 16),
					 "after %s: ctx %u ring %u slot of %u "
					 "changed since it was accepted",
					 after, c, r, i);
				FZ_CHECK(ring->frame[i % CDNA_RING_SLOTS] ==
					 s->frame && pi < d->npages,
					 "after %s: ctx %u ring %u index %u "
					 "holds frame 0x%llx, accepted 0x%llx",
					 after, c, r, i, (unsigned long long)
					 ring->frame[i % CDNA_RING_SLOTS],
					 (unsigned long long)s->frame);
				want[pi]++;
				if (r == CDNA_RING_RX)
					want_w[pi]++;
				total++;
			}
		}
		/* Mapped exactly while the owner has it (running or suspended). */
		for (uint16_t dom = 0; dom < NDOMS; dom++) {
			int m = mapped(dom, c);
			int own = (ctx->state == HV_CTX_RUNNING ||
				   ctx->state == HV_CTX_SUSPENDED) &&
				  ctx->owner == dom;

			FZ_CHECK(m == own, "after %s: domain %u has ctx %u "
				 "mapped %d, owns it running %d", after, dom,
				 c, m, own);
		}
	}
	for (uint64_t i = 0; i < d->npages; i++) {
		const struct tb_page *p = &d->page[i];

		FZ_CHECK(p->refs == want[i] && p->wrefs == want_w[i],
			 "after %s: page %llu has %u refs (%u writable), the "
			 "rings hold %u (%u)", after, (unsigned long long)i,
			 p->refs, p->wrefs, want[i], want_w[i]);
		FZ_CHECK(!(p->refs && p->type == TB_PG_FREE),
			 "after %s: free page %llu referenced", after,
			 (unsigned long long)i);
		/* A page the NIC may write is the attacker's RAM, or dying. */
		FZ_CHECK(!p->wrefs || p->type == TB_PG_DYING ||
			 (p->type == TB_PG_RAM && p->owner == ATT),
			 "after %s: page %llu (owner %u type %u) has an RX "
			 "reference", after, (unsigned long long)i, p->owner,
			 p->type);
		FZ_CHECK(!p->refs || p->type == TB_PG_DYING ||
			 p->owner == ATT, "after %s: page %llu of domain %u "
			 "referenced", after, (unsigned long long)i, p->owner);
	}
	/* Each page's count was compared above: their sum is dom_refs. */
	FZ_CHECK(cdna_hv_refs_held(fz->f.hv) == total, "after %s: core "
		 "holds %u refs, the rings %llu", after,
		 cdna_hv_refs_held(fz->f.hv), (unsigned long long)total);
	FZ_CHECK(!d->bad_puts && !d->bad_maps, "after %s: %llu bad puts, "
		 "%llu bad maps", after, (unsigned long long)d->bad_puts,
		 (unsigned long long)d->bad_maps);
}

NO_COVERAGE static void check_memory(const char *when)
{
	for (unsigned i = 0; i < VIC_PAGES; i++) {
		struct tb_page *p = page_at(fz->vic[i]);

		FZ_CHECK(p->owner == VIC, "%s: victim page %u now domain %u's",
			 when, i, p->owner);
		FZ_CHECK(!memcmp(hostmem_ptr(&fz->f.hm, fz->vic[i]),
				 fz->vic_copy[i], CDNA_PAGE_SIZE),
			 "%s: victim page %u changed", when, i);
	}
	for (unsigned i = 0; i < DOM0_PAGES; i++)
		FZ_CHECK(!memcmp(hostmem_ptr(&fz->f.hm, fz->dom0[i]),
				 fz->dom0_copy[i], CDNA_PAGE_SIZE),
			 "%s: dom0 page %u changed", when, i);
}

/* ---- actions ------------------------------------------------------------ */

/* The attacker's store through its page tables.  dom_write refuses a
 * range that wraps past 2^64 (this fuzzer found it walking no page at all
 * for such a range and writing wild memory; README.md). */
static int att_store(uint64_t addr, const void *src, size_t len)
{
	return dom_write(&fz->f.dom, ATT, addr, src, len);
}

/* The core accepted descriptors [from, to) of ring r of ctx c for domain
 * who: check each against the rules and the page it names, now (nothing
 * has changed hands since), and remember it.  list: the buffers as the
 * guest's memory held them before the call, or NULL if not known. */
static void accepted(unsigned c, unsigned r, uint32_t from, uint32_t to,
		     const struct cdna_guest_buf *list, uint16_t who)
{
	struct hv_ctx *ctx = core_ctx(c);
	struct hv_ring *ring = &ctx->ring[r];

	FZ_CHECK(to - from <= CDNA_ENQUEUE_MAX, "ctx %u took %u", c, to - from);
	FZ_CHECK(ctx->state == HV_CTX_RUNNING && ctx->owner == who,
		 "ctx %u (state %u owner %u) took descriptors from %u", c,
		 ctx->state, ctx->owner, who);
	for (uint32_t i = from; i != to; i++) {
		struct shadow_slot *s = &fz->shadow[c][r][i % CDNA_RING_SLOTS];
		const uint8_t *d = ring->slots + (i % CDNA_RING_SLOTS) * 16;
		struct cdna_desc desc = {
			.addr = (uint64_t)hv_rd32(d + 4) << 32 | hv_rd32(d),
			.len = (uint16_t)hv_rd32(d + 8),
			.flags = (uint16_t)(hv_rd32(d + 8) >> 16),
			.seq = hv_rd32(d + 12),
		};
		struct tb_page *p = page_at(desc.addr);

		FZ_CHECK(desc.seq == ctx->seq_base + i, "seq");
		FZ_CHECK(desc.len >= 1 && desc.len <= CDNA_PAGE_SIZE &&
			 desc.addr % CDNA_PAGE_SIZE + desc.len <=
			 CDNA_PAGE_SIZE, "ctx %u ring %u accepted len %u at "
			 "0x%llx", c, r, desc.len,
			 (unsigned long long)desc.addr);
		FZ_CHECK(ring->frame[i % CDNA_RING_SLOTS] ==
			 desc.addr / CDNA_PAGE_SIZE, "frame of index %u", i);
		FZ_CHECK(p && p->owner == who && p->type != TB_PG_FREE &&
			 p->type != TB_PG_DYING && p->type != TB_PG_XEN,
			 "ctx %u ring %u accepted 0x%llx: page owner %u type "
			 "%u, poster %u", c, r, (unsigned long long)desc.addr,
			 p ? p->owner : 0xffff, p ? p->type : 0xff, who);
		if (r == CDNA_RING_RX) {
			FZ_CHECK(p->type == TB_PG_RAM && desc.flags == 0,
				 "RX into page of type %u, flags 0x%x",
				 p->type, desc.flags);
		} else {
			FZ_CHECK(!(desc.flags & ~CDNA_DESC_EOP), "TX flags");
			fz->open_len[c] += desc.len;
			fz->open_frags[c]++;
			FZ_CHECK(fz->open_len[c] <= CDNA_MAX_FRAME &&
				 fz->open_frags[c] <= CDNA_MAX_FRAGS,
				 "TX frame of %u bytes in %u fragments",
				 fz->open_len[c], fz->open_frags[c]);
			/* A fragment that is not the last leaves room for
			 * the last one. */
			FZ_CHECK((desc.flags & CDNA_DESC_EOP) ||
				 fz->open_frags[c] < CDNA_MAX_FRAGS,
				 "TX fragment %u of a frame, not the last",
				 fz->open_frags[c]);
			if (desc.flags & CDNA_DESC_EOP) {
				FZ_CHECK(fz->open_len[c] >= CDNA_MIN_FRAME,
					 "TX frame of %u bytes",
					 fz->open_len[c]);
				fz->open_len[c] = fz->open_frags[c] = 0;
			}
		}
		if (list) {
			const struct cdna_guest_buf *b = &list[i - from];

			FZ_CHECK(b->addr == desc.addr && b->len == desc.len &&
				 b->flags == desc.flags && !b->pad,
				 "descriptor %u is not the buffer posted", i);
		}
		memcpy(s->desc, d, 16);
		s->frame = desc.addr / CDNA_PAGE_SIZE;
	}
}

/* The context numbers' rings before a call, to see which moved. */
struct prods {
	uint32_t prod[CDNA_NUM_CTX][2];
	uint32_t state[CDNA_NUM_CTX];
	uint16_t owner[CDNA_NUM_CTX];
};

NO_COVERAGE static void prods_take(struct prods *p)
{
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++) {
		p->prod[c][0] = core_ctx(c)->ring[0].prod;
		p->prod[c][1] = core_ctx(c)->ring[1].prod;
		p->state[c] = core_ctx(c)->state;
		p->owner[c] = core_ctx(c)->owner;
	}
}

/* After a call by who: what moved was accepted from who's own context. */
static void prods_check(const struct prods *before, uint16_t who,
			const struct cdna_guest_buf *list, unsigned lring,
			int may_post)
{
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++)
		for (unsigned r = 0; r < 2; r++) {
			uint32_t from = before->prod[c][r];
			uint32_t to = core_ctx(c)->ring[r].prod;

			if (from == to)
				continue;
			FZ_CHECK(may_post, "a refused call moved ctx %u ring "
				 "%u from %u to %u", c, r, from, to);
			accepted(c, r, from, to, r == lring ? list : NULL,
				 who);
		}
}

static void new_assignment(unsigned c)
{
	fz->open_len[c] = fz->open_frags[c] = 0;
}

/* What the core will read at bufs, as it is before the call. */
static void snapshot(uint64_t bufs, struct cdna_guest_buf *seen,
		     const struct cdna_guest_buf **list)
{
	size_t len = CDNA_ENQUEUE_MAX * sizeof(*seen);

	*list = NULL;
	if (bufs >= fz->f.hm.base && bufs - fz->f.hm.base <=
	    fz->f.hm.size - len) {
		memcpy(seen, hostmem_ptr(&fz->f.hm, bufs), len);
		*list = seen;
	}
}

static void enqueue(struct fz_in *in)
{
	struct cdna_guest_buf bufs[CDNA_ENQUEUE_MAX + 2], seen[CDNA_ENQUEUE_MAX];
	struct cdna_op_enqueue op = { 0 };
	uint8_t how = fz_u8(in), cnt = fz_u8(in);
	const struct cdna_hv_caller who = { .domid = ATT };
	const struct cdna_guest_buf *list = NULL;
	struct prods before;
	uint32_t n;

	op.ctx = pick_ctx(in);
	op.ring = how % 8 < 4 ? CDNA_RING_TX : how % 8 < 7 ? CDNA_RING_RX :
		  fz_u8(in);
	op.pad0 = how & 0x80 ? fz_u8(in) : 0;
	switch (cnt % 8) {
	case 0: op.count = 0; break;
	case 1: op.count = CDNA_ENQUEUE_MAX; break;
	case 2: op.count = CDNA_ENQUEUE_MAX + 1; break;
	case 3: op.count = fz_u32(in); break;
	default: op.count = 1 + (cnt >> 3) % 8; break;
	}
	n = op.count < CDNA_ENQUEUE_MAX ? op.count : CDNA_ENQUEUE_MAX;
	if (cnt % 8 == 1)
		n = 1 + (cnt >> 3);   /* the rest of the list as it was */
	for (uint32_t i = 0; i < n; i++) {
		bufs[i].addr = pick_addr(in);
		bufs[i].len = pick_len(in);
		bufs[i].flags = op.ring == CDNA_RING_RX && fz_u8(in) % 4 ?
				0 : pick_flags(in);
		bufs[i].pad = fz_u8(in) % 16 ? 0 : fz_u32(in);
	}
	/* The attacker's stores of its list: refused if the argument page is
	 * no longer its RAM, and then the core reads whatever is there. */
	op.bufs = fz->arg + 1024;
	if (how & 0x40)
		op.bufs = pick_addr(in);
	else if (n)
		att_store(op.bufs, bufs, n * sizeof(bufs[0]));
	if (how & 0x20) {
		/* The structure itself in guest memory, maybe not the
		 * attacker's (its store is refused), maybe overlapping the
		 * list. */
		uint64_t arg = how & 0x10 ? pick_addr(in) : fz->arg;

		struct cdna_op_enqueue in_mem;

		att_store(arg, &op, sizeof(op));
		/* The list is where the structure in memory says: the store
		 * may have been refused, leaving an older one there. */
		if (page_at(arg) && page_at(arg + sizeof(in_mem) - 1) &&
		    arg + sizeof(in_mem) > arg) {
			memcpy(&in_mem, hostmem_ptr(&fz->f.hm, arg),
			       sizeof(in_mem));
			snapshot(in_mem.bufs, seen, &list);
		} else {
			list = NULL;
		}
		prods_take(&before);
		cdna_hv_op(fz->f.hv, &who, CDNA_OP_ENQUEUE, arg);
	} else {
		long rc;

		snapshot(op.bufs, seen, &list);
		prods_take(&before);
		rc = cdna_hv_do(fz->f.hv, &who, CDNA_OP_ENQUEUE, &op);

		FZ_CHECK(rc == op.error && op.done <= CDNA_ENQUEUE_MAX &&
			 (rc != 0 || op.done == op.count),
			 "ENQUEUE returned %ld, done %u of %u, error %d", rc,
			 op.done, op.count, op.error);
	}
	prods_check(&before, ATT, list, op.ring, !fz->att_dead);
}

/* The NIC writes a consumer index into a context's status block. */
static void complete(struct fz_in *in)
{
	uint16_t c = pick_ctx(in) % CDNA_NUM_CTX;
	uint8_t how = fz_u8(in);
	unsigned r = how & 1;
	struct hv_ring *ring = &core_ctx(c)->ring[r];
	uint32_t cons;

	if (!core_ctx(c)->status)
		return;
	switch ((how >> 1) % 8) {
	case 0: cons = ring->prod; break;
	case 1: cons = ring->prod - (how >> 4); break;
	case 2: cons = ring->clean; break;
	case 3: cons = ring->clean - 1; break;
	case 4: cons = ring->prod + 1 + (how >> 4); break;
	case 5: cons = fz_u32(in); break;
	case 6: cons = ring->clean + (how >> 4); break;
	default: cons = ring->prod - CDNA_RING_SLOTS; break;
	}
	hv_fake_complete(&fz->f, c, r, cons);
}

static void interrupt(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	uint64_t vec = fz->f.hv->intvec_maddr;

	for (unsigned i = 0; i < how % 4u; i++)
		hv_fake_raise(&fz->f, fz_u32(in));
	if (how & 0x10)  /* a producer from nowhere */
		hostmem_wr32(&fz->f.hm, vec, fz_u32(in));
	fz->f.notified = 0;
	cdna_hv_interrupt(fz->f.hv);
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++) {
		if (!(fz->f.notified & (1u << c)))
			continue;
		FZ_CHECK(core_ctx(c)->state == HV_CTX_RUNNING &&
			 fz->f.notified_dom[c] == core_ctx(c)->owner,
			 "ctx %u (state %u, owner %u) notified domain %u", c,
			 core_ctx(c)->state, core_ctx(c)->owner,
			 fz->f.notified_dom[c]);
	}
}

/* One of the attacker's pages, if it still owns it. */
static uint64_t att_page(struct fz_in *in)
{
	uint64_t a = fz->att[fz_u8(in) % fz->natt];
	struct tb_page *p = page_at(a);

	return p && p->owner == ATT && p->type != TB_PG_DYING ? a : 0;
}

static void page_games(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	uint64_t a = att_page(in);
	static const uint16_t to[] = { VIC, TB_DOM0, OTHER, ATT };
	static const enum tb_page_type types[] = {
		TB_PG_RAM, TB_PG_RO, TB_PG_PAGETABLE, TB_PG_RAM
	};

	if (fz->att_dead)
		return;
	switch (how % 6) {
	case 0:
		if (a)
			dom_release(&fz->f.dom, ATT, a);
		break;
	case 1:
		if (a)
			dom_transfer(&fz->f.dom, a, to[(how >> 3) % 4]);
		break;
	case 2:
		if (a)
			dom_set_type(&fz->f.dom, a, types[(how >> 3) % 4]);
		break;
	case 3:
		if (a)
			dom_grant(&fz->f.dom, a, to[(how >> 3) % 4]);
		break;
	case 4:
		/* Balloon in: a free page, maybe one given up before. */
		if (fz->natt < ATT_MAX)
			fz->att[fz->natt++] = dom_alloc(&fz->f.dom, ATT, 1,
							TB_PG_RAM);
		break;
	default: {
		/* A guest store anywhere: only its own RAM takes it. */
		uint8_t b[16];

		memset(b, how, sizeof(b));
		att_store(pick_addr(in), b, 1 + how % 16);
		break;
	}
	}
}

static long nic_reset(uint32_t phase)
{
	struct cdna_op_nic_reset r = { .phase = phase };
	long rc = hv_fake_dom0(&fz->f, CDNA_OP_NIC_RESET, &r);

	/* A reset drops every context's open frame: the rings restart. */
	if (phase == CDNA_NIC_RESET_BEGIN && rc == 0)
		for (unsigned c = 0; c < CDNA_NUM_CTX; c++)
			if (core_ctx(c)->state == HV_CTX_SUSPENDED)
				new_assignment(c);

	FZ_CHECK(rc == 0 || (phase == CDNA_NIC_RESET_END && rc == -CDNA_EBUSY &&
			     fz->f.fw_state != CDNA_FW_STATE_RUNNING),
		 "NIC_RESET phase %u returned %ld", phase, rc);
	if (phase == CDNA_NIC_RESET_END && rc == 0)
		for (unsigned c = 0; c < CDNA_NUM_CTX; c++)
			FZ_CHECK(!core_ctx(c)->held_over_reset,
				 "ctx %u still holds references over a reset "
				 "that ended", c);
	return rc;
}

/* The NIC hangs: enable or revoke time out (bounded per input); dom0
 * resets it under the contexts (BEGIN, the firmware runs again, END). */
static void nic_mood(struct fz_in *in)
{
	uint8_t how = fz_u8(in);

	fz->f.never_stops = fz->hangs < MAX_HANGS && (how & 1);
	fz->f.never_runs = fz->hangs < MAX_HANGS && (how & 2);
	if (how & 0x10) {
		if (fz->f.never_stops || fz->f.never_runs)
			fz->hangs++;
		nic_reset(CDNA_NIC_RESET_BEGIN);
	}
	if (how & 0x20)
		fz->f.fw_state = CDNA_FW_STATE_RUNNING;
	if (how & 0x40)
		nic_reset(CDNA_NIC_RESET_END);
}

static long dom0_revoke(uint16_t c)
{
	struct cdna_op_revoke rv = { .ctx = c };
	long rc;

	if (fz->f.never_stops)
		fz->hangs++;
	rc = hv_fake_dom0(&fz->f, CDNA_OP_REVOKE, &rv);
	if (rc == 0 && c < CDNA_NUM_CTX)
		FZ_CHECK(core_ctx(c)->state == HV_CTX_FREE &&
			 core_ctx(c)->refs_held == 0,
			 "ctx %u revoked but state %u, %u refs", c,
			 core_ctx(c)->state, core_ctx(c)->refs_held);
	if (fz->hangs >= MAX_HANGS)
		fz->f.never_stops = fz->f.never_runs = 0;
	return rc;
}

static void dom0_ops(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	uint16_t c = pick_ctx(in);
	struct cdna_op_assign a = {
		.ctx = how & 1 ? CDNA_CTX_ANY : c,
		.domid = how & 2 ? VIC : ATT,
		.mac = { 0x02, 0xcd, 0x4a, 0x99, 0, (uint8_t)(how >> 2) },
		.flags = CDNA_CTXF_BCAST,
	};
	long rc;

	dom0_revoke(c);
	if (!(how & 0x80))
		return;
	if (fz->f.never_runs)
		fz->hangs++;
	rc = hv_fake_dom0(&fz->f, CDNA_OP_ASSIGN, &a);
	if (fz->hangs >= MAX_HANGS)
		fz->f.never_stops = fz->f.never_runs = 0;
	if (rc)
		return;
	new_assignment(a.ctx);
	if (a.domid == ATT && !fz->att_dead)
		fz->att_ctx = a.ctx;
	FZ_CHECK(a.domid != ATT || !fz->att_dead, "assigned to the dead");
}

/* The attacker calls what it may not (or QUERY, only on its own). */
static void att_mgmt(struct fz_in *in)
{
	const struct cdna_hv_caller who = { .domid = ATT };
	static const unsigned cmds[] = {
		CDNA_OP_REGISTER_NIC, CDNA_OP_ASSIGN, CDNA_OP_REVOKE,
		CDNA_OP_STATS, CDNA_OP_QUERY, CDNA_OP_QUERY, 0, 7
	};
	union {
		struct cdna_op_assign assign;
		struct cdna_op_query query;
		struct cdna_op_revoke revoke;
		struct cdna_op_stats stats;
		uint8_t raw[128];
	} op;
	uint8_t how = fz_u8(in);
	unsigned cmd = cmds[how % 8];
	struct prods before;
	uint16_t c;
	long rc;

	for (unsigned i = 0; i < sizeof(op.raw); i++)
		op.raw[i] = how & 0x40 ? fz_u8(in) : 0;
	c = pick_ctx(in);
	memcpy(op.raw, &c, sizeof(c));   /* ctx is the first field of each */
	if (cmd == CDNA_OP_ASSIGN) {
		op.assign.domid = how & 8 ? ATT : VIC;
		op.assign.flags = CDNA_CTXF_PROMISC | CDNA_CTXF_ANY_SRC;
		op.assign.mac[0] = 0x02;
	}
	prods_take(&before);
	if (how & 0x80) {
		uint64_t arg = how & 0x20 ? pick_addr(in) : fz->arg + 2048;

		att_store(arg, op.raw, sizeof(op.raw));
		rc = cdna_hv_op(fz->f.hv, &who, cmd, arg);
	} else {
		rc = cdna_hv_do(fz->f.hv, &who, cmd, &op);
	}
	if (cmd == CDNA_OP_QUERY) {
		FZ_CHECK(rc != 0 || (c < CDNA_NUM_CTX &&
				     core_ctx(c)->state != HV_CTX_FREE &&
				     core_ctx(c)->owner == ATT),
			 "attacker's QUERY of ctx %u (owner %u) answered", c,
			 c < CDNA_NUM_CTX ? core_ctx(c)->owner : 0);
	} else {
		FZ_CHECK(rc < 0, "attacker's command %u answered %ld", cmd,
			 rc);
	}
	for (unsigned i = 0; i < CDNA_NUM_CTX; i++)
		FZ_CHECK(core_ctx(i)->state == before.state[i] &&
			 core_ctx(i)->owner == before.owner[i],
			 "attacker's command %u changed ctx %u", cmd, i);
	prods_check(&before, ATT, NULL, 0, 0);
}

/* The attacker's domain dies: the hypervisor's hook and the pages given
 * back, in either order (Xen relinquishes pages while references stay). */
static void die(struct fz_in *in)
{
	uint8_t how = fz_u8(in);

	if (fz->att_dead)
		return;
	if (how & 1)
		cdna_hv_domain_gone(fz->f.hv, ATT);
	for (unsigned i = 0; i < fz->natt; i++)
		dom_release(&fz->f.dom, ATT, fz->att[i]);
	fz->f.dom.alive[ATT] = 0;
	if (!(how & 1))
		cdna_hv_domain_gone(fz->f.hv, ATT);
	fz->att_dead = 1;
	fz->att_ctx = -1;
}

/* domains.c's doorbell store reaches the NIC; here there is none, and the
 * harness makes no doorbell store (fuzz_nic.c does). */
void cdna_nic_bar_write(struct cdna_nic *nic, int bar, uint64_t off,
			uint64_t val, unsigned size)
{
	(void)nic;
	(void)bar;
	(void)off;
	(void)val;
	(void)size;
	abort();
}

/* ---- one input ---------------------------------------------------------- */

/* The core waits at most CDNA_HV_WAIT_US for a context to run or stop;
 * hv_fake's relax advances 10 us, so a NIC that hangs cost 20,000 turns of
 * the loop (half of all the time).  The fake NIC changes state at once or
 * never, so bigger steps lose nothing. */
static void fast_relax(void *opaque)
{
	struct hv_fake *f = (struct hv_fake *)((char *)opaque -
					       offsetof(struct hv_fake, dom));

	f->now_ns += CDNA_HV_WAIT_US / 16 * 1000u;
}

/* A fresh machine for each input, as hv_fake_init makes it, but in the
 * memory of the last one: allocating and faulting in a megabyte per input
 * (ASan maps large blocks anew every time) cost four fifths of the time. */
static void fresh_machine(void)
{
	static struct cdna_hv_platform plat;
	static int made;
	struct hv_fake *f = &fz->f;
	struct cdna_op_register_nic reg = { .bar0 = TB_BAR0_BASE,
					    .bar2 = TB_BAR2_BASE };

	if (!made) {
		if (hv_fake_init(f, HOST_PAGES))
			abort();
		plat = f->hv->plat;
		plat.relax = fast_relax;
		made = 1;
	}
	dom_free(&f->dom);
	memset(f->hm.mem, 0, f->hm.used);
	memset(f->hm.nic_access, 0, f->hm.size / CDNA_PAGE_SIZE);
	f->hm.used = 0;
	f->hm.refused = f->hm.stray_writes = f->hm.first_stray = 0;
	memset(f->bar2, 0, sizeof(f->bar2));
	memset(f->ctx_state, 0, sizeof(f->ctx_state));
	f->never_runs = f->never_stops = 0;
	f->now_ns = 0;
	f->notified = 0;
	memset(f->arg_page, 0, sizeof(f->arg_page));
	if (dom_init(&f->dom, &f->hm, NULL))
		abort();
	dom_create(&f->dom, TB_DOM0);
	cdna_hv_init(f->hv, &plat);
	if (hv_fake_dom0(f, CDNA_OP_REGISTER_NIC, &reg))
		abort();
}

static void setup(void)
{
	struct tb_domains *d;
	int c;

	fresh_machine();
	d = &fz->f.dom;
	dom_create(d, OTHER);
	for (unsigned i = 0; i < DOM0_PAGES; i++) {
		fz->dom0[i] = dom_alloc(d, TB_DOM0, 1, TB_PG_RAM);
		fill(fz->dom0[i], (uint8_t)(0x40 + i), fz->dom0_copy[i]);
	}
	c = hv_fake_guest(&fz->f, VIC, CDNA_CTX_ANY);
	FZ_CHECK(c >= 0, "victim's context");
	fz->vic_ctx = c;
	for (unsigned i = 0; i < VIC_PAGES; i++) {
		fz->vic[i] = dom_alloc(d, VIC, 1, i == 4 ? TB_PG_RO :
				       i == 5 ? TB_PG_PAGETABLE : TB_PG_RAM);
		fill(fz->vic[i], (uint8_t)(0x80 + i), fz->vic_copy[i]);
	}
	/* The victim shares a page with the attacker (it may read it). */
	dom_grant(d, fz->vic[1], ATT);
	c = hv_fake_guest(&fz->f, ATT, CDNA_CTX_ANY);
	FZ_CHECK(c >= 0, "attacker's context");
	fz->att_ctx = c;
	fz->natt = 8;
	for (unsigned i = 0; i < fz->natt; i++) {
		fz->att[i] = dom_alloc(d, ATT, 1, i == 6 ? TB_PG_RO :
				       i == 7 ? TB_PG_PAGETABLE : TB_PG_RAM);
		fill(fz->att[i], (uint8_t)i, NULL);
	}
	fz->arg = fz->att[0];
	fz->att_dead = 0;
	fz->hangs = 0;
	memset(fz->open_len, 0, sizeof(fz->open_len));
	memset(fz->open_frags, 0, sizeof(fz->open_frags));
}

/* Revoke everything: no reference may remain anywhere. */
static void teardown(void)
{
	struct tb_domains *d = &fz->f.dom;

	fz->f.never_stops = fz->f.never_runs = 0;
	/* A reset left open ends first: its revokes wait for it. */
	fz->f.fw_state = CDNA_FW_STATE_RUNNING;
	nic_reset(CDNA_NIC_RESET_END);
	for (uint16_t c = 0; c < CDNA_NUM_CTX; c++)
		if (core_ctx(c)->state != HV_CTX_FREE)
			FZ_CHECK(dom0_revoke(c) == 0, "final revoke of %u", c);
	check_state("the final revoke");
	FZ_CHECK(cdna_hv_refs_held(fz->f.hv) == 0 && dom_refs(d) == 0,
		 "references left: core %u, pages %llu",
		 cdna_hv_refs_held(fz->f.hv), (unsigned long long)dom_refs(d));
	for (uint64_t i = 0; i < d->npages; i++)
		FZ_CHECK(d->page[i].type != TB_PG_DYING, "page %llu still "
			 "dying", (unsigned long long)i);
	for (unsigned dom = 0; dom < NDOMS; dom++)
		FZ_CHECK(!d->mmio[dom], "domain %u keeps doorbells", dom);
	check_memory("at the end");
	cdna_hv_fini(fz->f.hv);
	FZ_CHECK(!d->bad_puts && !d->bad_maps, "fini: %llu bad puts, %llu "
		 "bad maps", (unsigned long long)d->bad_puts,
		 (unsigned long long)d->bad_maps);
	/* The machine's memory is reused by the next input (fresh_machine). */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	static const char *const names[] = {
		"enqueue", "enqueue", "enqueue", "complete", "interrupt",
		"page games", "nic mood", "dom0 revoke/assign",
		"attacker management", "death",
	};

	if (!fz) {
		fz = calloc(1, sizeof(*fz));
		if (!fz)
			abort();
	}
	setup();
	check_state("setup");
	for (unsigned n = 0; n < MAX_ACTIONS && fz_more(&in); n++) {
		unsigned act = fz_u8(&in) % 10;

		switch (act) {
		case 0: case 1: case 2: enqueue(&in); break;
		case 3: complete(&in); break;
		case 4: interrupt(&in); break;
		case 5: page_games(&in); break;
		case 6: nic_mood(&in); break;
		case 7: dom0_ops(&in); break;
		case 8: att_mgmt(&in); break;
		default: die(&in); break;
		}
		check_state(names[act]);
	}
	check_memory("after the actions");
	teardown();
	return 0;
}
