/* SPDX-License-Identifier: MIT */
/*
 * test_hv_core.c - the hypervisor's validation core, one behaviour per
 * test, on simulated domains with a stand-in BAR2 (tests/lib/hv_fake.h).
 * The real NIC and firmware behind the same core: tests/protection/.
 */
#include <string.h>

#include "check.h"
#include "hv_fake.h"

#define PAGES    256u
#define GUEST    1u    /* domain ids */
#define OTHER    2u

static struct hv_fake f;

/* A fresh fake with domain GUEST owning context 0. */
static void setup(void)
{
	hv_fake_fini(&f);
	CHECK_EQ(hv_fake_init(&f, PAGES), 0);
	CHECK_EQ(hv_fake_guest(&f, GUEST, 0), 0);
}

static struct cdna_guest_buf buf(uint64_t addr, uint16_t len, uint16_t flags)
{
	return (struct cdna_guest_buf){ .addr = addr, .len = len,
					.flags = flags };
}

/* Post one buffer to ring of context 0 as domid. */
static long post1(uint16_t domid, unsigned ring, uint64_t addr, uint16_t len,
		  uint16_t flags, struct cdna_op_enqueue *op)
{
	struct cdna_guest_buf b = buf(addr, len, flags);

	return hv_fake_enqueue(&f, domid, 0, ring, &b, 1, op);
}

static uint32_t refused(uint16_t ctx, enum cdna_hv_refusal why)
{
	struct cdna_op_stats st = { .ctx = ctx };

	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_STATS, &st), 0);
	return st.refused[why];
}

static uint32_t refs_held(uint16_t ctx)
{
	struct cdna_op_stats st = { .ctx = ctx };

	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_STATS, &st), 0);
	return st.refs_held;
}

/* ---- register and assign ------------------------------------------------ */

TEST(register_nic_twice_is_busy)
{
	struct cdna_op_register_nic reg = { .bar0 = TB_BAR0_BASE,
					    .bar2 = TB_BAR2_BASE };

	setup();
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REGISTER_NIC, &reg), -CDNA_EBUSY);
}

static uint32_t nic_int_mod_us(void)
{
	return f.bar2[(CDNA_BAR2_HV + HV_INT_MOD_US) / 4];
}

TEST(register_nic_programs_dom0s_interrupt_coalescing)
{
	hv_fake_fini(&f);
	CHECK_EQ(hv_fake_init_unregistered(&f, PAGES), 0);
	CHECK_EQ(hv_fake_register(&f, 20), 0);
	CHECK_EQ(nic_int_mod_us(), 20);
}

TEST(register_nic_refuses_coalescing_beyond_the_maximum)
{
	hv_fake_fini(&f);
	CHECK_EQ(hv_fake_init_unregistered(&f, PAGES), 0);
	CHECK_EQ(hv_fake_register(&f, CDNA_INT_MOD_US_MAX + 1), -CDNA_EINVAL);
	CHECK_EQ(hv_fake_register(&f, CDNA_INT_MOD_US_MAX), 0);
	CHECK_EQ(nic_int_mod_us(), CDNA_INT_MOD_US_MAX);
}

TEST(nic_reset_programs_the_coalescing_again)
{
	struct cdna_op_nic_reset r = { .phase = CDNA_NIC_RESET_BEGIN };

	hv_fake_fini(&f);
	CHECK_EQ(hv_fake_init_unregistered(&f, PAGES), 0);
	CHECK_EQ(hv_fake_register(&f, 50), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_NIC_RESET, &r), 0);
	f.bar2[(CDNA_BAR2_HV + HV_INT_MOD_US) / 4] = 0; /* the reset forgot it */
	f.fw_state = CDNA_FW_STATE_RUNNING;
	r.phase = CDNA_NIC_RESET_END;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_NIC_RESET, &r), 0);
	CHECK_EQ(nic_int_mod_us(), 50);
}

TEST(management_by_a_guest_is_refused_and_counted)
{
	struct cdna_op_assign a = { .ctx = 1, .domid = GUEST,
				    .mac = { 2, 0, 0, 0, 0, 9 } };
	struct cdna_op_revoke r = { .ctx = 0 };
	struct cdna_op_stats st = { .ctx = 0 };

	setup();
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_ASSIGN, &a), -CDNA_EPERM);
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_REVOKE, &r), -CDNA_EPERM);
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_STATS, &st), -CDNA_EPERM);
	CHECK_EQ(refused(0, CDNA_HV_NOT_OWNER), 2);   /* revoke, stats */
	CHECK_EQ(cdna_hv_global_refusals(f.hv)[CDNA_HV_NOT_OWNER], 1);
	CHECK_EQ(f.ctx_state[1], CDNA_CTX_STATE_DISABLED);
}

