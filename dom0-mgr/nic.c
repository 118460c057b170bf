/* SPDX-License-Identifier: MIT */
/* nic.c - sysfs discovery and BAR2 pages 0 and 2 (see nic.h). */
#include "nic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cdna/regs.h"

#define PAGE 0x1000u

__attribute__((format(printf, 3, 4)))
static int fail(char *err, unsigned len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int read_hex_file(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lx", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

int nic_parse_resource_line(const char *line, uint64_t *start, uint64_t *end)
{
	unsigned long long s, e, fl;

	if (sscanf(line, "%llx %llx %llx", &s, &e, &fl) != 3)
		return -1;
	*start = s;
	*end = e;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_cdna(const char *devdir)
{
	char p[600];
	unsigned long vendor, device;

	snprintf(p, sizeof(p), "%s/vendor", devdir);
	if (read_hex_file(p, &vendor))
		return 0;
	snprintf(p, sizeof(p), "%s/device", devdir);
	if (read_hex_file(p, &device))
		return 0;
	return vendor == CDNA_PCI_VENDOR_ID && device == CDNA_PCI_DEVICE_ID;
}

int nic_find(const char *sysroot, const char *want, struct cdnactl_nic *nic,
	     char *err, unsigned errlen)
{
	char dir[256], p[512], line[256];
	char *names[256];
	unsigned n = 0, found = 0;
	struct dirent *de;
	DIR *d;
	FILE *f;
	int rc = -1;

	memset(nic, 0, sizeof(*nic));
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", sysroot);
	d = opendir(dir);
	if (!d)
		return fail(err, errlen, "no cdna NIC found: cannot read %s "
			    "(%s)", dir, strerror(errno));
	while ((de = readdir(d)) && n < 256) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (is_cdna(p))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (unsigned i = 0; i < n; i++)
		if (!found && (!want || !strcmp(names[i], want))) {
			snprintf(nic->pci, sizeof(nic->pci), "%s", names[i]);
			found = 1;
		}
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
	if (!found) {
		if (want)
			return fail(err, errlen, "no cdna NIC at PCI address "
				    "%s (PCI %04x:%04x)", want,
				    CDNA_PCI_VENDOR_ID, CDNA_PCI_DEVICE_ID);
		return fail(err, errlen, "no cdna NIC found (no PCI device "
			    "%04x:%04x in %s)", CDNA_PCI_VENDOR_ID,
			    CDNA_PCI_DEVICE_ID, dir);
	}

	snprintf(p, sizeof(p), "%s/%s/resource", dir, nic->pci);
	f = fopen(p, "r");
	if (!f)
		return fail(err, errlen, "NIC %s: cannot read %s (%s)",
			    nic->pci, p, strerror(errno));
	for (unsigned bar = 0; bar <= 2 && fgets(line, sizeof(line), f);
	     bar++) {
		uint64_t start, end;

		if (nic_parse_resource_line(line, &start, &end))
			break;
		if (bar == 0)
			nic->bar0 = start;
		if (bar == 2) {
			nic->bar2 = start;
			rc = 0;
		}
	}
	fclose(f);
	if (rc || !nic->bar2)
		return fail(err, errlen, "NIC %s: BAR2 has no address in %s",
			    nic->pci, p);
	return 0;
}

/* Is a kernel driver bound to the device? */
static int driver_bound(const char *sysroot, const char *pci)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/driver", sysroot, pci);
	return access(p, F_OK) == 0;
}

static uint32_t rd(volatile const uint32_t *page, uint32_t off)
{
	return page[off / 4];
}

int nic_open(const char *sysroot, struct cdnactl_nic *nic, struct nic_map *m,
	     char *err, unsigned errlen)
{
	char p[512];
	uint32_t lo, hi;
	void *p0, *p2;
	int fd;

	memset(m, 0, sizeof(*m));
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/resource2", sysroot,
		 nic->pci);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "NIC %s: cannot open %s (%s)",
			    nic->pci, p, strerror(errno));
	p0 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, CDNA_BAR2_MGMT);
	p2 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, CDNA_BAR2_STATS);
	close(fd);
	if (p0 == MAP_FAILED || p2 == MAP_FAILED) {
		int e = errno;

		if (p0 != MAP_FAILED)
			munmap(p0, PAGE);
		if (p2 != MAP_FAILED)
			munmap(p2, PAGE);
		if (e == EINVAL && driver_bound(sysroot, nic->pci))
			return fail(err, errlen, "NIC %s: the kernel refuses to "
				    "map BAR2 pages 0 and 2 (EINVAL): its driver "
				    "holds the region and the kernel has "
				    "CONFIG_IO_STRICT_DEVMEM (boot dom0 with "
				    "iomem=relaxed)", nic->pci);
		return fail(err, errlen, "NIC %s: cannot map BAR2 pages 0 and "
			    "2 (%s)", nic->pci, strerror(e));
	}
	m->mgmt = p0;
	m->stats = p2;

	nic->id = rd(m->mgmt, MGMT_ID);
	if (nic->id != CDNA_HW_ID) {
		uint32_t id = nic->id;

		nic_close(m);
		return fail(err, errlen, "NIC %s: BAR2 does not answer as a "
			    "cdna NIC (ID 0x%08x, want 0x%08x): is its memory "
			    "decoding enabled (dom0's cdna driver loaded)?",
			    nic->pci, id, CDNA_HW_ID);
	}
	nic->num_ctx = rd(m->mgmt, MGMT_NUM_CTX);
	if (nic->num_ctx > CDNA_NUM_CTX)
		nic->num_ctx = CDNA_NUM_CTX;
	nic->fw_state = rd(m->mgmt, MGMT_FW_STATE);
	nic->fw_version = rd(m->mgmt, MGMT_FW_VERSION);
	nic->boot_bank = rd(m->mgmt, MGMT_BOOT_BANK);
	nic->fault_cause = rd(m->mgmt, MGMT_FAULT_CAUSE);
	nic->fault_pc = rd(m->mgmt, MGMT_FAULT_PC);
	nic->mac_rx_drops = rd(m->mgmt, MGMT_MAC_RX_DROPS);
	nic->rx_no_match = rd(m->mgmt, MGMT_RX_NO_MATCH);
	nic->dma_faults = rd(m->mgmt, MGMT_DMA_FAULTS);
	lo = rd(m->mgmt, MGMT_MAC_LO);
	hi = rd(m->mgmt, MGMT_MAC_HI);
	for (int i = 0; i < 4; i++)
		nic->mac[i] = (uint8_t)(lo >> (8 * i));
	nic->mac[4] = (uint8_t)hi;
	nic->mac[5] = (uint8_t)(hi >> 8);
	return 0;
}

