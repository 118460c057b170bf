/* SPDX-License-Identifier: MIT */
/*
 * hv_fake.c - the hypervisor core over simulated domains and a stand-in
 * BAR2 (hv_fake.h).
 */
#include "hv_fake.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct hv_fake *fake_of(void *opaque)
{
	return (struct hv_fake *)((char *)opaque - offsetof(struct hv_fake,
							    dom));
}

static int f_nic_attach(void *opaque, uint64_t bar0, uint64_t bar2)
{
	(void)opaque;
	return bar0 == TB_BAR0_BASE && bar2 == TB_BAR2_BASE ? 0 : -1;
}

static uint32_t f_bar2_read(void *opaque, uint32_t off)
{
	struct hv_fake *f = fake_of(opaque);
	uint32_t hv = off - CDNA_BAR2_HV;

	if (off == CDNA_BAR2_MGMT + MGMT_ID)
		return CDNA_HW_ID;
	if (off == CDNA_BAR2_MGMT + MGMT_NUM_CTX)
		return f->num_ctx;
	if (off == CDNA_BAR2_MGMT + MGMT_FW_STATE)
		return f->fw_state;
	if (off >= CDNA_BAR2_HV + HV_CTX(0) &&
	    off < CDNA_BAR2_HV + HV_CTX(CDNA_NUM_CTX) &&
	    (hv - HV_CTX(0)) % 0x40u == HV_CTX_STATE)
		return f->ctx_state[(hv - HV_CTX(0)) / 0x40u];
	return off < CDNA_BAR2_SIZE ? f->bar2[off / 4] : 0;
}

static void f_bar2_write(void *opaque, uint32_t off, uint32_t val)
{
	struct hv_fake *f = fake_of(opaque);
	uint32_t hv = off - CDNA_BAR2_HV;

	if (off >= CDNA_BAR2_SIZE)
		return;
	f->bar2[off / 4] = val;
	if (off == CDNA_BAR2_MGMT + MGMT_NIC_CTRL &&
	    (val & CDNA_NIC_CTRL_RESET)) {
		f->nic_resets++;
		f->fw_state = CDNA_FW_STATE_RESET;
		memset(f->ctx_state, 0, sizeof(f->ctx_state));
		f->bar2[(CDNA_BAR2_HV + HV_INTVEC_LO) / 4] = 0;
		f->bar2[(CDNA_BAR2_HV + HV_INTVEC_HI) / 4] = 0;
		return;
	}
	if (off >= CDNA_BAR2_HV + HV_CTX(0) &&
	    off < CDNA_BAR2_HV + HV_CTX(CDNA_NUM_CTX) &&
	    (hv - HV_CTX(0)) % 0x40u == HV_CTX_CTRL) {
		unsigned c = (hv - HV_CTX(0)) / 0x40u;

		if (val == CDNA_CTX_CTRL_ENABLE && !f->never_runs)
			f->ctx_state[c] = CDNA_CTX_STATE_RUNNING;
		else if (val == CDNA_CTX_CTRL_REVOKE && !f->never_stops &&
			 f->ctx_state[c] == CDNA_CTX_STATE_RUNNING)
			f->ctx_state[c] = CDNA_CTX_STATE_STOPPED;
	}
}

static uint64_t f_now_ns(void *opaque)
{
	struct hv_fake *f = fake_of(opaque);
	uint64_t now = f->now_ns;

	if (f->real_clock) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	f->now_ns += f->ns_per_read;
	return now;
}

static void f_relax(void *opaque)
{
	fake_of(opaque)->now_ns += 10000;
}

static void f_notify(void *opaque, uint16_t domid, unsigned ctx,
		     uint32_t port)
{
	struct hv_fake *f = fake_of(opaque);

	(void)port;
	f->notified |= 1u << ctx;
	f->notified_dom[ctx] = domid;
}

int hv_fake_init(struct hv_fake *f, uint64_t pages)
{
	return hv_fake_init_unregistered(f, pages) ||
	       hv_fake_register(f, 0) ? -1 : 0;
}

long hv_fake_register(struct hv_fake *f, uint32_t int_mod_us)
{
	struct cdna_op_register_nic reg = { .bar0 = TB_BAR0_BASE,
					    .bar2 = TB_BAR2_BASE,
					    .int_mod_us = int_mod_us };

	return hv_fake_dom0(f, CDNA_OP_REGISTER_NIC, &reg);
}

int hv_fake_init_unregistered(struct hv_fake *f, uint64_t pages)
{
	struct cdna_hv_platform plat;

	memset(f, 0, sizeof(*f));
	f->num_ctx = CDNA_NUM_CTX;
	f->fw_state = CDNA_FW_STATE_RUNNING;
	if (hostmem_init(&f->hm, pages * CDNA_PAGE_SIZE) ||
	    dom_init(&f->dom, &f->hm, NULL))
		return -1;
	dom_create(&f->dom, TB_DOM0);
	dom_platform(&f->dom, &plat);
	plat.nic_attach = f_nic_attach;
	plat.bar2_read = f_bar2_read;
	plat.bar2_write = f_bar2_write;
	plat.now_ns = f_now_ns;
	plat.relax = f_relax;
	plat.notify = f_notify;
	f->hv = calloc(1, cdna_hv_size());
	if (!f->hv)
		return -1;
	cdna_hv_init(f->hv, &plat);
	return 0;
}

