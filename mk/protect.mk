# protect.mk - the hypervisor's validation core (hypervisor-protect/core/):
# portable C, no Xen header.  Platforms link $(HV_CORE_OBJS) and add
# -Ihypervisor-protect/core; the Xen glue compiles the same sources.
HV_CORE_SRCS := hypervisor-protect/core/hv_op.c \
	hypervisor-protect/core/hv_enqueue.c hypervisor-protect/core/hv_ctx.c \
	hypervisor-protect/core/hv_irq.c hypervisor-protect/core/hv_reset.c
HV_CORE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(HV_CORE_SRCS))

$(HV_CORE_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# The core's unit tests: simulated domains and a stand-in BAR2.
HV_FAKE_OBJS := $(BUILD)/obj/tests/lib/hv_fake.o \
	$(BUILD)/obj/tests/testbed/domains.o $(BUILD)/obj/tests/testbed/hostmem.o
TEST_HV_CORE := $(BUILD)/tests/test_hv_core

$(BUILD)/obj/tests/lib/hv_fake.o $(BUILD)/obj/tests/unit/test_hv_core.o: \
		$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihypervisor-protect/core -Ihw-model/core \
		-Itests/testbed -Itests/lib -c $< -o $@

$(TEST_HV_CORE): $(BUILD)/obj/tests/unit/test_hv_core.o $(HV_FAKE_OBJS) \
		$(HV_CORE_OBJS) $(NIC_MODEL_OBJS) $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -o $@

UNIT_TESTS += $(TEST_HV_CORE)

