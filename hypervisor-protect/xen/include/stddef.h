/* SPDX-License-Identifier: MIT */
/*
 * stddef.h for the CDNA core inside Xen: size_t (xen/types.h) and
 * offsetof (xen/compiler.h).
 */
#ifndef CDNA_XEN_STDDEF_H
#define CDNA_XEN_STDDEF_H

#include <xen/compiler.h>
#include <xen/types.h>

#endif /* CDNA_XEN_STDDEF_H */
