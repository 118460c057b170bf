# shellcheck shell=bash
# The native driver's system test: Debian's kernel booted by QEMU directly (no Xen),
# the cdna device on the run's tap (the far end in the namespace), the driver
# cdna.ko (guest-driver/linux) loaded and unloaded from the guest's serial shell.
# Sourced by tests/system/run.sh after orchestrator.sh and checks.sh (check()).
#
# Two boots: a corrupt flash (the driver must refuse to bind, saying why, and
# leave nothing behind; QEMU keeps running), then a good one: bind (ethtool -i),
# link, ping both ways, iperf3 both ways, ethtool -S counters, rmmod during
# traffic, a reload with two contexts, and the wire as filter-dump saw it
# (tshark).

NATIVE_IP=$NET_PREFIX.20
NATIVE_IP1=$NET_PREFIX.21
# The NIC's MAC (QEMU's mac property); context c gets it with c added to byte 5.
NATIVE_MAC=52:54:00:cd:00:20
NATIVE_MAC1=52:54:00:cd:00:21
NATIVE_MEM="${CDNA_NATIVE_MEM:-512}"
NATIVE_CONTEXTS="${CDNA_NATIVE_CONTEXTS:-32}"
NATIVE_ARGS="${CDNA_NATIVE_ARGS-quiet cryptomgr.notests ipv6.disable=1}"
# The NIC's flash: `make firmware` writes it (cdna-image flash).
NATIVE_FLASH="${CDNA_FLASH:-$REPO_DIR/build/firmware/cdna-flash.bin}"
NATIVE_BOOTS=0

# native_unready: why the native checks cannot run here, or nothing.
native_unready() {
    if ! "$QEMU_BIN" -device help 2>/dev/null | grep -q '"cdna"'; then
        echo "the QEMU in $QEMU_BIN has no cdna device"
    elif [ ! -f "$NATIVE_FLASH" ]; then
        echo "no NIC flash file $NATIVE_FLASH (make firmware)"
    elif [ ! -f "$NATIVE_INITRD" ]; then
        echo "no $NATIVE_INITRD (make platform)"
    fi
}

# native_initrd: the image's root plus the freshly built cdna.ko.
native_initrd() {
    initrd_with_driver "$NATIVE_INITRD" "$RUN/native-initrd.cpio" lib/modules/cdna.ko
}

# native_qemu_args PREFIX DEVICE: QEMU_ARGS for the bare-Linux guest with
# DEVICE (QEMU's -device argument) as its NIC on the run's tap and its
# serial line on $RUN/PREFIXserial; callers append what they need (a pcap,
# QMP, thread names).
native_qemu_args() {
    QEMU_ARGS=(-accel "$CDNA_TCG" -machine q35 -cpu qemu64 -smp 1 -m "$NATIVE_MEM"
        -display none -vga none -no-reboot -nodefaults
        -L "$QEMU_DATA" -L /usr/share/seabios
        # The ELF vmlinux boots through its PVH entry: no decompression under TCG.
        -kernel "$DOM0_KERNEL" -initrd "$RUN/native-initrd.cpio"
        -append "console=ttyS0,115200 panic=1 $NATIVE_ARGS"
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no
        -device "$2"
        -chardev "pipe,id=con0,path=$RUN/${1}serial" -serial chardev:con0 -monitor none)
}

# native_boot FLASH PCAP: boot the guest with the NIC flash FLASH (a copy: QEMU
# writes its flash file), the wire dumped to PCAP; wait for its shell.
native_boot() {
    local flash=$1 pcap=$2 p
    NATIVE_BOOTS=$((NATIVE_BOOTS + 1))
    p="native$NATIVE_BOOTS-"
    native_qemu_args "$p" "cdna,netdev=n0,contexts=$NATIVE_CONTEXTS,flash=$flash,mac=$NATIVE_MAC"
    QEMU_ARGS+=(-object "filter-dump,id=dump0,netdev=n0,file=$pcap"
        -qmp "unix:$RUN/${p}qmp.sock,server=on,wait=off")
    QMP_SOCK="$RUN/${p}qmp.sock"
    printf '%q ' "$QEMU_BIN" "${QEMU_ARGS[@]}" >"$RUN/${p}qemu.cmdline"
    echo >>"$RUN/${p}qemu.cmdline"
    launch_qemu "$p"
    say "native: QEMU started (pid $QEMU_PID, flash $(basename "$flash")); console $CONSOLE_LOG"
    wait_console 'CDNA-NATIVE-READY' "$CDNA_BOOT_TIMEOUT" "native: boot"
    dom0 20 "stty -echo; PS1=; PS2=" >/dev/null ||
        fail "native: boot" "$CONSOLE_LOG" "the guest's shell does not answer"
    say "native: guest shell ready"
}

