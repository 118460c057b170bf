# protection.mk - the DMA-protection suite, fast tier (tests/protection/):
# the testbed's pieces (mk/testbed.mk, included before) in protected mode
# with one hostile guest.
#   make check-protection   run it: a table and one line per attack
PROTECT_SRCS := tests/protection/scene.c tests/protection/attacks.c \
	tests/protection/suite.c tests/protection/test_activation.c
PROTECT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(PROTECT_SRCS))
CDNA_PROTECT := $(BUILD)/bin/cdna-protect

$(PROTECT_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihw-model/core -Ifirmware/image \
		-Ihypervisor-protect/core -Itests/testbed -c $< -o $@

# Every testbed object but its main().
$(CDNA_PROTECT): $(filter-out %/test_activation.o,$(PROTECT_OBJS)) $(HV_CORE_OBJS) $(NIC_MODEL_OBJS) \
		$(filter-out %/main.o,$(TESTBED_OBJS))
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -lpcap -o $@

.PHONY: check-protection
check-protection: deps $(CDNA_PROTECT) firmware
	@BUILD=$(BUILD) $(CDNA_PROTECT)

UNIT_TESTS += $(CDNA_PROTECT)

# Firmware activation under assigned contexts (CDNA_OP_NIC_RESET) on the
# same stage: the real firmware, the core, a guest that sends.
TEST_ACTIVATION := $(BUILD)/tests/test_activation
$(BUILD)/obj/tests/protection/test_activation.o: HOST_CFLAGS += -Itests/lib
# host_mem.c's fw_img_load verifies the images it loads.
$(BUILD)/obj/tests/lib/host_mem.o: HOST_CFLAGS += -Ifirmware/image
$(TEST_ACTIVATION): $(BUILD)/obj/tests/protection/test_activation.o \
		$(BUILD)/obj/tests/protection/scene.o $(CHECK_OBJ) \
		$(BUILD)/obj/tests/lib/host_mem.o $(HV_CORE_OBJS) \
		$(NIC_MODEL_OBJS) $(filter-out %/main.o,$(TESTBED_OBJS))
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -lpcap -o $@

UNIT_TESTS += $(TEST_ACTIVATION)

# What protection costs (tests/bench/bench-protect.sh).
HV_BENCH := $(BUILD)/bin/hv-bench

$(BUILD)/obj/tests/bench/hv_bench.o: tests/bench/hv_bench.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihypervisor-protect/core -Ihw-model/core \
		-Itests/testbed -Itests/lib -c $< -o $@

$(HV_BENCH): $(BUILD)/obj/tests/bench/hv_bench.o $(HV_FAKE_OBJS) \
		$(HV_CORE_OBJS) $(NIC_MODEL_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -o $@

.PHONY: bench-protect
bench-protect: deps $(HV_BENCH) $(CDNA_TESTBED) firmware
	@tests/bench/bench-protect.sh $(HV_BENCH) $(CDNA_TESTBED)
