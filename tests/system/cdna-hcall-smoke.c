/* SPDX-License-Identifier: MIT */
/*
 * cdna-hcall-smoke - issue the CDNA hypercall (include/cdna/hcall.h) from a
 * Xen PV domain's user space through /dev/xen/privcmd, one command per
 * invocation, and print what came back as key=value lines.  A test tool
 * for the Xen glue (hypervisor-protect/xen/), not cdnactl.
 *
 *   find                       the cdna NICs: sbdf, BAR0, BAR2, driver
 *   register SBDF              REGISTER_NIC with the device's BARs, irq 0
 *   assign DOMID CTX|any MAC [FLAGS]
 *   query CTX | stats CTX|any | revoke CTX
 *   enqueue CTX tx|rx MADDR LEN [FLAGS [COUNT]]  COUNT copies of one buffer
 *   raw CMD                    an unknown command / a bad argument address
 *   alloc                      one page from Xen (increase_reservation):
 *                              its machine frame, owned by the caller
 *   free MFN                   give it back (decrease_reservation)
 *   pin MFN | unpin MFN        make it an L1 page table and back
 *   bar SBDF BAR OFFSET [VAL]  mmap the BAR through sysfs, read (write)
 *                              the 32-bit word at OFFSET; "fault" if the
 *                              access faults
 *   map MFN ro|rw [SECONDS]    map a machine frame of the caller's (a
 *                              ring page) through privcmd, read its first
 *                              word, keep the mapping SECONDS
 *   bind PORT                  bind the context's Xen port (DOMID_SELF)
 *                              with /dev/xen/evtchn, print the local port
 *   wait PORT MS               bind, unmask and wait for one event
 *
 * Build: gcc -O2 -static -o cdna-hcall-smoke cdna-hcall-smoke.c -Iinclude
 * Exit status 0 when the hypercall returned 0, else 1 (rc= says which).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cdna/hcall.h>
#include <cdna/regs.h>

#include "errmsg.h"                 /* dom0-mgr/: the errno names */

/* linux/include/uapi/xen/privcmd.h and evtchn.h, without the headers. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
struct privcmd_mmapbatch_v2 {
	unsigned int num;
	uint16_t dom;
	uint64_t addr;
	const uint64_t *arr;
	int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))
struct ioctl_evtchn_bind_interdomain {
	unsigned int remote_domain, remote_port;
};
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))

#define HYPERVISOR_memory_op  12
#define HYPERVISOR_mmuext_op  26
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define MMUEXT_PIN_L1_TABLE   0
#define MMUEXT_UNPIN_TABLE    4
#define DOMID_SELF            0x7ff0u

struct xen_memory_reservation {
	uint64_t *extent_start;
	unsigned long nr_extents;
	unsigned int extent_order;
	unsigned int mem_flags;
	uint16_t domid;
};

struct mmuext_op {
	unsigned int cmd;
	uint64_t arg1;
	uint64_t arg2;
};

static int privcmd = -1;

static long hypercall(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
		      uint64_t a3)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2, a3 } };
	long rc;

	if (privcmd < 0) {
		privcmd = open("/dev/xen/privcmd", O_RDWR);
		if (privcmd < 0) {
			perror("/dev/xen/privcmd");
			exit(2);
		}
	}
	rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);
	return rc < 0 ? -errno : rc;
}

/* The argument lives in locked memory: Xen copies it from the caller. */
static long cdna_op(unsigned int cmd, void *arg, size_t size)
{
	long rc;

	mlock(arg, size);
	rc = hypercall(CDNA_HYPERCALL_NR, cmd, (uintptr_t)arg, 0, 0);
	printf("rc=%ld\n", rc);
	return rc;
}

/* The hypercall's result as a word: OK, or the errno's name (cdnactl's). */
static const char *errname(long rc)
{
	const char *name = rc ? cdna_err_name((int)-rc) : "OK";

	return name ? name : "?";
}

static uint16_t ctx_arg(const char *s)
{
	return strcmp(s, "any") ? (uint16_t)strtoul(s, NULL, 0) : CDNA_CTX_ANY;
}

/* sysfs: the device's resource file, line BAR: "start end flags". */
static int bar_of(const char *sbdf, int bar, uint64_t *start)
{
	char path[256], line[128];
	uint64_t s = 0, e = 0, f = 0;
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", sbdf);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	for (i = 0; i <= bar && fgets(line, sizeof(line), fp); i++)
		sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &s, &e, &f);
	fclose(fp);
	*start = s;
	return i == bar + 1 ? 0 : -1;
}

