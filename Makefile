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

.PHONY: all demo check clean
all: firmware

# Until the Xen demo exists, the main job is the NIC model running the
# real firmware: 4 guests sending to each other, to the wire and to all,
# the far end sending back; every frame checked, the wire in a pcap.
DEMO_PCAP := $(BUILD)/demo/testbed.pcap
demo: firmware $(CDNA_TESTBED)
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
