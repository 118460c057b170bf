# tests.mk - `make check`: every fast-tier test, then one closing line.
# Components append their test binaries to UNIT_TESTS and their test
# scripts to SCRIPT_TESTS; tests/run.sh runs them all and counts.
.PHONY: check check-unit
check: deps
	@$(MAKE) --no-print-directory check-unit

check-unit: $(UNIT_TESTS) firmware
	@BUILD=$(BUILD) tests/run.sh $(UNIT_TESTS) $(SCRIPT_TESTS)