void nic_close(struct nic_map *m)
{
	if (m->mgmt)
		munmap((void *)(uintptr_t)m->mgmt, PAGE);
	if (m->stats)
		munmap((void *)(uintptr_t)m->stats, PAGE);
	m->mgmt = m->stats = NULL;
}

/* A 64-bit counter: HI, LO, HI again, retried while HI moves. */
static uint64_t rd64(volatile const uint32_t *page, uint32_t lo_off)
{
	uint32_t hi, lo, hi2;

	for (int tries = 0;; tries++) {
		hi = rd(page, lo_off + 4);
		lo = rd(page, lo_off);
		hi2 = rd(page, lo_off + 4);
		if (hi == hi2 || tries == 8)
			break;
	}
	return (uint64_t)hi2 << 32 | lo;
}

void nic_read_ctx(const struct nic_map *m, unsigned ctx, uint8_t mac[6],
		  uint32_t *flags, struct cdnactl_nic_ctx_stats *st)
{
	uint32_t base = MGMT_CTX(ctx), lo, hi;
	/* Page 2 offsets are relative to the page. */
	uint32_t sb = MGMT_STATS(ctx) - CDNA_BAR2_STATS;

	lo = rd(m->mgmt, base + MGMT_CTX_MAC_LO);
	hi = rd(m->mgmt, base + MGMT_CTX_MAC_HI);
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(lo >> (8 * i));
	mac[4] = (uint8_t)hi;
	mac[5] = (uint8_t)(hi >> 8);
	*flags = rd(m->mgmt, base + MGMT_CTX_FLAGS);

	memset(st, 0, sizeof(*st));
	st->tx_frames = rd(m->stats, sb + STAT_TX_FRAMES);
	st->tx_bytes = rd64(m->stats, sb + STAT_TX_BYTES_LO);
	st->rx_frames = rd(m->stats, sb + STAT_RX_FRAMES);
	st->rx_bytes = rd64(m->stats, sb + STAT_RX_BYTES_LO);
	st->revokes = rd(m->stats, sb + STAT_REVOKES);
	for (unsigned r = 0; r < CDNA_REFUSE_NUM; r++)
		st->refused[r] = rd(m->stats, sb + STAT_REFUSED(r));
	for (unsigned d = 0; d < CDNA_DROP_NUM; d++)
		st->dropped[d] = rd(m->stats, sb + STAT_DROPPED(d));
}

