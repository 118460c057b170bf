/* SPDX-License-Identifier: MIT */
/*
 * test_nic_hw.c - the NIC's hardware blocks (hw-model/core/nic_hw.c) as
 * the firmware sees them through include/cdna/nic-hw.h: each register
 * does what the contract says, including the one-store commands the
 * firmware's fast paths rely on.  A mistake here would not break the
 * firmware's own tests (a slower firmware is still a correct one), so
 * each command is pinned down by itself.
 */
#include <stdlib.h>
#include <string.h>

#include <cdna/desc.h>
#include "../lib/check.h"
#include "../../hw-model/core/nic_hw.h"

#define HOST_BASE 0x10000ull
#define HOST_SIZE 0x10000u

static uint8_t host[HOST_SIZE];
static uint8_t wire[2048];
static size_t wire_len;
static unsigned wire_frames;

static int dma_read(void *o, uint64_t a, void *buf, size_t len)
{
	(void)o;
	if (a < HOST_BASE || len > HOST_SIZE || a - HOST_BASE > HOST_SIZE - len)
		return -1;
	memcpy(buf, host + (a - HOST_BASE), len);
	return 0;
}

static int dma_write(void *o, uint64_t a, const void *buf, size_t len)
{
	(void)o;
	if (a < HOST_BASE || len > HOST_SIZE || a - HOST_BASE > HOST_SIZE - len)
		return -1;
	memcpy(host + (a - HOST_BASE), buf, len);
	return 0;
}

static void wire_tx(void *o, const uint8_t *f, size_t len)
{
	(void)o;
	memcpy(wire, f, len);
	wire_len = len;
	wire_frames++;
}

static struct nic_hw *hw_new(void)
{
	static const struct nic_hw_ops ops = {
		.dma_read = dma_read, .dma_write = dma_write, .wire_tx = wire_tx,
	};
	struct nic_hw *hw = nic_hw_new(&ops);

	CHECK(hw != NULL);
	memset(host, 0, sizeof(host));
	wire_frames = 0;
	return hw;
}

static void wr(struct nic_hw *hw, uint32_t block, uint32_t off, uint32_t v)
{
	nic_hw_write(hw, block + off, v);
}

static uint32_t rd(struct nic_hw *hw, uint32_t block, uint32_t off)
{
	return nic_hw_read(hw, block + off);
}

static uint8_t *sram(struct nic_hw *hw, uint32_t addr)
{
	return hw->sram + (addr - CDNA_NIC_SRAM_BASE);
}

static uint32_t host32(uint64_t a)
{
	uint32_t v;

	memcpy(&v, host + (a - HOST_BASE), 4);
	return v;
}

/* A descriptor at SRAM address at, naming host buffer addr of len. */
static void put_desc(struct nic_hw *hw, uint32_t at, uint64_t addr,
		     uint16_t len)
{
	struct cdna_desc d = { .addr = addr, .len = len };

	memcpy(sram(hw, at), &d, sizeof(d));
}

#define DESC_AT  (CDNA_NIC_SRAM_BASE + 0x1000u)
#define STAGE    (CDNA_NIC_SRAM_BASE + 0x8000u)

TEST(dma_desc_copies_the_descriptors_buffer_into_sram)
{
	struct nic_hw *hw = hw_new();

	for (int i = 0; i < 100; i++)
		host[0x300 + i] = (uint8_t)(i + 7);
	put_desc(hw, DESC_AT, HOST_BASE + 0x300, 100);
	wr(hw, CDNA_NIC_DMA, DMA_DESC, DMA_DESC_AT(DESC_AT) | DMA_DESC_TO(STAGE));
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_OK);
	CHECK(memcmp(sram(hw, STAGE), host + 0x300, 100) == 0);
	nic_hw_free(hw);
}

