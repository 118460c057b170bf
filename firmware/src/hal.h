/* SPDX-License-Identifier: MIT */
/*
 * hal.h - how the firmware reaches the NIC hardware of nic-hw.h.
 *
 * Two builds share every line of firmware logic:
 *   ARM (the real firmware):  registers are volatile loads and stores at the
 *     addresses of nic-hw.h; SRAM addresses are plain pointers.
 *   host (FW_HOST, unit tests and benchmarks): registers and SRAM belong to
 *     a NIC hardware model the test provides through struct fw_host_hw.
 * The firmware never touches hardware any other way.
 */
#ifndef FW_HAL_H
#define FW_HAL_H

#include <stdint.h>
#include <cdna/nic-hw.h>

#define FW_INLINE static inline __attribute__((always_inline))

#ifdef FW_HOST

struct fw_host_hw {
	void *opaque;
	uint32_t (*read)(void *opaque, uint32_t addr);
	void (*write)(void *opaque, uint32_t addr, uint32_t val);
	uint8_t *sram; /* CDNA_NIC_SRAM_SIZE bytes at CDNA_NIC_SRAM_BASE */
};

/* Set by the host harness before fw_init(). */
extern const struct fw_host_hw *fw_hw;

FW_INLINE uint32_t hw_rd(uint32_t addr)
{
	return fw_hw->read(fw_hw->opaque, addr);
}

FW_INLINE void hw_wr(uint32_t addr, uint32_t val)
{
	fw_hw->write(fw_hw->opaque, addr, val);
}

/* SRAM contents at NIC address addr, as the DMA engine and MAC left them. */
FW_INLINE uint8_t *sram_ptr(uint32_t addr)
{
	return fw_hw->sram + (addr - CDNA_NIC_SRAM_BASE);
}

/* The host harness calls fw_poll itself; fw_run is not used there. */
FW_INLINE void hw_wait_event(void)
{
}

#else /* the NIC's Cortex-M4 */

FW_INLINE uint32_t hw_rd(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

FW_INLINE void hw_wr(uint32_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

FW_INLINE uint8_t *sram_ptr(uint32_t addr)
{
	return (uint8_t *)addr;
}

/* Sleep until SYS_EVENTS != 0 (returns at once if already so). */
FW_INLINE void hw_wait_event(void)
{
	__asm volatile("wfi" ::: "memory");
}

#endif

/* Unaligned-safe little-endian loads from SRAM (the M4 and x86 both
 * allow unaligned word loads; memcpy keeps the compiler honest). */
FW_INLINE uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

FW_INLINE uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, 2);
	return v;
}

#endif /* FW_HAL_H */