TEST(assign_maps_rings_read_only_and_the_context_page_as_mmio)
{
	struct cdna_op_assign a = { .ctx = CDNA_CTX_ANY, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	dom_create(&f.dom, OTHER);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
	CHECK_EQ(a.ctx, 1);
	CHECK_EQ(a.ctx_page, TB_BAR0_BASE + CDNA_BAR0_CTX(1));
	CHECK_EQ(f.dom.mmio[OTHER], 1u << 1);
	CHECK(f.dom.ro_map[OTHER][(a.tx_ring - f.hm.base) / CDNA_PAGE_SIZE]);
	CHECK(f.dom.ro_map[OTHER][(a.rx_ring - f.hm.base) / CDNA_PAGE_SIZE]);
	CHECK(f.dom.ro_map[OTHER][(a.status - f.hm.base) / CDNA_PAGE_SIZE]);
	CHECK_EQ(f.ctx_state[1], CDNA_CTX_STATE_RUNNING);
	/* A guest cannot write its rings: they are the hypervisor's. */
	CHECK_EQ(dom_write(&f.dom, OTHER, a.tx_ring, "x", 1), -1);
}

TEST(assign_refuses_a_multicast_or_zero_mac)
{
	struct cdna_op_assign a = { .ctx = 1, .domid = GUEST,
				    .mac = { 1, 0, 0, 0, 0, 7 } };

	setup();
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EINVAL);
	memset(a.mac, 0, 6);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EINVAL);
}

TEST(assign_refuses_bridging_flags_for_a_guest)
{
	struct cdna_op_assign a = { .ctx = 1, .domid = OTHER,
				    .flags = CDNA_CTXF_PROMISC,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	dom_create(&f.dom, OTHER);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EINVAL);
	a.flags = CDNA_CTXF_ANY_SRC;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EINVAL);
	/* dom0's own bridging context may have them. */
	a.domid = TB_DOM0;
	a.flags = CDNA_CTXF_PROMISC | CDNA_CTXF_ANY_SRC;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
}

TEST(assign_to_an_unknown_domain_is_enoent)
{
	struct cdna_op_assign a = { .ctx = 1, .domid = 33,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_ENOENT);
}

TEST(assign_of_an_assigned_context_or_mac_is_busy)
{
	struct cdna_op_assign a = { .ctx = 0, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	dom_create(&f.dom, OTHER);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EBUSY);
	a.ctx = 1;
	a.mac[3] = 0x99;       /* GUEST's MAC (hv_fake_guest) */
	a.mac[1] = 0xcd;
	a.mac[2] = 0x4a;
	a.mac[5] = GUEST;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EBUSY);
}

TEST(assign_any_with_every_context_taken_is_enospc)
{
	setup();
	for (uint16_t d = 2; d <= CDNA_NUM_CTX; d++)
		CHECK(hv_fake_guest(&f, d, CDNA_CTX_ANY) >= 0);
	CHECK_EQ(hv_fake_guest(&f, CDNA_NUM_CTX + 1, CDNA_CTX_ANY), -1);
}

TEST(assign_gives_up_when_the_nic_never_runs_the_context)
{
	struct cdna_op_assign a = { .ctx = 1, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	dom_create(&f.dom, OTHER);
	f.never_runs = 1;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_ETIMEDOUT);
	CHECK_EQ(f.dom.mmio[OTHER], 0);
	f.never_runs = 0;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
}

TEST(each_assignment_gets_a_fresh_seq_base_clear_of_the_wrap)
{
	uint32_t seen[8];

	setup();
	for (int i = 0; i < 8; i++) {
		struct cdna_op_revoke r = { .ctx = 0 };

		seen[i] = f.bar2[(CDNA_BAR2_HV + HV_CTX(0) +
				  HV_CTX_SEQ_BASE) / 4];
		CHECK(seen[i] != 0);
		CHECK(seen[i] <= UINT32_MAX - 2 * CDNA_RING_SLOTS);
		for (int j = 0; j < i; j++)
			CHECK(seen[j] != seen[i]);
		CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
		CHECK_EQ(hv_fake_guest(&f, GUEST, 0), 0);
	}
}

/* ---- enqueue ------------------------------------------------------------ */

TEST(enqueue_writes_the_descriptor_with_its_sequence_number)
{
	struct cdna_op_enqueue op;
	uint64_t page;
	uint32_t base;
	struct cdna_desc d;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	base = f.bar2[(CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_SEQ_BASE) / 4];
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page + 64, 60, CDNA_DESC_EOP, &op),
		 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page + 128, 100, CDNA_DESC_EOP,
		       &op), 0);
	CHECK_EQ(op.done, 1);
	CHECK_EQ(op.prod, 2);
	d = hv_fake_desc(&f, 0, CDNA_RING_TX, 1);
	CHECK_EQ(d.addr, page + 128);
	CHECK_EQ(d.len, 100);
	CHECK_EQ(d.flags, CDNA_DESC_EOP);
	CHECK_EQ(d.seq, base + 1);
}

TEST(enqueue_takes_one_page_reference_per_buffer)
{
	struct cdna_op_enqueue op;
	struct cdna_guest_buf b[3];
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	for (int i = 0; i < 3; i++)
		b[i] = buf(page + 2048u * (i & 1), 1514, 0);
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_RX, b, 3, &op), 0);
	CHECK_EQ(op.done, 3);
	CHECK_EQ(dom_refs(&f.dom), 3);
	CHECK_EQ(f.dom.page[(page - f.hm.base) / CDNA_PAGE_SIZE].wrefs, 3);
	CHECK_EQ(refs_held(0), 3);
	CHECK_EQ(cdna_hv_refs_held(f.hv), 3);
}