TEST(dma_desc_to_a_refused_host_address_faults_and_is_counted)
{
	struct nic_hw *hw = hw_new();

	put_desc(hw, DESC_AT, 0x10, 64);
	wr(hw, CDNA_NIC_DMA, DMA_DESC, DMA_DESC_AT(DESC_AT) | DMA_DESC_TO(STAGE));
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_HOST_FAULT);
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_FAULTS), 1);
	put_desc(hw, DESC_AT, HOST_BASE, 0);
	wr(hw, CDNA_NIC_DMA, DMA_DESC, DMA_DESC_AT(DESC_AT) | DMA_DESC_TO(STAGE));
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_BAD_CMD);
	/* A long buffer into the last SRAM slot would run off SRAM. */
	put_desc(hw, DESC_AT, HOST_BASE, 4096);
	wr(hw, CDNA_NIC_DMA, DMA_DESC, DMA_DESC_AT(DESC_AT) |
	   DMA_DESC_TO(CDNA_NIC_SRAM_BASE + CDNA_NIC_SRAM_SIZE - 2048));
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_LOCAL_FAULT);
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_FAULTS), 3);
	nic_hw_free(hw);
}

TEST(dma_desc_out_copies_len_bytes_from_sram_to_the_descriptors_buffer)
{
	struct nic_hw *hw = hw_new();

	memset(sram(hw, STAGE), 0xab, 80);
	memset(host + 0x800, 0x11, 200);
	put_desc(hw, DESC_AT, HOST_BASE + 0x800, 2048);
	wr(hw, CDNA_NIC_DMA, DMA_DESC_OUT, DMA_DESC_AT(DESC_AT) |
	   DMA_DESC_TO(STAGE) | DMA_OUT_LEN(80));
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_OK);
	CHECK_EQ(host[0x800], 0xab);
	CHECK_EQ(host[0x800 + 79], 0xab);
	CHECK_EQ(host[0x800 + 80], 0x11);   /* not one byte more */
	nic_hw_free(hw);
}

TEST(dma_rx_done_writes_back_into_the_latched_ring_and_counts_the_frame)
{
	struct nic_hw *hw = hw_new();
	uint64_t ring = HOST_BASE + 0x1000;

	wr(hw, CDNA_NIC_DMA, DMA_CTX(5) + DMA_CTX_RX_RING_LO, (uint32_t)ring);
	wr(hw, CDNA_NIC_DMA, DMA_CTX(5) + DMA_CTX_RX_RING_HI, 0);
	wr(hw, CDNA_NIC_DMA, DMA_RX_DONE, DMA_RX_DONE_LEN(60) |
	   DMA_RX_DONE_IDX(300) | DMA_RX_DONE_CTX(5) |
	   DMA_RX_DONE_FLAGS(CDNA_DESC_DONE | CDNA_DESC_EOP));
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_OK);
	/* Index 300 is slot 44 of the 256-slot ring. */
	CHECK_EQ(host32(ring + 44 * 16 + CDNA_DESC_OFF_LEN),
		 60 | (CDNA_DESC_DONE | CDNA_DESC_EOP) << 16);
	CHECK_EQ(hw->cnt[5].rx_frames, 1);
	CHECK_EQ(hw->cnt[5].rx_bytes, 60);
	/* A refused buffer handed back with ERR is no received frame. */
	wr(hw, CDNA_NIC_DMA, DMA_RX_DONE, DMA_RX_DONE_IDX(45) |
	   DMA_RX_DONE_CTX(5) | DMA_RX_DONE_FLAGS(CDNA_DESC_ERR));
	CHECK_EQ(host32(ring + 45 * 16 + CDNA_DESC_OFF_LEN),
		 CDNA_DESC_ERR << 16);
	CHECK_EQ(hw->cnt[5].rx_frames, 1);
	nic_hw_free(hw);
}

TEST(dma_pub_writes_consumer_indexes_into_the_latched_status_block)
{
	struct nic_hw *hw = hw_new();
	uint64_t status = HOST_BASE + 0x2000;

	wr(hw, CDNA_NIC_DMA, DMA_CTX(31) + DMA_CTX_STATUS_LO, (uint32_t)status);
	wr(hw, CDNA_NIC_DMA, DMA_PUB_TX_CONS(31), 1234);
	wr(hw, CDNA_NIC_DMA, DMA_PUB_RX_CONS(31), 99);
	CHECK_EQ(host32(status + CDNA_STATUS_OFF_TX_CONS), 1234);
	CHECK_EQ(host32(status + CDNA_STATUS_OFF_RX_CONS), 99);
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_CTX(31) + DMA_CTX_STATUS_LO),
		 (uint32_t)status);
	/* Context 30 latched nothing: address 0, refused by the platform. */
	wr(hw, CDNA_NIC_DMA, DMA_PUB_TX_CONS(30), 1);
	CHECK_EQ(rd(hw, CDNA_NIC_DMA, DMA_STATUS), DMA_ST_HOST_FAULT);
	nic_hw_free(hw);
}

