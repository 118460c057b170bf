/* SPDX-License-Identifier: MIT */
/*
 * frame.c - build the testbed's frames and recognise them (see frame.h).
 */
#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "prng.h"

static const char *const pattern_names[TB_PAT_NUM] = {
	[TB_PAT_TX] = "tx",
	[TB_PAT_RX] = "rx",
	[TB_PAT_SWITCH] = "switch",
	[TB_PAT_BCAST_GUEST] = "bcast-guest",
	[TB_PAT_BCAST_WIRE] = "bcast-wire",
};

const char *tb_pattern_name(unsigned pattern)
{
	return pattern < TB_PAT_NUM ? pattern_names[pattern] : "?";
}

/* One word of a pattern list: its set, or 0. */
static unsigned pattern_word(const char *w, size_t n)
{
	if (n == 3 && !memcmp(w, "all", 3))
		return TB_PAT_ALL;
	if (n == 5 && !memcmp(w, "bcast", 5))
		return 1u << TB_PAT_BCAST_GUEST | 1u << TB_PAT_BCAST_WIRE;
	for (unsigned p = 0; p < TB_PAT_NUM; p++)
		if (strlen(pattern_names[p]) == n &&
		    !memcmp(w, pattern_names[p], n))
			return 1u << p;
	return 0;
}

unsigned tb_pattern_parse(const char *list, char *bad, size_t bad_len)
{
	unsigned set = 0;
	const char *w = list;

	for (;;) {
		size_t n = strcspn(w, ",");
		unsigned p = pattern_word(w, n);

		if (!p) {
			snprintf(bad, bad_len, "%.*s", (int)n, w);
			return 0;
		}
		set |= p;
		if (!w[n])
			return set;
		w += n + 1;
	}
}

void tb_node_mac(unsigned node, uint8_t mac[6])
{
	static const uint8_t far_end[6] = { 0x02, 0xfe, 0xed, 0x00, 0x00, 0x01 };

	if (node == TB_BCAST) {
		memset(mac, 0xff, 6);
	} else if (node == TB_WIRE) {
		memcpy(mac, far_end, 6);
	} else {
		/* Locally administered unicast, distinct from the far end. */
		memset(mac, 0, 6);
		mac[0] = 0x02;
		mac[5] = (uint8_t)(node + 1);
	}
}

const char *tb_node_name(unsigned node, char *buf, size_t len)
{
	if (node == TB_BCAST)
		snprintf(buf, len, "bcast");
	else if (node == TB_WIRE)
		snprintf(buf, len, "wire");
	else
		snprintf(buf, len, "ctx %u", node);
	return buf;
}

static void put_le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

void tb_frame_build(uint8_t *out, const struct tb_frame_id *id, uint64_t seed)
{
	struct prng r;
	size_t i;

	tb_node_mac(id->dst, out);
	tb_node_mac(id->src, out + 6);
	out[12] = TB_ETHERTYPE >> 8;
	out[13] = TB_ETHERTYPE & 0xff;
	memcpy(out + 14, "CDTB", 4);
	put_le32(out + 18, id->num);
	out[22] = id->src;
	out[23] = id->dst;
	out[24] = id->pattern;
	out[25] = 0;
	put_le16(out + 26, id->len);
	/* Eight payload bytes per step of the frame's own stream, in
	 * little-endian order so that the bytes do not depend on the host. */
	prng_seed(&r, seed ^ ((uint64_t)id->num << 20));
	for (i = TB_HDR_LEN; i < id->len; i += 8) {
		uint64_t v = prng_next(&r);

		for (size_t k = 0; k < 8 && i + k < id->len; k++)
			out[i + k] = (uint8_t)(v >> (8 * k));
	}
}

int64_t tb_frame_number(const uint8_t *frame, size_t len)
{
	if (len < TB_HDR_LEN || frame[12] != TB_ETHERTYPE >> 8 ||
	    frame[13] != (TB_ETHERTYPE & 0xff) || memcmp(frame + 14, "CDTB", 4))
		return -1;
	return (int64_t)((uint32_t)frame[18] | (uint32_t)frame[19] << 8 |
			 (uint32_t)frame[20] << 16 | (uint32_t)frame[21] << 24);
}
