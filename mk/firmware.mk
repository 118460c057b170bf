# firmware.mk - the NIC firmware: ARM build and flashable image, plus the
# host build of the same logic that unit tests and benchmarks drive.
ARM_CC      := arm-none-eabi-gcc
ARM_SIZE    := arm-none-eabi-size
ARM_CFLAGS  := -std=c11 -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -O2 -fno-ira-share-spill-slots -fira-loop-pressure -g \
	-ffunction-sections -fdata-sections -ffreestanding -Wall -Wextra -Wshadow \
	-Iinclude -MMD -MP
ARM_LDFLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft --specs=nano.specs \
	--specs=nosys.specs -nostartfiles -T firmware/arm/link.ld \
	-Wl,--gc-sections -Wl,--no-warn-rwx-segments

FW_VERSION  := 1.0.0
FW_LOGIC    := firmware/src/fw.c firmware/src/cfg.c
FW_ARM_SRCS := $(FW_LOGIC) firmware/arm/startup.c firmware/arm/syscalls.c \
	firmware/arm/main.c
FW_ARM_OBJS := $(patsubst %.c,$(BUILD)/arm/%.o,$(FW_ARM_SRCS))
FW_HOST_OBJS := $(patsubst %.c,$(BUILD)/obj/fwhost/%.o,$(FW_LOGIC) firmware/host/hal_host.c)

FW_ELF := $(BUILD)/firmware/cdna-fw.elf
FW_IMG := $(BUILD)/firmware/cdna-fw.img
# A NIC flash file with the image in bank 0 (QEMU: -device cdna,flash=...).
# The NIC writes its flash file; give each QEMU a copy of this one.
FW_FLASH := $(BUILD)/firmware/cdna-flash.bin

.PHONY: firmware
firmware: deps $(FW_IMG) $(FW_FLASH) $(BUILD)/bin/cdna-image

$(BUILD)/arm/%.o: %.c
	@mkdir -p $(@D)
	$(ARM_CC) $(ARM_CFLAGS) -c $< -o $@

$(FW_ELF): $(FW_ARM_OBJS) firmware/arm/link.ld
	@mkdir -p $(@D)
	$(ARM_CC) $(ARM_LDFLAGS) $(FW_ARM_OBJS) -o $@ -Wl,-Map=$(@:.elf=.map)

$(FW_IMG): $(FW_ELF) $(BUILD)/bin/cdna-image
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-0} $(BUILD)/bin/cdna-image create \
		--elf $< --version $(FW_VERSION) --name cdna-fw -o $@

$(FW_FLASH): $(FW_IMG) $(BUILD)/bin/cdna-image
	$(BUILD)/bin/cdna-image flash -o $@ $<

# A second valid version for the flashing tests: the real firmware built
# as 1.1.0 (test flag set, so it never passes for a release).
FW_V2_VERSION := 1.1.0
FW_V2_IMG  := $(BUILD)/firmware/test/cdna-fw-v2.img
FW_V2_OBJS := $(patsubst %.c,$(BUILD)/arm-v2/%.o,$(FW_ARM_SRCS))

$(BUILD)/arm-v2/%.o: %.c
	@mkdir -p $(@D)
	$(ARM_CC) $(ARM_CFLAGS) -DFW_VERSION_MAJOR=1 -DFW_VERSION_MINOR=1 \
		-DFW_VERSION_PATCH=0 -c $< -o $@

$(FW_V2_IMG:.img=.elf): $(FW_V2_OBJS) firmware/arm/link.ld
	@mkdir -p $(@D)
	$(ARM_CC) $(ARM_LDFLAGS) $(FW_V2_OBJS) -o $@

$(FW_V2_IMG): $(FW_V2_IMG:.img=.elf) $(BUILD)/bin/cdna-image
	SOURCE_DATE_EPOCH=0 $(BUILD)/bin/cdna-image create --elf $< \
		--version $(FW_V2_VERSION) --name cdna-fw-v2 --flags 1 -o $@

# Host build of the firmware logic (FW_HOST): registers through fw_host_hw.
$(BUILD)/obj/fwhost/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DFW_HOST -c $< -o $@

# Firmware unit tests: the host build against the hardware model.
FW_HARNESS_OBJS := $(BUILD)/obj/tests/unit/fw_harness.o $(NIC_HW_OBJS) \
	$(FW_HOST_OBJS)
FW_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,\
	$(filter-out tests/unit/test_fw_iss.c,$(wildcard tests/unit/test_fw_*.c)))

TEST_FW_ISS := $(BUILD)/tests/test_fw_iss
FW_ISS_OBJ := $(BUILD)/obj/tests/lib/fw_iss.o

# Everything compiled against the host build's HAL: the hardware blocks,
# the harness, the firmware tests, the ISS runner and the firmware bench.
FW_HOSTSIDE_OBJS := $(patsubst $(BUILD)/tests/%,$(BUILD)/obj/tests/unit/%.o,\
	$(FW_TESTS) $(TEST_FW_ISS)) $(BUILD)/obj/tests/unit/fw_harness.o \
	$(NIC_HW_OBJS) $(FW_ISS_OBJ) $(BUILD)/obj/tests/bench/fw_bench.o
$(FW_HOSTSIDE_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DFW_HOST -c $< -o $@

$(FW_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(FW_HARNESS_OBJS) $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

UNIT_TESTS += $(FW_TESTS)

# The contract's layouts, compiled with -Wpadded for both processors.
TEST_CONTRACT := $(BUILD)/tests/test_contract
$(BUILD)/obj/tests/unit/test_contract.o: tests/unit/test_contract.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Wpadded -Werror=padded -c $< -o $@
	$(ARM_CC) $(ARM_CFLAGS) -Wpadded -Werror=padded -fsyntax-only $<

$(TEST_CONTRACT): $(BUILD)/obj/tests/unit/test_contract.o $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

UNIT_TESTS += $(TEST_CONTRACT)

# The ARM image itself in Unicorn, through the same harness.
$(TEST_FW_ISS): $(BUILD)/obj/tests/unit/test_fw_iss.o $(FW_ISS_OBJ) \
		$(NIC_ISS_OBJ) $(FW_HARNESS_OBJS) $(IMAGE_LIB_OBJS) $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -lpthread -lm -o $@

UNIT_TESTS += $(TEST_FW_ISS)
check-unit: $(FW_IMG) $(FW_V2_IMG)
