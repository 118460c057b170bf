# bench.mk - benchmarks.  They print figures; they never pass or fail on
# timing (a benchmark exits non-zero only when something broke).
# Its objects are compiled by firmware.mk's FW_HOSTSIDE_OBJS rule.
FW_BENCH := $(BUILD)/bin/fw-bench

$(FW_BENCH): $(BUILD)/obj/tests/bench/fw_bench.o $(FW_ISS_OBJ) $(NIC_ISS_OBJ) \
		$(FW_HARNESS_OBJS) $(IMAGE_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -lpthread -lm -o $@

.PHONY: bench-firmware
bench-firmware: deps $(FW_BENCH) $(FW_IMG)
	@tests/bench/bench-firmware.sh $(FW_BENCH) $(FW_IMG) $(FW_ELF)

# The NIC model with the real firmware, both directions, 1/8/32 contexts.
.PHONY: bench-testbed
bench-testbed: deps $(CDNA_TESTBED) $(FW_IMG)
	@tests/bench/bench-testbed.sh $(CDNA_TESTBED) $(FW_ELF)

# xen-cpustat: dom0's CPU sampler for make bench (cdna-domus cpu): both
# ends of the window read by one process.  Static, as cdnactl (dom0mgr.mk),
# with its libraries; xenctrl.h needs GNU C (anonymous unions).
XEN_CPUSTAT := $(BUILD)/bin/xen-cpustat

$(BUILD)/obj/tests/bench/xen_cpustat.o: tests/bench/xen_cpustat.c | deps
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -std=gnu11 -c $< -o $@

$(XEN_CPUSTAT): $(BUILD)/obj/tests/bench/xen_cpustat.o
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $(CDNACTL_STATIC) $^ $(CDNACTL_LIBS) -o $@

check-unit: $(XEN_CPUSTAT)
SCRIPT_TESTS += tests/bench/test_xen_cpustat.sh

# CDNA against native Linux and netfront/netback, 1 to 32 guests, in QEMU:
# the table with ratios, CSV and plots (tests/system/bench-scale.sh).
# QUICK=1: N = 1 and 8 only.  BENCH_PROFILE_NS=1: kernel profiles at N = 1.
QUICK ?= 0
.PHONY: bench
bench: deps firmware cdnactl driver platform $(XEN_CPUSTAT)
	BENCH_QUICK=$(QUICK) tests/system/bench-scale.sh
