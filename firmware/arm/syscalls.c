/* SPDX-License-Identifier: MIT */
/*
 * syscalls.c - newlib's output hook: printf writes to the NIC's UART
 * register (SYS_UART_TX), which the model forwards to its log.
 */
#include <errno.h>
#include <cdna/nic-hw.h>

int _write(int fd, const char *buf, int len);

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	for (int i = 0; i < len; i++)
		*(volatile unsigned int *)(CDNA_NIC_SYS + SYS_UART_TX) =
			(unsigned char)buf[i];
	return len;
}
