/* SPDX-License-Identifier: MIT */
/*
 * args.h - cdnactl's command line, parsed into a structure.  Checks
 * everything that can be checked without the machine (syntax, ranges,
 * combinations); nothing here touches Xen or the NIC.
 */
#ifndef CDNACTL_ARGS_H
#define CDNACTL_ARGS_H

#include <stdbool.h>
#include <stdint.h>

enum cdnactl_cmd {
	CMD_NONE = 0, /* --help / --version alone */
	CMD_LIST,
	CMD_ASSIGN,
	CMD_REVOKE,
	CMD_STATS,
	CMD_FLASH,
	CMD_FIRMWARE,
};

/* Xen's DOMID_FIRST_RESERVED: domain ids are below it. */
#define CDNACTL_DOMID_MAX 0x7fefu

struct cdnactl_args {
	enum cdnactl_cmd cmd;
	bool help;      /* --help: of cmd, or the tool's if CMD_NONE */
	bool version;   /* --version */
	bool json;      /* list, stats: --json */
	bool all;       /* revoke: --all */
	bool has_domid;
	unsigned domid;
	bool has_ctx;
	unsigned ctx;
	bool has_mac;
	uint8_t mac[6];
	const char *nic; /* --nic PCI-ADDRESS, or NULL */
	const char *image; /* flash: the image file */
	bool activate;   /* flash: --activate */
	enum cdnactl_progress {
		PROGRESS_AUTO = 0, /* a bar if stderr is a terminal, else lines */
		PROGRESS_BAR,
		PROGRESS_LINES,
		PROGRESS_NONE,
	} progress;      /* flash: --progress bar|lines|none */
};

/*
 * Parse argv[1..argc-1].  0 on success; -1 with one line (no newline, no
 * program name) in err on a usage error.
 */
int args_parse(int argc, char **argv, struct cdnactl_args *a, char *err,
	       unsigned errlen);

/* "list" for CMD_LIST ...; NULL for CMD_NONE. */
const char *args_cmd_name(enum cdnactl_cmd cmd);

#endif
