# image.mk - the firmware image library (CRC-32, header encode/check), the
# cdna-image host tool and their tests.  The rule that turns the firmware ELF
# into $(BUILD)/firmware/cdna-fw.img lives in firmware.mk.

# Freestanding C11, reused as is by the NIC model's boot ROM and cdnactl:
# build them with -Ifirmware/image -Iinclude.
IMAGE_LIB_SRCS := firmware/image/crc32.c firmware/image/image_check.c
IMAGE_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(IMAGE_LIB_SRCS))

CDNA_IMAGE     := $(BUILD)/bin/cdna-image
CDNA_IMAGE_OBJ := $(BUILD)/obj/firmware/tools/cdna-image.o
TEST_IMAGE     := $(BUILD)/tests/test_image
TEST_IMAGE_OBJ := $(BUILD)/obj/tests/unit/test_image.o
IMAGE_ALL_OBJS := $(IMAGE_LIB_OBJS) $(CDNA_IMAGE_OBJ) $(TEST_IMAGE_OBJ)

# The unit-test harness (tests/lib/check.c), shared by every test binary.
# Whoever defines CHECK_OBJ first also builds it; note that make expands
# prerequisites as it reads them, so a makefile included before this one
# cannot use $(CHECK_OBJ) unless it is defined earlier still.
ifndef CHECK_OBJ
CHECK_OBJ      := $(BUILD)/obj/tests/lib/check.o
IMAGE_ALL_OBJS += $(CHECK_OBJ)
endif

# A static pattern rule: only these objects, so it cannot capture (or be
# captured by) another component's objects under $(BUILD)/obj.
$(IMAGE_ALL_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ifirmware/image -c $< -o $@

# cdna-image flash writes the NIC model's flash file (hw-model/core/cdna_nic.h).
$(CDNA_IMAGE_OBJ): HOST_CFLAGS += -Ihw-model/core

$(CDNA_IMAGE): $(CDNA_IMAGE_OBJ) $(IMAGE_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

$(TEST_IMAGE): $(TEST_IMAGE_OBJ) $(IMAGE_LIB_OBJS) $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

UNIT_TESTS   += $(TEST_IMAGE)
SCRIPT_TESTS += tests/unit/image-cli.sh

# image-cli.sh runs the built tool.
check-unit: $(CDNA_IMAGE)

# The library on a big-endian CPU: image_be_guest.c built for big-endian ARM
# (BE8) runs under unicorn, driven by the host program test_image_be.
TEST_IMAGE_BE     := $(BUILD)/tests/test_image_be
TEST_IMAGE_BE_OBJ := $(BUILD)/obj/tests/unit/image_be_host.o
IMAGE_BE_GUEST    := $(BUILD)/tests/image_be_guest.bin
IMAGE_BE_CFLAGS   := -std=c11 -mbig-endian -marm -mcpu=cortex-a7 \
	-mfloat-abi=soft -O2 -ffreestanding -nostdlib -Wall -Wextra -Wshadow \
	-Iinclude -Ifirmware/image

$(TEST_IMAGE_BE_OBJ): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Ifirmware/image -c $< -o $@

$(TEST_IMAGE_BE): $(TEST_IMAGE_BE_OBJ) $(IMAGE_LIB_OBJS) $(IMAGE_BE_GUEST)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $(TEST_IMAGE_BE_OBJ) $(IMAGE_LIB_OBJS) \
		-lunicorn -o $@

$(IMAGE_BE_GUEST): tests/unit/image_be_guest.c tests/unit/image_be.h \
		tests/unit/image_be_guest.ld $(IMAGE_LIB_SRCS) $(wildcard include/cdna/*.h)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(IMAGE_BE_CFLAGS) -T tests/unit/image_be_guest.ld \
		tests/unit/image_be_guest.c $(IMAGE_LIB_SRCS) -o $(@:.bin=.elf)
	arm-none-eabi-objcopy -O binary $(@:.bin=.elf) $@

UNIT_TESTS += $(TEST_IMAGE_BE)
