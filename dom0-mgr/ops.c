/* SPDX-License-Identifier: MIT */
/* ops.c - list, stats, assign, revoke over struct cdnactl_sys (ops.h). */
#include "ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cdna/regs.h"
#include "cdna/xenbus.h"
#include "errmsg.h"
#include "mac.h"
#include "xspath.h"

int ops_fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, OPS_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* STATS of one context (or CDNA_CTX_ANY). */
static int stats_of(struct cdnactl_sys *s, unsigned ctx,
		    struct cdna_op_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->ctx = (uint16_t)ctx;
	return s->hcall(s, CDNA_OP_STATS, st, sizeof(*st));
}

/*
 * A failed STATS of context ctx.  The hypervisor answers ENOENT for every
 * context while no NIC is registered (it knows none), so a context the NIC
 * has that the hypervisor lacks means exactly that.
 */
static int stats_fail(struct cdnactl_sys *s, char *err, const char *what,
		      unsigned ctx, int rc)
{
	if (rc == -CDNA_ENOENT && ctx < s->nic->num_ctx)
		return ops_fail(err, "%s: dom0's cdna driver has not registered "
			    "the NIC (the hypervisor knows no context %u: "
			    "ENOENT)", what, ctx);
	return ops_fail(err, "%s: %s", what,
		    cdna_err_sentence(CDNA_OP_STATS, -rc));
}

static int ctx_exists(struct cdnactl_sys *s, unsigned ctx, char *err)
{
	if (ctx >= s->nic->num_ctx)
		return ops_fail(err, "context %u does not exist (the NIC has %u: "
			    "0..%u)", ctx, s->nic->num_ctx,
			    s->nic->num_ctx - 1);
	return 0;
}

/* Everything list and stats show of one context. */
static int gather(struct cdnactl_sys *s, unsigned ctx, struct cdnactl_ctx *c,
		  char *err)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	rc = stats_of(s, ctx, &c->hv);
	if (rc) {
		char what[48];

		snprintf(what, sizeof(what), "statistics of context %u", ctx);
		return stats_fail(s, err, what, ctx, rc);
	}
	if (c->hv.domid != CDNACTL_NO_DOMID)
		s->domain_name(s, c->hv.domid, c->domain, sizeof(c->domain));
	s->nic_ctx(s, ctx, c->mac, &c->flags, &c->nic);
	return 0;
}

int ops_list(struct cdnactl_sys *s, struct cdnactl_ctx ctx[CDNA_NUM_CTX],
	     unsigned *n, char *err)
{
	*n = 0;
	for (unsigned i = 0; i < s->nic->num_ctx; i++) {
		if (gather(s, i, &ctx[i], err))
			return -1;
		*n = i + 1;
	}
	return 0;
}

int ops_stats(struct cdnactl_sys *s, const struct cdnactl_args *a,
	      struct cdna_op_stats *global,
	      struct cdnactl_ctx ctx[CDNA_NUM_CTX], unsigned *n, char *err)
{
	int rc;

	*n = 0;
	if (a->has_ctx && ctx_exists(s, a->ctx, err))
		return -1;
	rc = stats_of(s, CDNA_CTX_ANY, global);
	if (rc)
		return ops_fail(err, "hypervisor statistics: %s",
			    cdna_err_sentence(CDNA_OP_STATS, -rc));
	if (a->has_ctx) {
		if (gather(s, a->ctx, &ctx[0], err))
			return -1;
		*n = 1;
		return 0;
	}
	for (unsigned i = 0; i < s->nic->num_ctx; i++) {
		if (gather(s, i, &ctx[*n], err))
			return -1;
		/* The hypervisor reports a free context as STOPPED: what
		 * counts is an owner, or counters a past owner left. */
		if (ctx[*n].hv.domid != CDNACTL_NO_DOMID ||
		    ctx[*n].hv.enqueues || ctx[*n].hv.descs ||
		    ctx[*n].hv.hv_ns || ctx[*n].hv.refs_held)
			(*n)++;
	}
	return 0;
}

/* The domain must exist before anything changes. */
static int check_domain(struct cdnactl_sys *s, unsigned domid, char *err)
{
	int rc = s->domain_exists(s, domid);

	if (rc == 0)
		return ops_fail(err, "no domain %u (see 'xl list')", domid);
	if (rc < 0)
		return ops_fail(err, "cannot tell whether domain %u exists: %s",
			    domid, strerror(-rc));
	return 0;
}

