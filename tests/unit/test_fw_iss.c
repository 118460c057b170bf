/* SPDX-License-Identifier: MIT */
/*
 * test_fw_iss.c - the real ARM firmware image, run by Unicorn against the
 * NIC hardware blocks, behaves as its host build does: the same scenarios
 * as the host-built tests, end to end through the flashable image (startup
 * code, linker layout, Thumb code, WFI idling).
 *
 * The image is $CDNA_FW_IMAGE, else $BUILD/firmware/cdna-fw.img.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "../lib/fw_iss.h"
#include "fw_harness.h"

static const uint8_t far_mac[6] = { 0x02, 0xfa, 0, 0, 0, 0x01 };

static struct iss *iss;
static struct h_fw_ops ops;

static struct harness *boot(void)
{
	static char path[4096];
	const char *img = getenv("CDNA_FW_IMAGE");

	if (!img) {
		const char *build = getenv("BUILD");

		snprintf(path, sizeof(path), "%s/firmware/cdna-fw.img",
			 build ? build : "build");
		img = path;
	}
	iss = iss_new(img);
	ops = iss_fw_ops(iss);
	return h_new_fw(&ops);
}

static void shutdown_nic(struct harness *h)
{
	h_free(h);
	iss_free(iss);
}

TEST(iss_firmware_boots_running_and_reports_its_version)
{
	struct harness *h = boot();

	CHECK_EQ(h->hw->fw_state, CDNA_FW_STATE_RUNNING);
	CHECK_EQ(h->hw->fw_version, CDNA_FW_VERSION(1, 0, 0));
	CHECK(h->hw->fw_stats_addr >= CDNA_NIC_SRAM_BASE);
	CHECK(h->hw->rx_enable);
	shutdown_nic(h);
}

TEST(iss_tx_frames_across_ring_wrap_reach_wire_intact)
{
	struct harness *h = boot();
	uint32_t sent = 0;

	h_ctx_enable(h, 0, NULL, 0);
	for (int batch = 0; batch < 6; batch++) {
		h->n_wire = 0;
		for (int i = 0; i < 100; i++)
			h_tx_frame(h, 0, far_mac, 60 + (sent + i) % 1400,
				   (uint8_t)(sent + i), 1 + i % 3);
		h_tx_ring(h, 0);
		h_run(h);
		CHECK_EQ(h->n_wire, 100);
		for (uint32_t i = 0; i < 100; i++) {
			CHECK_EQ(h->wire[i].len, 60 + (sent + i) % 1400);
			CHECK(h_payload_ok(h->wire[i].data, h->wire[i].len,
					   (uint8_t)(sent + i)));
		}
		sent += 100;
	}
	CHECK_EQ(h->hw->cnt[0].tx_frames, 600);
	shutdown_nic(h);
}

TEST(iss_rx_unicast_and_broadcast_are_demultiplexed)
{
	struct harness *h = boot();

	h_ctx_enable(h, 0, NULL, CDNA_CTXF_BCAST);
	h_ctx_enable(h, 1, NULL, 0);
	h_ctx_enable(h, 2, NULL, CDNA_CTXF_BCAST);
	for (uint32_t c = 0; c < 3; c++)
		h_rx_post(h, c, 8, 2048);
	h_wire_in(h, h->ctx[1].mac, far_mac, 700, 0x40);
	h_wire_in(h, h_bcast, far_mac, 80, 0x50);
	h_run(h);
	CHECK_EQ(h_rx_cons(h, 0), 1);
	CHECK_EQ(h_rx_cons(h, 1), 1);
	CHECK_EQ(h_rx_cons(h, 2), 1);
	CHECK(h_payload_ok(h_rx_buf(h, 1, 0), 700, 0x40));
	CHECK(h_payload_ok(h_rx_buf(h, 0, 0), 80, 0x50));
	CHECK(h_payload_ok(h_rx_buf(h, 2, 0), 80, 0x50));
	shutdown_nic(h);
}

TEST(iss_switch_between_contexts_stays_inside_the_nic)
{
	struct harness *h = boot();

	h_ctx_enable(h, 0, NULL, 0);
	h_ctx_enable(h, 1, NULL, 0);
	h_rx_post(h, 1, 4, 2048);
	h_tx_frame(h, 0, h->ctx[1].mac, 1000, 0x21, 1);
	h_tx_ring(h, 0);
	h_run(h);
	CHECK_EQ(h->n_wire, 0);
	CHECK_EQ(h_rx_cons(h, 1), 1);
	CHECK(h_payload_ok(h_rx_buf(h, 1, 0), 1000, 0x21));
	shutdown_nic(h);
}

TEST(iss_forged_doorbell_is_refused_and_counted_in_sram_stats)
{
	struct harness *h = boot();

	h_ctx_enable(h, 0, NULL, 0);
	h_tx_frame(h, 0, far_mac, 100, 1, 1);
	nic_hw_doorbell_tx(h->hw, 0, 9);
	h_run(h);
	CHECK_EQ(h->n_wire, 1);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_BAD_SEQ], 1);
	nic_hw_doorbell_tx(h->hw, 0, 1000);
	h_run(h);
	CHECK_EQ(h_fw_stats(h, 0)->refused[CDNA_REFUSE_DOORBELL_RANGE], 1);
	shutdown_nic(h);
}

TEST(iss_revoke_reports_stopped_and_heartbeat_runs)
{
	struct harness *h = boot();
	uint32_t hb = h->hw->heartbeat;

	h_ctx_enable(h, 3, NULL, 0);
	h_ctx_revoke(h, 3);
	CHECK_EQ(nic_hw_cfg_read(h->hw, 3, CFG_STATE), CDNA_CTX_STATE_STOPPED);
	CHECK_EQ(h_fw_stats(h, 3)->revokes, 1);
	h->now_us += 250000;
	h_run(h);
	CHECK(h->hw->heartbeat > hb);
	shutdown_nic(h);
}
