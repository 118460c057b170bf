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
include mk/firmware.mk
include mk/testbed.mk
include mk/bench.mk
include mk/platform.mk
include mk/tests.mk

.PHONY: all demo check clean
all: firmware

# Until the system exists, the main job is the firmware image itself.
demo: firmware
	@$(BUILD)/bin/cdna-image info $(BUILD)/firmware/cdna-fw.img

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