static int try_assign(struct cdnactl_sys *s, unsigned ctx, unsigned domid,
		      const uint8_t mac[6], struct cdna_op_assign *as)
{
	memset(as, 0, sizeof(*as));
	as->ctx = (uint16_t)ctx;
	as->domid = (uint16_t)domid;
	memcpy(as->mac, mac, 6);
	as->flags = CDNA_CTXF_BCAST;
	return s->hcall(s, CDNA_OP_ASSIGN, as, sizeof(*as));
}

/* ASSIGN said EBUSY: the context is taken, or another has the MAC. */
static int assign_busy(struct cdnactl_sys *s, const struct cdnactl_args *a,
		       const uint8_t mac[6], char *err)
{
	struct cdna_op_stats st;
	char m[MAC_STR_LEN];

	if (a->has_ctx && stats_of(s, a->ctx, &st) == 0 &&
	    st.domid != CDNACTL_NO_DOMID)
		return ops_fail(err, "assign context %u to domain %u: the context "
			    "is already assigned, to domain %u (EBUSY)",
			    a->ctx, a->domid, st.domid);
	return ops_fail(err, "assign a context to domain %u: another context "
		    "already has MAC %s (EBUSY)", a->domid,
		    mac_format(mac, m));
}

int ops_assign(struct cdnactl_sys *s, const struct cdnactl_args *a,
	       struct ops_assign_result *r, char *err)
{
	struct cdna_op_assign as;
	struct cdna_op_revoke rv;
	uint8_t mac[6];
	int rc;

	memset(r, 0, sizeof(*r));
	if (a->has_ctx && ctx_exists(s, a->ctx, err))
		return -1;
	if (check_domain(s, a->domid, err))
		return -1;

	if (a->has_ctx || a->has_mac) {
		/* One context, or the hypervisor's choice with a given MAC. */
		unsigned ctx = a->has_ctx ? a->ctx : CDNA_CTX_ANY;

		if (a->has_mac)
			memcpy(mac, a->mac, 6);
		else
			mac_derive(s->nic->mac, ctx, mac);
		rc = try_assign(s, ctx, a->domid, mac, &as);
		if (rc == -CDNA_EBUSY)
			return assign_busy(s, a, mac, err);
		if (rc && a->has_ctx)
			return ops_fail(err, "assign context %u to domain %u: %s",
				    ctx, a->domid,
				    cdna_err_sentence(CDNA_OP_ASSIGN, -rc));
		if (rc)
			return ops_fail(err, "assign a context to domain %u: %s",
				    a->domid,
				    cdna_err_sentence(CDNA_OP_ASSIGN, -rc));
	} else {
		/*
		 * The default MAC depends on the context, so cdnactl picks the
		 * lowest free one itself; one taken meanwhile (EBUSY) is
		 * skipped.
		 */
		struct cdna_op_stats st;
		unsigned ctx;

		rc = -CDNA_ENOSPC;
		for (ctx = 0; ctx < s->nic->num_ctx; ctx++) {
			rc = stats_of(s, ctx, &st);
			if (rc) {
				char what[48];

				snprintf(what, sizeof(what), "assign a context "
					 "to domain %u", a->domid);
				return stats_fail(s, err, what, ctx, rc);
			}
			if (st.domid != CDNACTL_NO_DOMID ||
			    st.state == CDNA_CTX_STATE_RUNNING) {
				rc = -CDNA_ENOSPC;
				continue;
			}
			mac_derive(s->nic->mac, ctx, mac);
			rc = try_assign(s, ctx, a->domid, mac, &as);
			if (rc != -CDNA_EBUSY)
				break;
			rc = -CDNA_ENOSPC;
		}
		if (rc)
			return ops_fail(err, "assign a context to domain %u: %s",
				    a->domid,
				    cdna_err_sentence(CDNA_OP_ASSIGN, -rc));
	}

	r->ctx = as.ctx;
	memcpy(r->mac, as.mac, 6);
	rc = s->xs_assign(s, a->domid, &as, &r->devid);
	if (rc) {
		/* Nothing half-done: take the context back. */
		int rc2;

		memset(&rv, 0, sizeof(rv));
		rv.ctx = as.ctx;
		rc2 = s->hcall(s, CDNA_OP_REVOKE, &rv, sizeof(rv));
		if (rc2)
			return ops_fail(err, "xenstore: cannot write context %u's "
				    "nodes for domain %u (%s), and revoking "
				    "it again failed: %s", as.ctx, a->domid,
				    strerror(-rc),
				    cdna_err_sentence(CDNA_OP_REVOKE, -rc2));
		return ops_fail(err, "xenstore: cannot write context %u's nodes "
			    "for domain %u (%s); the context was revoked "
			    "again", as.ctx, a->domid, strerror(-rc));
	}
	return 0;
}

