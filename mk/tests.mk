# tests.mk - `make check`: every test, then one closing line.
# Components append their test binaries to UNIT_TESTS and their test
# scripts to SCRIPT_TESTS; tests/run.sh runs them all and counts.
#   make check        the fast tier and the system tier (QEMU + Xen + guests;
#                     needs root, builds the platform or takes it from the cache)
#   make check-fast   the fast tier only: no root, a few seconds
SYSTEM_TESTS := tests/system/check.sh

.PHONY: check check-fast check-unit
check: deps
	@$(MAKE) --no-print-directory check-unit platform
	@BUILD=$(BUILD) tests/run.sh $(UNIT_TESTS) $(SCRIPT_TESTS) $(SYSTEM_TESTS)

check-fast: deps
	@$(MAKE) --no-print-directory check-unit
	@BUILD=$(BUILD) tests/run.sh $(UNIT_TESTS) $(SCRIPT_TESTS)

# Everything the fast tier runs, built.
check-unit: $(UNIT_TESTS) firmware
