/* SPDX-License-Identifier: MIT */
/*
 * frame.h - what the testbed puts on the wire and in the rings.
 *
 * Every frame is Ethernet (dst, src, ethertype 0x88b5, the IEEE local
 * experimental type) followed by a testbed header and a payload that both
 * follow from (seed, frame number) and the frame's identity below.  A
 * receiver therefore needs nothing but the frame number to rebuild the
 * exact bytes it must have got, and compares all of them.
 *
 *   14  magic "CDTB"
 *   18  frame number, 32 bits LE
 *   22  source node, destination node, pattern, 0
 *   26  frame length, 16 bits LE
 *   28  payload: splitmix64(seed ^ frame number) stream
 *
 * Nodes: contexts 0..31 are guests, TB_WIRE the far end of the wire,
 * TB_BCAST (destination only) ff:ff:ff:ff:ff:ff.
 */
#ifndef TB_FRAME_H
#define TB_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <cdna/desc.h>
#include <cdna/nic-hw.h>

#define TB_WIRE        CDNA_NUM_CTX       /* the far end, as a node */
#define TB_NODES       (CDNA_NUM_CTX + 1) /* guests and the far end */
#define TB_BCAST       0xffu              /* broadcast destination */

#define TB_ETHERTYPE   0x88b5u
#define TB_HDR_LEN     28u
#define TB_MIN_LEN     60u                /* Ethernet minimum, no FCS */
#define TB_MAX_LEN     (CDNA_MTU + CDNA_ETH_HLEN) /* 1514 */

/* What a frame exercises.  Bit p of a pattern set is pattern p. */
enum tb_pattern {
	TB_PAT_TX = 0,    /* guest -> far end */
	TB_PAT_RX,        /* far end -> guest */
	TB_PAT_SWITCH,    /* guest -> another guest, inside the NIC */
	TB_PAT_BCAST_GUEST, /* guest -> broadcast: wire and other guests */
	TB_PAT_BCAST_WIRE,  /* far end -> broadcast: every guest */
	TB_PAT_NUM
};
#define TB_PAT_ALL ((1u << TB_PAT_NUM) - 1)

/* A frame's identity: everything its bytes follow from, with the seed. */
struct tb_frame_id {
	uint32_t num;
	uint16_t len;
	uint8_t src;      /* a guest's context or TB_WIRE */
	uint8_t dst;      /* a guest's context, TB_WIRE or TB_BCAST */
	uint8_t pattern;  /* enum tb_pattern */
};

const char *tb_pattern_name(unsigned pattern);
/* Parse a comma-separated list ("tx,rx", "bcast" = both broadcasts,
 * "all"); returns the set, or 0 with the offending word in bad. */
unsigned tb_pattern_parse(const char *list, char *bad, size_t bad_len);

/* The MAC of a node: guests 02:00:00:00:00:(c+1), the far end
 * 02:fe:ed:00:00:01, TB_BCAST ff:ff:ff:ff:ff:ff. */
void tb_node_mac(unsigned node, uint8_t mac[6]);
/* "ctx 3", "wire", "bcast" */
const char *tb_node_name(unsigned node, char *buf, size_t len);

/* Write the frame's id->len bytes into out. */
void tb_frame_build(uint8_t *out, const struct tb_frame_id *id, uint64_t seed);

/* The frame number a received frame claims, or -1 if it is not one of the
 * testbed's frames (too short, wrong ethertype or magic). */
int64_t tb_frame_number(const uint8_t *frame, size_t len);

#endif /* TB_FRAME_H */