/* The xenbus close protocol, then REVOKE, then the nodes go. */
static int revoke_one(struct cdnactl_sys *s, unsigned ctx, unsigned domid,
		      struct ops_revoke_result *r, char *err)
{
	struct cdna_op_revoke rv;
	unsigned devid = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->domid = domid;
	rc = s->xs_find(s, domid, ctx, &devid);
	if (rc == 0) {
		r->had_nodes = true;
		rc = s->xs_backend_state(s, domid, devid, XSP_STATE_CLOSING);
		if (rc == 0)
			rc = s->xs_wait_frontend(s, domid, devid,
						 XSP_STATE_CLOSED,
						 CDNA_XENBUS_CLOSE_MS);
		r->guest_closed = rc == 0;
	}

	memset(&rv, 0, sizeof(rv));
	rv.ctx = (uint16_t)ctx;
	rc = s->hcall(s, CDNA_OP_REVOKE, &rv, sizeof(rv));
	if (rc)
		return ops_fail(err, "revoke context %u of domain %u: %s", ctx,
			    domid, cdna_err_sentence(CDNA_OP_REVOKE, -rc));
	r->refs_returned = rv.refs_returned;
	r->drain_us = rv.drain_us;
	if (r->had_nodes) {
		rc = s->xs_remove(s, domid, devid);
		if (rc)
			return ops_fail(err, "context %u revoked, but removing its "
				    "xenstore nodes failed: %s", ctx,
				    strerror(-rc));
	}
	return 0;
}

int ops_revoke(struct cdnactl_sys *s, const struct cdnactl_args *a,
	       struct ops_revoke_result r[CDNA_NUM_CTX], unsigned *n,
	       char *err)
{
	struct cdna_op_stats st;
	unsigned owned[CDNA_NUM_CTX], nowned = 0;
	int rc;

	*n = 0;
	if (a->has_ctx) {
		if (ctx_exists(s, a->ctx, err))
			return -1;
		rc = stats_of(s, a->ctx, &st);
		if (rc) {
			char what[48];

			snprintf(what, sizeof(what), "revoke context %u",
				 a->ctx);
			return stats_fail(s, err, what, a->ctx, rc);
		}
		if (st.domid == CDNACTL_NO_DOMID)
			return ops_fail(err, "context %u is not assigned", a->ctx);
		if (a->has_domid && st.domid != a->domid)
			return ops_fail(err, "context %u belongs to domain %u, "
				    "not %u", a->ctx, st.domid, a->domid);
		if (st.domid == 0)
			return ops_fail(err, "context %u belongs to domain 0 (its "
				    "cdna driver): unload the driver instead",
				    a->ctx);
		if (revoke_one(s, a->ctx, st.domid, &r[0], err))
			return -1;
		*n = 1;
		return 0;
	}

	for (unsigned c = 0; c < s->nic->num_ctx; c++) {
		rc = stats_of(s, c, &st);
		if (rc) {
			char what[48];

			snprintf(what, sizeof(what), "revoke: context %u", c);
			return stats_fail(s, err, what, c, rc);
		}
		if (st.domid == a->domid)
			owned[nowned++] = c;
	}
	if (nowned == 0) {
		if (s->domain_exists(s, a->domid) == 0) {
			/* Xen revoked a dead domain's contexts itself; only
			 * xenstore's backend side may be left. */
			if (s->xs_forget(s, a->domid) == 0) {
				memset(&r[0], 0, sizeof(r[0]));
				r[0].domid = a->domid;
				r[0].stale_removed = true;
				*n = 1;
				return 0;
			}
			return ops_fail(err, "no domain %u (see 'xl list')",
				    a->domid);
		}
		return ops_fail(err, "domain %u holds no context", a->domid);
	}
	if (nowned > 1 && !a->all) {
		char list[128] = "";
		size_t len = 0;

		for (unsigned i = 0; i < nowned && len < sizeof(list) - 8; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%u", i ? ", " : "",
						owned[i]);
		return ops_fail(err, "domain %u holds contexts %s: name one with "
			    "--ctx N, or give --all", a->domid, list);
	}
	for (unsigned i = 0; i < nowned; i++) {
		if (revoke_one(s, owned[i], a->domid, &r[*n], err))
			return -1;
		(*n)++;
	}
	return 0;
}