TEST(enqueue_on_a_context_of_another_domain_is_refused)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	dom_create(&f.dom, OTHER);
	page = dom_alloc(&f.dom, OTHER, 1, TB_PG_RAM);
	CHECK_EQ(post1(OTHER, CDNA_RING_TX, page, 60, CDNA_DESC_EOP, &op),
		 -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_OWNER);
	CHECK_EQ(refused(0, CDNA_HV_NOT_OWNER), 1);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(a_buffer_in_another_domains_page_is_refused_not_owned)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	dom_create(&f.dom, OTHER);
	page = dom_alloc(&f.dom, OTHER, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 1514, 0, &op), -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_OWNED);
	CHECK_EQ(op.done, 0);
	CHECK_EQ(refused(0, CDNA_HV_NOT_OWNED), 1);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(a_buffer_in_a_hypervisor_page_or_mmio_is_refused_not_ram)
{
	struct cdna_op_enqueue op;
	struct cdna_op_assign a = { .ctx = 1, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	dom_create(&f.dom, OTHER);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
	/* Another context's TX ring: the hypervisor's page. */
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, a.tx_ring, 1514, 0, &op),
		 -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_RAM);
	/* The NIC's own BAR0 and an address past memory. */
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, TB_BAR0_BASE, 60, CDNA_DESC_EOP,
		       &op), -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, 0xfffffffffffff000ull, 60,
		       CDNA_DESC_EOP, &op), -CDNA_EPERM);
	CHECK_EQ(refused(0, CDNA_HV_NOT_RAM), 3);
}

TEST(rx_into_a_read_only_or_page_table_page_is_refused_not_writable)
{
	struct cdna_op_enqueue op;
	uint64_t ro, pt;

	setup();
	ro = dom_alloc(&f.dom, GUEST, 1, TB_PG_RO);
	pt = dom_alloc(&f.dom, GUEST, 1, TB_PG_PAGETABLE);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, ro, 1514, 0, &op), -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_WRITABLE);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, pt, 1514, 0, &op), -CDNA_EPERM);
	CHECK_EQ(refused(0, CDNA_HV_NOT_WRITABLE), 2);
	/* Sending from a read-only page is fine: the NIC only reads it. */
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, ro, 60, CDNA_DESC_EOP, &op), 0);
}

TEST(rx_into_a_page_granted_in_from_another_domain_is_refused)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	dom_create(&f.dom, OTHER);
	page = dom_alloc(&f.dom, OTHER, 1, TB_PG_RAM);
	dom_grant(&f.dom, page, GUEST);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 1514, 0, &op), -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_OWNED);
}

TEST(a_buffer_crossing_a_page_boundary_is_refused)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 2, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page + 4000, 200, 0, &op),
		 -CDNA_EINVAL);
	CHECK_EQ(op.reason, CDNA_HV_CROSSES_PAGE);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(zero_over_page_and_over_mtu_lengths_are_refused)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 0, 0, &op), -CDNA_EINVAL);
	CHECK_EQ(op.reason, CDNA_HV_BAD_LEN);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 4097, 0, &op), -CDNA_EINVAL);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, CDNA_MAX_FRAME + 1,
		       CDNA_DESC_EOP, &op), -CDNA_EINVAL);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, CDNA_MIN_FRAME - 1,
		       CDNA_DESC_EOP, &op), -CDNA_EINVAL);
	CHECK_EQ(refused(0, CDNA_HV_BAD_LEN), 4);
}

TEST(a_frame_over_the_mtu_in_fragments_is_refused)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	/* 1000 + 600 > CDNA_MAX_FRAME, across two calls. */
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 1000, 0, &op), 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 600, CDNA_DESC_EOP, &op),
		 -CDNA_EINVAL);
	CHECK_EQ(op.reason, CDNA_HV_BAD_LEN);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 500, CDNA_DESC_EOP, &op), 0);
}

TEST(more_than_max_fragments_in_a_frame_is_refused)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	for (unsigned i = 0; i < CDNA_MAX_FRAGS - 1; i++)
		CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 20, 0, &op), 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 20, 0, &op), -CDNA_EINVAL);
	CHECK_EQ(op.reason, CDNA_HV_BAD_LEN);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 20, CDNA_DESC_EOP, &op), 0);
}

TEST(malformed_fields_are_refused_bad_arg)
{
	struct cdna_op_enqueue op;
	struct cdna_guest_buf b;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 1514, CDNA_DESC_EOP, &op),
		 -CDNA_EINVAL);
	CHECK_EQ(op.reason, CDNA_HV_BAD_ARG);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, 0x80, &op),
		 -CDNA_EINVAL);
	b = buf(page, 60, CDNA_DESC_EOP);
	b.pad = 1;
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_TX, &b, 1, &op),
		 -CDNA_EINVAL);
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, 2, &b, 1, &op), -CDNA_EINVAL);
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_TX, &b, 0, &op),
		 -CDNA_EINVAL);
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_TX, &b,
				 CDNA_ENQUEUE_MAX + 1, &op), -CDNA_EINVAL);
	CHECK_EQ(refused(0, CDNA_HV_BAD_ARG), 6);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(a_buffer_list_the_caller_cannot_read_is_efault)
{
	struct cdna_op_enqueue op = { .ctx = 0, .ring = CDNA_RING_TX,
				      .count = 1 };

	setup();
	dom_create(&f.dom, OTHER);
	op.bufs = dom_alloc(&f.dom, OTHER, 1, TB_PG_RAM);
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_ENQUEUE, &op), -CDNA_EFAULT);
	CHECK_EQ(op.reason, CDNA_HV_BAD_ARG);
}

