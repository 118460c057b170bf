/* SPDX-License-Identifier: MIT */
/*
 * xen_cpustat.c - xen-cpustat W: where a Xen machine's CPU time went over
 * the next W seconds, for `make bench` (cdna-domus cpu, in dom0).
 *
 * One process reads Xen's counters at both ends of the interval: each
 * domain's CPU time (XEN_DOMCTL_getdomaininfo: the running time of its
 * vCPUs, hypercalls included) and each pCPU's idle time
 * (XEN_SYSCTL_getcpuinfo: the running time of its idle vCPU), both in
 * Xen's nanoseconds.  It sleeps in between rather than forking: xentop and
 * xenpm, started together on a machine whose guests took the CPU, each took
 * their own window (26 s and 40 s for a 5 s request at N = 16), so their
 * figures did not add up over one interval.
 *
 * Output, seconds:
 *   window S          the interval between the two reads (dom0's clock)
 *   skew S            the longer of the two reads (the window's uncertainty)
 *   dom DOMID S       CPU time of each domain that lived through the window
 *   pcpu CPU S        idle time of each pCPU
 * Xen's own time (interrupts and softirqs outside any vCPU) is what remains:
 * pCPUs x window - idle - domains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>

#define MAX_DOMS 1024
#define MAX_CPUS 256

struct sample {
	double t;    /* midpoint of the read, dom0's CLOCK_MONOTONIC, s */
	double skew; /* how long the read took, s */
	int ndoms;
	xc_domaininfo_t doms[MAX_DOMS];
	int ncpus;
	xc_cpuinfo_t cpus[MAX_CPUS];
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_once(xc_interface *xch, struct sample *s)
{
	double t0 = mono(), t1;

	s->ndoms = xc_domain_getinfolist(xch, 0, MAX_DOMS, s->doms);
	if (s->ndoms < 0) {
		fprintf(stderr, "xen-cpustat: reading the domains' CPU time: %s\n",
			strerror(errno));
		return -1;
	}
	if (xc_getcpuinfo(xch, MAX_CPUS, s->cpus, &s->ncpus) < 0) {
		fprintf(stderr, "xen-cpustat: reading the pCPUs' idle time: %s\n",
			strerror(errno));
		return -1;
	}
	t1 = mono();
	s->t = (t0 + t1) / 2;
	s->skew = t1 - t0;
	return 0;
}

/*
 * A read is two hypercalls; dom0's vCPU can lose its pCPU between them (up
 * to 2.8 s at N = 32, measured), and then the domains' times and the idle
 * times belong to different instants.  Read again, at most READ_TRIES
 * times, until one read took less than TIGHT_S; keep the tightest.
 */
#define READ_TRIES 8
#define TIGHT_S    0.005

static int read_sample(xc_interface *xch, struct sample *s)
{
	static struct sample try;

	if (read_once(xch, s) < 0)
		return -1;
	for (int i = 1; i < READ_TRIES && s->skew >= TIGHT_S; i++) {
		if (read_once(xch, &try) < 0)
			return -1;
		if (try.skew < s->skew)
			*s = try;
	}
	return 0;
}

/* The entry of domain DOMID in S, or NULL. */
static const xc_domaininfo_t *find_dom(const struct sample *s, unsigned domid)
{
	for (int i = 0; i < s->ndoms; i++)
		if (s->doms[i].domain == domid)
			return &s->doms[i];
	return NULL;
}

static int parse_window(const char *arg, double *w)
{
	char *end;

	errno = 0;
	*w = strtod(arg, &end);
	return errno == 0 && end != arg && *end == '\0' && *w > 0 && *w <= 3600 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct sample a, b;
	struct timespec until;
	xc_interface *xch;
	double w, at;
	int rc = 0;

	if (argc != 2 || parse_window(argv[1], &w) < 0) {
		fprintf(stderr, "usage: xen-cpustat W  (W: seconds, more than 0, at most 3600)\n");
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "xen-cpustat: cannot open Xen's control interface "
				"(needs dom0's /dev/xen/privcmd): %s\n", strerror(errno));
		return 1;
	}
	if (read_sample(xch, &a) < 0)
		rc = 1;
	if (!rc) {
		/* The end is absolute: a late wake-up does not stretch the window. */
		at = a.t + w;
		until.tv_sec = (time_t)at;
		until.tv_nsec = (long)((at - (double)until.tv_sec) * 1e9);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
		if (read_sample(xch, &b) < 0)
			rc = 1;
	}
	xc_interface_close(xch);
	if (rc)
		return rc;

	printf("window %.3f\n", b.t - a.t);
	printf("skew %.3f\n", a.skew > b.skew ? a.skew : b.skew);
	for (int i = 0; i < b.ndoms; i++) {
		const xc_domaininfo_t *d1 = &b.doms[i], *d0 = find_dom(&a, d1->domain);

		/* A domain created or destroyed within the window has no share of it. */
		if (!d0 || d1->cpu_time < d0->cpu_time)
			continue;
		printf("dom %u %.3f\n", (unsigned)d1->domain,
		       (double)(d1->cpu_time - d0->cpu_time) / 1e9);
	}
	for (int c = 0; c < b.ncpus && c < a.ncpus; c++)
		printf("pcpu %d %.3f\n", c,
		       (double)(b.cpus[c].idletime - a.cpus[c].idletime) / 1e9);
	return 0;
}
