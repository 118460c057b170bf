# shellcheck shell=bash
# Flashing the NIC in real QEMU, with power cuts (issue 17): the bare-Linux
# guest of native.sh (Debian's kernel, no Xen) runs `cdnactl flash IMAGE
# --activate` against the cdna device, and QEMU is killed at precise points
# of the flash; the next boot, on the same flash file, must run a valid image,
# and what the NIC's registers say, what `cdnactl firmware` says and what
# this file predicts must agree.  Sourced by tests/system/run.sh (mode
# `flash`, `make check-flash`) after orchestrator.sh, checks.sh and native.sh.
#
# How QEMU dies at a precise point: the cdna device's test property
# x-flash-cut-after (hw-model/qemu/cdna.c), set over QMP just before the flash
# starts, lets the flash persist exactly N more 4-byte units and then makes
# QEMU SIGKILL itself: no cleanup, the flash file holds what reached it, as
# after a power cut.  A unit is what cdna_nic_flash_cut_after counts
# (hw-model/core/flash.h): one DATA write of the window is one unit, a bank
# table write is 16 (64 bytes, persisted in address order, so a cut inside
# it tears it).  A flash of an image of S bytes persists ceil(S/4) units of
# data, then VERIFY's table write (PENDING); activation adds the boot ROM's
# (TRIAL) and the commit's (ACTIVE), or the rollback's (FAILED) after a
# failed trial.  The uninterrupted flashes measure these counts
# (x-flash-units) and the test checks them against that arithmetic.
#
# The boots are chained to keep the run short: every boot first checks what
# the previous cut left, then is itself cut (or flashes to the end).
# Cut points: 25, 50, 75 and 100 % of the transfer, halfway through and at
# the end of VERIFY's table write, halfway through and at the end of the
# boot ROM's TRIAL write, halfway through and at the end of the commit.

FLASH_V1_IMG="$REPO_DIR/build/firmware/cdna-fw.img"
FLASH_V2_IMG="$REPO_DIR/build/firmware/test/cdna-fw-v2.img"
FLASH_FAULT_IMG="$REPO_DIR/build/firmware/test/fault-boot.img"
# The tool under test in the guest (CDNA_FLASH_TOOL: another binary with
# cdnactl's `flash` and `firmware` commands).
FLASH_TOOL="${CDNA_FLASH_TOOL:-$REPO_DIR/build/bin/cdnactl}"
FLASH_TABLE_UNITS=16
FLASH_DEV=""          # the running QEMU's cdna device, a QOM path
FLASH_CUTS=()         # every cut point tested, for the summary
FLASH_TIMES=()        # uninterrupted flashes: image, seconds
FLASH_T0=""
FLASH_BOOT0=0         # native.sh's boots before the flash checks

# flash_unready: why the flash checks cannot run here, or nothing.
flash_unready() {
    local why
    why=$(native_unready)
    if [ -n "$why" ]; then
        echo "$why"
    elif ! "$QEMU_BIN" -device cdna,help 2>/dev/null | grep -q 'x-flash-cut-after'; then
        echo "the QEMU in $QEMU_BIN has no x-flash-cut-after property (make platform)"
    elif [ ! -x "$FLASH_TOOL" ]; then
        echo "no $FLASH_TOOL (make cdnactl)"
    elif [ ! -f "$FLASH_V2_IMG" ] || [ ! -f "$FLASH_FAULT_IMG" ]; then
        echo "no test images under build/firmware/test (make check-flash builds them)"
    fi
}

# flash_id IMAGE: the image as the NIC names it: "X.Y.Z 0xCRC", its firmware
# version and header CRC (cdna-image info).
flash_id() {
    "$REPO_DIR/build/bin/cdna-image" info "$1" | awk '
        /^fw version:/ { v = $3 } /^header crc:/ { c = $3 } END { print v, c }'
}