TEST(a_batch_stops_at_the_first_refusal_keeping_the_prefix)
{
	struct cdna_op_enqueue op;
	struct cdna_guest_buf b[4];
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	b[0] = buf(page, 1514, 0);
	b[1] = buf(page + 2048, 1514, 0);
	b[2] = buf(page + 4000, 1514, 0);  /* crosses */
	b[3] = buf(page, 1514, 0);
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_RX, b, 4, &op),
		 -CDNA_EINVAL);
	CHECK_EQ(op.done, 2);
	CHECK_EQ(op.prod, 2);
	CHECK_EQ(op.error, -CDNA_EINVAL);
	CHECK_EQ(op.reason, CDNA_HV_CROSSES_PAGE);
	CHECK_EQ(dom_refs(&f.dom), 2);
}

TEST(a_full_ring_is_refused_until_the_nic_consumes)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	for (unsigned i = 0; i < CDNA_RING_SLOTS; i++)
		CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), -CDNA_ENOSPC);
	CHECK_EQ(op.reason, CDNA_HV_RING_FULL);
	hv_fake_complete(&f, 0, CDNA_RING_RX, 1);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	CHECK_EQ(op.prod, CDNA_RING_SLOTS + 1);
}

TEST(references_of_completed_descriptors_are_dropped_on_the_next_call)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, CDNA_DESC_EOP,
			       &op), 0);
	hv_fake_complete(&f, 0, CDNA_RING_TX, 4);
	CHECK_EQ(dom_refs(&f.dom), 5);   /* lazily: not yet */
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, CDNA_DESC_EOP, &op), 0);
	CHECK_EQ(dom_refs(&f.dom), 2);
	CHECK_EQ(refs_held(0), 2);
}

TEST(a_consumer_index_past_the_producer_releases_nothing)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, CDNA_DESC_EOP, &op), 0);
	hv_fake_complete(&f, 0, CDNA_RING_TX, 1000);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, CDNA_DESC_EOP, &op), 0);
	CHECK_EQ(dom_refs(&f.dom), 2);
	CHECK_EQ(f.dom.bad_puts, 0);
}

TEST(a_page_given_up_while_in_flight_is_not_reused_until_released)
{
	struct cdna_op_enqueue op;
	struct cdna_op_revoke r = { .ctx = 0 };
	uint64_t page, again;

	setup();
	dom_create(&f.dom, OTHER);
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	dom_release(&f.dom, GUEST, page);
	CHECK_EQ(dom_transfer(&f.dom, page, OTHER), -1);
	again = dom_alloc(&f.dom, OTHER, 1, TB_PG_RAM);
	CHECK(again != page);
	/* And it cannot be posted again by its former owner. */
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), -CDNA_EPERM);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(f.dom.page[(page - f.hm.base) / CDNA_PAGE_SIZE].type,
		 TB_PG_FREE);
}

TEST(a_page_in_flight_cannot_become_a_page_table)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	CHECK_EQ(dom_set_type(&f.dom, page, TB_PG_PAGETABLE), -1);
}

/* ---- revoke, death, interrupts ------------------------------------------ */

TEST(revoke_returns_every_reference_and_unmaps)
{
	struct cdna_op_enqueue op;
	struct cdna_op_revoke r = { .ctx = 0 };
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	for (int i = 0; i < 7; i++)
		CHECK_EQ(post1(GUEST, i & 1 ? CDNA_RING_TX : CDNA_RING_RX,
			       page, 1514, i & 1 ? CDNA_DESC_EOP : 0, &op), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(r.refs_returned, 7);
	CHECK_EQ(dom_refs(&f.dom), 0);
	CHECK_EQ(cdna_hv_refs_held(f.hv), 0);
	CHECK_EQ(f.dom.mmio[GUEST], 0);
	CHECK_EQ(f.ctx_state[0], CDNA_CTX_STATE_STOPPED);
	CHECK_EQ(f.dom.bad_maps, 0);
}

static unsigned hypervisor_pages(void)
{
	unsigned n = 0;

	for (uint64_t i = 0; i < f.dom.npages; i++)
		n += f.dom.page[i].type == TB_PG_XEN;
	return n;
}

TEST(revoke_frees_the_context_pages_so_the_next_owner_gets_fresh_ones)
{
	struct cdna_op_revoke r = { .ctx = 1 };
	struct cdna_op_assign mine = { .ctx = 1, .domid = TB_DOM0,
				       .mac = { 2, 0, 0, 0, 0, 6 } };
	struct cdna_op_assign a = { .ctx = 1, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };
	unsigned before;

	setup();
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &mine), 0);
	before = hypervisor_pages();
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(hypervisor_pages(), before - 3);
	CHECK_EQ(f.dom.bad_maps, 0);
	dom_create(&f.dom, OTHER);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
	CHECK_EQ(hypervisor_pages(), before);
	/* The last owner (dom0: trusted, so the context may go to a guest
	 * at once) maps none of the new pages. */
	CHECK_EQ(f.dom.ro_map[TB_DOM0][(a.tx_ring - f.hm.base) /
				       CDNA_PAGE_SIZE], 0);
}

/* Revoke GUEST's context 0; assign it (or any) to domid. */
static long reassign_after_revoke(uint16_t domid, uint16_t ctx,
				  struct cdna_op_assign *a)
{
	struct cdna_op_revoke r = { .ctx = 0 };

	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	dom_create(&f.dom, domid);
	*a = (struct cdna_op_assign){ .ctx = ctx, .domid = domid,
				      .mac = { 2, 0, 0, 0, 0, 7 } };
	return hv_fake_dom0(&f, CDNA_OP_ASSIGN, a);
}

