/* SPDX-License-Identifier: MIT */
/* args.c - command-line parsing (see args.h). */
#include "args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cdna/nic-hw.h"
#include "mac.h"

static const char *const cmd_names[] = {
	[CMD_LIST] = "list",
	[CMD_ASSIGN] = "assign",
	[CMD_REVOKE] = "revoke",
	[CMD_STATS] = "stats",
	[CMD_FLASH] = "flash",
	[CMD_FIRMWARE] = "firmware",
};

#define CMD_LAST CMD_FIRMWARE

const char *args_cmd_name(enum cdnactl_cmd cmd)
{
	if (cmd <= CMD_NONE || cmd > CMD_LAST)
		return NULL;
	return cmd_names[cmd];
}

__attribute__((format(printf, 3, 4)))
static int usage_err(char *err, unsigned len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number without sign, spaces or leading zeros, <= max. */
static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Which options each command takes. */
#define OPT_JSON 1u
#define OPT_MAC  2u
#define OPT_CTX  4u
#define OPT_ALL  8u
#define OPT_ACTIVATE 16u
#define OPT_PROGRESS 32u

static unsigned cmd_opts(enum cdnactl_cmd cmd)
{
	switch (cmd) {
	case CMD_LIST: return OPT_JSON;
	case CMD_ASSIGN: return OPT_MAC | OPT_CTX;
	case CMD_REVOKE: return OPT_CTX | OPT_ALL;
	case CMD_STATS: return OPT_JSON | OPT_CTX;
	case CMD_FLASH: return OPT_JSON | OPT_ACTIVATE | OPT_PROGRESS;
	case CMD_FIRMWARE: return OPT_JSON;
	default: return 0;
	}
}

/*
 * An option's value: "--opt=VALUE" or "--opt VALUE".  *i moves past what
 * was used.  NULL when the option is not `name` (or lacks its value, then
 * *missing is set).
 */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
			     bool *missing)
{
	const char *s = argv[*i];
	size_t n = strlen(name);

	if (strncmp(s, name, n) != 0)
		return NULL;
	if (s[n] == '=')
		return s + n + 1;
	if (s[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int args_parse(int argc, char **argv, struct cdnactl_args *a, char *err,
	       unsigned errlen)
{
	const char *cmdname = NULL;
	unsigned opts = 0;

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *v;
		bool missing = false;

		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			a->help = true;
			continue;
		}
		if (!strcmp(s, "--version")) {
			a->version = true;
			continue;
		}
		if ((v = opt_value(argc, argv, &i, "--nic", &missing))) {
			a->nic = v;
			continue;
		}
		if (missing)
			return usage_err(err, errlen, "%s needs a value", s);
		if (a->cmd == CMD_NONE && s[0] != '-') {
			for (int c = CMD_LIST; c <= CMD_LAST; c++)
				if (!strcmp(s, cmd_names[c]))
					a->cmd = (enum cdnactl_cmd)c;
			if (a->cmd == CMD_NONE)
				return usage_err(err, errlen,
						 "unknown command '%s' (try "
						 "'cdnactl --help')", s);
			cmdname = cmd_names[a->cmd];
			opts = cmd_opts(a->cmd);
			continue;
		}
		if (a->cmd == CMD_NONE)
			return usage_err(err, errlen,
					 "unknown option '%s' (try 'cdnactl "
					 "--help')", s);
		if ((opts & OPT_JSON) && !strcmp(s, "--json")) {
			a->json = true;
			continue;
		}
		if ((opts & OPT_ALL) && !strcmp(s, "--all")) {
			a->all = true;
			continue;
		}
		if ((opts & OPT_ACTIVATE) && !strcmp(s, "--activate")) {
			a->activate = true;
			continue;
		}
		if ((opts & OPT_PROGRESS) &&
		    (v = opt_value(argc, argv, &i, "--progress", &missing))) {
			if (!strcmp(v, "bar"))
				a->progress = PROGRESS_BAR;
			else if (!strcmp(v, "lines"))
				a->progress = PROGRESS_LINES;
			else if (!strcmp(v, "none"))
				a->progress = PROGRESS_NONE;
			else
				return usage_err(err, errlen,
						 "%s: bad --progress '%s' (bar, "
						 "lines or none)", cmdname, v);
			continue;
		}
		if ((opts & OPT_CTX) &&
		    (v = opt_value(argc, argv, &i, "--ctx", &missing))) {
			if (parse_uint(v, CDNA_NUM_CTX - 1, &a->ctx))
				return usage_err(err, errlen,
						 "%s: bad context number '%s' "
						 "(0..%u)", cmdname, v,
						 CDNA_NUM_CTX - 1);
			a->has_ctx = true;
			continue;
		}
		if ((opts & OPT_MAC) &&
		    (v = opt_value(argc, argv, &i, "--mac", &missing))) {
			if (mac_parse(v, a->mac))
				return usage_err(err, errlen,
						 "%s: bad MAC '%s' (want "
						 "xx:xx:xx:xx:xx:xx)", cmdname,
						 v);
			if (!mac_usable(a->mac))
				return usage_err(err, errlen,
						 "%s: MAC %s is multicast or "
						 "all-zero", cmdname, v);
			a->has_mac = true;
			continue;
		}
		if (missing)
			return usage_err(err, errlen, "%s: %s needs a value",
					 cmdname, s);
		if (s[0] == '-')
			return usage_err(err, errlen,
					 "%s: unknown option '%s' (try "
					 "'cdnactl %s --help')", cmdname, s,
					 cmdname);
		if ((a->cmd == CMD_ASSIGN || a->cmd == CMD_REVOKE) &&
		    !a->has_domid) {
			if (parse_uint(s, CDNACTL_DOMID_MAX, &a->domid))
				return usage_err(err, errlen,
						 "%s: bad domain id '%s' "
						 "(0..%u)", cmdname, s,
						 CDNACTL_DOMID_MAX);
			a->has_domid = true;
			continue;
		}
		if (a->cmd == CMD_FLASH && !a->image) {
			a->image = s;
			continue;
		}
		return usage_err(err, errlen, "%s: unexpected argument '%s'",
				 cmdname, s);
	}
	if (a->help || a->version)
		return 0;
	if (a->cmd == CMD_NONE)
		return usage_err(err, errlen,
				 "no command given (try 'cdnactl --help')");
	if (a->cmd == CMD_ASSIGN) {
		if (!a->has_domid)
			return usage_err(err, errlen,
					 "assign: which domain? (cdnactl "
					 "assign DOMID)");
		if (a->domid == 0)
			return usage_err(err, errlen,
					 "assign: domain 0 gets its context "
					 "from its cdna driver, not from "
					 "cdnactl");
	}
	if (a->cmd == CMD_FLASH && !a->image)
		return usage_err(err, errlen,
				 "flash: which image? (cdnactl flash IMAGE)");
	if (a->cmd == CMD_REVOKE) {
		if (!a->has_domid && !a->has_ctx)
			return usage_err(err, errlen,
					 "revoke: which context? (cdnactl "
					 "revoke DOMID or --ctx N)");
		if (a->has_domid && a->domid == 0)
			return usage_err(err, errlen,
					 "revoke: domain 0's contexts belong to "
					 "its cdna driver (unload it instead)");
		if (a->all && !a->has_domid)
			return usage_err(err, errlen,
					 "revoke: --all needs a DOMID (every "
					 "context of that domain)");
		if (a->all && a->has_ctx)
			return usage_err(err, errlen,
					 "revoke: --all and --ctx exclude "
					 "each other");
	}
	return 0;
}
