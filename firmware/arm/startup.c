/* SPDX-License-Identifier: MIT */
/*
 * startup.c - reset entry and vector table of the NIC firmware.
 *
 * The boot ROM has copied the image payload to code RAM and set SP from the
 * image header; it jumps to reset_handler.  There are no interrupts on this
 * NIC (the firmware polls and WFIs), so every exception is a crash: it
 * parks the processor on a BKPT that the model reports as a fault.
 */
#include <stdint.h>
#include <string.h>

extern uint32_t __data_start, __data_end, __data_load;
extern uint32_t __bss_start, __bss_end, __stack_top;
extern int main(void);

void reset_handler(void) __attribute__((noreturn));
void fault_handler(void) __attribute__((noreturn));

void reset_handler(void)
{
	memcpy(&__data_start, &__data_load,
	       (size_t)((char *)&__data_end - (char *)&__data_start));
	memset(&__bss_start, 0,
	       (size_t)((char *)&__bss_end - (char *)&__bss_start));
	main();
	fault_handler();
}

void fault_handler(void)
{
	for (;;)
		__asm volatile("bkpt #0xfa");
}

/* Cortex-M vector table: initial SP, then handlers (Thumb addresses). */
__attribute__((section(".vectors"), used))
const void *const vector_table[16] = {
	&__stack_top,
	(const void *)reset_handler,
	(const void *)fault_handler, /* NMI */
	(const void *)fault_handler, /* HardFault */
	(const void *)fault_handler, /* MemManage */
	(const void *)fault_handler, /* BusFault */
	(const void *)fault_handler, /* UsageFault */
	0, 0, 0, 0,
	(const void *)fault_handler, /* SVCall */
	(const void *)fault_handler, /* DebugMon */
	0,
	(const void *)fault_handler, /* PendSV */
	(const void *)fault_handler, /* SysTick */
};