TEST(a_revoked_context_goes_to_no_other_domain_while_its_last_owner_lives)
{
	struct cdna_op_assign a;

	setup();
	/* GUEST may still map the context's doorbell page. */
	CHECK_EQ(reassign_after_revoke(OTHER, 0, &a), -CDNA_EBUSY);
	CHECK_EQ(f.ctx_state[0], CDNA_CTX_STATE_STOPPED);
}

TEST(assign_any_passes_over_a_context_kept_by_its_live_last_owner)
{
	struct cdna_op_assign a;

	setup();
	CHECK_EQ(reassign_after_revoke(OTHER, CDNA_CTX_ANY, &a), 0);
	CHECK(a.ctx != 0);
}

TEST(a_revoked_context_may_go_back_to_its_last_owner)
{
	struct cdna_op_assign a;

	setup();
	CHECK_EQ(reassign_after_revoke(GUEST, 0, &a), 0);
	CHECK_EQ(a.ctx, 0);
}

TEST(a_context_goes_to_another_domain_once_its_last_owner_died)
{
	struct cdna_op_assign a;

	setup();
	CHECK_EQ(reassign_after_revoke(OTHER, 0, &a), -CDNA_EBUSY);
	f.dom.alive[GUEST] = 0;
	cdna_hv_domain_gone(f.hv, GUEST);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
	CHECK_EQ(a.ctx, 0);
}

TEST(a_context_whose_last_owner_vanished_unannounced_is_free_again)
{
	struct cdna_op_assign a;

	setup();
	CHECK_EQ(reassign_after_revoke(OTHER, 0, &a), -CDNA_EBUSY);
	f.dom.alive[GUEST] = 0;   /* no domain_gone: the platform says */
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
}

TEST(a_context_is_unusable_after_revoke)
{
	struct cdna_op_enqueue op;
	struct cdna_op_revoke r = { .ctx = 0 };
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, CDNA_DESC_EOP, &op),
		 -CDNA_EPERM);
	CHECK_EQ(op.reason, CDNA_HV_NOT_OWNER);
	CHECK_EQ(dom_mmio_write(&f.dom, GUEST, TB_BAR0_BASE + CTX_TX_PROD, 1),
		 -1);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), -CDNA_ENOENT);
}

TEST(a_nic_that_does_not_stop_keeps_the_references_held)
{
	struct cdna_op_enqueue op;
	struct cdna_op_revoke r = { .ctx = 0 };
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	f.never_stops = 1;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), -CDNA_ETIMEDOUT);
	CHECK_EQ(dom_refs(&f.dom), 1);
	CHECK(r.drain_us >= CDNA_HV_WAIT_US);
	/* The owner is cut off meanwhile. */
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), -CDNA_EBUSY);
	CHECK_EQ(op.reason, CDNA_HV_NOT_RUNNING);
	CHECK_EQ(f.dom.mmio[GUEST], 0);
	f.never_stops = 0;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(r.refs_returned, 1);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(a_domain_that_dies_has_its_contexts_revoked)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	cdna_hv_domain_gone(f.hv, GUEST);
	CHECK_EQ(dom_refs(&f.dom), 0);
	CHECK_EQ(f.ctx_state[0], CDNA_CTX_STATE_STOPPED);
	CHECK_EQ(hv_fake_guest(&f, OTHER, 0), 0);
}

TEST(the_interrupt_notifies_the_owner_of_each_context_named)
{
	setup();
	CHECK_EQ(hv_fake_guest(&f, OTHER, 5), 5);
	hv_fake_raise(&f, 1u << 0);
	hv_fake_raise(&f, 1u << 5 | 1u << 9);  /* 9 has no owner */
	cdna_hv_interrupt(f.hv);
	CHECK_EQ(f.notified, 1u << 0 | 1u << 5);
	CHECK_EQ(f.notified_dom[0], GUEST);
	CHECK_EQ(f.notified_dom[5], OTHER);
	CHECK_EQ(f.bar2[(CDNA_BAR2_HV + HV_INT_CONS) / 4], 2);
}

/* ---- resetting the NIC under assigned contexts (NIC_RESET) -------------- */

static long nic_reset(uint32_t phase, struct cdna_op_nic_reset *op)
{
	*op = (struct cdna_op_nic_reset){ .phase = phase };
	return hv_fake_dom0(&f, CDNA_OP_NIC_RESET, op);
}

/* Context 0 of GUEST with n RX buffers in flight on one page. */
static uint64_t setup_in_flight(unsigned n)
{
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	return page;
}

TEST(nic_reset_begin_returns_every_reference_and_resets_the_nic)
{
	struct cdna_op_nic_reset r;

	setup_in_flight(5);
	f.notified = 0;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(r.contexts, 1);
	CHECK_EQ(r.refs_returned, 5);
	CHECK_EQ(r.failed, 0);
	CHECK_EQ(dom_refs(&f.dom), 0);
	CHECK_EQ(f.nic_resets, 1);
	CHECK_EQ(hv_fake_status(&f, 0, CDNA_STATUS_OFF_HV_FLAGS),
		 CDNA_STATUS_SUSPENDED);
	CHECK_EQ(f.notified, 1u << 0);
}

