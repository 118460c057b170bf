/* SPDX-License-Identifier: MIT */
/*
 * stdint.h for the CDNA core inside Xen (xen/arch/x86/cdna/include/): Xen
 * builds with -nostdinc, and its fixed-width types live in xen/types.h.
 */
#ifndef CDNA_XEN_STDINT_H
#define CDNA_XEN_STDINT_H

#include <xen/types.h>

#endif /* CDNA_XEN_STDINT_H */
