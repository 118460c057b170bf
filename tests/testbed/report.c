/* SPDX-License-Identifier: MIT */
/*
 * report.c - the end of a run: the NIC's own counters (BAR2) compared
 * with what the testbed sent and received, then printed with the
 * testbed's tallies and the verdict.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "testbed.h"

static const char *mac_str(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
}

/* One context's counters against the testbed's view of it. */
static void check_ctx(struct testbed *tb, unsigned c)
{
	const struct tb_ledger *l = &tb->ledger;
	const struct tb_guest *g = &tb->guest[c];
	struct tb_ctx_stats st;
	char m1[18], m2[18];

	board_ctx_stats(tb, c, &st);
	if (memcmp(st.mac, g->mac, 6))
		ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: BAR2 MAC %s, "
			     "want %s", c, mac_str(st.mac, m1),
			     mac_str(g->mac, m2));
	if (st.tx_frames != g->tx_prod)
		ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: NIC counted %u "
			     "frames sent, the guest sent %u", c, st.tx_frames,
			     g->tx_prod);
	if (st.refused_total || st.dropped_total)
		ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: NIC refused %"
			     PRIu64 " descriptors and dropped %" PRIu64
			     " frames", c, st.refused_total,
			     st.dropped_total);
	if (!l->rec)
		return; /* a benchmark keeps no byte or receive tallies */
	if (st.tx_bytes != l->sent_bytes[c])
		ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: NIC counted %"
			     PRIu64 " bytes sent, the guest sent %" PRIu64,
			     c, st.tx_bytes, l->sent_bytes[c]);
	if (st.rx_frames != l->recv_frames[c] ||
	    st.rx_bytes != l->recv_bytes[c])
		ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: NIC counted %u "
			     "frames (%" PRIu64 " bytes) received, the guest "
			     "took %" PRIu64 " (%" PRIu64 " bytes)", c,
			     st.rx_frames, st.rx_bytes, l->recv_frames[c],
			     l->recv_bytes[c]);
}

/* Protected mode: well-behaved guests are never refused, and every page
 * reference the hypervisor holds is one the NIC may still use. */
static void check_hypervisor(struct testbed *tb)
{
	uint64_t held = 0;

	for (unsigned c = 0; c < tb->nguests; c++) {
		const struct tb_guest *g = &tb->guest[c];
		struct cdna_op_stats st = { .ctx = (uint16_t)c };
		struct cdna_op_query q = { .ctx = (uint16_t)c };

		if (g->hcall_failures)
			ledger_error(&tb->ledger, TB_ERR_DRIVER, "ctx %u: %"
				     PRIu64 " of %" PRIu64 " ENQUEUE calls "
				     "refused a buffer (last error %ld)", c,
				     g->hcall_failures, g->hcalls,
				     g->last_error);
		/* A query drops the references of what the NIC completed
		 * (they are otherwise dropped lazily, at the next ENQUEUE). */
		board_dom0_op(tb, CDNA_OP_QUERY, &q);
		board_dom0_op(tb, CDNA_OP_STATS, &st);
		for (unsigned r = 0; r < CDNA_HV_REFUSAL_NUM; r++)
			if (st.refused[r])
				ledger_error(&tb->ledger, TB_ERR_DRIVER, "ctx "
					     "%u: the hypervisor refused %u "
					     "buffers (reason %u)", c,
					     st.refused[r], r);
		/* Posted RX buffers stay referenced; TX all completed. */
		if (st.refs_held > g->rx_prod - g->rx_done + g->tx_prod -
		    g->tx_done)
			ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u: the "
				     "hypervisor holds %u references for %u "
				     "outstanding descriptors", c,
				     st.refs_held, g->rx_prod - g->rx_done +
				     g->tx_prod - g->tx_done);
		held += st.refs_held;
	}
	for (unsigned c = 0; c < CDNA_NUM_CTX; c++) {
		struct cdna_op_stats st = { .ctx = (uint16_t)c };

		if (tb->foreign_ctx & (1u << c) &&
		    board_dom0_op(tb, CDNA_OP_STATS, &st) == 0)
			held += st.refs_held;
	}
	if (held != dom_refs(&tb->dom) || tb->dom.bad_puts ||
	    tb->dom.bad_maps || (!tb->foreign_ctx &&
				 (tb->dom.refused_writes ||
				  tb->dom.refused_doorbells)))
		ledger_error(&tb->ledger, TB_ERR_DRIVER, "page accounting: "
			     "core holds %" PRIu64 " references, pages count %"
			     PRIu64 "; %" PRIu64 " bad puts, %" PRIu64 " bad "
			     "maps, %" PRIu64 " refused stores, %" PRIu64
			     " refused doorbells", held, dom_refs(&tb->dom),
			     tb->dom.bad_puts, tb->dom.bad_maps,
			     tb->dom.refused_writes,
			     tb->dom.refused_doorbells);
}