TEST(a_suspended_context_keeps_its_owner_mappings_and_doorbell)
{
	struct cdna_op_nic_reset r;
	struct cdna_op_stats st = { .ctx = 0 };

	setup_in_flight(1);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_STATS, &st), 0);
	CHECK_EQ(st.domid, GUEST);
	CHECK_EQ(f.dom.mmio[GUEST], 1);
	CHECK_EQ(f.dom.bad_maps, 0);
}

TEST(enqueue_while_suspended_is_busy_and_not_counted)
{
	struct cdna_op_nic_reset r;
	struct cdna_op_enqueue op;
	uint64_t page = setup_in_flight(0);

	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page, 60, CDNA_DESC_EOP, &op),
		 -CDNA_EBUSY);
	CHECK_EQ(op.reason, CDNA_HV_NOT_RUNNING);
	CHECK_EQ(refused(0, CDNA_HV_NOT_RUNNING), 0);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(nic_reset_end_is_busy_until_the_firmware_runs)
{
	struct cdna_op_nic_reset r;

	setup_in_flight(0);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), -CDNA_EBUSY);
	CHECK_EQ(hv_fake_status(&f, 0, CDNA_STATUS_OFF_HV_FLAGS),
		 CDNA_STATUS_SUSPENDED);
	f.fw_state = CDNA_FW_STATE_FAULT;   /* a trial that crashed */
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), -CDNA_EBUSY);
}

TEST(nic_reset_end_restores_the_context_from_index_zero)
{
	struct cdna_op_nic_reset r;
	struct cdna_op_enqueue op;
	uint64_t page = setup_in_flight(3);
	uint32_t old_seq = hv_fake_desc(&f, 0, CDNA_RING_RX, 0).seq;

	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	f.fw_state = CDNA_FW_STATE_RUNNING;
	f.notified = 0;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(r.contexts, 1);
	CHECK_EQ(r.failed, 0);
	CHECK_EQ(f.ctx_state[0], CDNA_CTX_STATE_RUNNING);
	CHECK_EQ(hv_fake_status(&f, 0, CDNA_STATUS_OFF_HV_FLAGS), 0);
	CHECK_EQ(hv_fake_status(&f, 0, CDNA_STATUS_OFF_HV_RESETS), 1);
	CHECK_EQ(f.notified, 1u << 0);
	/* The ring starts again at 0, under a seq_base of its own. */
	CHECK_EQ(hv_fake_desc(&f, 0, CDNA_RING_RX, 0).seq, 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	CHECK_EQ(op.prod, 1);
	CHECK(hv_fake_desc(&f, 0, CDNA_RING_RX, 0).seq != old_seq);
	CHECK_EQ(dom_refs(&f.dom), 1);
}

TEST(nic_reset_end_rearms_the_interrupt_vector)
{
	struct cdna_op_nic_reset r;

	uint32_t vec_lo;

	setup_in_flight(0);
	vec_lo = f.bar2[(CDNA_BAR2_HV + HV_INTVEC_LO) / 4];
	/* Entries consumed before the reset: the NIC restarts at 0. */
	hv_fake_raise(&f, 1u << 0);
	hv_fake_raise(&f, 1u << 0);
	cdna_hv_interrupt(f.hv);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(f.bar2[(CDNA_BAR2_HV + HV_INTVEC_LO) / 4], 0);
	f.fw_state = CDNA_FW_STATE_RUNNING;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(f.bar2[(CDNA_BAR2_HV + HV_INTVEC_LO) / 4], vec_lo);
	CHECK_EQ(f.bar2[(CDNA_BAR2_HV + HV_INT_CONS) / 4], 0);
	f.notified = 0;
	hv_fake_raise(&f, 1u << 0);
	cdna_hv_interrupt(f.hv);
	CHECK_EQ(f.notified, 1u << 0);
	CHECK_EQ(f.bar2[(CDNA_BAR2_HV + HV_INT_CONS) / 4], 1);
}

TEST(nic_reset_keeps_the_references_of_a_context_that_did_not_stop)
{
	struct cdna_op_nic_reset r;

	setup_in_flight(4);
	f.never_stops = 1;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(r.failed, 1);
	CHECK_EQ(r.refs_returned, 0);
	CHECK_EQ(dom_refs(&f.dom), 4);
	f.never_stops = 0;
	f.fw_state = CDNA_FW_STATE_RUNNING;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(r.refs_returned, 4);
	CHECK_EQ(r.contexts, 1);
	CHECK_EQ(dom_refs(&f.dom), 0);
}

TEST(a_revoke_during_the_reset_waits_for_the_end_if_the_nic_never_stopped)
{
	struct cdna_op_nic_reset r;
	struct cdna_op_revoke rv = { .ctx = 0 };

	setup_in_flight(2);
	f.never_stops = 1;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &rv), -CDNA_ETIMEDOUT);
	CHECK_EQ(f.dom.mmio[GUEST], 0);    /* cut off at once */
	CHECK_EQ(dom_refs(&f.dom), 2);
	f.fw_state = CDNA_FW_STATE_RUNNING;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(r.refs_returned, 2);
	CHECK_EQ(r.contexts, 0);
	CHECK_EQ(dom_refs(&f.dom), 0);
	CHECK_EQ(cdna_hv_refs_held(f.hv), 0);
	CHECK_EQ(hv_fake_guest(&f, GUEST, 0), 0);
}

