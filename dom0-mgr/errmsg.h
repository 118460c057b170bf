/* SPDX-License-Identifier: MIT */
/*
 * errmsg.h - what a CDNA hypercall's error code means, in one sentence, and
 * the names of the states and refusal reasons cdnactl prints.
 */
#ifndef CDNACTL_ERRMSG_H
#define CDNACTL_ERRMSG_H

#include <stdint.h>

/*
 * The sentence for a CDNA_E* code (positive, as in hcall.h) returned by
 * the hypercall command cmd (CDNA_OP_*), ending with the code's name in
 * parentheses, e.g. "no free context on the NIC (ENOSPC)".  Codes that are
 * no CDNA_E* get strerror's text.  Never NULL.
 */
const char *cdna_err_sentence(unsigned cmd, int code);
/* "EBUSY" for CDNA_EBUSY; NULL for a code that is no CDNA_E*. */
const char *cdna_err_name(int code);

/* Context state (CDNA_CTX_STATE_*): "disabled", "running", "stopped". */
const char *cdna_ctx_state_name(uint32_t state);
/* Firmware state (CDNA_FW_STATE_*): "reset", "booting", "running", ... */
const char *cdna_fw_state_name(uint32_t state);
/* enum cdna_hv_refusal (hcall.h): "not_owner", ...; NULL out of range. */
const char *cdna_hv_refusal_name(unsigned r);
/* enum cdna_refusal (nic-hw.h, the NIC's statistics): "bad_seq", ... */
const char *cdna_nic_refusal_name(unsigned r);
/* enum cdna_drop (nic-hw.h): "rx_no_buf", "revoked". */
const char *cdna_nic_drop_name(unsigned d);

/* Flash bank state (CDNA_FLASH_BANK_*): "empty", "writing", ... */
const char *cdna_flash_bank_state_name(uint32_t state);
/* MGMT_FLASH_STATUS 7:0 (CDNA_FLASH_ST_*): "OK", "BAD_IMAGE", ...; NULL
 * for a code regs.h does not define. */
const char *cdna_flash_status_name(uint32_t code);
/*
 * What a MGMT_FLASH_STATUS value (both fields) means, as a sentence about
 * the transfer into bank `bank` of `size` bytes, ending with the code's
 * name in parentheses, into buf.  Returns buf.
 */
char *cdna_flash_status_sentence(uint32_t status, unsigned bank,
				 uint32_t size, char *buf, unsigned len);
/* MGMT_BOOT_F_* bit i (0..4): "trial", "rollback", "table", "fallback",
 * "flash-error"; NULL for other bits. */
const char *cdna_boot_flag_name(unsigned bit);
/* MGMT_FAULT_CAUSE: "memory", "undefined-instruction", ... */
const char *cdna_fault_name(uint32_t cause);

#endif
