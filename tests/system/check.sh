#!/usr/bin/env bash
# check.sh - the system tier as make check runs it: boot QEMU -> Xen -> dom0 ->
# 2 PV domUs and check them (tests/system/run.sh check), with the platform
# already built by `make platform`.
exec "$(dirname "$0")/run.sh" check