TEST(a_domain_that_dies_while_suspended_gives_its_context_back)
{
	struct cdna_op_nic_reset r;

	setup_in_flight(2);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	cdna_hv_domain_gone(f.hv, GUEST);
	CHECK_EQ(f.dom.mmio[GUEST], 0);
	f.fw_state = CDNA_FW_STATE_RUNNING;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(r.contexts, 0);
	CHECK_EQ(cdna_hv_refs_held(f.hv), 0);
	CHECK_EQ(hv_fake_guest(&f, OTHER, 0), 0);
}

TEST(assign_during_a_nic_reset_is_busy)
{
	struct cdna_op_nic_reset r;
	struct cdna_op_assign a = { .ctx = CDNA_CTX_ANY, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };

	setup();
	dom_create(&f.dom, OTHER);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), -CDNA_EBUSY);
	f.fw_state = CDNA_FW_STATE_RUNNING;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
}

TEST(a_context_the_nic_does_not_run_again_stays_suspended)
{
	struct cdna_op_nic_reset r;
	struct cdna_op_revoke rv = { .ctx = 0 };

	setup_in_flight(1);
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
	f.fw_state = CDNA_FW_STATE_RUNNING;
	f.never_runs = 1;
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(r.failed, 1);
	CHECK_EQ(r.contexts, 0);
	CHECK_EQ(hv_fake_status(&f, 0, CDNA_STATUS_OFF_HV_FLAGS),
		 CDNA_STATUS_SUSPENDED);
	f.never_runs = 0;
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &rv), 0);
	CHECK_EQ(cdna_hv_refs_held(f.hv), 0);
}

TEST(nic_reset_is_dom0s_and_checks_its_phase)
{
	struct cdna_op_nic_reset r = { .phase = CDNA_NIC_RESET_BEGIN };

	setup();
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_NIC_RESET, &r), -CDNA_EPERM);
	CHECK_EQ(f.nic_resets, 0);
	CHECK_EQ(nic_reset(0, &r), -CDNA_EINVAL);
	CHECK_EQ(nic_reset(3, &r), -CDNA_EINVAL);
	CHECK_EQ(f.nic_resets, 0);
	/* END without BEGIN restores nothing. */
	CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
	CHECK_EQ(r.contexts, 0);
}

TEST(every_reset_counts_in_the_status_page)
{
	struct cdna_op_nic_reset r;

	setup_in_flight(0);
	for (unsigned i = 1; i <= 3; i++) {
		CHECK_EQ(nic_reset(CDNA_NIC_RESET_BEGIN, &r), 0);
		f.fw_state = CDNA_FW_STATE_RUNNING;
		CHECK_EQ(nic_reset(CDNA_NIC_RESET_END, &r), 0);
		CHECK_EQ(hv_fake_status(&f, 0, CDNA_STATUS_OFF_HV_RESETS), i);
	}
}

TEST(a_guest_may_query_its_own_context_only)
{
	struct cdna_op_query q = { .ctx = 0 };
	struct cdna_op_enqueue op;
	uint64_t page;

	setup();
	dom_create(&f.dom, OTHER);
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 2048, 0, &op), 0);
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_QUERY, &q), 0);
	CHECK_EQ(q.rx_prod, 1);
	CHECK_EQ(q.refs_held, 1);
	CHECK_EQ(q.state, CDNA_CTX_STATE_RUNNING);
	CHECK_EQ(hv_fake_as(&f, OTHER, CDNA_OP_QUERY, &q), -CDNA_EPERM);
}

TEST(an_unknown_command_is_enosys)
{
	const struct cdna_hv_caller who = { .domid = GUEST };

	setup();
	CHECK_EQ(cdna_hv_op(f.hv, &who, 99, 0), -CDNA_ENOSYS);
}

TEST(an_argument_the_caller_cannot_read_is_efault)
{
	const struct cdna_hv_caller who = { .domid = GUEST };

	setup();
	CHECK_EQ(cdna_hv_op(f.hv, &who, CDNA_OP_QUERY, TB_BAR0_BASE),
		 -CDNA_EFAULT);
	CHECK_EQ(cdna_hv_op(f.hv, &who, CDNA_OP_QUERY, f.hm.base),
		 -CDNA_EFAULT);
}

/* ---- hypervisor time (STATS hv_ns) --------------------------------------- */

#define STEP_NS 1000u   /* the fake clock's advance per read */

static struct cdna_op_stats stats(uint16_t ctx)
{
	struct cdna_op_stats st = { .ctx = ctx };

	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_STATS, &st), 0);
	return st;
}

/* setup(), a page of GUEST's, and a clock that moves STEP_NS per read. */
static uint64_t setup_timed(void)
{
	uint64_t page;

	setup();
	page = dom_alloc(&f.dom, GUEST, 1, TB_PG_RAM);
	f.ns_per_read = STEP_NS;
	return page;
}

TEST(an_enqueue_is_timed_once_however_many_descriptors_it_carries)
{
	struct cdna_op_enqueue op;
	struct cdna_guest_buf b[3];
	uint64_t page = setup_timed();
	struct cdna_op_stats st;

	for (int i = 0; i < 3; i++)
		b[i] = buf(page + 1024u * i, 1000, 0);
	CHECK_EQ(hv_fake_enqueue(&f, GUEST, 0, CDNA_RING_RX, b, 3, &op), 0);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page + 3072, 1000, 0, &op), 0);
	st = stats(0);
	CHECK_EQ(st.descs, 4);
	CHECK_EQ(st.hv_ns, 2 * STEP_NS);
}

