# dom0mgr.mk - cdnactl (dom0-mgr/), dom0's context manager and the NIC's
# firmware tool, built on the host against Debian's libxen-dev (libxencall,
# libxenctrl, libxenstore; Xen 4.17), its unit tests and its man page.
#   make cdnactl         build $(BUILD)/bin/cdnactl
#   make cdnactl-man     check dom0-mgr/cdnactl.8 (groff, warnings are errors)
# The fast tier runs test_cdnactl (the parts that need no Xen: arguments,
# MACs, JSON/text, error sentences, xenstore paths, sysfs discovery, and the
# commands' logic over fake Xen, a fake flash controller and the real NIC
# model) and
# cdnactl-cli.sh (the binary's help, usage errors, images refused before
# any device access, and the man page).
#
# cdnactl is linked statically: `cdnactl flash` and `cdnactl firmware` must
# run on a bare-Linux machine whose root has no Xen libraries (the native
# test guest's busybox root, tests/system/native.sh), and a static binary
# is one file to copy there, with no library to miss and no run-time
# loading code (libxenctrl alone needs six more Xen libraries).  Under
# SANITIZE=1 it is linked dynamically: ASan cannot be linked statically.
CDNACTL_LIB_SRCS := dom0-mgr/args.c dom0-mgr/mac.c dom0-mgr/errmsg.c \
	dom0-mgr/fmt.c dom0-mgr/xspath.c dom0-mgr/ops.c dom0-mgr/env.c \
	dom0-mgr/nic.c dom0-mgr/help.c dom0-mgr/flash.c
CDNACTL_XEN_SRCS := dom0-mgr/hcall.c dom0-mgr/dom.c dom0-mgr/xs.c \
	dom0-mgr/main.c
CDNACTL_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CDNACTL_LIB_SRCS))
CDNACTL_XEN_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CDNACTL_XEN_SRCS))
# libxenctrl's own dependencies come first in static link order.
CDNACTL_LIBS     := -lxenctrl -lxenstore -lxencall -lxenforeignmemory \
	-lxendevicemodel -lxengnttab -lxenevtchn -lxentoollog -lxentoolcore
CDNACTL_STATIC   := $(if $(filter 1,$(SANITIZE)),,-static)
CDNACTL          := $(BUILD)/bin/cdnactl
CDNACTL_MAN      := dom0-mgr/cdnactl.8

TEST_CDNACTL     := $(BUILD)/tests/test_cdnactl
TEST_CDNACTL_OBJ := $(BUILD)/obj/tests/unit/test_cdnactl.o

$(CDNACTL_LIB_OBJS) $(CDNACTL_XEN_OBJS) $(TEST_CDNACTL_OBJ): \
		$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Idom0-mgr -Ifirmware/image -c $< -o $@

# The Xen headers come with libxen-dev (make deps).  xenctrl.h's public Xen
# headers use anonymous unions, a GNU extension: dom.c alone is GNU C.
$(BUILD)/obj/dom0-mgr/dom.o: HOST_CFLAGS += -std=gnu11
$(CDNACTL_XEN_OBJS): | deps

# The image check is cdna-image's own (firmware/image, image.mk).
$(CDNACTL): $(CDNACTL_XEN_OBJS) $(CDNACTL_LIB_OBJS) $(IMAGE_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $(CDNACTL_STATIC) $^ $(CDNACTL_LIBS) -o $@

# test_cdnactl also flashes the real NIC model (model.mk; its image checks
# are the same IMAGE_LIB_OBJS) with the build's test images.
$(TEST_CDNACTL): $(TEST_CDNACTL_OBJ) $(CDNACTL_LIB_OBJS) $(NIC_MODEL_OBJS) \
		$(MODEL_TEST_LIB) $(CHECK_OBJ)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(NIC_MODEL_LIBS) -o $@

.PHONY: cdnactl cdnactl-man
cdnactl: $(CDNACTL)
cdnactl-man:
	@dom0-mgr/check-man.sh $(CDNACTL_MAN)

UNIT_TESTS   += $(TEST_CDNACTL)
SCRIPT_TESTS += tests/unit/cdnactl-cli.sh
check-unit: $(CDNACTL)
