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

#endif