TEST(the_owners_query_is_timed_on_its_context)
{
	struct cdna_op_query q = { .ctx = 0 };

	setup_timed();
	CHECK_EQ(hv_fake_as(&f, GUEST, CDNA_OP_QUERY, &q), 0);
	CHECK_EQ(stats(0).hv_ns, STEP_NS);
	CHECK_EQ(stats(0).descs, 0);
}

TEST(the_hypercall_entry_times_a_call_once_copies_included)
{
	const struct cdna_hv_caller who = { .domid = GUEST };
	struct cdna_op_query q = { .ctx = 0 };
	uint64_t arg = setup_timed();

	CHECK_EQ(dom_write(&f.dom, GUEST, arg, &q, sizeof(q)), 0);
	CHECK_EQ(cdna_hv_op(f.hv, &who, CDNA_OP_QUERY, arg), 0);
	CHECK_EQ(stats(0).hv_ns, STEP_NS);
	CHECK_EQ(stats(CDNA_CTX_ANY).hv_ns, STEP_NS);
}

TEST(a_refused_enqueue_of_the_owner_is_timed)
{
	struct cdna_op_enqueue op;
	uint64_t page = setup_timed();

	CHECK_EQ(post1(GUEST, CDNA_RING_TX, page + 4000, 200, CDNA_DESC_EOP,
		       &op), -CDNA_EINVAL);
	CHECK_EQ(stats(0).hv_ns, STEP_NS);
	CHECK_EQ(stats(0).descs, 0);
}

TEST(a_strangers_calls_count_in_the_total_not_on_the_context_named)
{
	struct cdna_op_enqueue op;
	struct cdna_op_query q = { .ctx = 0 };
	uint64_t page = setup_timed();

	dom_create(&f.dom, OTHER);
	CHECK_EQ(post1(OTHER, CDNA_RING_RX, page, 1000, 0, &op), -CDNA_EPERM);
	CHECK_EQ(hv_fake_as(&f, OTHER, CDNA_OP_QUERY, &q), -CDNA_EPERM);
	CHECK_EQ(stats(0).hv_ns, 0);
	CHECK_EQ(stats(CDNA_CTX_ANY).hv_ns, 2 * STEP_NS);
}

TEST(management_commands_are_not_timed)
{
	struct cdna_op_assign a = { .ctx = 1, .domid = OTHER,
				    .mac = { 2, 0, 0, 0, 0, 7 } };
	struct cdna_op_revoke r = { .ctx = 1 };

	setup_timed();
	dom_create(&f.dom, OTHER);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_ASSIGN, &a), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(stats(CDNA_CTX_ANY).hv_ns, 0);
}

TEST(stats_of_any_totals_time_and_descriptors_over_every_context)
{
	struct cdna_op_enqueue op;
	struct cdna_guest_buf b[2];
	uint64_t page = setup_timed(), other_page;
	struct cdna_op_stats all;

	CHECK_EQ(hv_fake_guest(&f, OTHER, 1), 1);
	other_page = dom_alloc(&f.dom, OTHER, 1, TB_PG_RAM);
	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 1000, 0, &op), 0);
	b[0] = buf(other_page, 1000, 0);
	b[1] = buf(other_page + 2048, 1000, 0);
	f.ns_per_read = 3 * STEP_NS;
	CHECK_EQ(hv_fake_enqueue(&f, OTHER, 1, CDNA_RING_RX, b, 2, &op), 0);
	CHECK_EQ(stats(0).hv_ns, STEP_NS);
	CHECK_EQ(stats(1).hv_ns, 3 * STEP_NS);
	all = stats(CDNA_CTX_ANY);
	CHECK_EQ(all.hv_ns, 4 * STEP_NS);
	CHECK_EQ(all.descs, 3);
	CHECK_EQ(all.enqueues, 2);
	CHECK_EQ(all.domid, CDNA_DOMID_NONE);
}

TEST(a_revoked_context_keeps_its_time_until_it_is_reassigned)
{
	struct cdna_op_enqueue op;
	struct cdna_op_revoke r = { .ctx = 0 };
	uint64_t page = setup_timed();

	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 1000, 0, &op), 0);
	CHECK_EQ(hv_fake_dom0(&f, CDNA_OP_REVOKE, &r), 0);
	CHECK_EQ(stats(0).hv_ns, STEP_NS);
	CHECK_EQ(stats(0).descs, 1);
}

TEST(a_reassigned_context_starts_its_time_from_zero_as_its_descriptors)
{
	struct cdna_op_enqueue op;
	struct cdna_op_assign a;
	uint64_t page = setup_timed();

	CHECK_EQ(post1(GUEST, CDNA_RING_RX, page, 1000, 0, &op), 0);
	CHECK_EQ(reassign_after_revoke(GUEST, 0, &a), 0);
	CHECK_EQ(stats(0).hv_ns, 0);
	CHECK_EQ(stats(0).descs, 0);
	/* The totals keep what the last assignment did. */
	CHECK_EQ(stats(CDNA_CTX_ANY).hv_ns, STEP_NS);
	CHECK_EQ(stats(CDNA_CTX_ANY).descs, 1);
}
