# tests.mk - `make check`: every test, then one closing line.
# Components append their test binaries to UNIT_TESTS and their test
# scripts to SCRIPT_TESTS; tests/run.sh runs them all and counts.
#   make check        the fast tier, the QEMU tier and the system tier (QEMU +
#                     Xen + guests; needs root, builds the platform or takes
#                     it from the cache)
#   make check-fast   the fast tier only: no root, a few seconds
#   make check-qemu   the QEMU tier only: the cdna device's qtest against the
#                     platform's QEMU (needs root to build QEMU once)
QEMU_TESTS   := tests/qemu/check.sh
SYSTEM_TESTS := tests/system/check.sh tests/system/cdna-hcall-smoke.sh \
	tests/system/protection.sh
# The device fuzzer's rules (it adds its short run to QEMU_TESTS).  Included
# here rather than from the Makefile, which is part of the normal QEMU's
# cache key (platform/lib.sh qemu_dir): adding it there would rebuild QEMU.
include mk/fuzzdev.mk
# The benchmark report (tests/bench/bench-report.py): pure Python, fast tier.
SCRIPT_TESTS += tests/bench/test_bench_report.sh
# The kernels' own profiles in make bench (platform/images/kprofile).
SCRIPT_TESTS += tests/bench/test_kprofile.sh
# make bench's part inside dom0 (platform/images/cdna-domus bench).
SCRIPT_TESTS += tests/bench/test_cdna_domus.sh
# How make bench reads a flow's figure (tests/system/bench-parse.sh).
SCRIPT_TESTS += tests/bench/test_bench_parse.sh

.PHONY: check check-fast check-unit check-qemu
check: deps
	@$(MAKE) --no-print-directory check-unit platform
	@BUILD=$(BUILD) tests/run.sh $(UNIT_TESTS) $(SCRIPT_TESTS) $(QEMU_TESTS) \
		$(SYSTEM_TESTS)

check-qemu: deps
	@$(MAKE) --no-print-directory firmware
	@$(PLATFORM_ROOT)platform/build.sh qemu
	@BUILD=$(BUILD) tests/run.sh $(QEMU_TESTS)

check-fast: deps
	@$(MAKE) --no-print-directory check-unit
	@BUILD=$(BUILD) tests/run.sh $(UNIT_TESTS) $(SCRIPT_TESTS)

# Everything the fast tier runs, built.
check-unit: $(UNIT_TESTS) firmware
