# fuzzdev.mk - the cdna device fuzzer (tests/fuzz-device/, README.md there):
# a qtest program that boots QEMU with the cdna NIC and the real firmware
# and throws random and adversarial MMIO, doorbells, DMA addresses,
# descriptors, flash commands, resets and wire frames at it, against the
# sanitizer variant of the platform's QEMU (ASan + UBSan, the NIC model
# included; platform/build-qemu-sanitize.sh, cached like the normal QEMU).
#   make fuzz-device FUZZ_SECONDS=N   fuzz N seconds (default 30); exit 1 and a
#                                     reproducer in $(BUILD)/fuzz-device/ on a finding
#   make fuzz-device-build            build (or take from the cache) QEMU and the fuzzer
# `make check` and `make check-qemu` run it for 25 s (tests/fuzz-device/check.sh).
# Needs root the first time (QEMU's build dependencies, as `make platform`).
FUZZDEV_SECONDS = $(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),30)

.PHONY: fuzz-device fuzz-device-build
fuzz-device-build: deps firmware
	@$(PLATFORM_ROOT)platform/build-qemu-sanitize.sh >/dev/null

fuzz-device: fuzz-device-build
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZDEV_SECONDS) tests/fuzz-device/run.sh

QEMU_TESTS += tests/fuzz-device/check.sh
check check-qemu: fuzz-device-build