TEST(mac_tx_send_sends_the_slot_named_in_the_command_and_counts_it)
{
	struct nic_hw *hw = hw_new();

	memset(sram(hw, STAGE), 0x42, 64);
	wr(hw, CDNA_NIC_MAC, MAC_TX_SEND, MAC_TX_LEN(64) | MAC_TX_SLOT(STAGE) |
	   MAC_TX_CTX(3));
	CHECK_EQ(wire_frames, 1);
	CHECK_EQ(wire_len, 64);
	CHECK_EQ(wire[63], 0x42);
	CHECK_EQ(hw->cnt[3].tx_frames, 1);
	CHECK_EQ(hw->cnt[3].tx_bytes, 64);
	/* Shorter than a header: the MAC sends nothing. */
	wr(hw, CDNA_NIC_MAC, MAC_TX_SEND, MAC_TX_LEN(10) | MAC_TX_SLOT(STAGE));
	CHECK_EQ(wire_frames, 1);
	nic_hw_free(hw);
}

static void rx_setup(struct nic_hw *hw)
{
	wr(hw, CDNA_NIC_MAC, MAC_RX_BASE, CDNA_NIC_SRAM_BASE + 0x10000u);
	wr(hw, CDNA_NIC_MAC, MAC_RX_SLOTS, 4);
	wr(hw, CDNA_NIC_MAC, MAC_RX_ENABLE, 1);
	CHECK_EQ(rd(hw, CDNA_NIC_MAC, MAC_RX_ENABLE), 1);
}

TEST(mac_rx_next_releases_the_oldest_frame_and_returns_the_next)
{
	struct nic_hw *hw = hw_new();
	uint8_t f[100] = { 0 };
	uint32_t head;

	rx_setup(hw);
	CHECK_EQ(nic_hw_wire_rx(hw, f, 60), 0);
	CHECK_EQ(nic_hw_wire_rx(hw, f, 70), 0);
	head = rd(hw, CDNA_NIC_MAC, MAC_RX_HEAD);
	CHECK(head & MAC_RX_HEAD_VALID);
	CHECK_EQ(MAC_RX_HEAD_LEN(head), 60);
	CHECK_EQ(rd(hw, CDNA_NIC_MAC, MAC_RX_HEAD), head); /* no side effect */
	head = rd(hw, CDNA_NIC_MAC, MAC_RX_NEXT);
	CHECK(head & MAC_RX_HEAD_VALID);
	CHECK_EQ(MAC_RX_HEAD_LEN(head), 70);
	CHECK_EQ(MAC_RX_HEAD_SLOT(head), 1);
	CHECK_EQ(nic_hw_rx_space(hw), 3);
	CHECK_EQ(rd(hw, CDNA_NIC_MAC, MAC_RX_NEXT), 0);   /* empty now */
	CHECK_EQ(nic_hw_rx_space(hw), 4);
	CHECK_EQ(rd(hw, CDNA_NIC_MAC, MAC_RX_NEXT), 0);   /* and stays so */
	CHECK(!(nic_hw_events(hw) & SYS_EV_MAC_RX));
	nic_hw_free(hw);
}

TEST(mac_rx_drops_and_counts_frames_when_every_slot_is_full)
{
	struct nic_hw *hw = hw_new();
	uint8_t f[60] = { 0 };

	rx_setup(hw);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(nic_hw_wire_rx(hw, f, sizeof(f)), 0);
	CHECK_EQ(nic_hw_wire_rx(hw, f, sizeof(f)), -1);
	CHECK_EQ(rd(hw, CDNA_NIC_MAC, MAC_RX_DROPS), 1);
	CHECK(nic_hw_events(hw) & SYS_EV_MAC_RX);
	nic_hw_free(hw);
}
