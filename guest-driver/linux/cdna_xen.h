/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cdna_xen.h - what the PV modes need from Xen: the CDNA hypercall,
 * mappings of machine frames, the context's event channel, and the machine
 * address of a guest page.
 */
#ifndef CDNA_XEN_H
#define CDNA_XEN_H

#include <linux/interrupt.h>
#include <linux/mm_types.h>
#include <linux/types.h>

long cdna_hcall(unsigned int cmd, void *arg);
void *cdna_xen_map(u64 maddr, bool uncached);
void cdna_xen_unmap(void *va);
int cdna_xen_bind_evtchn(u32 remote_port, irq_handler_t handler,
			 const char *name, void *dev);
void cdna_xen_unbind_evtchn(int irq, void *dev);
bool cdna_xen_maddr(struct page *page, unsigned int off, u64 *maddr);

#endif /* CDNA_XEN_H */
