# deps.mk - the Debian packages the build and the tests need.  A fresh
# Debian 12 machine has none of them; `make deps` (run by `make check` and
# `make firmware`) installs what is missing, and only that.
DEB_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi \
	libunicorn-dev libpcap-dev tshark clang libclang-rt-14-dev

.PHONY: deps
deps:
	@tests/tools/install-deps.sh $(DEB_PACKAGES)
