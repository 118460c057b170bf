/* SPDX-License-Identifier: MIT */
/* mac.h - MAC addresses: parse, format, and the default MAC of a context. */
#ifndef CDNACTL_MAC_H
#define CDNACTL_MAC_H

#include <stdbool.h>
#include <stdint.h>

#define MAC_STR_LEN 18 /* "52:54:00:cd:00:05" and its NUL */

/* "xx:xx:xx:xx:xx:xx" (hex, either case, ':' only).  0 or -1. */
int mac_parse(const char *s, uint8_t mac[6]);
/* Lower-case hex with colons into buf (MAC_STR_LEN bytes). */
char *mac_format(const uint8_t mac[6], char buf[MAC_STR_LEN]);
/* A MAC a context may have: unicast and not all-zero. */
bool mac_usable(const uint8_t mac[6]);
/*
 * The default MAC of context ctx on a NIC whose own MAC is nic: the NIC's
 * MAC with ctx added to its last three bytes (modulo 2^24, the NIC's own
 * part of the address), the locally administered bit (byte 0 bit 1) set
 * and the group bit (byte 0 bit 0) clear.  For QEMU's 52:54:00:... NICs it
 * is the NIC's MAC + ctx, the MAC a native-mode driver gives context ctx.
 */
void mac_derive(const uint8_t nic[6], unsigned ctx, uint8_t out[6]);

#endif
