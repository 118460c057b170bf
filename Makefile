# cdna - top-level build.  `make demo` runs the main job, `make check` every
# test; see README.md.  Each component's rules live in mk/*.mk.
.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD    ?= build
HOST_CC  ?= cc
SANITIZE ?= 0

HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Wshadow \
	-Wstrict-prototypes -Werror=implicit-function-declaration -Iinclude -MMD -MP
HOST_LDFLAGS :=
ifeq ($(SANITIZE),1)
HOST_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
HOST_LDFLAGS += -fsanitize=address,undefined
# override: a BUILD given on the command line must not mix the two builds.
override BUILD := $(BUILD)/sanitize
endif

# Test programs register themselves here (run by tests/run.sh).
UNIT_TESTS :=
SCRIPT_TESTS :=

include mk/deps.mk
include mk/image.mk
include mk/model.mk
include mk/protect.mk
include mk/fuzz.mk
include mk/firmware.mk
include mk/testbed.mk
include mk/protection.mk
include mk/bench.mk
include mk/platform.mk
include mk/driver.mk
include mk/dom0mgr.mk
include mk/tests.mk

.PHONY: all demo demo-testbed check clean
all: firmware

# The main job: QEMU (TCG) with the cdna device -> Xen -> dom0 -> GUESTS PV
# domUs, each on its own context of the NIC, Xen validating every
# descriptor; pings guest to guest and to the far end, iperf3 from each
# guest, per-context statistics and the wire's pcap (tests/system/run.sh demo).
# Needs root.  GUESTS up to 32; above 8 each guest gets 128 MB; with 32,
# dom0 takes no context of its own (the NIC has 32).
GUESTS ?= 2
DEMO_DOMU_MEM = $(if $(filter-out 1 2 3 4 5 6 7 8,$(GUESTS)),128,256)
demo: deps firmware cdnactl platform
	CDNA_DOMUS=$(GUESTS) CDNA_DOMU_NETS=cdna \
		CDNA_DOMU_MEM=$${CDNA_DOMU_MEM:-$(DEMO_DOMU_MEM)} \
		CDNA_DOM0_CONTEXT=$(if $(filter 32,$(GUESTS)),0,1) \
		$(PLATFORM_ROOT)tests/system/run.sh demo

# The NIC model alone running the real firmware (no QEMU, no Xen, no root):
# 4 guests sending to each other, to the wire and to all, the far end
# sending back; every frame checked, the wire in a pcap.
DEMO_PCAP := $(BUILD)/demo/testbed.pcap
demo-testbed: firmware $(CDNA_TESTBED)
	@$(BUILD)/bin/cdna-image info $(FW_IMG)
	@echo
	@mkdir -p $(dir $(DEMO_PCAP))
	$(CDNA_TESTBED) --guests 4 --frames 20000 --size mix --pcap $(DEMO_PCAP)
	@echo
	@echo "The wire, as tshark reads $(DEMO_PCAP):"
	@tshark -r $(DEMO_PCAP) -q -z conv,eth 2>/dev/null | grep -v -e '^=*$$' -e '^Filter:'

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