static unsigned int hexfile(const char *dir, const char *name)
{
	char path[512];
	unsigned int v = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	if (fscanf(fp, "%x", &v) != 1)
		v = 0;
	fclose(fp);
	return v;
}

static int cmd_find(void)
{
	FILE *ls = popen("ls /sys/bus/pci/devices", "r");
	char name[64];
	int n = 0;

	while (ls && fscanf(ls, "%63s", name) == 1) {
		char dir[128], link[300], drv[256];
		uint64_t b0, b2;
		ssize_t l;

		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", name);
		if (hexfile(dir, "vendor") != CDNA_PCI_VENDOR_ID ||
		    hexfile(dir, "device") != CDNA_PCI_DEVICE_ID)
			continue;
		snprintf(link, sizeof(link), "%s/driver", dir);
		l = readlink(link, drv, sizeof(drv) - 1);
		drv[l > 0 ? l : 0] = 0;
		bar_of(name, 0, &b0);
		bar_of(name, 2, &b2);
		printf("nic=%s bar0=%#" PRIx64 " bar2=%#" PRIx64 " driver=%s\n",
		       name, b0, b2, l > 0 ? strrchr(drv, '/') + 1 : "none");
		n++;
	}
	if (ls)
		pclose(ls);
	return n ? 0 : 1;
}

static uint32_t sbdf_num(const char *s)
{
	unsigned int seg, bus, dev, fn;

	if (sscanf(s, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4) {
		fprintf(stderr, "bad sbdf %s\n", s);
		exit(2);
	}
	return seg << 16 | bus << 8 | dev << 3 | fn;
}

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

static int cmd_bar(const char *sbdf, int bar, uint32_t off, const char *val)
{
	char path[256];
	volatile uint32_t *p;
	void *m;
	int fd, sig;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
		 sbdf, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	m = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 off & ~0xfffu);
	if (m == MAP_FAILED) {
		printf("bar%d+%#x=mmap-failed errno=%d\n", bar, off, errno);
		return 1;
	}
	p = (volatile uint32_t *)((char *)m + (off & 0xfff));
	signal(SIGBUS, on_fault);
	signal(SIGSEGV, on_fault);
	sig = sigsetjmp(fault_jmp, 1);
	if (sig) {
		printf("bar%d+%#x=fault signal=%d\n", bar, off, sig);
		return 1;
	}
	if (val)
		*p = (uint32_t)strtoul(val, NULL, 0);
	printf("bar%d+%#x=%#x\n", bar, off, *p);
	return 0;
}

static int cmd_evtchn(unsigned int port, int wait_ms)
{
	struct ioctl_evtchn_bind_interdomain b = { DOMID_SELF, port };
	int fd = open("/dev/xen/evtchn", O_RDWR);
	struct pollfd pfd;
	unsigned int got;
	int local;

	if (fd < 0) {
		perror("/dev/xen/evtchn");
		return 2;
	}
	local = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
	printf("bind remote_port=%u local_port=%d errno=%d\n", port, local,
	       local < 0 ? errno : 0);
	if (local < 0 || wait_ms < 0)
		return local < 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, wait_ms) == 1 &&
	    read(fd, &got, sizeof(got)) == sizeof(got)) {
		printf("event port=%u\n", got);
		return 0;
	}
	printf("event none\n");
	return 1;
}

static int cmd_map(uint64_t mfn, int rw, int hold)
{
	int fd = open("/dev/xen/privcmd", O_RDWR), err = 0;
	struct privcmd_mmapbatch_v2 b = { .num = 1, .dom = DOMID_SELF,
					  .arr = &mfn, .err = &err };
	void *m;

	if (fd < 0) {
		perror("/dev/xen/privcmd");
		return 2;
	}
	m = mmap(NULL, 0x1000, PROT_READ | (rw ? PROT_WRITE : 0), MAP_SHARED,
		 fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	b.addr = (uintptr_t)m;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 || err) {
		printf("map mfn=%#" PRIx64 " %s refused errno=%d err=%d\n", mfn,
		       rw ? "rw" : "ro", errno, err);
		return 1;
	}
	printf("map mfn=%#" PRIx64 " %s ok word0=%#x\n", mfn, rw ? "rw" : "ro",
	       *(volatile uint32_t *)m);
	if (hold > 0)
		sleep((unsigned int)hold);
	munmap(m, 0x1000);
	close(fd);
	return 0;
}

