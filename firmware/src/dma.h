/* SPDX-License-Identifier: MIT */
/*
 * dma.h - the firmware's DMA verbs (nic-hw.h's DMA engine): copy bytes
 * between host memory and SRAM, by address or by a checked descriptor, and
 * write RX write-backs and consumer indexes by context.  Inline: they are
 * on every per-frame path.
 */
#ifndef FW_DMA_H
#define FW_DMA_H

#include "hal.h"

/* Run one DMA command; returns DMA_STATUS (0 = done). */
FW_INLINE uint32_t dma(uint32_t host_lo, uint32_t host_hi, uint32_t local,
		       uint32_t cmd)
{
	hw_wr(CDNA_NIC_DMA + DMA_HOST_LO, host_lo);
	hw_wr(CDNA_NIC_DMA + DMA_HOST_HI, host_hi);
	hw_wr(CDNA_NIC_DMA + DMA_LOCAL, local);
	hw_wr(CDNA_NIC_DMA + DMA_CMD, cmd);
	return hw_rd(CDNA_NIC_DMA + DMA_STATUS);
}

/* Fetch the buffer of the checked descriptor at SRAM address desc into
 * SRAM address to (2 KiB aligned): one store, where dma() takes four.
 * Returns DMA_STATUS. */
FW_INLINE uint32_t dma_desc(uint32_t desc, uint32_t to)
{
	hw_wr(CDNA_NIC_DMA + DMA_DESC, DMA_DESC_AT(desc) | DMA_DESC_TO(to));
	return hw_rd(CDNA_NIC_DMA + DMA_STATUS);
}

/* Copy len bytes from SRAM address from (2 KiB aligned) into the buffer of
 * the checked descriptor at SRAM address desc.  Returns DMA_STATUS. */
FW_INLINE uint32_t dma_desc_out(uint32_t desc, uint32_t from, uint32_t len)
{
	hw_wr(CDNA_NIC_DMA + DMA_DESC_OUT,
	      DMA_DESC_AT(desc) | DMA_DESC_TO(from) | DMA_OUT_LEN(len));
	return hw_rd(CDNA_NIC_DMA + DMA_STATUS);
}

/* Publish a consumer index into context c's status block (latched in
 * DMA_CTX): off is CDNA_STATUS_OFF_TX_CONS or _RX_CONS. */
FW_INLINE void dma_pub(uint32_t c, uint32_t off, uint32_t val)
{
	hw_wr(CDNA_NIC_DMA + (off == CDNA_STATUS_OFF_RX_CONS ?
			      DMA_PUB_RX_CONS(c) : DMA_PUB_TX_CONS(c)), val);
}

/* Write back RX slot idx of context c (ring latched in DMA_CTX). */
FW_INLINE void dma_rx_done(uint32_t c, uint32_t idx, uint32_t len,
			   uint32_t flags)
{
	hw_wr(CDNA_NIC_DMA + DMA_RX_DONE,
	      DMA_RX_DONE_LEN(len) | DMA_RX_DONE_IDX(idx) | DMA_RX_DONE_CTX(c) |
		      DMA_RX_DONE_FLAGS(flags));
}

#endif /* FW_DMA_H */
