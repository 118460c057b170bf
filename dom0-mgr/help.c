/* SPDX-License-Identifier: MIT */
/* help.c - the help texts (see help.h and cdnactl.8, which says more). */
#include "help.h"

static const char tool_help[] =
"Usage: cdnactl [--nic PCI-ADDRESS] COMMAND [OPTIONS]\n"
"       cdnactl [COMMAND] --help | --version\n"
"\n"
"Manage the contexts of a CDNA NIC from Xen's dom0: give a context to a\n"
"guest, take it back, show who holds what and the counters.  Runs as root\n"
"in dom0; dom0's cdna driver must have registered the NIC with Xen.\n"
"flash and firmware also run on bare Linux (no Xen).\n"
"\n"
"Commands:\n"
"  list [--json]                   the NIC and every context: state, owner,\n"
"                                  MAC, page references held\n"
"  assign DOMID [--mac MAC] [--ctx N]\n"
"                                  give a context to domain DOMID; prints\n"
"                                  its number\n"
"  revoke DOMID | --ctx N [--all]  take a context back (the guest is asked\n"
"                                  to close first, at most 5 s)\n"
"  stats [--json] [--ctx N]        hypervisor and NIC counters\n"
"  flash IMAGE [--activate] [--json] [--progress bar|lines|none]\n"
"                                  write a firmware image to the NIC's\n"
"                                  inactive flash bank; --activate boots it\n"
"  firmware [--json]               both flash banks, the running firmware\n"
"\n"
"Options:\n"
"  --nic PCI-ADDRESS  the NIC to use, e.g. 0000:00:04.0 (default: the\n"
"                     first cdna NIC, PCI 1b36:10cd, in address order)\n"
"  -h, --help         this text; with a command, that command's\n"
"  --version          cdnactl's version\n"
"\n"
"Exit status: 0 success, 1 failure (one line on stderr says why), 2 a\n"
"usage error.  A failed command changes nothing.  See cdnactl(8).\n";

static const char list_help[] =
"Usage: cdnactl list [--json]\n"
"\n"
"Show the NIC (PCI address, MAC, firmware version and state, number of\n"
"contexts), then one line per context: number, state (disabled, running,\n"
"stopped), owner domain (id and name), MAC, and the page references the\n"
"hypervisor holds for it.\n"
"\n"
"  --json   one JSON object: {\"nic\": {...}, \"contexts\": [{\"ctx\", \"state\",\n"
"           \"domid\", \"domain\", \"mac\", \"refs_held\"}, ...]}\n"
"\n"
"When the hypervisor cannot be asked (no CDNA in Xen, NIC not registered),\n"
"the NIC is still shown and cdnactl exits 1 saying why.\n";

static const char assign_help[] =
"Usage: cdnactl assign DOMID [--mac MAC] [--ctx N]\n"
"\n"
"Give a context of the NIC to domain DOMID (not 0) and tell the guest in\n"
"xenstore (device type \"cdna\": the frontend directory\n"
"/local/domain/DOMID/device/cdna/DEVID, owned by the guest, and the backend\n"
"directory /local/domain/0/backend/cdna/DOMID/DEVID, readable by it; backend\n"
"state Connected).  Prints the context's number on stdout.  The context\n"
"receives broadcast (flag BCAST).  If xenstore cannot be written, the\n"
"context is revoked again: nothing is left half-done.\n"
"\n"
"  --mac MAC   the context's MAC (unicast, xx:xx:xx:xx:xx:xx).  Default:\n"
"              the NIC's MAC plus the context number (added to its last\n"
"              three bytes), with the locally administered bit set and the\n"
"              group bit clear\n"
"  --ctx N     this context (default: the lowest free one)\n";

