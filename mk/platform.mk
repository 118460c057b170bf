# The real platform (issue 14): QEMU 7.2 and Xen 4.17 from Debian's source
# packages, dom0 and PV domUs under TCG. Included by the root Makefile.
# All targets need root (apt-get, debootstrap, network namespaces, tap) and
# install their own Debian dependencies when missing.
#   make platform        build QEMU, Xen and the images, or take them from the cache
#   make check-system    boot dom0 + 2 PV domUs, ping and iperf3 over netfront/netback
#   make check-flash     flash the NIC from a Linux guest (cdnactl), QEMU killed at
#                        ten points of the flash, each restart checked (also in make check)
#   make shell           boot the platform, leave the terminal at dom0's console (Ctrl-a x leaves)
#   make bench-platform  build times (from nothing, from the cache), boot times, throughput
# Variables: CDNA_DOMUS (number of domUs), CDNA_QEMU_EXTRA (extra QEMU arguments),
# CDNA_TCG (default tcg,thread=single), CDNA_CACHE (default ~/.cache/cdna).

PLATFORM_ROOT := $(patsubst %/mk/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))/

.PHONY: platform check-system check-flash shell bench-platform platform-clean-runs

platform:
	$(PLATFORM_ROOT)platform/build.sh all

# The images dom0 activates under the guests (tests/system/cdna-checks.sh).
FLASH_TEST_IMGS := $(BUILD)/firmware/test/cdna-fw-v2.img \
	$(BUILD)/firmware/test/fault-boot.img

check-system: platform cdnactl $(FLASH_TEST_IMGS)
	$(PLATFORM_ROOT)tests/system/run.sh check

check-flash: platform cdnactl firmware $(FLASH_TEST_IMGS)
	$(PLATFORM_ROOT)tests/system/run.sh flash

# With the guests of `make demo` (GUESTS, default 2) on their contexts.
shell: platform cdnactl
	CDNA_DOMUS=$(GUESTS) CDNA_DOMU_NETS=cdna $(PLATFORM_ROOT)tests/system/run.sh shell

bench-platform:
	$(PLATFORM_ROOT)tests/system/bench.sh

# Run directories (serial logs of Xen, dom0 and each domU) accumulate under build/system-runs.
platform-clean-runs:
	rm -rf $(PLATFORM_ROOT)build/system-runs
