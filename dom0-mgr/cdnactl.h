/* SPDX-License-Identifier: MIT */
/*
 * cdnactl.h - what cdnactl knows about the NIC and its contexts: the data
 * the commands gather (ops.c) and print (fmt.c).
 */
#ifndef CDNACTL_H
#define CDNACTL_H

#include <stdbool.h>
#include <stdint.h>

#include "cdna/hcall.h"
#include "cdna/nic-hw.h"

#define CDNACTL_VERSION "1.0"

/* The NIC as dom0 sees it: sysfs and BAR2 page 0. */
struct cdnactl_nic {
	char pci[32];        /* "0000:00:04.0" */
	uint64_t bar0, bar2; /* machine addresses (sysfs resource) */
	uint32_t id;         /* MGMT_ID */
	uint32_t num_ctx;    /* MGMT_NUM_CTX, capped at CDNA_NUM_CTX */
	uint32_t fw_state, fw_version;
	uint32_t boot_bank, fault_cause, fault_pc;
	uint32_t mac_rx_drops, rx_no_match, dma_faults;
	uint8_t mac[6];
};

/* One context's statistics from BAR2 page 2. */
struct cdnactl_nic_ctx_stats {
	uint32_t tx_frames, rx_frames, revokes;
	uint64_t tx_bytes, rx_bytes;
	uint32_t refused[CDNA_REFUSE_NUM];
	uint32_t dropped[CDNA_DROP_NUM];
};

/* One context, as list and stats print it. */
struct cdnactl_ctx {
	unsigned ctx;
	struct cdna_op_stats hv; /* the hypervisor's STATS */
	char domain[64];         /* the owner's name, "" if unknown/none */
	uint8_t mac[6];          /* BAR2 page 0 MGMT_CTX_MAC */
	uint32_t flags;          /* BAR2 page 0 MGMT_CTX_FLAGS */
	struct cdnactl_nic_ctx_stats nic;
};

#define CDNACTL_NO_DOMID 0xffffu

#endif
