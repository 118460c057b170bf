#!/usr/bin/env bash
# The Xen glue on real Xen (hypervisor-protect/xen/README.md): boot QEMU ->
# Xen -> dom0 (e1000 uplink) + one PV domU with a second cdna NIC that dom0
# does not drive, then exercise the CDNA hypercall from dom0
# (cdna-hcall-smoke.c through privcmd) and from the domU (cdna-hcall-kmod.c:
# a domU's privcmd refuses arbitrary hypercalls, so a kernel module issues
# them), one TAP line per check, last line "xen-glue: N passed, M failed".
#   tests/system/cdna-hcall-smoke.sh          (root; make platform, make firmware first)
# Heavy: wrap it in `flock /tmp/cdna-heavy.lock` on a shared machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CDNA_DOM0_NIC=e1000 CDNA_DOMUS=1
# shellcheck source=tests/system/orchestrator.sh
. "$here/orchestrator.sh"
# shellcheck source=tests/system/checks.sh
. "$here/checks.sh"

[ "$(id -u)" -eq 0 ] || { echo "$0: needs root" >&2; exit 1; }
system_run_start

# The tools: the static dom0 tool, the domU module (against the images'
# kernel), and the domU's root with both and the xen-privcmd/xen-evtchn
# modules appended (taken from dom0's root: same kernel).
B="$RUN/tools"
mkdir -p "$B/kmod" "$B/extra/usr/sbin" "$B/extra/usr/lib/cdna" "$B/root"
gcc -O2 -Wall -static -I"$REPO_DIR/include" -I"$REPO_DIR/dom0-mgr" -I"$REPO_DIR/firmware/image" \
    -o "$B/cdna-hcall-smoke" "$here/cdna-hcall-smoke.c" "$REPO_DIR/dom0-mgr/errmsg.c" \
    "$REPO_DIR/firmware/image/image_check.c" "$REPO_DIR/firmware/image/crc32.c" ||
    fail "build cdna-hcall-smoke" "" "gcc failed"
kver=$("$REPO_DIR/guest-driver/linux/build.sh" kver)
cp "$here/cdna-hcall-kmod.c" "$B/kmod/"
printf 'obj-m := cdna-hcall-kmod.o\nccflags-y := -I%s -I%s\n' \
    "$REPO_DIR/guest-driver/linux/shim" "$REPO_DIR/include" >"$B/kmod/Kbuild"
make -C "/usr/src/linux-headers-$kver" M="$B/kmod" modules >"$B/kmod/build.log" 2>&1 ||
    fail "build cdna-hcall-kmod" "$B/kmod/build.log" "module build failed"
(cd "$B/root" && cpio -i --quiet -d 'var/lib/cdna/domu/initrd.cpio' \
    "usr/lib/modules/$kver/kernel/drivers/xen/xen-privcmd.ko" \
    "usr/lib/modules/$kver/kernel/drivers/xen/xen-evtchn.ko" <"$DOM0_INITRD")
cp "$B/cdna-hcall-smoke" "$B/extra/usr/sbin/"
cp "$B/kmod/cdna-hcall-kmod.ko" "$B/root/usr/lib/modules/$kver/kernel/drivers/xen/"*.ko \
    "$B/extra/usr/lib/cdna/"
