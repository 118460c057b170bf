# testbed.mk - cdna-testbed (tests/testbed/): the NIC model with the real
# firmware image, simulated guests and a far end on a captured wire.
#   make testbed        build $(BUILD)/bin/cdna-testbed
#   cdna-testbed --help the options; --bench the throughput run
# Its test script runs in `make check` (fast tier).
TESTBED_SRCS := tests/testbed/main.c tests/testbed/opts.c \
	tests/testbed/board.c tests/testbed/guest.c tests/testbed/hostmem.c \
	tests/testbed/wire.c tests/testbed/frame.c tests/testbed/ledger.c \
	tests/testbed/traffic.c tests/testbed/bench.c tests/testbed/report.c \
	tests/testbed/domains.c
TESTBED_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(TESTBED_SRCS))
CDNA_TESTBED := $(BUILD)/bin/cdna-testbed

# A static pattern rule: only the testbed's objects.
$(TESTBED_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihw-model/core -Ifirmware/image \
		-Ihypervisor-protect/core -c $< -o $@

$(CDNA_TESTBED): $(TESTBED_OBJS) $(NIC_MODEL_OBJS) $(HV_CORE_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -lpcap -o $@

.PHONY: testbed
testbed: $(CDNA_TESTBED)

SCRIPT_TESTS += tests/testbed/testbed.sh
check-unit: $(CDNA_TESTBED)
