/* SPDX-License-Identifier: MIT */
/* mac.c - MAC addresses (see mac.h). */
#include "mac.h"

#include <stdio.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -1;
		m[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	if (*s)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = m[i];
	return 0;
}

char *mac_format(const uint8_t mac[6], char buf[MAC_STR_LEN])
{
	snprintf(buf, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

bool mac_usable(const uint8_t mac[6])
{
	if (mac[0] & 1)
		return false;
	for (int i = 0; i < 6; i++)
		if (mac[i])
			return true;
	return false;
}

void mac_derive(const uint8_t nic[6], unsigned ctx, uint8_t out[6])
{
	uint32_t low = (uint32_t)nic[3] << 16 | (uint32_t)nic[4] << 8 | nic[5];

	low = (low + ctx) & 0xffffffu;
	out[0] = (uint8_t)((nic[0] | 0x02u) & ~0x01u);
	out[1] = nic[1];
	out[2] = nic[2];
	out[3] = (uint8_t)(low >> 16);
	out[4] = (uint8_t)(low >> 8);
	out[5] = (uint8_t)low;
}