static const char revoke_help[] =
"Usage: cdnactl revoke DOMID [--ctx N | --all]\n"
"       cdnactl revoke --ctx N\n"
"\n"
"Take a context back: set the backend's xenbus state to Closing, wait up to\n"
"5000 ms for the guest to close its side (frontend state Closed), revoke it\n"
"in the hypervisor whether or not the guest answered (the NIC stops the\n"
"context and every page reference is returned), then remove both xenstore\n"
"directories.  Prints the references returned and how long the NIC took to\n"
"stop.\n"
"\n"
"  DOMID     the domain's context (it must hold exactly one, or give --ctx\n"
"            or --all)\n"
"  --ctx N   context N (with DOMID: only if that domain holds it)\n"
"  --all     every context DOMID holds\n"
"\n"
"Domain 0's contexts belong to its cdna driver and are not revoked here.\n"
"For a domain that is gone (Xen revoked its contexts when it died), the\n"
"leftover backend directory is removed.\n";

static const char stats_help[] =
"Usage: cdnactl stats [--json] [--ctx N]\n"
"\n"
"Show the hypervisor's counters per context (ENQUEUE calls, descriptors\n"
"written, page references held, refusals per reason) and over all of it\n"
"(refusals counted against no context), and the NIC's statistics page\n"
"(frames and bytes each way, revokes, the firmware's refusals and drops)\n"
"for every context that is assigned or not disabled, then the totals.  The\n"
"last line is \"references held: N\", the page references the hypervisor\n"
"holds over all contexts.\n"
"\n"
"  --ctx N   context N only; the last line is then \"references held: N\"\n"
"            for that context alone\n"
"  --json    one JSON object: \"refs_held_total\" over all contexts, and\n"
"            \"refs_held\" per context\n";

static const char flash_help[] =
"Usage: cdnactl flash IMAGE [--activate] [--json] [--progress MODE]\n"
"\n"
"Check IMAGE as 'cdna-image verify' does (magic, CRCs, format, hardware id,\n"
"size, layout); a bad image is refused before the NIC is touched.  Then\n"
"write it to the bank the NIC did not boot from (never the running image,\n"
"never what a running trial falls back to) through BAR2's flash window, and\n"
"have the NIC verify it: the bank becomes pending, the running firmware\n"
"serves on.  Progress goes to stderr: a bar on a terminal, else the lines\n"
"\"flash: 10% (N/M bytes)\" ... \"flash: 100% (M/M bytes)\".\n"
"\n"
"  --activate  then reset the NIC: the pending bank boots as a trial and\n"
"              commits once its firmware runs (within 1000 ms), or the NIC\n"
"              rolls back to the previous firmware; waits at most 8000 ms.\n"
"              In Xen's dom0 through the hypervisor (CDNA_OP_NIC_RESET:\n"
"              every context suspended, then restored); on bare Linux the\n"
"              NIC's driver is unbound for the reset and bound again.\n"
"  --json      one JSON object on stdout at the end; the steps go to stderr\n"
"  --progress MODE\n"
"              bar, lines or none (default: bar if stderr is a terminal,\n"
"              else lines; a serial console is a terminal: give lines)\n"
"\n"
"Exit status 1 when the image is refused (by cdnactl or the NIC), or the\n"
"new firmware rolled back.\n";

static const char firmware_help[] =
"Usage: cdnactl firmware [--json]\n"
"\n"
"Show the NIC's firmware (version, state, the bank it booted from, how it\n"
"booted: trial, rollback, table, fallback, flash-error) and both flash\n"
"banks: state (empty, writing, invalid, valid, pending, trial, active,\n"
"failed), version and image CRC (the header CRC, as 'cdna-image info'\n"
"shows it).\n"
"\n"
"  --json   one JSON object: {\"nic\", \"firmware_state\", \"firmware_version\",\n"
"           \"boot_bank\", \"boot_flags\", \"trial\", \"rollback\", \"fallback\",\n"
"           \"fault\", \"banks\": [{\"bank\", \"state\", \"version\", \"crc\",\n"
"           \"booted\", \"boot_error\"}, ...]}\n";

const char *help_text(enum cdnactl_cmd cmd)
{
	switch (cmd) {
	case CMD_LIST: return list_help;
	case CMD_ASSIGN: return assign_help;
	case CMD_REVOKE: return revoke_help;
	case CMD_STATS: return stats_help;
	case CMD_FLASH: return flash_help;
	case CMD_FIRMWARE: return firmware_help;
	default: return tool_help;
	}
}
