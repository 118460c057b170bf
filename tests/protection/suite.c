/* SPDX-License-Identifier: MIT */
/*
 * suite.c - cdna-protect: the DMA-protection test suite, fast tier.  Each
 * attack gets a fresh stage (scene.h): the real firmware in the NIC model,
 * the hypervisor core, two well-behaved guests with verified traffic and
 * one hostile guest.  An attack passes when it was refused (its counter
 * moved and no forbidden call was accepted), no byte of the secret pages
 * changed, no page reference is left once every context is revoked, and
 * the well-behaved guests' traffic arrived intact.
 *
 * Output: a table, then one TAP line per attack ("ok - NAME ...").
 * Usage: cdna-protect [--frames N] [NAME-SUBSTRING]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attacks.h"

/* The frames a flooded well-behaved guest and the attacker each queue for
 * the fairness window. */
#define FAIR_FRAMES 256u
#define FAIR_LEN    512u

struct result {
	int refused, intact, pass;
	uint64_t moved, changed, leaked;
	double jain, share;
	char why[200];
};

static const struct attack *current;

static void step_hook(struct testbed *tb)
{
	struct scene *s = tb->hook_arg;

	s->step++;
	current->step(s);
}

/* Sources of the frames the NIC sends during the fairness window, in
 * order: 1 the well-behaved guest, 2 the attacker. */
static uint8_t order[2 * FAIR_FRAMES + 16];
static unsigned order_n;

static void order_tap(void *arg, const uint8_t *frame, size_t len)
{
	struct scene *s = arg;
	uint8_t g0[6];

	tb_node_mac(0, g0);
	if (len < 12 || order_n == sizeof(order))
		return;
	if (!memcmp(frame + 6, g0, 6))
		order[order_n++] = 1;
	else if (!memcmp(frame + 6, s->atk.mac, 6))
		order[order_n++] = 2;
}

static void on_frame(void *arg, unsigned ctx, const uint8_t *f, uint32_t len)
{
	ledger_receive(arg, ctx, f, len);
}

static void on_fault(void *arg, unsigned ctx, const char *what)
{
	ledger_error(arg, TB_ERR_DRIVER, "ctx %u: %s", ctx, what);
}

/*
 * Both the well-behaved guest 0 and the attacker queue FAIR_FRAMES frames
 * of the same size at once; while both have frames waiting, the NIC's
 * scheduler should alternate.  Jain's index over the frames each sent in
 * that window: 1 for an even split, 0.5 if one took everything.
 */
static void fairness(struct scene *s, struct result *r)
{
	struct testbed *tb = &s->tb;
	struct tb_guest *g = &tb->guest[0];
	const struct tb_rx_sink sink = { &tb->ledger, on_frame, on_fault };
	unsigned x[3] = { 0 };
	double a, b;

	for (unsigned i = 0; i < FAIR_FRAMES && guest_tx_room(g); i++) {
		struct tb_frame_id id = { .len = FAIR_LEN, .src = 0,
					  .dst = TB_WIRE,
					  .pattern = TB_PAT_TX };

		ledger_send(&tb->ledger, &id, TB_NODE_BIT(TB_WIRE),
			    guest_tx_next_buf(g));
		guest_tx_post(g, FAIR_LEN);
	}
	atk_send(s, FAIR_FRAMES, FAIR_LEN);
	order_n = 0;
	tb->wire.tap = order_tap;
	tb->wire.tap_arg = s;
	guest_tx_doorbell(g);
	board_drain(tb);
	board_service(tb, &sink, 0);
	tb->wire.tap = NULL;
	/* The window ends when either has sent all it queued. */
	for (unsigned i = 0; i < order_n; i++) {
		x[order[i]]++;
		if (x[1] == FAIR_FRAMES || x[2] == FAIR_FRAMES)
			break;
	}
	a = x[1];
	b = x[2];
	r->jain = a + b > 0 ? (a + b) * (a + b) / (2 * (a * a + b * b)) : 0;
	r->share = a + b > 0 ? a / (a + b) : 0;
}

