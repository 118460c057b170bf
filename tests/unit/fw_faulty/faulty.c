/* SPDX-License-Identifier: MIT */
/*
 * faulty.c - test firmware that boots like the real one, then crashes on
 * its first event, in the way FAULT selects:
 *   FAULT_BOOT    a store outside the memory map before it reports
 *                 RUNNING: a crash at boot (a trial of it never commits)
 *   FAULT_MEMORY  a store outside the NIC's memory map
 *   FAULT_UNDEF   an undefined instruction
 *   FAULT_LOOP    a loop that never waits again (for the watchdog)
 * Linked with the real startup code and linker script; built by
 * mk/model.mk into test-only images (CDNA_IMAGE_F_TEST).
 */
#include <stdint.h>
#include <cdna/nic-hw.h>
#include <cdna/regs.h>

#define SYS(reg) (*(volatile uint32_t *)(CDNA_NIC_SYS + (reg)))

int main(void)
{
#if defined(FAULT_BOOT)
	*(volatile uint32_t *)0x60000000u = 1;
#endif
	SYS(SYS_FW_VERSION) = CDNA_FW_VERSION(0, 0, 1);
	SYS(SYS_FW_STATE) = CDNA_FW_STATE_RUNNING;
	while (!SYS(SYS_EVENTS))
		__asm volatile("wfi");
#if defined(FAULT_MEMORY) || defined(FAULT_BOOT)
	*(volatile uint32_t *)0x60000000u = 1;
#elif defined(FAULT_UNDEF)
	__asm volatile(".short 0xde00"); /* UDF #0 */
#elif defined(FAULT_LOOP)
	for (;;)
		__asm volatile("" ::: "memory");
#else
#error "define FAULT_BOOT, FAULT_MEMORY, FAULT_UNDEF or FAULT_LOOP"
#endif
	return 0;
}
