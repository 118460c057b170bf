# driver.mk - the CDNA NIC's Linux driver, cdna.ko (guest-driver/linux),
# built out of tree with Kbuild against Debian's headers for exactly the
# kernel the platform images boot.  Included by the root Makefile.
#   make driver       build $(BUILD)/driver/<kernel version>/cdna.ko (Kbuild
#                     recompiles only what changed; installs the headers
#                     package when missing, which needs root)
#   make checkpatch   the kernel's checkpatch.pl --strict on the sources
#                     (fetched once from Debian's linux-source-6.1)
#   make check-native the driver's system checks alone (tests/system/run.sh
#                     native: Debian's kernel booted by QEMU with the cdna
#                     device, no Xen); make check-system runs them after the
#                     Xen checks.  Needs root, the platform and the NIC flash.
#   make bench-native iperf3 TCP TX/RX and a UDP 64 B frame rate from Linux over
#                     the cdna NIC (cdna.ko, native mode), QEMU's e1000 and
#                     virtio-net, same TCG mode and tap backend, one boot each;
#                     prints the ratios (tests/system/bench-native.sh).

DRIVER_DIR := guest-driver/linux

.PHONY: driver checkpatch check-native bench-native
driver:
	@$(DRIVER_DIR)/build.sh $(abspath $(BUILD))/driver
checkpatch:
	@$(DRIVER_DIR)/checkpatch.sh
check-native: platform driver firmware
	tests/system/run.sh native
bench-native: platform driver firmware
	@tests/system/bench-native.sh
# The system tier's native checks boot the NIC from the firmware's flash file.
check-system: driver firmware

# make check-fast / make check: the build and checkpatch, one TAP line each.
SCRIPT_TESTS += guest-driver/linux/check.sh
