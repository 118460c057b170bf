/* SPDX-License-Identifier: MIT */
/*
 * ledger.c - every frame's expected and actual receivers (see ledger.h).
 */
#include "ledger.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Error lines printed in full; the rest are only counted. */
#define MAX_PRINTED 40

static const char *const error_names[TB_ERR_NUM] = {
	[TB_ERR_MISSING] = "missing",
	[TB_ERR_DUPLICATE] = "duplicated",
	[TB_ERR_CORRUPT] = "corrupt",
	[TB_ERR_MISDELIVERED] = "misdelivered",
	[TB_ERR_FOREIGN] = "foreign",
	[TB_ERR_REORDERED] = "reordered",
	[TB_ERR_DRIVER] = "driver-level",
	[TB_ERR_NIC] = "NIC-level",
};

const char *ledger_error_name(enum tb_error kind)
{
	return kind < TB_ERR_NUM ? error_names[kind] : "?";
}

int ledger_init(struct tb_ledger *l, uint64_t seed, uint64_t frames)
{
	memset(l, 0, sizeof(*l));
	l->seed = seed;
	/* A benchmark keeps no records, only the error counts. */
	if (!frames)
		return 0;
	l->rec = calloc(frames, sizeof(*l->rec));
	l->cap = (uint32_t)frames;
	return l->rec ? 0 : -1;
}

void ledger_free(struct tb_ledger *l)
{
	free(l->rec);
	l->rec = NULL;
}

void ledger_error(struct tb_ledger *l, enum tb_error kind, const char *fmt, ...)
{
	va_list ap;

	l->errors[kind]++;
	if (l->printed++ == MAX_PRINTED)
		fprintf(stderr, "cdna-testbed: (further errors only counted)\n");
	if (l->printed > MAX_PRINTED)
		return;
	fprintf(stderr, "cdna-testbed: %s: ", error_names[kind]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t ledger_error_total(const struct tb_ledger *l)
{
	uint64_t n = 0;

	for (int k = 0; k < TB_ERR_NUM; k++)
		n += l->errors[k];
	return n;
}

const char *ledger_describe(const struct tb_ledger *l, uint32_t num,
			    char *buf, size_t len)
{
	const struct tb_record *r = &l->rec[num];
	char src[16], dst[16];

	snprintf(buf, len, "frame %u (%s, %s -> %s, %u B)", num,
		 tb_pattern_name(r->pattern), tb_node_name(r->src, src, 16),
		 tb_node_name(r->dst, dst, 16), r->len);
	return buf;
}

void ledger_send(struct tb_ledger *l, struct tb_frame_id *id, uint64_t expect,
		 uint8_t *out)
{
	struct tb_record *r;

	if (l->n == l->cap) {
		fprintf(stderr, "cdna-testbed: ledger full (a testbed bug)\n");
		abort();
	}
	r = &l->rec[l->n];
	id->num = l->n++;
	*r = (struct tb_record){ .expect = expect, .len = id->len,
				 .src = id->src, .dst = id->dst,
				 .pattern = id->pattern };
	l->sent_by_pattern[id->pattern]++;
	l->deliveries_due += (uint64_t)__builtin_popcountll(expect);
	l->sent_frames[id->src]++;
	l->sent_bytes[id->src] += id->len;
	tb_frame_build(out, id, l->seed);
}

/* The first byte where a and b differ (they are known to differ). */
static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

void ledger_receive(struct tb_ledger *l, unsigned at, const uint8_t *frame,
		    size_t len)
{
	int64_t num = tb_frame_number(frame, len);
	uint64_t bit = TB_NODE_BIT(at);
	char where[16], what[96], whom[16];
	struct tb_record *r;
	struct tb_frame_id id;

	tb_node_name(at, where, sizeof(where));
	if (num < 0 || num >= l->n) {
		ledger_error(l, TB_ERR_FOREIGN, "at %s: a %zu-byte frame the "
			     "testbed did not send (number %lld)", where, len,
			     (long long)num);
		return;
	}
	r = &l->rec[num];
	ledger_describe(l, (uint32_t)num, what, sizeof(what));
	id = (struct tb_frame_id){ .num = (uint32_t)num, .len = r->len,
				   .src = r->src, .dst = r->dst,
				   .pattern = r->pattern };
	tb_frame_build(l->scratch, &id, l->seed);
	if (len != r->len) {
		ledger_error(l, TB_ERR_CORRUPT, "%s at %s: %zu bytes long",
			     what, where, len);
	} else if (memcmp(frame, l->scratch, len)) {
		size_t i = first_difference(frame, l->scratch, len);

		ledger_error(l, TB_ERR_CORRUPT, "%s at %s: byte %zu is 0x%02x, "
			     "want 0x%02x", what, where, i, frame[i],
			     l->scratch[i]);
	}
	if (!(r->expect & bit)) {
		ledger_error(l, TB_ERR_MISDELIVERED, "%s reached %s", what,
			     where);
		return;
	}
	if (r->got & bit) {
		ledger_error(l, TB_ERR_DUPLICATE, "%s reached %s again", what,
			     where);
		return;
	}
	r->got |= bit;
	l->deliveries_made++;
	l->recv_frames[at]++;
	l->recv_bytes[at] += len;
	if (l->last[r->src][at] > num)
		ledger_error(l, TB_ERR_REORDERED, "%s reached %s after frame "
			     "%u of %s", what, where, l->last[r->src][at] - 1,
			     tb_node_name(r->src, whom, sizeof(whom)));
	else
		l->last[r->src][at] = (uint32_t)num + 1;
}

void ledger_finish(struct tb_ledger *l)
{
	for (uint32_t num = 0; num < l->n; num++) {
		const struct tb_record *r = &l->rec[num];
		uint64_t missing = r->expect & ~r->got;
		char what[96], list[TB_NODES * 8] = "";
		size_t used = 0;

		if (!missing)
			continue;
		for (unsigned at = 0; at < TB_NODES; at++) {
			char name[16];

			if (!(missing & TB_NODE_BIT(at)))
				continue;
			used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", used ? ", " : "",
					 tb_node_name(at, name, sizeof(name)));
			if (used >= sizeof(list))
				break;
		}
		ledger_error(l, TB_ERR_MISSING, "%s never reached %s",
			     ledger_describe(l, num, what, sizeof(what)), list);
	}
}