void report_check(struct testbed *tb)
{
	static const struct {
		uint32_t reg;
		const char *what;
	} nic_wide[] = {
		{ MGMT_MAC_RX_DROPS, "frames the MAC dropped" },
		{ MGMT_RX_NO_MATCH, "wire frames for no context" },
		{ MGMT_DMA_FAULTS, "DMA commands refused" },
	};
	uint32_t state = board_mgmt(tb, MGMT_FW_STATE);

	if (state != CDNA_FW_STATE_RUNNING)
		ledger_error(&tb->ledger, TB_ERR_NIC, "firmware %s at the end "
			     "(fault %s at pc 0x%08x)",
			     cdna_nic_fw_state_name(state),
			     cdna_nic_fault_name(board_mgmt(tb, MGMT_FAULT_CAUSE)),
			     board_mgmt(tb, MGMT_FAULT_PC));
	for (unsigned i = 0; i < sizeof(nic_wide) / sizeof(nic_wide[0]); i++) {
		uint32_t v = board_mgmt(tb, nic_wide[i].reg);

		if (v)
			ledger_error(&tb->ledger, TB_ERR_NIC, "BAR2 counts %u %s",
				     v, nic_wide[i].what);
	}
	if (tb->hm.refused)
		ledger_error(&tb->ledger, TB_ERR_NIC, "%" PRIu64 " DMA requests "
			     "outside host memory", tb->hm.refused);
	if (tb->hm.stray_writes)
		ledger_error(&tb->ledger, TB_ERR_NIC, "%" PRIu64 " DMA writes "
			     "where the NIC may not write (TX side, RX "
			     "descriptor fields), the first at 0x%" PRIx64,
			     tb->hm.stray_writes, tb->hm.first_stray);
	if (tb->wire.refused)
		ledger_error(&tb->ledger, TB_ERR_NIC, "cdna_nic_receive dropped "
			     "%" PRIu64 " frames it had room for",
			     tb->wire.refused);
	/* Coalescing: at most one interrupt per HV_INT_MOD_US of time. */
	if (tb->opts.int_mod_us &&
	    tb->irqs > tb_clock_us(&tb->clock) / tb->opts.int_mod_us + 1)
		ledger_error(&tb->ledger, TB_ERR_NIC, "%" PRIu64 " interrupts "
			     "in %" PRIu64 " us, with at least %u us between "
			     "two", tb->irqs, tb_clock_us(&tb->clock),
			     tb->opts.int_mod_us);
	for (unsigned c = 0; c < tb->nguests; c++)
		check_ctx(tb, c);
	if (tb->hv)
		check_hypervisor(tb);
	/* Contexts nobody enabled must have seen nothing at all. */
	for (unsigned c = tb->nguests; c < CDNA_NUM_CTX; c++) {
		struct tb_ctx_stats st;

		if (tb->foreign_ctx & (1u << c))
			continue;
		board_ctx_stats(tb, c, &st);
		if (st.tx_frames || st.rx_frames || st.refused_total ||
		    st.dropped_total)
			ledger_error(&tb->ledger, TB_ERR_NIC, "ctx %u, which no "
				     "guest owns, counts %u frames sent, %u "
				     "received, %" PRIu64 " refusals, %" PRIu64
				     " drops", c, st.tx_frames, st.rx_frames,
				     st.refused_total, st.dropped_total);
	}
}

