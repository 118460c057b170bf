/* SPDX-License-Identifier: MIT */
/*
 * main.c - cdnactl: parse, check where it runs, open Xen, the NIC and
 * xenstore, run the command (ops.c, flash.c), print (fmt.c).  flash and
 * firmware need no Xen: they open privcmd only for a reset in dom0.
 * See cdnactl.8.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "dom.h"
#include "env.h"
#include "flash.h"
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
	/* flash and firmware */
	struct cdnactl_nic *nic;
	struct nic_mgmt mgmt;
	struct fmt_progress progress;
	FILE *steps; /* stdout, or stderr under --json */
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

/* ---- flash and firmware ---------------------------------------------- */

static int r_mgmt_map(struct cdnactl_sys *s, bool writable, char *err,
		      unsigned errlen)
{
	nic_mgmt_unmap(&R(s)->mgmt);
	return nic_mgmt_map(SYSROOT, R(s)->nic, writable, &R(s)->mgmt, err,
			    errlen);
}

static uint32_t r_mgmt_read(struct cdnactl_sys *s, uint32_t off)
{
	return R(s)->mgmt.page[off / 4];
}

static void r_mgmt_write(struct cdnactl_sys *s, uint32_t off, uint32_t val)
{
	R(s)->mgmt.page[off / 4] = val;
}

static uint64_t r_now_ms(struct cdnactl_sys *s)
{
	struct timespec ts;

	(void)s;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void r_sleep_ms(struct cdnactl_sys *s, unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000u,
			       .tv_nsec = (long)(ms % 1000u) * 1000000L };

	(void)s;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void r_driver_of(struct cdnactl_sys *s, char *buf, size_t len)
{
	nic_driver_name(SYSROOT, R(s)->nic->pci, buf, len);
}

static int r_driver_unbind(struct cdnactl_sys *s, const char *drv)
{
	(void)drv;
	return nic_driver_unbind(SYSROOT, R(s)->nic->pci);
}

static int r_driver_bind(struct cdnactl_sys *s, const char *drv)
{
	return nic_driver_bind(SYSROOT, R(s)->nic->pci, drv);
}

static void r_step(struct cdnactl_sys *s, const char *line)
{
	/* Progress goes to stderr: keep the two in order on a console. */
	fflush(stderr);
	fprintf(R(s)->steps, "%s\n", line);
	fflush(R(s)->steps);
}

static void r_progress(struct cdnactl_sys *s, uint32_t done, uint32_t total)
{
	fflush(R(s)->steps);
	fmt_progress(stderr, &R(s)->progress, done, total);
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

/* cdnactl flash: the image is read and checked before anything else. */
static int run_flash(const struct cdnactl_args *a, struct cdnactl_sys *s,
		     struct cdnactl_nic *nic)
{
	struct ops_flash_result *r;
	struct cdna_image_header h;
	sigset_t block, old;
	char err[OPS_ERR_LEN];
	uint8_t *img;
	size_t n;
	int rc;

	if (flash_read_image(a->image, &img, &n, err, sizeof(err)) ||
	    flash_check_image(a->image, img, n, &h, err, sizeof(err))) {
		free(img);
		if (a->json)
			fmt_flash_json(stdout, NULL, a->image, NULL, err);
		return die(err);
	}
	if (env_check_root((unsigned)geteuid(), err, sizeof(err)) ||
	    nic_find(SYSROOT, a->nic, nic, err, sizeof(err))) {
		free(img);
		if (a->json)
			fmt_flash_json(stdout, NULL, a->image, NULL, err);
		return die(err);
	}
	s->xen_dom0 = env_is_dom0(PRIVCMD, XEN_CAPS);
	if (s->xen_dom0 && a->activate) {
		R(s)->xcall = hcall_open();
		if (!R(s)->xcall) {
			snprintf(err, sizeof(err), "cannot open %s for the "
				 "NIC reset hypercall (%s); nothing written",
				 PRIVCMD, strerror(errno));
			free(img);
			if (a->json)
				fmt_flash_json(stdout, nic->pci, a->image,
					       NULL, err);
			return die(err);
		}
	} else {
		s->hcall = NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		free(img);
		return die("out of memory");
	}
	R(s)->progress.tty = a->progress == PROGRESS_BAR ||
			     (a->progress == PROGRESS_AUTO &&
			      isatty(STDERR_FILENO));
	if (a->progress == PROGRESS_NONE)
		s->progress = NULL;
	R(s)->steps = a->json ? stderr : stdout;
	/*
	 * Activation must not be cut between unbind and bind, or BEGIN and
	 * END (the driver would stay unbound, the contexts suspended): the
	 * usual signals wait until the bounded steps are over.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	if (a->activate)
		sigprocmask(SIG_BLOCK, &block, &old);
	rc = ops_flash(s, a, a->image, img, n, r, err);
	free(img);
	if (a->json)
		fmt_flash_json(stdout, nic->pci, a->image, r, rc ? err : NULL);
	fflush(stdout);
	free(r);
	rc = rc ? die(err) : 0;
	if (a->activate)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static int run_firmware(const struct cdnactl_args *a, struct cdnactl_sys *s,
			struct cdnactl_nic *nic)
{
	struct flash_fw_info fi;
	char err[OPS_ERR_LEN];

	if (env_check_root((unsigned)geteuid(), err, sizeof(err)) ||
	    nic_find(SYSROOT, a->nic, nic, err, sizeof(err)) ||
	    ops_firmware(s, &fi, err))
		return die(err);
	if (a->json)
		fmt_firmware_json(stdout, nic->pci, &fi);
	else
		fmt_firmware_text(stdout, nic->pci, &fi);
	return 0;
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
		.mgmt_map = r_mgmt_map,
		.mgmt_read = r_mgmt_read,
		.mgmt_write = r_mgmt_write,
		.now_ms = r_now_ms,
		.sleep_ms = r_sleep_ms,
		.driver_of = r_driver_of,
		.driver_unbind = r_driver_unbind,
		.driver_bind = r_driver_bind,
		.step = r_step,
		.progress = r_progress,
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
	if (a.cmd == CMD_FLASH || a.cmd == CMD_FIRMWARE) {
		real.nic = &nic;
		real.mgmt.lock_fd = -1;
		rc = a.cmd == CMD_FLASH ? run_flash(&a, &sys, &nic) :
					  run_firmware(&a, &sys, &nic);
		nic_mgmt_unmap(&real.mgmt);
		hcall_close(real.xcall);
		return rc;
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
