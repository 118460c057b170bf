# fuzz.mk - the libFuzzer harnesses (tests/fuzz/, README.md there):
#   fuzz_hcall  the hypervisor's validation core on simulated domains
#   fuzz_nic    the core, the NIC model and the real firmware in Unicorn
#   make fuzz FUZZ_SECONDS=N   each harness N seconds, one after the other
#                              (corpus: a work copy in $(BUILD)/fuzz/work)
# `make check` runs each for a few seconds (tests/fuzz/fuzz.sh).
#
# Debian's clang builds them whatever HOST_CC is: libFuzzer is clang's.
# Everything the harnesses exercise is compiled here by clang with
# coverage (fuzzer-no-link) and ASan/UBSan, the model included (the
# Unicorn wrapper is bundled with libunicorn.a as model.mk does): gcc's
# sanitizer objects do not mix with clang's runtime, and coverage of the
# model's C guides the NIC harness.  Under SANITIZE=1 the same flags, in
# build/sanitize/fuzz.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Wshadow \
	-Wstrict-prototypes -Werror=implicit-function-declaration \
	-fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -Iinclude -Ihypervisor-protect/core \
	-Ihw-model/core -Ifirmware/image -Itests/testbed -Itests/lib \
	-Itests/fuzz -MMD -MP

FUZZ_CORE_SRCS := $(HV_CORE_SRCS) tests/testbed/domains.c \
	tests/testbed/hostmem.c
FUZZ_MODEL_SRCS := $(NIC_CORE_SRCS) hw-model/core/nic_hw.c $(IMAGE_LIB_SRCS)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_CORE_SRCS) \
	tests/lib/hv_fake.c $(FUZZ_MODEL_SRCS) hw-model/core/iss_unicorn.c)
FUZZ_CORE_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_CORE_SRCS))
FUZZ_MODEL_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_MODEL_SRCS)) \
	$(FUZZ_DIR)/obj/iss-unicorn.o

FUZZ_HCALL := $(FUZZ_DIR)/fuzz_hcall
FUZZ_NIC   := $(FUZZ_DIR)/fuzz_nic
FUZZ_BINS  := $(FUZZ_HCALL) $(FUZZ_NIC)

$(FUZZ_LIB_OBJS): $(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/iss-unicorn.o: $(FUZZ_DIR)/obj/hw-model/core/iss_unicorn.o \
		hw-model/core/iss.syms
	ld -r -o $@.tmp $< $$($(HOST_CC) -print-file-name=libunicorn.a)
	objcopy --keep-global-symbols=hw-model/core/iss.syms $@.tmp $@
	@rm -f $@.tmp

$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -c $< -o $@

$(FUZZ_HCALL): $(FUZZ_DIR)/obj/tests/fuzz/fuzz_hcall.o $(FUZZ_CORE_OBJS) \
		$(FUZZ_DIR)/obj/tests/lib/hv_fake.o
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@

$(FUZZ_NIC): $(FUZZ_DIR)/obj/tests/fuzz/fuzz_nic.o $(FUZZ_CORE_OBJS) \
		$(FUZZ_MODEL_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ $(NIC_MODEL_LIBS) -o $@

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: deps firmware $(FUZZ_BINS)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) CDNA_FW_IMG=$(FW_IMG) \
		FUZZ_WORK=$(FUZZ_DIR)/work tests/fuzz/fuzz.sh

SCRIPT_TESTS += tests/fuzz/fuzz.sh
check-unit: $(FUZZ_BINS)
