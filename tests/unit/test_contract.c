/* SPDX-License-Identifier: MIT */
/*
 * test_contract.c - the layouts in include/cdna/ are what their comments
 * promise: field offsets, sizes, and register blocks that fit their pages
 * without overlapping.  (The build also compiles this file with -Wpadded,
 * so no structure of the contract has hidden padding.)
 */
#include <stddef.h>

#include <cdna/desc.h>
#include <cdna/hcall.h>
#include <cdna/image.h>
#include <cdna/nic-hw.h>
#include <cdna/regs.h>
#include <cdna/xenbus.h>

#include "../lib/check.h"

TEST(contract_descriptor_fields_sit_where_desc_h_says)
{
	CHECK_EQ(sizeof(struct cdna_desc), 16);
	CHECK_EQ(offsetof(struct cdna_desc, addr), 0);
	CHECK_EQ(offsetof(struct cdna_desc, len), CDNA_DESC_OFF_LEN);
	CHECK_EQ(offsetof(struct cdna_desc, flags), CDNA_DESC_OFF_LEN + 2);
	CHECK_EQ(offsetof(struct cdna_desc, seq), 12);
	CHECK_EQ(CDNA_RING_SLOTS * sizeof(struct cdna_desc), CDNA_PAGE_SIZE);
}

TEST(contract_status_block_offsets_match_their_names)
{
	CHECK_EQ(offsetof(struct cdna_ctx_status, tx_cons),
		 CDNA_STATUS_OFF_TX_CONS);
	CHECK_EQ(offsetof(struct cdna_ctx_status, rx_cons),
		 CDNA_STATUS_OFF_RX_CONS);
}

TEST(contract_interrupt_vector_fits_one_page)
{
	CHECK_EQ(offsetof(struct cdna_intvec, mask), 64);
	CHECK(sizeof(struct cdna_intvec) <= CDNA_PAGE_SIZE);
}

TEST(contract_status_block_hypervisor_words)
{
	CHECK_EQ(offsetof(struct cdna_ctx_status, hv_flags),
		 CDNA_STATUS_OFF_HV_FLAGS);
	CHECK_EQ(offsetof(struct cdna_ctx_status, hv_resets),
		 CDNA_STATUS_OFF_HV_RESETS);
	CHECK(CDNA_STATUS_OFF_HV_FLAGS > CDNA_STATUS_OFF_RX_CONS);
}

TEST(contract_image_header_offsets)
{
	CHECK_EQ(offsetof(struct cdna_image_header, payload_crc), 0x20);
	CHECK_EQ(offsetof(struct cdna_image_header, name), 0x28);
	CHECK_EQ(offsetof(struct cdna_image_header, header_crc), 0x3c);
	CHECK_EQ(CDNA_IMAGE_MAX_SIZE, 64 + CDNA_NIC_CODE_SIZE);
}

TEST(contract_bar_register_blocks_fit_their_pages)
{
	CHECK(CTX_INDEX < 0x1000);
	CHECK_EQ(CDNA_BAR0_CTX(CDNA_NUM_CTX), CDNA_BAR0_SIZE);
	CHECK(MGMT_CTX(CDNA_NUM_CTX) <= MGMT_FLASH_BANK);
	CHECK(MGMT_FLASH_BANK_ST(1) < MGMT_FLASH_BANK_CRC(0));
	CHECK(MGMT_FLASH_BANK_CRC(1) < 0x1000);
	CHECK_EQ(MGMT_STATS(0), CDNA_BAR2_STATS);
	CHECK(MGMT_STATS(CDNA_NUM_CTX) <= CDNA_BAR2_STATS + 0x1000);
	CHECK(CDNA_REFUSE_NUM <= 16 && CDNA_DROP_NUM <= 8);
	CHECK(STAT_REFUSED(16) <= STAT_DROPPED(0));
	CHECK(STAT_DROPPED(8) <= 0x80);
	CHECK(STAT_REVOKES < STAT_REFUSED(0));
	CHECK((CDNA_BAR2_SIZE & (CDNA_BAR2_SIZE - 1)) == 0);
	CHECK(CDNA_BAR2_STATS + 0x1000 <= CDNA_BAR2_SIZE);
	CHECK(HV_CTX(CDNA_NUM_CTX) <= 0x1000);
	CHECK(HV_CTX_STATE < 0x40);
}

TEST(contract_nic_hw_blocks_fit_their_4k_windows)
{
	CHECK(DB_RX_PROD(CDNA_NUM_CTX - 1) < 0x1000);
	CHECK(CFG_CTX(CDNA_NUM_CTX) <= 0x1000);
	CHECK(CFG_STATE < 0x40);
	CHECK(MAC_CNT_TX < 0x1000);
	CHECK_EQ(sizeof(struct cdna_fw_stats_block),
		 64 + 64 * CDNA_NUM_CTX);
	CHECK(CDNA_NUM_CTX <= 32); /* one bit per context in every mask */
}

TEST(contract_hcall_structures_have_fixed_sizes)
{
	CHECK_EQ(sizeof(struct cdna_guest_buf), 16);
	CHECK_EQ(sizeof(struct cdna_op_enqueue), 32);
	CHECK_EQ(offsetof(struct cdna_op_enqueue, bufs), 8);
	CHECK_EQ(offsetof(struct cdna_op_assign, tx_ring), 16);
	CHECK_EQ(sizeof(struct cdna_op_stats), 96);
	/* Naturally aligned, wherever CDNA_HV_REFUSAL_NUM leaves pad1. */
	CHECK_EQ(offsetof(struct cdna_op_stats, hv_ns), 88);
	CHECK(CDNA_HV_REFUSAL_NUM <= 16);
}

TEST(contract_frame_limits_are_consistent)
{
	CHECK(CDNA_MAX_FRAME <= MAC_RX_SLOT_SIZE);
	CHECK(CDNA_RX_BUF_MIN <= CDNA_PAGE_SIZE);
	CHECK_EQ(CDNA_MAX_FRAME, 1518);
	CHECK((CDNA_RING_SLOTS & (CDNA_RING_SLOTS - 1)) == 0);
}
