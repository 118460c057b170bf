# deps.mk - the Debian packages the build and the tests need.  A fresh
# Debian 12 machine has none of them; `make deps` (run by `make check` and
# `make firmware`) installs what is missing, and only that.
# libxen-dev: cdnactl (dom0-mgr) builds against Xen 4.17's libxencall, libxenctrl
# and libxenstore; groff-base checks its man page.
DEB_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi \
	libunicorn-dev libpcap-dev tshark clang libclang-rt-14-dev \
	libxen-dev groff-base

.PHONY: deps
deps:
	@tests/tools/install-deps.sh $(DEB_PACKAGES)