/* ---- page 0 alone: flash and firmware ------------------------------------ */

int nic_mgmt_map(const char *sysroot, const struct cdnactl_nic *nic,
		 bool writable, struct nic_mgmt *m, char *err,
		 unsigned errlen)
{
	char p[512];
	uint32_t id;
	void *p0;
	int fd, e;

	m->page = NULL;
	m->lock_fd = -1;
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/resource2", sysroot,
		 nic->pci);
	fd = open(p, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		fail(err, errlen, "NIC %s: cannot open %s (%s)", nic->pci, p,
		     strerror(e));
		return -e;
	}
	/* Two flashes at once would abort each other's transfer. */
	if (writable && flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		fail(err, errlen, "NIC %s: another cdnactl is flashing it "
		     "(%s is locked)", nic->pci, p);
		return -EAGAIN;
	}
	p0 = mmap(NULL, PAGE, PROT_READ | (writable ? PROT_WRITE : 0),
		  MAP_SHARED, fd, CDNA_BAR2_MGMT);
	if (p0 == MAP_FAILED) {
		e = errno;
		close(fd);
		if (e == EINVAL && driver_bound(sysroot, nic->pci)) {
			fail(err, errlen, "NIC %s: the kernel refuses to map "
			     "BAR2 page 0 (EINVAL): its driver holds the "
			     "region and the kernel has CONFIG_IO_STRICT_DEVMEM "
			     "(boot with iomem=relaxed, or unbind the driver)",
			     nic->pci);
			return -EBUSY;
		}
		fail(err, errlen, "NIC %s: cannot map BAR2 page 0 (%s)",
		     nic->pci, strerror(e));
		return -e;
	}
	if (writable)
		m->lock_fd = fd;
	else
		close(fd);
	m->page = p0;
	id = m->page[MGMT_ID / 4];
	if (id != CDNA_HW_ID) {
		nic_mgmt_unmap(m);
		fail(err, errlen, "NIC %s: BAR2 does not answer as a cdna NIC "
		     "(ID 0x%08x, want 0x%08x): is its memory decoding "
		     "enabled?", nic->pci, id, CDNA_HW_ID);
		return -ENODEV;
	}
	return 0;
}

void nic_mgmt_unmap(struct nic_mgmt *m)
{
	if (m->page)
		munmap((void *)(uintptr_t)m->page, PAGE);
	if (m->lock_fd >= 0)
		close(m->lock_fd);
	m->page = NULL;
	m->lock_fd = -1;
}

void nic_driver_name(const char *sysroot, const char *pci, char *buf,
		     size_t len)
{
	char p[512], link[512];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/driver", sysroot, pci);
	n = readlink(p, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(buf, len, "%s", base ? base + 1 : link);
}

/* Write the PCI address into a sysfs control file. */
static int write_pci(const char *path, const char *pci)
{
	size_t n = strlen(pci);
	int fd = open(path, O_WRONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, pci, n) != (ssize_t)n)
		e = errno ? -errno : -EIO;
	close(fd);
	return e;
}

int nic_driver_unbind(const char *sysroot, const char *pci)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/driver/unbind", sysroot,
		 pci);
	return write_pci(p, pci);
}

int nic_driver_bind(const char *sysroot, const char *pci, const char *drv)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/bus/pci/drivers/%s/bind", sysroot, drv);
	return write_pci(p, pci);
}