static void run_one(const struct attack *atk, uint64_t frames, uint64_t seed,
		    struct result *r)
{
	static struct scene s;   /* large */
	uint64_t before;
	char why[160];

	memset(r, 0, sizeof(*r));
	if (scene_init(&s, frames, seed)) {
		snprintf(r->why, sizeof(r->why), "the stage did not come up");
		scene_free(&s);
		return;
	}
	current = atk;
	before = atk->count(&s);
	scene_traffic(&s, step_hook);
	if (atk->fairness)
		fairness(&s, r);
	r->moved = atk->count(&s) - before;
	r->refused = r->moved > 0 && !s.violated;
	r->intact = scene_traffic_intact(&s, why, sizeof(why));
	r->changed = scene_kept_changed(&s);
	r->leaked = scene_leaked_refs(&s);
	r->pass = r->refused && r->intact && !r->changed && !r->leaked &&
		  (!atk->fairness || r->jain >= 0.95);
	if (s.violated)
		snprintf(r->why, sizeof(r->why), "%s", s.why);
	else if (!r->moved)
		snprintf(r->why, sizeof(r->why), "%s did not move",
			 atk->counter);
	else if (!r->intact)
		snprintf(r->why, sizeof(r->why), "%s", why);
	else if (atk->fairness)
		snprintf(r->why, sizeof(r->why), "Jain's index %.3f, "
			 "well-behaved share %.2f of the window", r->jain,
			 r->share);
	else
		snprintf(r->why, sizeof(r->why), "%s", why);
	scene_free(&s);
}

int main(int argc, char **argv)
{
	uint64_t frames = 3000;
	const char *only = NULL;
	struct result *res;
	unsigned failed = 0, ran = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frames") && i + 1 < argc) {
			frames = strtoull(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--help")) {
			printf("Usage: cdna-protect [--frames N] [NAME]\n"
			       "Run the DMA-protection attacks (those whose "
			       "name contains NAME) against the\nhypervisor "
			       "core and the NIC model with the real firmware; "
			       "print a table and\none TAP line per attack.\n");
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "cdna-protect: unknown option '%s' "
				"(try --help)\n", argv[i]);
			return 2;
		} else {
			only = argv[i];
		}
	}
	if (frames < 100 || frames > 1000000) {
		fprintf(stderr, "cdna-protect: --frames must be 100..1000000\n");
		return 2;
	}
	res = calloc(attack_count, sizeof(*res));
	if (!res)
		return 1;
	for (unsigned i = 0; i < attack_count; i++)
		if (!only || strstr(attacks[i].name, only))
			run_one(&attacks[i], frames, i + 1, &res[i]);
	printf("%-32s %-8s %-26s %7s %7s %8s\n", "attack", "refused",
	       "counter (moved)", "victim", "leaked", "well-");
	printf("%-32s %-8s %-26s %7s %7s %8s\n", "", "", "", "bytes",
	       "refs", "behaved");
	for (unsigned i = 0; i < attack_count; i++) {
		char counter[48];

		if (only && !strstr(attacks[i].name, only))
			continue;
		snprintf(counter, sizeof(counter), "%s (%" PRIu64 ")",
			 attacks[i].counter, res[i].moved);
		printf("%-32s %-8s %-26s %7" PRIu64 " %7" PRIu64 " %8s\n",
		       attacks[i].name, res[i].refused ? "yes" : "NO", counter,
		       res[i].changed, res[i].leaked,
		       res[i].intact ? "intact" : "BROKEN");
	}
	for (unsigned i = 0; i < attack_count; i++) {
		if (only && !strstr(attacks[i].name, only))
			continue;
		ran++;
		failed += !res[i].pass;
		printf("%s - %s: %s\n", res[i].pass ? "ok" : "not ok",
		       attacks[i].name, res[i].why);
	}
	printf("protection: %u attacks, %u refused with nothing changed, %u "
	       "failed\n", ran, ran - failed, failed);
	free(res);
	return failed ? 1 : 0;
}