void hv_fake_fini(struct hv_fake *f)
{
	if (f->hv) {
		cdna_hv_fini(f->hv);
		free(f->hv);
	}
	dom_free(&f->dom);
	hostmem_free(&f->hm);
	memset(f, 0, sizeof(*f));
}

long hv_fake_dom0(struct hv_fake *f, unsigned int cmd, void *op)
{
	const struct cdna_hv_caller dom0 = { .domid = TB_DOM0,
					     .privileged = 1 };

	return cdna_hv_do(f->hv, &dom0, cmd, op);
}

long hv_fake_as(struct hv_fake *f, uint16_t domid, unsigned int cmd,
		void *op)
{
	const struct cdna_hv_caller who = { .domid = domid };

	return cdna_hv_do(f->hv, &who, cmd, op);
}

int hv_fake_guest(struct hv_fake *f, uint16_t domid, uint16_t ctx)
{
	struct cdna_op_assign a = {
		.ctx = ctx, .domid = domid, .flags = CDNA_CTXF_BCAST,
		.mac = { 0x02, 0xcd, 0x4a, 0x99, (uint8_t)(domid >> 8),
			 (uint8_t)domid },
	};

	dom_create(&f->dom, domid);
	return hv_fake_dom0(f, CDNA_OP_ASSIGN, &a) ? -1 : a.ctx;
}

/* Each domain's argument page, allocated on first use. */
static uint64_t arg_page(struct hv_fake *f, uint16_t domid)
{
	if (!f->arg_page[domid])
		f->arg_page[domid] = dom_alloc(&f->dom, domid, 1, TB_PG_RAM);
	return f->arg_page[domid];
}

long hv_fake_enqueue(struct hv_fake *f, uint16_t domid, uint16_t ctx,
		     unsigned ring, const struct cdna_guest_buf *bufs,
		     uint32_t count, struct cdna_op_enqueue *op)
{
	uint64_t arg = arg_page(f, domid);

	*op = (struct cdna_op_enqueue){ .ctx = ctx, .ring = (uint8_t)ring,
					.count = count, .bufs = arg };
	if (count && count <= CDNA_ENQUEUE_MAX)
		memcpy(hostmem_ptr(&f->hm, arg), bufs, count * sizeof(*bufs));
	return hv_fake_as(f, domid, CDNA_OP_ENQUEUE, op);
}

static uint64_t bar2_addr(const struct hv_fake *f, uint32_t off)
{
	return (uint64_t)f->bar2[(off + 4) / 4] << 32 | f->bar2[off / 4];
}

void hv_fake_complete(struct hv_fake *f, uint16_t ctx, unsigned ring,
		      uint32_t cons)
{
	uint64_t status = bar2_addr(f, CDNA_BAR2_HV + HV_CTX(ctx) +
				    HV_CTX_STATUS_LO);

	hostmem_wr32(&f->hm, status + (ring == CDNA_RING_TX ?
				       CDNA_STATUS_OFF_TX_CONS :
				       CDNA_STATUS_OFF_RX_CONS), cons);
}

uint32_t hv_fake_status(struct hv_fake *f, uint16_t ctx, uint32_t off)
{
	return hostmem_rd32(&f->hm, bar2_addr(f, CDNA_BAR2_HV + HV_CTX(ctx) +
					      HV_CTX_STATUS_LO) + off);
}

void hv_fake_raise(struct hv_fake *f, uint32_t mask)
{
	uint64_t vec = bar2_addr(f, CDNA_BAR2_HV + HV_INTVEC_LO);
	uint32_t prod;

	/* A NIC whose vector is not armed (after a reset) appends nothing. */
	if (!vec)
		return;
	prod = hostmem_rd32(&f->hm, vec);

	hostmem_wr32(&f->hm, vec + offsetof(struct cdna_intvec, mask) +
		     4u * (prod % CDNA_INTVEC_SLOTS), mask);
	hostmem_wr32(&f->hm, vec, prod + 1);
}

struct cdna_desc hv_fake_desc(struct hv_fake *f, uint16_t ctx, unsigned ring,
			      uint32_t idx)
{
	uint64_t base = bar2_addr(f, CDNA_BAR2_HV + HV_CTX(ctx) +
				  (ring == CDNA_RING_TX ? HV_CTX_TX_RING_LO :
				   HV_CTX_RX_RING_LO));
	uint64_t d = base + (idx % CDNA_RING_SLOTS) * sizeof(struct cdna_desc);
	struct cdna_desc desc = {
		.addr = (uint64_t)hostmem_rd32(&f->hm, d + 4) << 32 |
			hostmem_rd32(&f->hm, d),
		.len = (uint16_t)hostmem_rd32(&f->hm, d + 8),
		.flags = (uint16_t)(hostmem_rd32(&f->hm, d + 8) >> 16),
		.seq = hostmem_rd32(&f->hm, d + 12),
	};

	return desc;
}