# native_qmp CMD...: QMP commands (JSON) to the running QEMU, e.g. set_link.
native_qmp() {
    python3 - "$QMP_SOCK" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile('rw')
json.loads(f.readline())  # the greeting
for cmd in ['{"execute": "qmp_capabilities"}'] + sys.argv[2:]:
    f.write(cmd + '\n')
    f.flush()
    while True:  # skip events up to the command's answer
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            break
    if 'error' in r:
        sys.exit('QMP %s: %s' % (cmd, r['error']))
PY
}

# native_carrier_is V: wait (bounded, the driver polls the link once a second)
# until eth0's carrier reads V; prints the last value read.
native_carrier_is() {
    guest 20 "i=0; while [ \"\$(cat /sys/class/net/eth0/carrier 2>/dev/null)\" != $1 ] && [ \$i -lt 40 ]; do sleep 0.1; i=\$((i+1)); done; cat /sys/class/net/eth0/carrier"
}

# guest TIMEOUT CMD: run CMD in the native guest's shell (the console protocol of
# orchestrator.sh's dom0()).
guest() { dom0 "$@"; }

# guest_dmesg_save NAME: keep the guest's kernel log in the run directory.
guest_dmesg_save() { guest 20 "dmesg" >"$RUN/$1" 2>&1 || true; }

# ethtool -S value of COUNTER in the text STATS.
stat_of() { awk -v k="$1:" '$1 == k { print $2 }' <<<"$2"; }

native_bad_firmware_checks() {
    local bad="$RUN/flash-bad.bin" out rc r
    # One byte of bank 0's payload flipped: its CRC no longer matches, and the
    # boot ROM has no other bank to fall back to.
    cp "$NATIVE_FLASH" "$bad"
    printf '\x5a' | dd of="$bad" bs=1 seek=100 conv=notrunc status=none
    native_boot "$bad" "$RUN/native-bad.pcap"
    rc=0; out=$(guest 60 "insmod /lib/modules/cdna.ko; dmesg | grep -a 'cdna'") || rc=$?
    printf '%s\n' "$out" >"$RUN/native-bad-insmod.out"
    grep -q 'firmware not running: MGMT_FW_STATE 3 (NO_FW), MGMT_BOOT_ERROR' <<<"$out" && r=0 || r=1
    check "native: bad firmware: the driver refuses to bind, saying why" "$r" \
        "$(grep -o 'firmware not running.*' <<<"$out" | head -n1)"
    rc=0; out=$(guest 20 "ls -1 /sys/class/net; ls -1 /sys/bus/pci/drivers/cdna; grep -c cdna /proc/iomem") || true
    printf '%s\n' "$out" >>"$RUN/native-bad-insmod.out"
    [ "$(tr '\n' ' ' <<<"$out")" = "lo bind module new_id remove_id uevent unbind 0 " ] && r=0 || r=1
    check "native: bad firmware: no net device, no device bound, no region left mapped" "$r" \
        "$(tr '\n' ' ' <<<"$out")"
    rc=0; out=$(guest 20 "rmmod cdna && echo alive") || rc=$?
    qemu_alive && [ "$rc" = 0 ] && grep -q alive <<<"$out" && r=0 || r=1
    check "native: bad firmware: QEMU and the guest keep running, rmmod works" "$r"
    guest_dmesg_save native-bad-dmesg.log
    stop_qemu
}