# flash_units IMAGE: the 4-byte units of its transfer.
flash_units() { echo $((($(stat -c %s "$1") + 3) / 4)); }

# flash_initrd: native.sh's guest root (with cdna.ko), plus the tool under test
# with any shared library the image lacks (cdnactl is static, but a SANITIZE=1
# build is not; the image has glibc), the three images under /fw and cdna-regs,
# which prints the NIC's state from its registers (busybox devmem on BAR2),
# independently of the tool.
flash_initrd() {
    local x="$RUN/flash-extra" have lib
    native_initrd
    rm -rf "$x"; mkdir -p "$x/usr/sbin" "$x/fw"
    cp "$FLASH_TOOL" "$x/usr/sbin/cdnactl"
    cp "$FLASH_V1_IMG" "$FLASH_V2_IMG" "$FLASH_FAULT_IMG" "$x/fw/"
    have=$(cpio -it <"$NATIVE_INITRD" 2>/dev/null)
    for lib in $(ldd "$FLASH_TOOL" 2>/dev/null | awk '/=> \// { print $3 }'); do
        grep -qxF "${lib#/}" <<<"$have" && continue
        mkdir -p "$x$(dirname "$lib")"
        cp -L "$lib" "$x$lib"
    done
    cat >"$x/usr/sbin/cdna-regs" <<'EOF'
#!/bin/sh
# cdna-regs: the cdna NIC's firmware and flash state, read from BAR2 page 0
# (include/cdna/regs.h) with devmem: one line, the flash test's canonical form.
for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x10cd ] && break
done
base=$(sed -n 3p "$d/resource" | cut -d' ' -f1)
r() { printf '%d' "$(devmem $((base + $1)) 32)"; }
ver() { echo "$(($1 >> 16)).$((($1 >> 8) & 255)).$(($1 & 255))"; }
fw=$(r 0x8); v=$(r 0xc); bank=$(r 0x10); fl=$(r 0x3c)
set -- RESET BOOTING RUNNING NO_FW FAULT; shift "$fw" 2>/dev/null && fwn=$1 || fwn=$fw
out="$fwn $(ver "$v") from bank $bank"
[ "$bank" = 4294967295 ] && out="$fwn from no bank"
for b in 0 1; do
    st=$(r $((0xc24 + 8 * b))); bv=$(r $((0xc20 + 8 * b))); crc=$(r $((0xc30 + 4 * b)))
    set -- EMPTY WRITING INVALID VALID PENDING TRIAL ACTIVE FAILED
    shift "$st" 2>/dev/null && sn=$1 || sn=$st
    out="$out; bank $b $sn"
    [ "$bv" != 0 ] && out="$out $(ver "$bv")"
    [ "$crc" != 0 ] && out="$out $(printf '0x%08x' "$crc")"
done
f=""; i=0
for n in TRIAL ROLLBACK TABLE FALLBACK FLASH_ERR; do
    [ $(((fl >> i) & 1)) = 1 ] && f="$f${f:+,}$n"; i=$((i + 1))
done
echo "$out; flags ${f:--}"
EOF
    chmod 0755 "$x/usr/sbin/cdna-regs"
    (cd "$x" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
        cpio --null -o -H newc --quiet) >>"$RUN/native-initrd.cpio"
}

# flash_qmp CMD...: QMP commands (JSON) to the running QEMU; prints the last
# one's return value (JSON).
flash_qmp() {
    python3 - "$QMP_SOCK" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile('rw')
json.loads(f.readline())
r = None
for cmd in ['{"execute": "qmp_capabilities"}'] + sys.argv[2:]:
    f.write(cmd + '\n')
    f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            break
    if 'error' in r:
        sys.exit('QMP %s: %s' % (cmd, r['error']))
print(json.dumps(r['return']))
PY
}

