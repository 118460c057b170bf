/* SPDX-License-Identifier: MIT */
/*
 * nic.h - the cdna NIC as dom0 finds it: PCI discovery through sysfs
 * (vendor 0x1b36, device 0x10cd), BAR addresses from `resource`, and BAR2
 * page 0 (management, read only) and page 2 (statistics) mapped from
 * `resource2`.  Page 1 is the hypervisor's: never mapped.
 */
#ifndef CDNACTL_NIC_H
#define CDNACTL_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdnactl.h"

struct nic_map {
	volatile const uint32_t *mgmt;  /* BAR2 page 0 */
	volatile const uint32_t *stats; /* BAR2 page 2 */
};

/*
 * Find the NIC under sysroot ("/sys"): the one at PCI address want, or the
 * first (in address order) when want is NULL.  0, or -1 with a sentence in
 * err (errlen bytes).
 */
int nic_find(const char *sysroot, const char *want, struct cdnactl_nic *nic,
	     char *err, unsigned errlen);
/* Map pages 0 and 2 of BAR2 and read page 0 into nic.  0 or -1 (err). */
int nic_open(const char *sysroot, struct cdnactl_nic *nic, struct nic_map *m,
	     char *err, unsigned errlen);
void nic_close(struct nic_map *m);
/* Context ctx's MAC and flags (page 0) and statistics (page 2). */
void nic_read_ctx(const struct nic_map *m, unsigned ctx, uint8_t mac[6],
		  uint32_t *flags, struct cdnactl_nic_ctx_stats *st);

/*
 * BAR2 page 0 alone, for flash and firmware (no Xen involved), read and
 * written through page[off / 4].  Writable, the mapping holds an exclusive
 * flock on `resource2` as well: one flash at a time per NIC.
 */
struct nic_mgmt {
	volatile uint32_t *page;
	int lock_fd;
};

/*
 * Map page 0 of the NIC's BAR2 and check MGMT_ID.  0; -EBUSY when the
 * kernel refuses because a driver holds the region (CONFIG_IO_STRICT_DEVMEM);
 * -EAGAIN when another cdnactl is flashing; another negative errno
 * otherwise; err says which in a sentence.
 */
int nic_mgmt_map(const char *sysroot, const struct cdnactl_nic *nic,
		 bool writable, struct nic_mgmt *m, char *err,
		 unsigned errlen);
void nic_mgmt_unmap(struct nic_mgmt *m);

/* The name of the driver bound to the device ("" for none). */
void nic_driver_name(const char *sysroot, const char *pci, char *buf,
		     size_t len);
/* Unbind the device from its driver / bind it to drv (sysfs): 0 or a
 * negative errno. */
int nic_driver_unbind(const char *sysroot, const char *pci);
int nic_driver_bind(const char *sysroot, const char *pci, const char *drv);

/* One line of sysfs `resource`: "0x<start> 0x<end> 0x<flags>". 0 or -1. */
int nic_parse_resource_line(const char *line, uint64_t *start, uint64_t *end);

#endif