# native_iperf LABEL ARGS: iperf3 from the guest to the far end (ARGS -R: the far
# end sends); prints the receiver's Mbit/s as a check.
native_iperf() {
    local label=$1 args=$2 out rc=0 mbps
    out=$(guest $((IPERF_SECONDS + 30)) \
        "iperf3 -c $FAR_IP $args -t $IPERF_SECONDS -f m --connect-timeout 5000 2>&1 | tail -n 4") || rc=$?
    printf '== native %s\n%s\n' "$label" "$out" >>"$RUN/iperf3.log"
    mbps=$(awk '/receiver/ { for (k = 1; k < NF; k++) if ($(k + 1) == "Mbits/sec") print $k }' <<<"$out" | tail -n1)
    if [ "$rc" = 0 ] && [ -n "$mbps" ] && awk -v m="$mbps" 'BEGIN { exit !(m > 0) }'; then
        check "native: iperf3 $label" 0 "$mbps Mbit/s ($CDNA_TCG)"
        echo "native-$label $mbps" >>"$RUN/throughput"
    else
        check "native: iperf3 $label" 1 "rc=$rc, no receiver line (see $RUN/iperf3.log)"
    fi
}

# native_up IF IP: address IF and wait (bounded) for its carrier.
native_up() {
    guest 30 "ip addr add $2/24 dev $1 && ip link set $1 up && i=0 && \
while [ \"\$(cat /sys/class/net/$1/carrier 2>/dev/null)\" != 1 ] && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i+1)); done; \
cat /sys/class/net/$1/carrier"
}

