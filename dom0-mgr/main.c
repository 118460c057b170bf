/* SPDX-License-Identifier: MIT */
/*
 * main.c - cdnactl: parse, check where it runs, open Xen, the NIC and
 * xenstore, run the command (ops.c), print (fmt.c).  See cdnactl.8.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "dom.h"
#include "env.h"
#include "fmt.h"
#include "hcall.h"
#include "help.h"
#include "mac.h"
#include "nic.h"
#include "ops.h"
#include "sys.h"
#include "xs.h"

#define SYSROOT  "/sys"
#define PRIVCMD  "/dev/xen/privcmd"
#define XEN_CAPS "/proc/xen/capabilities"

struct real {
	struct xencall_handle *xcall;
	struct xc_interface_core *xch;
	struct xs_handle *xsh;
	struct nic_map map;
};

static struct real *R(struct cdnactl_sys *s) { return s->priv; }

static int r_hcall(struct cdnactl_sys *s, unsigned cmd, void *arg, size_t n)
{
	return hcall_op(R(s)->xcall, cmd, arg, n);
}

static int r_domain_exists(struct cdnactl_sys *s, unsigned domid)
{
	return dom_exists(R(s)->xch, domid);
}

static void r_domain_name(struct cdnactl_sys *s, unsigned domid, char *buf,
			  size_t len)
{
	xsc_domain_name(R(s)->xsh, domid, buf, len);
}

static void r_nic_ctx(struct cdnactl_sys *s, unsigned ctx, uint8_t mac[6],
		      uint32_t *flags, struct cdnactl_nic_ctx_stats *st)
{
	nic_read_ctx(&R(s)->map, ctx, mac, flags, st);
}

static int r_xs_assign(struct cdnactl_sys *s, unsigned domid,
		       const struct cdna_op_assign *a, unsigned *devid)
{
	return xsc_assign(R(s)->xsh, domid, a, devid);
}

static int r_xs_find(struct cdnactl_sys *s, unsigned domid, unsigned ctx,
		     unsigned *devid)
{
	return xsc_find(R(s)->xsh, domid, ctx, devid);
}

static int r_xs_backend_state(struct cdnactl_sys *s, unsigned domid,
			      unsigned devid, int state)
{
	return xsc_backend_state(R(s)->xsh, domid, devid, state);
}

static int r_xs_wait_frontend(struct cdnactl_sys *s, unsigned domid,
			      unsigned devid, int state, unsigned timeout_ms)
{
	return xsc_wait_frontend(R(s)->xsh, domid, devid, state, timeout_ms);
}

static int r_xs_remove(struct cdnactl_sys *s, unsigned domid, unsigned devid)
{
	return xsc_remove(R(s)->xsh, domid, devid);
}

static int r_xs_forget(struct cdnactl_sys *s, unsigned domid)
{
	return xsc_forget(R(s)->xsh, domid);
}

static int die(const char *msg)
{
	fprintf(stderr, "cdnactl: %s\n", msg);
	return 1;
}

static int run(const struct cdnactl_args *a, struct cdnactl_sys *s)
{
	static struct cdnactl_ctx ctx[CDNA_NUM_CTX];
	char err[OPS_ERR_LEN];
	unsigned n;

	switch (a->cmd) {
	case CMD_LIST:
		if (ops_list(s, ctx, &n, err)) {
			if (a->json)
				fmt_list_json(stdout, s->nic, NULL, 0, err);
			else
				fmt_list_text(stdout, s->nic, NULL, 0);
			fflush(stdout);
			return die(err);
		}
		if (a->json)
			fmt_list_json(stdout, s->nic, ctx, n, NULL);
		else
			fmt_list_text(stdout, s->nic, ctx, n);
		return 0;
	case CMD_STATS: {
		struct cdna_op_stats global;

		if (ops_stats(s, a, &global, ctx, &n, err))
			return die(err);
		if (a->json)
			fmt_stats_json(stdout, s->nic, &global, ctx, n);
		else
			fmt_stats_text(stdout, s->nic, &global, ctx, n,
				       a->has_ctx);
		return 0;
	}
	case CMD_ASSIGN: {
		struct ops_assign_result r;

		if (ops_assign(s, a, &r, err))
			return die(err);
		printf("%u\n", r.ctx);
		return 0;
	}
	case CMD_REVOKE: {
		static struct ops_revoke_result r[CDNA_NUM_CTX];
		int rc = ops_revoke(s, a, r, &n, err);

		for (unsigned i = 0; i < n; i++) {
			if (r[i].stale_removed) {
				printf("domain %u is gone (Xen revoked its "
				       "contexts): removed its leftover "
				       "xenstore backend directory\n",
				       r[i].domid);
				continue;
			}
			printf("context %u of domain %u revoked: %u page "
			       "references returned, drained in %u us (%s)\n",
			       r[i].ctx, r[i].domid, r[i].refs_returned,
			       r[i].drain_us,
			       !r[i].had_nodes ? "it had no xenstore nodes" :
			       r[i].guest_closed ? "the guest closed its side" :
			       "the guest did not close its side in time");
		}
		fflush(stdout);
		return rc ? die(err) : 0;
	}
	default:
		return die("no command");
	}
}

int main(int argc, char **argv)
{
	struct cdnactl_args a;
	struct cdnactl_nic nic;
	struct real real = { 0 };
	struct cdnactl_sys sys = {
		.nic = &nic,
		.priv = &real,
		.hcall = r_hcall,
		.domain_exists = r_domain_exists,
		.domain_name = r_domain_name,
		.nic_ctx = r_nic_ctx,
		.xs_assign = r_xs_assign,
		.xs_find = r_xs_find,
		.xs_backend_state = r_xs_backend_state,
		.xs_wait_frontend = r_xs_wait_frontend,
		.xs_remove = r_xs_remove,
		.xs_forget = r_xs_forget,
	};
	char err[OPS_ERR_LEN];
	int rc;

	if (args_parse(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "cdnactl: %s\n", err);
		return 2;
	}
	if (a.help) {
		fputs(help_text(a.cmd), stdout);
		return 0;
	}
	if (a.version) {
		printf("cdnactl %s (CDNA hypercall %u)\n", CDNACTL_VERSION,
		       CDNA_HYPERCALL_NR);
		return 0;
	}
	if (env_check((unsigned)geteuid(), PRIVCMD, XEN_CAPS, err,
		      sizeof(err)))
		return die(err);
	if (nic_find(SYSROOT, a.nic, &nic, err, sizeof(err)) ||
	    nic_open(SYSROOT, &nic, &real.map, err, sizeof(err)))
		return die(err);

	real.xcall = hcall_open();
	if (!real.xcall) {
		snprintf(err, sizeof(err), "cannot open %s for hypercalls "
			 "(%s)", PRIVCMD, strerror(errno));
		rc = die(err);
		goto out;
	}
	real.xch = dom_open();
	if (!real.xch && (a.cmd == CMD_ASSIGN || a.cmd == CMD_REVOKE)) {
		snprintf(err, sizeof(err), "cannot open libxenctrl (%s)",
			 strerror(errno));
		rc = die(err);
		goto out;
	}
	if (!real.xch)
		sys.domain_exists = NULL;
	real.xsh = xsc_open();
	if (!real.xsh && (a.cmd == CMD_ASSIGN || a.cmd == CMD_REVOKE)) {
		snprintf(err, sizeof(err), "cannot connect to xenstore (%s): "
			 "is xenstored running?", strerror(errno));
		rc = die(err);
		goto out;
	}
	rc = run(&a, &sys);
out:
	xsc_close(real.xsh);
	dom_close(real.xch);
	hcall_close(real.xcall);
	nic_close(&real.map);
	return rc;
}
