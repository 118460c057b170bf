/* SPDX-License-Identifier: MIT */
/* help.h - cdnactl --help and cdnactl COMMAND --help. */
#ifndef CDNACTL_HELP_H
#define CDNACTL_HELP_H

#include "args.h"

/* The help of cmd (CMD_NONE: the tool's). */
const char *help_text(enum cdnactl_cmd cmd);

#endif