# flash_dev: the running QEMU's cdna device (QOM path) into FLASH_DEV.
flash_dev() {
    local out
    out=$(flash_qmp '{"execute": "qom-list", "arguments": {"path": "/machine/peripheral-anon"}}') ||
        fail "flash: QMP" "$QEMU_STDERR" "qom-list failed"
    FLASH_DEV=$(python3 -c 'import json, sys
for p in json.loads(sys.argv[1]):
    if p["type"] == "child<cdna>":
        print("/machine/peripheral-anon/" + p["name"])' "$out" | head -n1)
    [ -n "$FLASH_DEV" ] || fail "flash: QMP" "" "no cdna device under /machine/peripheral-anon"
}

# flash_prop NAME [VALUE]: read (or set) a property of the cdna device.
flash_prop() {
    if [ $# -eq 2 ]; then
        flash_qmp "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"$FLASH_DEV\", \"property\": \"$1\", \"value\": $2}}" >/dev/null
    else
        flash_qmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"$FLASH_DEV\", \"property\": \"$1\"}}"
    fi
}

# flash_state: the NIC's state as its registers say (cdna-regs in the guest).
flash_state() { guest 20 "cdna-regs"; }

# flash_tool_says: `cdnactl firmware` and `cdnactl firmware --json` in the
# guest (both kept in $RUN/flash-firmware-N.out); prints the JSON in cdna-regs'
# form (flash_tool_form).
FLASH_FW_N=0
flash_tool_says() {
    local out rc=0
    FLASH_FW_N=$((FLASH_FW_N + 1))
    out=$(guest 30 "cdnactl firmware && echo @@JSON && cdnactl firmware --json") || rc=$?
    printf '%s\n' "$out" >"$RUN/flash-firmware-$FLASH_FW_N.out"
    [ "$rc" = 0 ] || { echo "cdnactl firmware: exit status $rc: $(head -c 200 <<<"$out")"; return 0; }
    sed '1,/^@@JSON$/d' <<<"$out" | flash_tool_form
}

# flash_tool_form: `cdnactl firmware --json` (stdin) in cdna-regs' form.
flash_tool_form() {
    python3 -c '
import json, sys
try:
    j = json.loads(sys.stdin.read())
except ValueError as e:
    sys.exit("cdnactl firmware --json: not JSON (%s)" % e)
up = lambda s: {"no-firmware": "NO_FW", "flash-error": "FLASH_ERR"}.get(s, s.upper())
if j["boot_bank"] is None:
    out = "%s from no bank" % up(j["firmware_state"])
else:
    out = "%s %s from bank %d" % (up(j["firmware_state"]), j["firmware_version"] or "0.0.0", j["boot_bank"])
for b in j["banks"]:
    out += "; bank %d %s" % (b["bank"], up(b["state"]))
    for k in ("version", "crc"):
        if b[k] is not None:
            out += " " + b[k]
print(out + "; flags " + (",".join(up(f) for f in j["boot_flags"]) or "-"))
' 2>&1
}

# flash_agree WHAT LABEL GOT WANT: the NIC's registers (GOT) say what the
# test predicted (WANT), and `cdnactl firmware` says the same as the registers.
flash_agree() {
    local what=$1 label=$2 got=$3 want=$4 tool r
    [ "$got" = "$want" ] && r=0 || r=1
    check "flash: $what: $label" "$r" \
        "$got$([ "$r" = 0 ] || echo " (predicted: $want)")"
    tool=$(flash_tool_says)
    [ "$tool" = "$got" ] && r=0 || r=1
    check "flash: $what: cdnactl firmware tells the truth" "$r" \
        "$([ "$r" = 0 ] && echo "agrees with the registers" || echo "says: $tool")"
}

# flash_boot FLASH WHAT EXPECTED: boot the guest on FLASH (the same file every
# time: what the last QEMU left) and check the NIC: its registers must say
# EXPECTED (cdna-regs' form), and `cdnactl firmware` the same.
flash_boot() {
    local flash=$1 what=$2 want=$3 got
    native_boot "$flash" "$RUN/flash$((NATIVE_BOOTS + 1)).pcap"
    flash_dev
    got=$(flash_state) || true
    flash_agree "$what" "the NIC runs a valid image, as predicted" "$got" "$want"
}

# flash_wait_death TIMEOUT: wait for QEMU to end; its exit status in QEMU_RC
# ("timeout" if it lives on).  Quietly: bash would report the killed job.
flash_wait_death() {
    local t0; t0=$(now)
    QEMU_RC=0
    {
        while qemu_alive; do
            if awk -v a="$(since "$t0")" -v t="$1" 'BEGIN { exit !(a >= t) }'; then
                QEMU_RC=timeout; break
            fi
            sleep 0.1
        done
        [ "$QEMU_RC" = timeout ] || wait "$QEMU_PID" || QEMU_RC=$?
    } 2>/dev/null
    [ "$QEMU_RC" != timeout ] || return 1
    stop_qemu
}

# flash_cut LABEL IMAGE UNITS: flash IMAGE with --activate and cut the power
# after UNITS units of it.  Checks that QEMU died by the cut, at that unit.
flash_cut() {
    local label=$1 img=$2 k=$3 u0 from seen r line
    u0=$(flash_prop x-flash-units)
    flash_prop x-flash-cut-after "$k"
    from=$(stat -c %s "$CONSOLE_LOG")
    # Quietly: bash would report the killed job wherever it reaps it.
    {
        console_send "cdnactl flash /fw/$(basename "$img") --activate"$'\r'
        flash_wait_death 120 || true
    } 2>/dev/null
    line=$(grep -a 'x-flash-cut-after: power cut after' "$QEMU_STDERR" | tail -n1) || true
    seen=$(tail -c +$((from + 1)) "$CONSOLE_LOG" | tr -d '\r' | grep -aoE '[0-9]+%' | tail -n1) || true
    [ "$QEMU_RC" = 137 ] && [ "$line" = "cdna: x-flash-cut-after: power cut after $((u0 + k)) flash units: QEMU killed" ] && r=0 || r=1
    check "flash: power cut $label ($(basename "$img"), unit $k)" "$r" \
        "QEMU status $QEMU_RC; last progress line ${seen:-none}"
    FLASH_CUTS+=("$label: $(basename "$img"), after unit $k of the flash")
    [ "$QEMU_RC" = timeout ] && stop_qemu
    return 0
}

# flash_full WHAT IMAGE STATUS WANT: an uninterrupted `cdnactl flash IMAGE
# --activate`, timed, must exit with STATUS (1: the new firmware rolled back);
# then the NIC must be in state WANT, and the units the flash persisted must be
# the arithmetic's (data, PENDING, TRIAL, then ACTIVE or FAILED).
flash_full() {
    local what=$1 img=$2 status=$3 want=$4 u0 u1 out rc=0 secs got r units t0 wall
    u0=$(flash_prop x-flash-units)
    t0=$(now)
    out=$(guest 120 "a=\$(cut -d' ' -f1 /proc/uptime); cdnactl flash /fw/$(basename "$img") --activate; rc=\$?; \
b=\$(cut -d' ' -f1 /proc/uptime); echo flash-rc=\$rc seconds=\$(awk -v a=\$a -v b=\$b 'BEGIN { printf \"%.2f\", b - a }')") || rc=$?
    wall=$(since "$t0")
    printf '%s\n' "$out" >"$RUN/flash-full-$(basename "$img").out"
    secs=$(sed -n "s/^flash-rc=$status seconds=//p" <<<"$out")
    # The commit comes once the new firmware reports RUNNING: wait for it.
    got=$(guest 30 "i=0; while [ \$i -lt 50 ]; do s=\$(cdna-regs); case \$s in *\" TRIAL \"*|RESET*|BOOTING*|FAULT*) ;; *) break;; esac; sleep 0.1; i=\$((i+1)); done; cdna-regs") || true
    u1=$(flash_prop x-flash-units)
    units=$(flash_units "$img")
    [ "$rc" = 0 ] && [ -n "$secs" ] && r=0 || r=1
    check "flash: $what: cdnactl flash --activate completes, exit status $status" "$r" \
        "$(basename "$img"), $(stat -c %s "$img") bytes in ${secs:-?} s (guest clock; $wall s wall time with the console's round trip; $CDNA_TCG)$(
            sed -n 's/.*\(committed after [0-9]* ms\).*/; cdnactl: \1/p; s/.*\(did not report healthy[^;]*\).*/; cdnactl: \1/p' <<<"$out" | head -n1)"
    [ "$r" = 0 ] && FLASH_TIMES+=("$(basename "$img") $(stat -c %s "$img") $secs $wall")
    flash_agree "$what" "the NIC's state afterwards" "$got" "$want"
    [ $((u1 - u0)) = $((units + 3 * FLASH_TABLE_UNITS)) ] && r=0 || r=1
    check "flash: $what: flash units persisted = data + 3 table writes" "$r" \
        "$((u1 - u0)) = $units + 3 x $FLASH_TABLE_UNITS"
}

flash_checks() {
    local why f i1 i2 i3 n1 n2
    why=$(flash_unready)
    if [ -n "$why" ]; then
        echo "# SKIP flash checks: $why"
        return 0
    fi
    FLASH_T0=$(now)
    FLASH_BOOT0=$NATIVE_BOOTS
    flash_initrd
    i1=$(flash_id "$FLASH_V1_IMG"); i2=$(flash_id "$FLASH_V2_IMG"); i3=$(flash_id "$FLASH_FAULT_IMG")
    n1=$(flash_units "$FLASH_V1_IMG"); n2=$(flash_units "$FLASH_V2_IMG")
    f="$RUN/flash-cuts.bin"
    # The factory flash: v1 in bank 0, bank 1 erased, no bank table.
    cp "$NATIVE_FLASH" "$f"

    # The transfer, v2 into bank 1: a cut leaves bank 1 INVALID (a partial
    # image), the old firmware boots, no table is written.
    flash_boot "$f" "factory flash" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 EMPTY; flags -"
    flash_cut "at 25% of the transfer" "$FLASH_V2_IMG" $(((n2 + 3) / 4))
    flash_boot "$f" "after the cut at 25%" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 INVALID; flags -"
    flash_cut "at 50% of the transfer" "$FLASH_V2_IMG" $(((2 * n2 + 3) / 4))
    flash_boot "$f" "after the cut at 50%" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 INVALID; flags -"
    flash_cut "at 75% of the transfer" "$FLASH_V2_IMG" $(((3 * n2 + 3) / 4))
    flash_boot "$f" "after the cut at 75%" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 INVALID; flags -"
    # All data written, VERIFY not reached: a whole image with no record is
    # VALID, and without a table bank 0 boots.
    flash_cut "at 100% of the transfer, before VERIFY" "$FLASH_V2_IMG" "$n2"
    flash_boot "$f" "after the cut at 100%" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 VALID $i2; flags -"
    # VERIFY's table write torn: the flash still has no valid table.
    flash_cut "halfway through VERIFY's table write" "$FLASH_V2_IMG" $((n2 + FLASH_TABLE_UNITS / 2))
    flash_boot "$f" "after the cut in VERIFY" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 VALID $i2; flags -"
    # VERIFY done, power gone before the activation's reset: bank 1 is
    # PENDING, so the power-on boots it as a trial, which commits.
    flash_cut "after VERIFY, before activation" "$FLASH_V2_IMG" $((n2 + FLASH_TABLE_UNITS))
    flash_boot "$f" "after the cut after VERIFY" "RUNNING ${i2%% *} from bank 1; bank 0 VALID $i1; bank 1 ACTIVE $i2; flags TRIAL,TABLE"

    # Activation, v1 into bank 0 then v2 into bank 1: the boot ROM's TRIAL
    # write torn leaves PENDING (the power-on tries it, it commits); TRIAL on
    # record and no commit rolls back.
    flash_cut "halfway through the boot ROM's TRIAL write (activation)" "$FLASH_V1_IMG" $((n1 + FLASH_TABLE_UNITS + FLASH_TABLE_UNITS / 2))
    flash_boot "$f" "after the cut in the TRIAL write" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 VALID $i2; flags TRIAL,TABLE"
    flash_cut "after the TRIAL write, before the commit (activation)" "$FLASH_V2_IMG" $((n2 + 2 * FLASH_TABLE_UNITS))
    flash_boot "$f" "after the cut before the commit" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 FAILED $i2; flags ROLLBACK,TABLE"

    # Uninterrupted, timed: a crashing image rolls back (over the FAILED
    # bank), then v2 commits.
    flash_full "fault-boot.img (rollback)" "$FLASH_FAULT_IMG" 1 \
        "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 FAILED $i3; flags ROLLBACK,TABLE"
    flash_full "cdna-fw-v2.img (commit)" "$FLASH_V2_IMG" 0 \
        "RUNNING ${i2%% *} from bank 1; bank 0 VALID $i1; bank 1 ACTIVE $i2; flags TRIAL,TABLE"

    # The commit's table write: torn, the trial stands on record and the
    # power-on rolls back; whole, the new image is ACTIVE.
    flash_cut "halfway through the commit's table write (activation)" "$FLASH_V1_IMG" $((n1 + 2 * FLASH_TABLE_UNITS + FLASH_TABLE_UNITS / 2))
    flash_boot "$f" "after the cut in the commit" "RUNNING ${i2%% *} from bank 1; bank 0 FAILED $i1; bank 1 ACTIVE $i2; flags ROLLBACK,TABLE"
    flash_cut "after the commit's table write (activation)" "$FLASH_V1_IMG" $((n1 + 3 * FLASH_TABLE_UNITS))
    flash_boot "$f" "after the cut after the commit" "RUNNING ${i1%% *} from bank 0; bank 0 ACTIVE $i1; bank 1 VALID $i2; flags TABLE"

    # Not bricked: the same image again, to the end; then the driver binds
    # to the firmware it brought.
    flash_full "final flash of cdna-fw-v2.img" "$FLASH_V2_IMG" 0 \
        "RUNNING ${i2%% *} from bank 1; bank 0 VALID $i1; bank 1 ACTIVE $i2; flags TRIAL,TABLE"
    flash_driver_check "${i2%% *}"
    stop_qemu
    flash_summary
}

# flash_driver_check VERSION: cdna.ko binds and reports VERSION (ethtool -i).
flash_driver_check() {
    local out rc=0 r
    out=$(guest 60 "insmod /lib/modules/cdna.ko && i=0 && \
while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i+1)); done; ethtool -i eth0; rmmod cdna") || rc=$?
    [ "$rc" = 0 ] && grep -qx "firmware-version: $1" <<<"$out" && r=0 || r=1
    check "flash: cdna.ko binds to the flashed firmware" "$r" "$(grep '^firmware-version' <<<"$out")"
}

flash_summary() {
    local c t
    echo "# flash: cut points tested (${#FLASH_CUTS[@]}):"
    for c in "${FLASH_CUTS[@]}"; do echo "#   $c"; done
    for t in "${FLASH_TIMES[@]}"; do
        # shellcheck disable=SC2086
        set -- $t
        echo "# flash: time to flash $1 ($2 bytes) with --activate: $3 s guest clock, $4 s wall ($CDNA_TCG)"
    done
    echo "# flash: $((NATIVE_BOOTS - FLASH_BOOT0)) boots, $(since "$FLASH_T0") s"
}
