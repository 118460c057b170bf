#!/usr/bin/env bash
# iss-symbols.sh - the ISS object exports only its cdna_iss_* interface:
# none of libunicorn's ~30,000 unprefixed QEMU and glib names leaks into
# the program that links it (a QEMU process would clash with them).
set -uo pipefail
obj=${BUILD:-build}/obj/hw-model/core/iss-unicorn.o
syms=$(dirname "$0")/../../hw-model/core/iss.syms

exported=$(nm -g --defined-only "$obj" | awk '{print $3}' | sort)
expected=$(sort "$syms")
if [[ "$exported" == "$expected" ]]; then
	echo "ok - iss_object_exports_exactly_its_interface"
else
	echo "not ok - iss_object_exports_exactly_its_interface"
	diff <(echo "$expected") <(echo "$exported") | head -20 | sed 's/^/# /'
fi

if [[ $(nm "$obj" | grep -c ' t cpu_reset$') -eq 1 ]]; then
	echo "ok - unicorn_internals_are_inside_the_object_but_local"
else
	echo "not ok - unicorn_internals_are_inside_the_object_but_local"
fi
