# model.mk - the NIC model (hw-model/core/): the device that knows nothing
# of QEMU.  Platforms link $(NIC_MODEL_OBJS) $(NIC_MODEL_LIBS).
#
# The ISS wrapper is linked with Debian's static libunicorn.a into one
# relocatable object that exports only the wrapper's cdna_iss_* symbols
# (ld -r, then objcopy --keep-global-symbols): libunicorn carries about
# 30,000 unprefixed QEMU and glib symbols that would clash inside a QEMU
# process (../shared/notes/nic-iss.md), and unlike RTLD_DEEPBIND this also
# works under ASan.
# The hardware blocks (DMA, MAC, interrupt unit, mirrors): also what the
# host build of the firmware runs against in its unit tests (firmware.mk
# compiles them with the firmware's host-side objects).
NIC_HW_OBJS := $(BUILD)/obj/hw-model/core/nic_hw.o

NIC_CORE_SRCS := hw-model/core/cdna_nic.c hw-model/core/nic_bar.c \
	hw-model/core/flash.c hw-model/core/flash_table.c \
	hw-model/core/flash_ctl.c hw-model/core/bootrom.c hw-model/core/watchdog.c
NIC_CORE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(NIC_CORE_SRCS))
NIC_ISS_OBJ   := $(BUILD)/obj/hw-model/core/iss-unicorn.o
NIC_ISS_WRAP  := $(BUILD)/obj/hw-model/core/iss_unicorn.o

NIC_MODEL_OBJS := $(NIC_CORE_OBJS) $(NIC_HW_OBJS) $(NIC_ISS_OBJ) $(IMAGE_LIB_OBJS)
NIC_MODEL_LIBS := -lpthread -lm

$(NIC_CORE_OBJS) $(NIC_ISS_WRAP): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -fPIC -Ifirmware/image -c $< -o $@

$(NIC_ISS_OBJ): $(NIC_ISS_WRAP) hw-model/core/iss.syms
	ld -r -o $@.tmp $(NIC_ISS_WRAP) \
		$$($(HOST_CC) -print-file-name=libunicorn.a)
	objcopy --keep-global-symbols=hw-model/core/iss.syms $@.tmp $@
	@rm -f $@.tmp

# The whole model as one static archive, for platforms that link it in
# (QEMU: platform/build-qemu.sh copies it into QEMU's hw/net/cdna/ with the
# headers the glue needs; link it with $(NIC_MODEL_LIBS)).  Deterministic
# (ar D): the same objects make the same archive, so QEMU relinks only when
# the model changed.
NIC_LIB := $(BUILD)/lib/libcdna-nic.a

$(NIC_LIB): $(NIC_MODEL_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcsD $@ $^

.PHONY: nic-lib
nic-lib: $(NIC_LIB)

# Test firmware that crashes at boot, before it reports RUNNING (boot), or
# on its first event (memory, undefined instruction, runaway loop), on the
# real startup code: the model's fault
# handling is tested against real ARM code, never a simulated crash.
FW_FAULT_KINDS := boot memory undef loop
FW_FAULT_IMGS  := $(foreach k,$(FW_FAULT_KINDS),$(BUILD)/firmware/test/fault-$(k).img)

$(BUILD)/firmware/test/fault-%.elf: tests/unit/fw_faulty/faulty.c \
		firmware/arm/startup.c firmware/arm/link.ld
	@mkdir -p $(@D)
	$(ARM_CC) $(ARM_CFLAGS) -DFAULT_$(shell echo $* | tr a-z A-Z) \
		$(ARM_LDFLAGS) tests/unit/fw_faulty/faulty.c \
		firmware/arm/startup.c -o $@

$(BUILD)/firmware/test/fault-%.img: $(BUILD)/firmware/test/fault-%.elf $(CDNA_IMAGE)
	SOURCE_DATE_EPOCH=0 $(CDNA_IMAGE) create --elf $< --version 0.0.1 \
		--name fault-$* --flags 1 -o $@

# The model's unit tests: test_nic_hw (each hardware register by itself),
# test_nic_model (boot ROM, flash, BARs, traffic, faults, idling), test_nic_threads (the processor on its own thread, as in
# QEMU), test_iss_isolation (the ISS beside a host that defines Unicorn's
# internal names, as QEMU does), test_flash (the flash window, trial,
# commit, rollback, and power cuts at every cut point).
MODEL_TESTS := $(patsubst %,$(BUILD)/tests/%,test_nic_model test_nic_threads \
	test_iss_isolation test_nic_hw test_flash)
MODEL_TEST_OBJS := $(patsubst $(BUILD)/tests/%,$(BUILD)/obj/tests/unit/%.o,$(MODEL_TESTS))

$(MODEL_TEST_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ihw-model/core -Ifirmware/image -c $< -o $@

MODEL_TEST_LIB := $(BUILD)/obj/tests/lib/host_mem.o
$(MODEL_TEST_LIB): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(MODEL_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(MODEL_TEST_LIB) \
		$(NIC_MODEL_OBJS) $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -o $@

UNIT_TESTS += $(MODEL_TESTS)
SCRIPT_TESTS += tests/unit/iss-symbols.sh
check-unit: $(NIC_ISS_OBJ) $(FW_FAULT_IMGS)