static void print_stats(const struct cdna_op_stats *s)
{
	printf("ctx=%u domid=%u state=%u enqueues=%" PRIu64 " descs=%" PRIu64
	       " refs_held=%u refused=", s->ctx, s->domid, s->state,
	       s->enqueues, s->descs, s->refs_held);
	for (int i = 0; i < CDNA_HV_REFUSAL_NUM; i++)
		printf("%s%u", i ? "," : "", s->refused[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	long rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "find"))
		return cmd_find();
	if (!strcmp(c, "register") && argc > 2) {
		static struct cdna_op_register_nic op;

		if (bar_of(argv[2], 0, &op.bar0) || bar_of(argv[2], 2, &op.bar2))
			return 2;
		op.sbdf = sbdf_num(argv[2]);
		rc = cdna_op(CDNA_OP_REGISTER_NIC, &op, sizeof(op));
		printf("register %s num_ctx=%u\n", errname(rc), op.num_ctx);
	} else if (!strcmp(c, "assign") && argc > 4) {
		static struct cdna_op_assign op;
		unsigned int m[6];

		op.domid = (uint16_t)strtoul(argv[2], NULL, 0);
		op.ctx = ctx_arg(argv[3]);
		if (sscanf(argv[4], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5]) != 6)
			return 2;
		for (int i = 0; i < 6; i++)
			op.mac[i] = (uint8_t)m[i];
		op.flags = argc > 5 ? (uint16_t)strtoul(argv[5], NULL, 0) :
				      CDNA_CTXF_BCAST;
		rc = cdna_op(CDNA_OP_ASSIGN, &op, sizeof(op));
		printf("assign %s ctx=%u tx_ring=%#" PRIx64 " rx_ring=%#" PRIx64
		       " status=%#" PRIx64 " ctx_page=%#" PRIx64 " evtchn=%u\n",
		       errname(rc), op.ctx, op.tx_ring, op.rx_ring, op.status,
		       op.ctx_page, op.evtchn);
	} else if (!strcmp(c, "query") && argc > 2) {
		static struct cdna_op_query op;

		op.ctx = ctx_arg(argv[2]);
		rc = cdna_op(CDNA_OP_QUERY, &op, sizeof(op));
		printf("query %s state=%u tx_prod=%u tx_cons=%u rx_prod=%u "
		       "rx_cons=%u refs_held=%u\n", errname(rc), op.state,
		       op.tx_prod, op.tx_cons, op.rx_prod, op.rx_cons,
		       op.refs_held);
	} else if (!strcmp(c, "stats") && argc > 2) {
		static struct cdna_op_stats op;

		op.ctx = ctx_arg(argv[2]);
		rc = cdna_op(CDNA_OP_STATS, &op, sizeof(op));
		printf("stats %s ", errname(rc));
		print_stats(&op);
	} else if (!strcmp(c, "revoke") && argc > 2) {
		static struct cdna_op_revoke op;

		op.ctx = ctx_arg(argv[2]);
		rc = cdna_op(CDNA_OP_REVOKE, &op, sizeof(op));
		printf("revoke %s refs_returned=%u drain_us=%u\n", errname(rc),
		       op.refs_returned, op.drain_us);
	} else if (!strcmp(c, "nicreset") && argc > 2) {
		static struct cdna_op_nic_reset op;

		op.phase = !strcmp(argv[2], "begin") ? CDNA_NIC_RESET_BEGIN :
			   !strcmp(argv[2], "end") ? CDNA_NIC_RESET_END :
			   (uint32_t)strtoul(argv[2], NULL, 0);
		rc = cdna_op(CDNA_OP_NIC_RESET, &op, sizeof(op));
		printf("nicreset %s contexts=%u refs_returned=%u failed=%u\n",
		       errname(rc), op.contexts, op.refs_returned, op.failed);
	} else if (!strcmp(c, "enqueue") && argc > 5) {
		static struct cdna_op_enqueue op;
		static struct cdna_guest_buf bufs[CDNA_ENQUEUE_MAX];
		uint32_t n = argc > 7 ? (uint32_t)strtoul(argv[7], NULL, 0) : 1;

		if (n > CDNA_ENQUEUE_MAX)
			n = CDNA_ENQUEUE_MAX;
		for (uint32_t i = 0; i < n; i++) {
			bufs[i].addr = strtoull(argv[4], NULL, 0);
			bufs[i].len = (uint16_t)strtoul(argv[5], NULL, 0);
			bufs[i].flags = argc > 6 ?
					(uint16_t)strtoul(argv[6], NULL, 0) : 0;
		}
		mlock(bufs, sizeof(bufs));
		op.ctx = ctx_arg(argv[2]);
		op.ring = strcmp(argv[3], "rx") ? CDNA_RING_TX : CDNA_RING_RX;
		op.count = n;
		op.bufs = (uintptr_t)bufs;
		rc = cdna_op(CDNA_OP_ENQUEUE, &op, sizeof(op));
		printf("enqueue %s done=%u prod=%u error=%d reason=%u\n",
		       errname(rc), op.done, op.prod, op.error, op.reason);
	} else if (!strcmp(c, "raw") && argc > 2) {
		/* An address nobody maps: the copy-in must fail cleanly. */
		rc = hypercall(CDNA_HYPERCALL_NR, strtoul(argv[2], NULL, 0),
			       argc > 3 ? strtoull(argv[3], NULL, 0) : 0x10,
			       0, 0);
		printf("rc=%ld\nraw %s\n", rc, errname(rc));
	} else if (!strcmp(c, "alloc")) {
		static uint64_t mfn;
		static struct xen_memory_reservation r = {
			.nr_extents = 1, .domid = DOMID_SELF,
		};

		r.extent_start = &mfn;
		mlock(&mfn, sizeof(mfn));
		mlock(&r, sizeof(r));
		rc = hypercall(HYPERVISOR_memory_op,
			       XENMEM_increase_reservation, (uintptr_t)&r, 0,
			       0);
		printf("alloc rc=%ld mfn=%#" PRIx64 " maddr=%#" PRIx64 "\n", rc,
		       mfn, mfn << 12);
		return rc == 1 ? 0 : 1;
	} else if (!strcmp(c, "free") && argc > 2) {
		static uint64_t mfn;
		static struct xen_memory_reservation r = {
			.nr_extents = 1, .domid = DOMID_SELF,
		};

		mfn = strtoull(argv[2], NULL, 0);
		r.extent_start = &mfn;
		mlock(&mfn, sizeof(mfn));
		mlock(&r, sizeof(r));
		rc = hypercall(HYPERVISOR_memory_op,
			       XENMEM_decrease_reservation, (uintptr_t)&r, 0,
			       0);
		printf("free rc=%ld\n", rc);
		return rc == 1 ? 0 : 1;
	} else if ((!strcmp(c, "pin") || !strcmp(c, "unpin")) && argc > 2) {
		static struct mmuext_op op;

		op.cmd = strcmp(c, "pin") ? MMUEXT_UNPIN_TABLE :
					    MMUEXT_PIN_L1_TABLE;
		op.arg1 = strtoull(argv[2], NULL, 0);
		mlock(&op, sizeof(op));
		rc = hypercall(HYPERVISOR_mmuext_op, (uintptr_t)&op, 1, 0,
			       DOMID_SELF);
		printf("%s rc=%ld\n", c, rc);
	} else if (!strcmp(c, "bar") && argc > 4) {
		return cmd_bar(argv[2], atoi(argv[3]),
			       (uint32_t)strtoul(argv[4], NULL, 0),
			       argc > 5 ? argv[5] : NULL);
	} else if (!strcmp(c, "map") && argc > 3) {
		return cmd_map(strtoull(argv[2], NULL, 0),
			       !strcmp(argv[3], "rw"),
			       argc > 4 ? atoi(argv[4]) : 0);
	} else if (!strcmp(c, "bind") && argc > 2) {
		return cmd_evtchn((unsigned int)strtoul(argv[2], NULL, 0), -1);
	} else if (!strcmp(c, "wait") && argc > 3) {
		return cmd_evtchn((unsigned int)strtoul(argv[2], NULL, 0),
				  atoi(argv[3]));
	} else {
		fprintf(stderr, "usage: see the comment at the top of %s\n",
			__FILE__);
		return 2;
	}
	return rc ? 1 : 0;
}
