/* SPDX-License-Identifier: MIT */
/* hal_host.c - the host build's hardware binding (see hal.h). */
#include "../src/hal.h"

const struct fw_host_hw *fw_hw;