static void print_table(struct testbed *tb)
{
	char mac[18];
	uint8_t far_end[6];

	printf("%-7s  %-17s  %10s  %10s  %12s  %12s  %7s  %7s\n", "context",
	       "MAC", "tx frames", "rx frames", "tx bytes", "rx bytes",
	       "refused", "dropped");
	for (unsigned c = 0; c < tb->nguests; c++) {
		struct tb_ctx_stats st;

		board_ctx_stats(tb, c, &st);
		printf("%7u  %-17s  %10u  %10u  %12" PRIu64 "  %12" PRIu64
		       "  %7" PRIu64 "  %7" PRIu64 "\n", c, mac_str(st.mac, mac),
		       st.tx_frames, st.rx_frames, st.tx_bytes, st.rx_bytes,
		       st.refused_total, st.dropped_total);
	}
	tb_node_mac(TB_WIRE, far_end);
	printf("%7s  %-17s  %10" PRIu64 "  %10" PRIu64 "  %12" PRIu64 "  %12"
	       PRIu64 "\n", "far end", mac_str(far_end, mac), tb->wire.to_nic,
	       tb->wire.from_nic, tb->wire.to_nic_bytes,
	       tb->wire.from_nic_bytes);
}

static void print_tallies(struct testbed *tb)
{
	const struct tb_ledger *l = &tb->ledger;
	struct cdna_nic_info info;

	if (l->rec) {
		printf("testbed: %u frames sent:", l->n);
		for (unsigned p = 0; p < TB_PAT_NUM; p++)
			if (l->sent_by_pattern[p])
				printf(" %s %" PRIu64, tb_pattern_name(p),
				       l->sent_by_pattern[p]);
		printf("; deliveries due %" PRIu64 ", made %" PRIu64 "\n",
		       l->deliveries_due, l->deliveries_made);
	}
	cdna_nic_get_info(tb->nic, &info);
	printf("nic: firmware %u.%u.%u from bank %u, %" PRIu64 " interrupts, "
	       "%" PRIu64 " cdna_nic_run calls, %.3f ms simulated\n",
	       CDNA_FW_VERSION_MAJOR(info.fw_version),
	       CDNA_FW_VERSION_MINOR(info.fw_version),
	       CDNA_FW_VERSION_PATCH(info.fw_version), info.boot_bank,
	       tb->irqs, tb->runs, (double)tb->clock.ns / 1e6);
	if (tb->hv) {
		uint64_t calls = 0, descs = 0;
		uint32_t refs = 0;

		for (unsigned c = 0; c < tb->nguests; c++) {
			struct cdna_op_stats st = { .ctx = (uint16_t)c };

			board_dom0_op(tb, CDNA_OP_STATS, &st);
			calls += st.enqueues;
			descs += st.descs;
			refs += st.refs_held;
		}
		printf("hypervisor: %" PRIu64 " ENQUEUE calls, %" PRIu64
		       " descriptors validated, %u page references held, %"
		       PRIu64 " notifications\n", calls, descs, refs,
		       tb->hv_notifies);
	}
	if (tb->opts.pcap)
		printf("pcap: %s (%" PRIu64 " frames)\n", tb->opts.pcap,
		       tb->wire.to_nic + tb->wire.from_nic + tb->wire.refused);
}

void report_print(struct testbed *tb)
{
	uint64_t errors = ledger_error_total(&tb->ledger);

	if (!tb->opts.quiet)
		print_table(tb);
	print_tallies(tb);
	if (!errors) {
		printf("verdict: OK, every frame reached exactly the places it "
		       "was for, intact\n");
		return;
	}
	printf("verdict: FAILED,");
	for (int k = 0; k < TB_ERR_NUM; k++)
		if (tb->ledger.errors[k])
			printf(" %" PRIu64 " %s", tb->ledger.errors[k],
			       ledger_error_name((enum tb_error)k));
	printf(" (details on stderr)\n");
}