native_good_checks() {
    local flash="$RUN/flash.bin" pcap="$RUN/native.pcap" out rc stats before n k v r
    cp "$NATIVE_FLASH" "$flash"
    native_boot "$flash" "$pcap"

    rc=0; out=$(guest 60 "insmod /lib/modules/cdna.ko && i=0 && \
while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i+1)); done; ethtool -i eth0") || rc=$?
    printf '%s\n' "$out" >"$RUN/native-ethtool-i.out"
    [ "$rc" = 0 ] && grep -q '^driver: cdna$' <<<"$out" &&
        grep -Eq '^firmware-version: [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" &&
        ! grep -q '^firmware-version: 0\.0\.0$' <<<"$out" && r=0 || r=1
    check "native: the driver binds (ethtool -i)" "$r" \
        "$(grep -E '^(driver|version|firmware-version|bus-info):' <<<"$out" | tr '\n' ' ')"

    rc=0; out=$(native_up eth0 "$NATIVE_IP") || rc=$?
    [ "$rc" = 0 ] && [ "$(tail -n1 <<<"$out")" = 1 ] && r=0 || r=1
    check "native: carrier on (CTX_STATUS link)" "$r"
    out=$(guest 10 "cat /sys/class/net/eth0/address") || true
    [ "$out" = "$NATIVE_MAC" ] && r=0 || r=1
    check "native: context 0 has the NIC's MAC" "$r" "$out"

    rc=0; out=$(guest 30 "ping -c 3 -W 3 $FAR_IP") || rc=$?
    check "native: ping guest -> far end" "$rc" "$(grep -o '[0-9]* packets received.*' <<<"$out")"
    rc=0; out=$(ip netns exec "$NS" ping -c 3 -W 3 "$NATIVE_IP" 2>&1) || rc=$?
    check "native: ping far end -> guest" "$rc" "$(grep -o '[0-9]* received.*' <<<"$out")"

    # Link state: QEMU's set_link on the netdev reaches CTX_STATUS's link bit.
    rc=0; native_qmp '{"execute": "set_link", "arguments": {"name": "n0", "up": false}}' || rc=$?
    out=$(native_carrier_is 0) || true
    [ "$rc" = 0 ] && [ "$(tail -n1 <<<"$out")" = 0 ] && r=0 || r=1
    check "native: carrier off when the link goes down (set_link n0 off)" "$r"
    rc=0; native_qmp '{"execute": "set_link", "arguments": {"name": "n0", "up": true}}' || rc=$?
    out=$(native_carrier_is 1) || true
    [ "$rc" = 0 ] && [ "$(tail -n1 <<<"$out")" = 1 ] && r=0 || r=1
    check "native: carrier on again when the link comes back" "$r"

    native_iperf "guest->far-end" ""
    native_iperf "far-end->guest" "-R"

    rc=0; stats=$(guest 20 "ethtool -S eth0") || rc=$?
    printf '%s\n' "$stats" >"$RUN/native-ethtool-S.out"
    n=0
    # tx_multi_buf: frames sent as several buffers (TCP's scatter-gather skbs).
    for k in tx_packets rx_packets nic_tx_frames nic_rx_frames nic_tx_bytes nic_rx_bytes polls tx_multi_buf; do
        v=$(stat_of "$k" "$stats")
        [ -n "$v" ] && [ "$v" -gt 0 ] || n=$((n + 1))
    done
    [ "$rc" = 0 ] && [ "$n" = 0 ] && r=0 || r=1
    check "native: ethtool -S counters moved" "$r" \
        "tx_packets $(stat_of tx_packets "$stats"), rx_packets $(stat_of rx_packets "$stats"), nic_tx_frames $(stat_of nic_tx_frames "$stats"), nic_rx_frames $(stat_of nic_rx_frames "$stats"), tx_multi_buf $(stat_of tx_multi_buf "$stats"), nic_dropped_rx_no_buf $(stat_of nic_dropped_rx_no_buf "$stats")"
    before=$(awk '$1 ~ /^(nic_refused_|bad_cons|rx_not_done|rx_length_errors|rx_errors)/ && $2 != 0' <<<"$stats")
    [ "$rc" = 0 ] && [ -z "$before" ] && r=0 || r=1
    check "native: no refusals or bad indexes (ethtool -S)" "$r" "$(tr '\n' ' ' <<<"$before")"

    # Unload while a TCP stream and a ping flood run through the context: ndo_stop
    # revokes it and waits for STOPPED before any buffer is freed.
    rc=0; out=$(guest 60 "dmesg -c >/dev/null; (iperf3 -c $FAR_IP -t 30 >/tmp/iperf-bg.log 2>&1 &); \
(ping -i 0.05 -c 400 $FAR_IP >/tmp/ping-bg.log 2>&1 &); sleep 3; \
a=\$(cat /sys/class/net/eth0/statistics/tx_packets); sleep 0.5; \
b=\$(cat /sys/class/net/eth0/statistics/tx_packets); \
rmmod cdna; echo rmmod-rc=\$?; echo moving=\$((b - a)); ls /sys/class/net | tr '\n' ' '; echo; \
dmesg | grep -aE 'WARNING|BUG|Oops|cdna.*(did not stop|leak|timeout|not running|fail)'; true") || rc=$?
    printf '%s\n' "$out" >"$RUN/native-rmmod.out"
    grep -q '^rmmod-rc=0$' <<<"$out" && grep -q '^lo $' <<<"$out" &&
        [ "$(sed -n 's/^moving=//p' <<<"$out")" -gt 0 ] &&
        [ "$(grep -cv -e '^rmmod-rc=' -e '^moving=' -e '^lo $' -e '^$' <<<"$out")" = 0 ] && r=0 || r=1
    check "native: rmmod during traffic (TCP + ping) is clean" "$r" \
        "$(grep -v '^lo $' <<<"$out" | sed 's/^moving=/frames sent in the last 0.5 s: /' | tr '\n' ' ' | cut -c1-200)"

    # Load again, now owning two contexts: the context revoked above starts afresh.
    rc=0; out=$(guest 60 "killall iperf3 ping 2>/dev/null; insmod /lib/modules/cdna.ko contexts=2 && i=0 && \
while [ ! -e /sys/class/net/eth1 ] && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i+1)); done; \
cat /sys/class/net/eth0/address /sys/class/net/eth1/address") || rc=$?
    [ "$rc" = 0 ] && [ "$(tr '\n' ' ' <<<"$out")" = "$NATIVE_MAC $NATIVE_MAC1 " ] && r=0 || r=1
    check "native: reload with contexts=2: eth0 and eth1, MACs +0 and +1" "$r" "$(tr '\n' ' ' <<<"$out")"
    out=$(guest 20 "ethtool -S eth0 | grep -E ' nic_(revokes|dropped_revoked):'") || true
    [ "$(awk '$1 == "nic_revokes:" { print $2 }' <<<"$out")" -ge 1 ] 2>/dev/null && r=0 || r=1
    check "native: the NIC counted the revoke of context 0 (ethtool -S)" "$r" "$(tr -s ' \n' ' ' <<<"$out")"
    native_up eth0 "$NATIVE_IP" >/dev/null || true
    rc=0; out=$(native_up eth1 "$NATIVE_IP1") || rc=$?
    rc=0; out=$(ip netns exec "$NS" sh -c "ping -c 2 -W 3 $NATIVE_IP && ping -c 2 -W 3 $NATIVE_IP1" 2>&1) || rc=$?
    check "native: after reload, the far end pings both contexts" "$rc" \
        "$(grep -o '[0-9]* received' <<<"$out" | tr '\n' ' ')"
    out=$(guest 20 "ethtool -S eth1 | grep -E ' (rx_packets|nic_rx_frames):'") || true
    [ "$(awk '$1 == "nic_rx_frames:" { print $2 }' <<<"$out")" -gt 0 ] 2>/dev/null && r=0 || r=1
    check "native: the NIC delivered frames to context 1 (ethtool -S eth1)" "$r" "$(tr '\n' ' ' <<<"$out")"

    rc=0; guest 30 "rmmod cdna" >/dev/null || rc=$?
    check "native: final rmmod" "$rc"

    # Leaks: Debian's kernel has no kmemleak, so count memory instead. One load
    # of a context takes about 0.5 MiB (128 RX pages, 3 ring pages, the net
    # device); 10 leaking cycles would lose over 5 MiB. The first cycle warms
    # the slab caches up and is not counted. Free memory is MemFree plus the
    # pages on the per-CPU free lists (/proc/zoneinfo's pageset counts): MemFree
    # alone moves by up to the lists' high mark (803 pages here) as they drain
    # and refill (1.2 MiB after a compaction drained them), which failed two
    # check runs with 2.0 and 2.7 MiB "lost" and no leak.
    rc=0; out=$(guest 120 "cycle() { insmod /lib/modules/cdna.ko && ip link set eth0 up && \
ip addr add $NATIVE_IP/24 dev eth0 && ping -c 1 -W 2 $FAR_IP >/dev/null; rmmod cdna; }; \
free_kb() { sync; echo 3 >/proc/sys/vm/drop_caches; \
awk '/^MemFree:/ { f = \$2 } \$1 == \"count:\" { p += \$2 } END { print f + p * 4 }' /proc/meminfo /proc/zoneinfo; }; \
cycle; a=\$(free_kb); n=0; i=0; while [ \$i -lt 10 ]; do cycle && n=\$((n+1)); i=\$((i+1)); done; \
b=\$(free_kb); echo cycles=\$n lost_kb=\$((a - b))") || rc=$?
    printf '%s\n' "$out" >"$RUN/native-leak.out"
    n=$(sed -n 's/^cycles=\([0-9]*\) .*/\1/p' <<<"$out"); v=$(sed -n 's/.*lost_kb=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"$out")
    [ "$rc" = 0 ] && [ "$n" = 10 ] && [ -n "$v" ] && [ "$v" -lt 2048 ] && r=0 || r=1
    check "native: 10 load/ping/unload cycles lose no memory" "$r" \
        "$n cycles with a ping each, free memory (MemFree + per-CPU lists) $v KiB lower after them (threshold 2048)"
    guest_dmesg_save native-dmesg.log

    # Every context the NIC offers, each a net device with its MAC; the last one
    # carries a ping; unloading revokes them all.
    local last=$((NATIVE_CONTEXTS - 1)) mac_last
    mac_last=$(printf '52:54:00:cd:00:%02x' $((0x20 + last)))
    rc=0; out=$(guest 120 "insmod /lib/modules/cdna.ko contexts=$NATIVE_CONTEXTS && sleep 1 && \
for i in \$(seq 0 $last); do ip link set eth\$i up; done; sleep 3; \
echo carriers=\$(cat /sys/class/net/eth*/carrier | grep -c 1); cat /sys/class/net/eth$last/address; \
ip addr add $NATIVE_IP/24 dev eth$last && ping -c 2 -W 3 -I eth$last $FAR_IP >/dev/null && echo ping-ok; \
rmmod cdna && echo rmmod-ok; ls /sys/class/net | tr '\n' ' '") || rc=$?
    printf '%s\n' "$out" >"$RUN/native-all-contexts.out"
    [ "$rc" = 0 ] && grep -qx "carriers=$NATIVE_CONTEXTS" <<<"$out" && grep -qx "$mac_last" <<<"$out" &&
        grep -qx ping-ok <<<"$out" && grep -qx rmmod-ok <<<"$out" && r=0 || r=1
    check "native: all $NATIVE_CONTEXTS contexts: net devices with carrier, eth$last has MAC +$last and pings, rmmod" "$r" \
        "$(tr '\n' ' ' <<<"$out")"

    # Power off with the driver bound and a TCP stream running: the driver's PCI
    # shutdown must revoke the context (the NIC stops writing memory a next
    # kernel would own). Kernel messages go to the console for this last step.
    from=$(stat -c %s "$CONSOLE_LOG")
    console_send "dmesg -n 7; insmod /lib/modules/cdna.ko && ip link set eth0 up && \
ip addr add $NATIVE_IP/24 dev eth0 && sleep 1 && (iperf3 -c $FAR_IP -t 30 >/dev/null 2>&1 &) && \
sleep 2; poweroff -f"$'\r'
    wait_console_quiet 'reboot: Power down' 60 || true
    sleep 1
    tail -c +$((from + 1)) "$CONSOLE_LOG" | tr -d '\r' >"$RUN/native-poweroff.log"
    out=$(grep -aE 'cdna.*shutdown|did not stop|leak|WARNING|BUG|Oops|reboot: Power down' "$RUN/native-poweroff.log")
    grep -q 'shutdown: 1 running contexts revoked' <<<"$out" && grep -q 'reboot: Power down' <<<"$out" &&
        [ "$(grep -cE 'did not stop|leak|WARNING|BUG|Oops' <<<"$out")" = 0 ] && r=0 || r=1
    check "native: power-off under traffic: the driver's PCI shutdown revokes the context" "$r" \
        "$(grep -o 'shutdown: .*' <<<"$out" | head -n1)"
    # The pcap is complete once QEMU has closed it.
    stop_qemu
    native_pcap_checks "$pcap"
}

# The wire as QEMU's filter-dump saw it, read by tshark.
native_pcap_checks() {
    local pcap=$1 out rc=0 r total echo_req echo_rep tcp_out tcp_in
    # The pings and the first iperf3 run's start are in the first frames; dissecting
    # all of them (over half a million) would take minutes.
    out=$(tshark -n -r "$pcap" -c 5000 -T fields -e eth.src -e eth.dst -e ip.src -e ip.dst \
          -e _ws.col.Protocol -e icmp.type 2>"$RUN/tshark.err") || rc=$?
    total=$(capinfos -M -c "$pcap" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }')
    printf '%s\n' "$out" >"$RUN/native-pcap.txt"
    echo_req=$(awk -F'\t' -v m="$NATIVE_MAC" -v s="$NATIVE_IP" -v d="$FAR_IP" \
        '$1 == m && $3 == s && $4 == d && $6 == 8' <<<"$out" | wc -l)
    echo_rep=$(awk -F'\t' -v m="$NATIVE_MAC" -v s="$FAR_IP" -v d="$NATIVE_IP" \
        '$2 == m && $3 == s && $4 == d && $6 == 0' <<<"$out" | wc -l)
    tcp_out=$(awk -F'\t' -v m="$NATIVE_MAC" -v s="$NATIVE_IP" '$1 == m && $3 == s && $5 ~ /TCP|iPerf/' <<<"$out" | wc -l)
    tcp_in=$(awk -F'\t' -v m="$NATIVE_MAC" -v d="$NATIVE_IP" '$2 == m && $4 == d && $5 ~ /TCP|iPerf/' <<<"$out" | wc -l)
    [ "$rc" = 0 ] && [ "$echo_req" -gt 0 ] && [ "$echo_rep" -gt 0 ] && [ "$tcp_out" -gt 0 ] && [ "$tcp_in" -gt 0 ] && r=0 || r=1
    check "native: pcap (filter-dump, tshark): guest MAC/IP <-> far end" "$r" \
        "$total frames, first $(wc -l <<<"$out") read; echo requests from the guest $echo_req, replies to it $echo_rep; TCP out $tcp_out, in $tcp_in"
}

native_checks() {
    local why
    why=$(native_unready)
    if [ -n "$why" ]; then
        echo "# SKIP native driver checks: $why"
        return 0
    fi
    command -v tshark >/dev/null || fail "native: tshark" "" "tshark missing (platform/deps.sh run)"
    [ -f "$RUN/throughput" ] || : >"$RUN/throughput"
    native_initrd
    native_bad_firmware_checks
    native_good_checks
}
