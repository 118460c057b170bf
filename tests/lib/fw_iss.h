/* SPDX-License-Identifier: MIT */
/*
 * fw_iss.h - the flashed ARM firmware image, run by the NIC model's
 * processor (hw-model/core/iss.h, Unicorn) against the bare hardware
 * blocks of the firmware test harness: the firmware unit tests and the
 * firmware benchmark drive the real image without the rest of the model.
 */
#ifndef CDNA_TEST_FW_ISS_H
#define CDNA_TEST_FW_ISS_H

#include <stdint.h>
#include "../../hw-model/core/iss.h"
#include "../unit/fw_harness.h"

struct iss;

/* Load and verify image_path; exits with a message on any failure. */
struct iss *iss_new(const char *image_path);
void iss_free(struct iss *s);
/* Count instructions and stores (slow) or run at full speed. */
void iss_set_counting(struct iss *s, int on);
void iss_get_counts(struct iss *s, struct cdna_iss_counts *out);
void iss_reset_counts(struct iss *s);
/* Firmware hooks for the harness (h_new_fw); priv must be the iss. */
struct h_fw_ops iss_fw_ops(struct iss *s);

#endif
