/* SPDX-License-Identifier: MIT */
/*
 * ops.h - the commands' logic over struct cdnactl_sys: what is called in
 * which order, and what is undone when a step fails.  Each returns 0, or
 * -1 with one sentence in err (no program name, no newline).
 */
#ifndef CDNACTL_OPS_H
#define CDNACTL_OPS_H

#include <stdbool.h>

#include "args.h"
#include "sys.h"

#define OPS_ERR_LEN 512

/* Say why in err (OPS_ERR_LEN bytes) and return -1. */
__attribute__((format(printf, 2, 3)))
int ops_fail(char *err, const char *fmt, ...);

/* Every context of the NIC (nic->num_ctx of them) into ctx[]. */
int ops_list(struct cdnactl_sys *s, struct cdnactl_ctx ctx[CDNA_NUM_CTX],
	     unsigned *n, char *err);

/*
 * The global counters and the contexts stats shows: a->ctx alone with
 * --ctx, else those assigned or not DISABLED.
 */
int ops_stats(struct cdnactl_sys *s, const struct cdnactl_args *a,
	      struct cdna_op_stats *global,
	      struct cdnactl_ctx ctx[CDNA_NUM_CTX], unsigned *n, char *err);

struct ops_assign_result {
	unsigned ctx, devid;
	uint8_t mac[6];
};
int ops_assign(struct cdnactl_sys *s, const struct cdnactl_args *a,
	       struct ops_assign_result *r, char *err);

struct ops_revoke_result {
	unsigned ctx, domid;
	uint32_t refs_returned, drain_us;
	bool had_nodes;    /* xenstore held the context's directories */
	bool guest_closed; /* the frontend reached Closed in time */
	bool stale_removed; /* only this: the domain was gone (Xen revoked
			     * its contexts) and its leftover backend
			     * directory was removed */
};
/*
 * Revoke the contexts a names (DOMID's only one, DOMID --all, --ctx N).
 * A DOMID that is gone and holds no context: its leftover backend
 * directory is removed (one result, stale_removed).
 * r[0..*n-1]: the ones revoked, also when a later one failed.
 */
int ops_revoke(struct cdnactl_sys *s, const struct cdnactl_args *a,
	       struct ops_revoke_result r[CDNA_NUM_CTX], unsigned *n,
	       char *err);

#endif