(cd "$B/extra" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$B/extra.cpio"
cat "$B/root/var/lib/cdna/domu/initrd.cpio" "$B/extra.cpio" >"$B/domu-initrd.cpio"
rm -rf "$B/root"
cp "$CDNA_FLASH" "$RUN/nic1-flash.bin"
port=$((47000 + $$ % 1000))
export CDNA_QEMU_EXTRA="${CDNA_QEMU_EXTRA:-} -netdev socket,id=c0,listen=127.0.0.1:$port -device cdna,netdev=c0,contexts=8,flash=$RUN/nic1-flash.bin"
export CDNA_DOM0_FILES="$B/cdna-hcall-smoke=usr/sbin/cdna-hcall-smoke $B/domu-initrd.cpio=var/lib/cdna/domu/initrd.cpio"

boot_dom0 boot
start_domus 1

S=cdna-hcall-smoke
LAST=""
# run CMD: in dom0, output kept in LAST (and in the run's smoke.log).
run() {
    LAST=$(dom0 120 "$*" 2>&1) || true
    { echo "### $*"; printf '%s\n' "$LAST"; } >>"$RUN/smoke.log"
}
# expect NAME PATTERN: the last command's output matches PATTERN (grep -E).
expect() {
    local ok=1
    tr '\n' ' ' <<<"$LAST" | grep -qE "$2" && ok=0
    check "$1" "$ok" "$(tr '\n' ' ' <<<"$LAST" | cut -c1-160)"
}
# field KEY: KEY=VALUE from the last output.
field() { tr ' ' '\n' <<<"$LAST" | sed -n "s/^$1=//p" | head -n1; }

run "$S find"
NIC=$(grep 'driver=none' <<<"$LAST" | tr ' ' '\n' | sed -n 's/^nic=//p' | head -n1)
check "dom0 sees the second cdna NIC, unbound" "$([ -n "$NIC" ] && echo 0 || echo 1)" "$NIC"
run "$S bar $NIC 2 0x1000";  expect "dom0 maps BAR2 page 1 before registration" 'bar2\+0x1000=[0-9]'
run "$S raw 99";             expect "unknown command: ENOSYS" 'raw ENOSYS'
run "$S raw 2 0x10";         expect "unreadable argument: EFAULT" 'raw EFAULT'
run "$S query 0";            expect "QUERY before registration: ENOENT" 'query ENOENT'
run "$S register $NIC";      expect "REGISTER_NIC" 'register OK num_ctx=8'
run "$S register $NIC";      expect "REGISTER_NIC again: EBUSY" 'register EBUSY'
run "$S bar $NIC 2 0x1000";  expect "dom0 can no longer map BAR2 page 1" 'bar2\+0x1000=fault'
run "$S bar $NIC 2 0x0";     expect "BAR2 page 0 stays dom0's (MGMT_ID)" 'bar2\+0=0xcd4a0002'
run "$S bar $NIC 0 0x1c";    expect "BAR0 denied to dom0 before an assignment" 'bar0\+0x1c=fault'
run "xl dmesg | grep 'cdna:' | sed 's/^.XEN./XEN:/'"
expect "Xen logs the registration and the MSI" 'registered: BAR0 .*contexts'
expect "Xen took the NIC's MSI" 'MSI on irq [0-9]+'
run "$S assign 0 any 02:cd:4a:00:00:01 9"
expect "ASSIGN a context to dom0" 'assign OK ctx=0 .*evtchn=[1-9]'
CTX=$(field ctx); TXR=$(field tx_ring); CP=$(field ctx_page); EV=$(field evtchn)
run "$S bar $NIC 0 0x1c";    expect "dom0 maps its context's BAR0 page" 'bar0\+0x1c=[0-9]'
run "$S bar $NIC 0 0x101c";  expect "not another context's" 'bar0\+0x101c=fault'
run "$S alloc"
if [ "$(field rc)" != 1 ]; then run "xl mem-set 0 $((CDNA_DOM0_MEM - 24)); sleep 5"; run "$S alloc"; fi
M=$(field maddr)
run "$S alloc"; M2=$(field maddr)
check "two pages from increase_reservation" "$([ -n "$M" ] && [ -n "$M2" ] && echo 0 || echo 1)" "$M $M2"
run "$S enqueue $CTX tx $M 64 1 3";   expect "ENQUEUE TX x3 of dom0's page" 'enqueue OK done=3'
run "$S enqueue $CTX rx $M 2048 0 2"; expect "ENQUEUE RX x2" 'enqueue OK done=2'
run "$S query $CTX";                  expect "5 references held" 'refs_held=5'
run "$S enqueue $CTX tx $TXR 64 1";   expect "a ring page: NOT_RAM" 'EPERM .*reason=6'
run "$S enqueue $CTX tx $CP 64 1";    expect "the BAR0 page: NOT_RAM" 'EPERM .*reason=6'
run "$S enqueue $CTX tx $((M + 4000)) 200 1"; expect "crossing a page: CROSSES_PAGE" 'EINVAL .*reason=4'
run "$S pin $((M2 >> 12))";           expect "pin the second page as an L1 table" 'pin rc=0'
run "$S enqueue $CTX rx $M2 2048 0";  expect "RX into a page table: NOT_WRITABLE" 'EPERM .*reason=7'
run "$S unpin $((M2 >> 12))"
run "$S enqueue $CTX rx $M2 2048 0";  expect "RX into it once unpinned" 'enqueue OK done=1'
run "($S wait $EV 8000 >/tmp/wait.out 2>&1 &); sleep 1; $S bar $NIC 0 0x8 1; $S bar $NIC 0 0x0 3; sleep 3; cat /tmp/wait.out"
expect "doorbell -> NIC -> MSI -> Xen -> event channel in dom0" 'event port=[0-9]+'
run "$S query $CTX";                  expect "the NIC consumed 3 TX, references dropped lazily" 'tx_cons=3 .*refs_held=3'
run "$S free $((M >> 12))";           expect "dom0 gives back a page the NIC may use" 'free rc=1'
run "$S map $((TXR >> 12)) rw";       expect "a ring page never maps writable" 'refused'
run "$S map $((TXR >> 12)) ro";       expect "a ring page maps read-only" 'ro ok'
run "($S map $((TXR >> 12)) ro 25 >/tmp/map.out 2>&1 &); sleep 2; cat /tmp/map.out"
run "$S revoke $CTX";                 expect "REVOKE returns the references" 'revoke OK refs_returned=3'
run "$S stats any";                   expect "none held in all" 'refs_held=0'
run "$S bar $NIC 0 0x1c";             expect "BAR0 page denied again after REVOKE" 'bar0\+0x1c=fault'
D=$(dom0 20 "xl domid domu1" | tr -d '\r' | tail -n1)
run "$S assign $D $CTX 02:cd:4a:00:00:0a"
expect "the context goes to the domU while dom0 still maps its old ring" 'assign OK'
check "with fresh pages: the old ring page is not the domU's" \
    "$([ -n "$(field tx_ring)" ] && [ "$(field tx_ring)" != "$TXR" ] && echo 0 || echo 1)" "$(field tx_ring) vs $TXR"
run "$S revoke $CTX"
run "sleep 25; cat /tmp/map.out; $S assign $D any 02:cd:4a:00:00:02"
expect "once dom0 unmapped, the domU gets a context again" 'assign OK'
C1=$(field ctx); EV1=$(field evtchn); TXR1=$(field tx_ring)
run "$S assign $D any 02:cd:4a:00:00:03 4"; expect "PROMISC for a domU: EINVAL" 'assign EINVAL'
run "$S enqueue $C1 tx $M2 64 1";           expect "dom0 on the domU's context: NOT_OWNER" 'EPERM .*reason=0'
X() { run "cdna-domus exec domu1 60 '$*'"; }
X "insmod /usr/lib/cdna/xen-evtchn.ko; $S bind $EV1"
expect "the domU binds its context's port (DOMID_SELF)" 'local_port=[0-9]+ errno=0'
X "insmod /usr/lib/cdna/cdna-hcall-kmod.ko ctx=$C1 other_maddr=$M2 xen_maddr=$TXR1 map_maddr=$TXR1; dmesg | grep cdna_hcall"
expect "domU: QUERY its context" 'query own rc=0 state=1'
expect "domU: QUERY another: EPERM" 'query other rc=-1 '
expect "domU: STATS, REGISTER, ASSIGN, REVOKE: EPERM" 'stats rc=-1.*register rc=-1.*assign rc=-1.*revoke rc=-1'
expect "domU: bad pointer EFAULT, bad command ENOSYS" 'bad pointer rc=-14.*bad command rc=-38'
expect "domU: ENQUEUE its own page TX x5, RX x2" 'tx own x5 rc=0 done=5.*rx own x2 rc=0 done=2'
expect "domU: dom0's page NOT_OWNED, a ring page NOT_RAM" "other domain's page rc=-1 done=0 prod=5 reason=5.*ring page rc=-1 done=0 prod=2 reason=6"
expect "domU: 7 references held" 'query own rc=0 tx_prod=5 rx_prod=2 refs=7'
expect "domU: its TX ring maps read-only, never writable (and stays mapped)" 'map ring page rw rc=-[0-9]+ .*map ring page ro rc=0 word0='
run "$S stats $C1";                         expect "dom0 sees the domU's 7 references" 'domid=[1-9][0-9]* state=1 .*refs_held=7'
X "dmesg | grep cdna_hcall";                 expect "domU: NIC_RESET: EPERM" 'nic reset rc=-1'
run "$S nicreset end";                      expect "NIC_RESET END before the firmware was reset: nothing to restore" 'nicreset OK contexts=0'
run "$S nicreset begin"
expect "NIC_RESET BEGIN suspends the domU's context and returns its 7 references" 'nicreset OK contexts=1 refs_returned=7 failed=0'
run "$S stats any";                         expect "none held while the NIC resets" 'refs_held=0'
run "$S assign $D any 02:cd:4a:00:00:06";   expect "ASSIGN while the NIC resets: EBUSY" 'assign EBUSY'
run "i=0; until $S bar $NIC 2 0x8 | grep -q '=0x2\$' || [ \$i -ge 100 ]; do sleep 0.1; i=\$((i+1)); done; $S bar $NIC 2 0x8"
expect "the firmware runs again after the reset (MGMT_FW_STATE RUNNING)" 'bar2\+0x8=0x2( |$)'
run "$S nicreset end";                      expect "NIC_RESET END restores the domU's context" 'nicreset OK contexts=1 refs_returned=0 failed=0'
run "$S stats $C1";                         expect "restored: the domU's, running, nothing held" 'domid=[1-9][0-9]* state=1 .*refs_held=0'
run "xl destroy domu1; sleep 2; echo domus=\$(xl list | grep -c domu1)"
expect "xl destroy: the domU is gone, no zombie" 'domus=0'
run "$S stats $C1";                         expect "its context revoked at death: no owner, 0 references" 'domid=65535 state=2 .*refs_held=0'
run "$S stats any";                         expect "0 references held in all" 'refs_held=0'
run "$S assign 0 $C1 02:cd:4a:00:00:05 1"
expect "the context and its pages (mapped by the domU until it died) are assignable again" 'assign OK'
run "$S revoke $C1"
run "xl dmesg | grep 'cdna:' | sed 's/^.XEN./XEN:/'"
expect "the domU's management calls were logged" 'd[0-9]+v0 cdna: op 4 refused: not dom0'
check "refused pages are not logged one by one" \
    "$(grep -q 'Error mfn' <<<"$(dom0 20 "xl dmesg | sed 's/^.XEN./XEN:/'")" && echo 1 || echo 0)"
check "no page left referenced after the domU died" \
    "$(grep -q 'still referenced' <<<"$LAST" && echo 1 || echo 0)"
split_logs
check "Xen did not crash" "$(grep -aqE 'Panic on CPU|FATAL|Assertion' "$RUN/xen.log" && echo 1 || echo 0)" "$RUN/xen.log"
shutdown_platform
echo "xen-glue: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
