/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the testbed's simulated time, the NIC's now_us.
 *
 * Simulated rather than CLOCK_MONOTONIC so that a run is deterministic:
 * the NIC's timers, the interrupt unit and the pcap timestamps follow the
 * traffic, not the host's load.  Time advances by 1 us for every
 * cdna_nic_run call and, for every frame crossing the wire, by the time
 * that frame takes on a 10 Gb/s link (preamble, FCS and gap included).
 */
#ifndef TB_CLOCK_H
#define TB_CLOCK_H

#include <stdint.h>

struct tb_clock {
	uint64_t ns;
};

#define TB_CLOCK_RUN_NS 1000u /* one cdna_nic_run */

/* (len + 4 FCS + 8 preamble + 12 gap) bytes at 0.8 ns a byte. */
static inline uint64_t tb_clock_frame(struct tb_clock *c, uint32_t len)
{
	c->ns += (uint64_t)(len + 24u) * 4u / 5u;
	return c->ns;
}

static inline void tb_clock_run(struct tb_clock *c)
{
	c->ns += TB_CLOCK_RUN_NS;
}

static inline uint64_t tb_clock_us(const struct tb_clock *c)
{
	return c->ns / 1000u;
}

#endif /* TB_CLOCK_H */
