/* SPDX-License-Identifier: MIT */
/*
 * main.c - the firmware's entry on the NIC: initialise, then run the event
 * loop forever (fw_run), sleeping in WFI whenever a turn found nothing to
 * do.  WFI returns at once if an event is already pending (nic-hw.h), so no
 * wake-up is lost between the last check and the sleep.
 */
#include <stdio.h>
#include "../src/fw.h"

int main(void)
{
	fw_init();
	printf("cdna-fw %d.%d.%d: %u contexts, running\n", FW_VERSION_MAJOR,
	       FW_VERSION_MINOR, FW_VERSION_PATCH, CDNA_NUM_CTX);
	fw_run();
}
