# protect.mk - the hypervisor's validation core (hypervisor-protect/core/):
# portable C, no Xen header.  Platforms link $(HV_CORE_OBJS) and add
# -Ihypervisor-protect/core; the Xen glue compiles the same sources.
HV_CORE_SRCS := hypervisor-protect/core/hv_op.c \
	hypervisor-protect/core/hv_enqueue.c hypervisor-protect/core/hv_ctx.c \
	hypervisor-protect/core/hv_irq.c
HV_CORE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(HV_CORE_SRCS))

$(HV_CORE_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
