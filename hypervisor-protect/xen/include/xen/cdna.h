/* SPDX-License-Identifier: MIT */
/*
 * xen/cdna.h - what Xen's common code calls of CDNA (arch/x86/cdna/cdna.c):
 * the two domain-death hooks of domain_kill().
 */
#ifndef __XEN_CDNA_H__
#define __XEN_CDNA_H__

struct domain;

#ifdef CONFIG_CDNA
/*
 * d is dying (is_dying set, its pages and event channels still there):
 * revoke every CDNA context it owns, returning every page reference and
 * closing the event channels.  Called before evtchn_destroy().
 */
void cdna_domain_kill(struct domain *d);
/*
 * d's memory has been relinquished (its page tables are gone): release
 * the ring and status pages that were shared with it.
 */
void cdna_domain_relinquished(struct domain *d);
#else
static inline void cdna_domain_kill(struct domain *d) {}
static inline void cdna_domain_relinquished(struct domain *d) {}
#endif

#endif /* __XEN_CDNA_H__ */
