/* SPDX-License-Identifier: MIT */
/*
 * attacks.h - the DMA-protection suite's attacks (attacks.c).
 */
#ifndef CDNA_PROTECT_ATTACKS_H
#define CDNA_PROTECT_ATTACKS_H

#include "scene.h"

struct attack {
	const char *name;     /* the test's name */
	const char *counter;  /* the counter that must move, for the table */
	/* Called at every traffic step (s->step from 1). */
	void (*step)(struct scene *s);
	/* The counter's value now. */
	uint64_t (*count)(struct scene *s);
	/* Flooding: also measure the well-behaved guest's share. */
	int fairness;
};

extern const struct attack attacks[];
extern const unsigned attack_count;

#endif /* CDNA_PROTECT_ATTACKS_H */
