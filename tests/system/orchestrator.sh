# shellcheck shell=bash
# The system test orchestrator: boots QEMU (TCG) -> Xen -> dom0 in a network
# namespace of its own, drives dom0's console, keeps every log in a run
# directory and tears everything down on exit, failure or Ctrl-C.
# Sourced by tests/system/run.sh, never run.
#
# How commands reach dom0: over the serial console itself. QEMU's serial port is
# a pair of FIFOs (chardev pipe); dom0's init leaves a root shell on hvc0, which
# Xen multiplexes onto that serial line. Each command is sent followed by an
# `echo` of a unique end marker with its exit status, and its output is what the
# console printed before the marker. Why this channel: it needs nothing in dom0
# beyond the shell already there, works before any driver (network, virtio) is
# up, so a broken datapath can still be diagnosed, and is the same console a
# person gets from `make shell`. Virtio channels under a PV dom0 depend on the
# kernel's Xen grant/DMA handling of virtio; the network is what is under test.
# dom0 reaches the domUs over xenstore (see platform/images/cdna-domus).

SYS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=platform/lib.sh
. "$SYS_DIR/../../platform/lib.sh"

# Parameters (environment): number of domUs, memory, dom0's NIC, extra QEMU
# arguments, TCG mode, timeouts.
CDNA_DOMUS="${CDNA_DOMUS:-2}"
CDNA_DOMU_MEM="${CDNA_DOMU_MEM:-256}"
CDNA_DOM0_MEM="${CDNA_DOM0_MEM:-1024}"
CDNA_QEMU_MEM="${CDNA_QEMU_MEM:-$((CDNA_DOM0_MEM + CDNA_DOMUS * CDNA_DOMU_MEM + 384))}"
CDNA_QEMU_EXTRA="${CDNA_QEMU_EXTRA:-}"
# dom0's NIC: the cdna NIC with cdna.ko (dom0's context under Xen with CDNA,
# native mode under a Xen without; its own traffic and the netback bridge's
# uplink), or QEMU's e1000 (the platform issue's NIC).
CDNA_DOM0_NIC="${CDNA_DOM0_NIC:-cdna}"
# The NIC's flash: `make firmware` writes it (cdna-image flash); QEMU writes
# the copy each run gets.
CDNA_FLASH="${CDNA_FLASH:-$REPO_DIR/build/firmware/cdna-flash.bin}"
# Each domU's network, one word per guest in order (the last repeats): cdna
# (a context of the NIC, assigned by cdnactl) or vif (netfront/netback).
CDNA_DOMU_NETS="${CDNA_DOMU_NETS:-vif}"
# Whether dom0's cdna.ko takes a context (the bridge's uplink) under Xen with
# CDNA; 0 leaves all of them to the guests (32 CDNA guests); native: dom0
# drives the NIC itself, not registered with Xen (the netback baseline).
CDNA_DOM0_CONTEXT="${CDNA_DOM0_CONTEXT:-1}"
# xl's tsc_mode for the domUs.  Default "native": the guests read the TSC
# themselves, as they would on hardware with an invariant TSC.  Set empty
# for Xen's own default, which traps and emulates every rdtsc of a PV guest
# when the CPU reports no invariant TSC, as QEMU's TCG CPUs do not (they
# cannot: TCG has no invtsc): 867,000 #GP exceptions over one guest's TCP
# test, and a quarter of its TCP throughput (docs/results.md).  dom0's TSC
# is always native in Xen.
CDNA_DOMU_TSC="${CDNA_DOMU_TSC-native}"
# A pcap of the wire (empty: none) and how much of each frame it keeps.
CDNA_PCAP="${CDNA_PCAP:-}"
CDNA_PCAP_SNAPLEN="${CDNA_PCAP_SNAPLEN:-128}"
CDNA_SMP="${CDNA_SMP:-2}"                 # QEMU's CPUs (Xen's pCPUs)
# One dom0 vCPU: under single-threaded TCG a second one adds SMP overhead (IPIs,
# TLB flush hypercalls) and no speed; measured 3-4 s faster to domUs reachable.
CDNA_DOM0_VCPUS="${CDNA_DOM0_VCPUS:-1}"
# Kernel arguments that shorten boot under TCG: fewer console lines (each byte is
# emulated I/O through Xen's serial driver), no crypto self-tests, no IPv6 (unused).
CDNA_FAST_ARGS="quiet cryptomgr.notests ipv6.disable=1"
CDNA_DOM0_ARGS="${CDNA_DOM0_ARGS-$CDNA_FAST_ARGS}"
CDNA_DOMU_ARGS="${CDNA_DOMU_ARGS-$CDNA_FAST_ARGS}"
# Single-threaded TCG: multi-threaded TCG collapses when another process takes a core.
CDNA_TCG="${CDNA_TCG:-tcg,thread=single}"
CDNA_BOOT_TIMEOUT="${CDNA_BOOT_TIMEOUT:-180}"     # each boot stage of Xen and dom0
# All domUs up: about 10 s each under TCG with 8 (measured), and 32 took
# xl create up to 400 s each.
CDNA_DOMU_TIMEOUT="${CDNA_DOMU_TIMEOUT:-$((60 + 25 * CDNA_DOMUS))}"
# Clean shutdown of all domUs before they are destroyed: 32 domUs took over 40 s
# under TCG (measured), so it grows with N; dom0 then destroys the stragglers.
CDNA_STOP_TIMEOUT="${CDNA_STOP_TIMEOUT:-$((30 + 3 * CDNA_DOMUS))}"
# Addresses: all inside the test's own namespace (far end .1, dom0 .2, domUi .10+i).
NET_PREFIX=10.99.0
# What Xen prints once dom0 has powered off (with noreboot it halts or enters S5).
XEN_OFF_PATTERN='\(XEN\).*([Hh]alt|Entering ACPI S5)' 
FAR_IP=$NET_PREFIX.1
DOM0_IP=$NET_PREFIX.2

RUN=""            # run directory
NS=""             # network namespace
QEMU_PID=""
READER_PID=""
IPERF_PID=""
CON_FD=""
CONSOLE_LOG=""    # the running QEMU's serial console log (launch_qemu)
QEMU_STDERR=""
T_QEMU=""         # QEMU start, seconds since the epoch (with fractions)
CMD_SEQ=0

now() { date +%s.%N; }
# since T: seconds elapsed since T, one decimal.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[system %6ss] %s\n' "$( [ -n "$T_QEMU" ] && since "$T_QEMU" || echo -)" "$*"; }

# fail STEP LOG MESSAGE: name the step and the log, print its last lines, tear down.
# Called inside $(...) too: there it stops the main shell with SIGUSR1 (see run.sh),
# so a wedged platform never costs more than one timeout.
fail() {
    local step=$1 log=$2; shift 2
    if [ "$BASH_SUBSHELL" -gt 0 ] && [ "$BASHPID" != "$$" ]; then
        ( printf '\nFAILED step "%s": %s\n' "$step" "$*"
          printf 'run directory: %s\n' "$RUN"
          if [ -n "$log" ] && [ -f "$log" ]; then
              printf 'log: %s\n--- last lines ---\n' "$log"
              tail -n 30 "$log" | tr -d '\r'
              printf -- '------------------\n'
          fi ) >"$RUN/fatal"
        kill -USR1 $$
        exit 1
    fi
    split_logs || true
    printf '\nFAILED step "%s": %s\n' "$step" "$*" >&2
    printf 'run directory: %s\n' "$RUN" >&2
    if [ -n "$log" ] && [ -f "$log" ]; then
        printf 'log: %s\n--- last lines ---\n' "$log" >&2
        tail -n 30 "$log" | tr -d '\r' >&2
        printf -- '------------------\n' >&2
    fi
    exit 1
}

# Files of the platform, from the cache; `make platform` builds them.
find_platform() {
    local q x i
    # CDNA_QEMU_DIR: a QEMU built elsewhere (e.g. another work tree's cache entry).
    q=${CDNA_QEMU_DIR:-$(qemu_dir)}; x=$(xen_dir); i=$(images_dir)
    for d in "$q" "$x" "$i"; do
        [ -f "$d/.cdna-complete" ] ||
            fail "find platform" "" "$d is not built: run 'make platform' (or platform/build.sh all)"
    done
    QEMU_BIN="$q/bin/qemu-system-x86_64"
    QEMU_DATA="$q/share/qemu"
    XEN_BIN="$x/xen"
    DOM0_KERNEL="$i/dom0-vmlinux"
    DOM0_INITRD="$i/dom0-initrd.cpio"
    # shellcheck disable=SC2034 # used by native.sh
    NATIVE_INITRD="$i/native-initrd.cpio"
}

# system_run_start: what every entry point does first: the Debian packages
# a run needs, the platform's files, stale namespaces gone, a run directory,
# and teardown on exit, Ctrl-C or a failure inside $(...) (see fail).
system_run_start() {
    "$REPO_DIR/platform/deps.sh" run
    find_platform
    clean_stale
    make_run_dir
    trap teardown EXIT
    trap 'say "interrupted"; exit 130' INT TERM HUP
    trap 'cat "$RUN/fatal" >&2 2>/dev/null; exit 1' USR1
}

# Namespaces and run directories left by runs that were killed (SIGKILL, power
# loss): ours are named after the PID that made them, so a dead PID means stale.
clean_stale() {
    local ns pid p
    for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep '^cdna-[0-9]*-' || true); do
        pid=${ns#cdna-}; pid=${pid%%-*}
        if ! kill -0 "$pid" 2>/dev/null; then
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
}

make_run_dir() {
    local base="${CDNA_RUN_BASE:-$REPO_DIR/build/system-runs}"
    RUN="$base/$(date -u +%Y%m%d-%H%M%S)-$$"
    mkdir -p "$RUN"
    ln -sfn "$RUN" "$base/latest" 2>/dev/null || true
}

# The far end: a namespace of this run holding QEMU's tap device and an iperf3
# server. QEMU itself runs inside it, so the guests can reach nothing else.
setup_netns() {
    NS="cdna-$$-$RANDOM"
    ip netns add "$NS" || fail "network namespace" "" "cannot create namespace $NS (root needed)"
    ip -n "$NS" link set lo up
    ip -n "$NS" tuntap add dev tap0 mode tap
    ip -n "$NS" addr add "$FAR_IP/24" dev tap0
    ip -n "$NS" link set tap0 up
    ip netns exec "$NS" iperf3 -s -B "$FAR_IP" >"$RUN/iperf3-server.log" 2>&1 &
    IPERF_PID=$!
}

qemu_cmdline() {
    local mode=$1 xen_args dom0_args
    xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all console_timestamps=boot"
    xen_args+=" dom0_mem=${CDNA_DOM0_MEM}M,max:${CDNA_DOM0_MEM}M dom0_max_vcpus=$CDNA_DOM0_VCPUS noreboot bootscrub=0"
    # cdna.domus: dom0's init creates the domUs itself, as soon as its bridge is up.
    dom0_args="console=hvc0 earlyprintk=xen $CDNA_DOM0_ARGS cdna.ip=$DOM0_IP/24 cdna.domus=$CDNA_DOMUS"
    dom0_args+=" cdna.domu_mem=$CDNA_DOMU_MEM cdna.domu_args=$(printf '%s' "$CDNA_DOMU_ARGS" | tr ' ,' '+_')"
    dom0_args+=" cdna.domu_nets=$(printf '%s' "$CDNA_DOMU_NETS" | tr ' ' '+') cdna.dom0_ctx=$CDNA_DOM0_CONTEXT"
    [ -n "$CDNA_DOMU_TSC" ] && dom0_args+=" cdna.domu_tsc=$CDNA_DOMU_TSC"
    QEMU_ARGS=(-accel "$CDNA_TCG" -machine q35 -cpu qemu64,+svm -smp "$CDNA_SMP" -m "$CDNA_QEMU_MEM"
        -display none -vga none -no-reboot -nodefaults
        -L "$QEMU_DATA" -L /usr/share/seabios
        -kernel "$XEN_BIN" -append "$xen_args"
        # Multiboot modules: dom0's kernel with its arguments, then its initramfs
        # (a comma inside a module's arguments would be written ',,').
        -initrd "$DOM0_KERNEL $dom0_args,$DOM0_INITRD"
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no)
    if [ "$CDNA_DOM0_NIC" = cdna ]; then
        QEMU_ARGS+=(-device "cdna,netdev=n0,mac=52:54:00:c0:ff:02,contexts=32,flash=$RUN/nic-flash.bin")
    else
        QEMU_ARGS+=(-device e1000,netdev=n0,mac=52:54:00:c0:ff:02,romfile=)
    fi
    # The wire as a pcap (frames cut at CDNA_PCAP_SNAPLEN bytes): what the NIC
    # sent and received, readable by tshark.
    if [ -n "$CDNA_PCAP" ]; then
        QEMU_ARGS+=(-object "filter-dump,id=wire0,netdev=n0,file=$CDNA_PCAP,maxlen=$CDNA_PCAP_SNAPLEN")
    fi
    if [ "$mode" = shell ]; then
        # The person's terminal is the serial line; Ctrl-a x quits QEMU.
        QEMU_ARGS+=(-chardev "stdio,id=con0,mux=on,signal=off,logfile=$RUN/console.log"
                    -serial chardev:con0 -mon chardev=con0,mode=readline)
    else
        QEMU_ARGS+=(-chardev "pipe,id=con0,path=$RUN/serial" -serial chardev:con0 -monitor none)
    fi
    # shellcheck disable=SC2206 # extra arguments are split on spaces on purpose
    [ -n "$CDNA_QEMU_EXTRA" ] && QEMU_ARGS+=($CDNA_QEMU_EXTRA)
    printf '%q ' "$QEMU_BIN" "${QEMU_ARGS[@]}" >"$RUN/qemu.cmdline"
    echo >>"$RUN/qemu.cmdline"
}

# stop_qemu: end the running QEMU (TERM, then KILL) and its console reader.
stop_qemu() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill -TERM "$QEMU_PID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$QEMU_PID" 2>/dev/null || true
    fi
    # Also called under set -e: the statuses of what was killed are no failure.
    [ -n "$QEMU_PID" ] && { wait "$QEMU_PID" 2>/dev/null || true; }
    [ -n "$READER_PID" ] && { kill "$READER_PID" 2>/dev/null || true; wait "$READER_PID" 2>/dev/null || true; }
    [ -n "$CON_FD" ] && exec {CON_FD}>&-
    QEMU_PID="" READER_PID="" CON_FD=""
    return 0
}

teardown() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    stop_qemu
    [ -n "$IPERF_PID" ] && { kill "$IPERF_PID" 2>/dev/null; wait "$IPERF_PID" 2>/dev/null; }
    if [ -n "$NS" ]; then
        local p
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$NS" 2>/dev/null
    fi
    split_logs 2>/dev/null
    # Big copies of cached files: not worth keeping with the logs.
    [ -n "$RUN" ] && rm -f "$RUN/dom0-initrd.cpio" "$RUN/native-initrd.cpio"
    [ -n "$RUN" ] && echo "logs: $RUN"
    exit "$rc"
}

# Split the serial log: Xen's own lines, and the rest (dom0's console).
split_logs() {
    [ -n "$RUN" ] && [ -f "$RUN/console.log" ] || return 0
    tr -d '\r' <"$RUN/console.log" | grep -a '^(XEN)' >"$RUN/xen.log" || true
    tr -d '\r' <"$RUN/console.log" | grep -av '^(XEN)' >"$RUN/dom0.log" || true
}

# cdna_ko: the tree's cdna.ko in CDNA_KO, built once per run (dom0's, the
# domUs' and the native guest's are the same file).
CDNA_KO=""
cdna_ko() {
    [ -n "$CDNA_KO" ] && return 0
    CDNA_KO=$("$REPO_DIR/guest-driver/linux/build.sh") ||
        fail "build cdna.ko" "" "guest-driver/linux/build.sh failed"
}

# initrd_with_driver SRC OUT PATH: the image's root SRC plus the freshly built
# cdna.ko at PATH (relative; none if PATH is empty), as two concatenated cpio archives (the kernel
# unpacks both): the driver is the tree's, not the cached image's.  PATH must
# not cross a symlink of SRC (dom0's /lib is one, to usr/lib: a directory
# entry for lib in the second archive would replace it).
# CDNA_DOM0_FILES adds more host files to dom0's: "HOST_PATH=DEST ..." (DEST
# relative to dom0's root, e.g. usr/sbin/tool).
initrd_with_driver() {
    local extra="$RUN/driver-extra" f
    rm -rf "$extra"
    mkdir -p "$extra"
    if [ -n "$3" ]; then
        cdna_ko
        mkdir -p "$extra/$(dirname "$3")"
        cp "$CDNA_KO" "$extra/$3"
    fi
    if [ "$1" = "$DOM0_INITRD" ]; then
        for f in ${CDNA_DOM0_FILES:-}; do
            [ -f "${f%%=*}" ] || fail "dom0 files" "" "CDNA_DOM0_FILES: no file ${f%%=*}"
            mkdir -p "$extra/$(dirname "${f#*=}")"
            cp "${f%%=*}" "$extra/${f#*=}"
        done
    fi
    (cd "$extra" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
        cpio --null -o -H newc --quiet) >"$RUN/driver-extra.cpio"
    cat "$1" "$RUN/driver-extra.cpio" >"$2"
}

# dom0_nic_setup: what dom0's NIC needs before QEMU starts: for the cdna NIC,
# its flash (a copy) and dom0's initramfs with cdna.ko.
dom0_nic_setup() {
    if [ "$CDNA_DOM0_NIC" != cdna ]; then
        # dom0 without the cdna driver, but with the extra files if asked for.
        [ -n "${CDNA_DOM0_FILES:-}" ] || return 0
        initrd_with_driver "$DOM0_INITRD" "$RUN/dom0-initrd.cpio" ""
        DOM0_INITRD="$RUN/dom0-initrd.cpio"
        return 0
    fi
    [ -f "$CDNA_FLASH" ] ||
        fail "dom0 NIC" "" "no NIC flash file $CDNA_FLASH (make firmware)"
    cp "$CDNA_FLASH" "$RUN/nic-flash.bin"
    dom0_cdna_files
    initrd_with_driver "$DOM0_INITRD" "$RUN/dom0-initrd.cpio" usr/lib/cdna/cdna.ko
    DOM0_INITRD="$RUN/dom0-initrd.cpio"
}

# dom0_cdna_files: what dom0 needs for CDNA guests, added to CDNA_DOM0_FILES:
# cdnactl (dom0-mgr/, `make cdnactl`) and cdna.ko for the domUs' root, as a
# cpio archive dom0 appends to their initramfs (platform/images/cdna-domus).
dom0_cdna_files() {
    local d="$RUN/domu-extra"
    [ -x "$REPO_DIR/build/bin/cdnactl" ] &&
        CDNA_DOM0_FILES="${CDNA_DOM0_FILES:-} $REPO_DIR/build/bin/cdnactl=usr/sbin/cdnactl"
    # Firmware images for activation under the guests (mk/firmware.mk,
    # mk/model.mk): a second valid version and one that crashes at boot.
    local img
    for img in cdna-fw-v2.img:fw-v2.img fault-boot.img:fault-boot.img; do
        [ -f "$REPO_DIR/build/firmware/test/${img%%:*}" ] &&
            CDNA_DOM0_FILES="${CDNA_DOM0_FILES:-} $REPO_DIR/build/firmware/test/${img%%:*}=usr/lib/cdna/${img#*:}"
    done
    cdna_ko
    rm -rf "$d"; mkdir -p "$d/cdna"
    cp "$CDNA_KO" "$d/cdna/cdna.ko"
    (cd "$d" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
        cpio --null -o -H newc --quiet) >"$RUN/domu-extra.cpio"
    CDNA_DOM0_FILES="${CDNA_DOM0_FILES:-} $RUN/domu-extra.cpio=usr/lib/cdna/domu-extra.cpio"
}

start_qemu() {
    local mode=$1
    dom0_nic_setup
    qemu_cmdline "$mode"
    if [ "$mode" = shell ]; then
        T_QEMU=$(now)
        ip netns exec "$NS" "$QEMU_BIN" "${QEMU_ARGS[@]}" 2>"$RUN/qemu.stderr" || true
        return 0
    fi
    launch_qemu ""
}

# launch_qemu PREFIX: start QEMU with QEMU_ARGS in the namespace; its serial port is
# the FIFO pair $RUN/PREFIXserial.{in,out} (QEMU_ARGS must name $RUN/PREFIXserial),
# its console goes to $RUN/PREFIXconsole.log (CONSOLE_LOG), its output to
# $RUN/PREFIXqemu.{stdout,stderr}.
launch_qemu() {
    local p=$1
    mkfifo "$RUN/${p}serial.in" "$RUN/${p}serial.out"
    CONSOLE_LOG="$RUN/${p}console.log"
    QEMU_STDERR="$RUN/${p}qemu.stderr"
    : >"$CONSOLE_LOG"
    T_QEMU=$(now)
    # Its own session: a Ctrl-C reaches the orchestrator, which then tears down in
    # order (and reports "interrupted", not "QEMU exited"). A run killed outright
    # leaves QEMU in its namespace, where clean_stale finds it.
    ip netns exec "$NS" setsid "$QEMU_BIN" "${QEMU_ARGS[@]}" </dev/null >"$RUN/${p}qemu.stdout" 2>"$QEMU_STDERR" &
    QEMU_PID=$!
    # QEMU opens both FIFOs read-write, so neither side blocks on open.
    cat "$RUN/${p}serial.out" >>"$CONSOLE_LOG" &
    READER_PID=$!
    exec {CON_FD}<>"$RUN/${p}serial.in"
}

qemu_alive() { kill -0 "$QEMU_PID" 2>/dev/null; }

# wait_console PATTERN TIMEOUT STEP [FROM_BYTE]: wait until the console log shows
# PATTERN (grep -E) after byte FROM_BYTE. Fails naming the step if QEMU dies or time runs out.
wait_console() {
    console_seen "$@" || fail "$3" "$CONSOLE_LOG" "timed out after ${2}s waiting for /$1/"
}

# console_seen PATTERN TIMEOUT STEP [FROM_BYTE]: wait_console, but time running
# out is status 1, not a failure (QEMU dying still is).
console_seen() {
    local pat=$1 timeout=$2 step=$3 from=${4:-0} t0
    t0=$(now)
    while :; do
        if tail -c +$((from + 1)) "$CONSOLE_LOG" | tr -d '\r' | grep -aqE "$pat"; then
            return 0
        fi
        qemu_alive || fail "$step" "$QEMU_STDERR" "QEMU exited (see also $CONSOLE_LOG)"
        if awk -v a="$(since "$t0")" -v t="$timeout" 'BEGIN { exit !(a >= t) }'; then
            return 1
        fi
        sleep 0.2
    done
}

# Xen queues serial input for dom0 in a 128-byte ring: send in small pieces.
console_send() {
    local s=$1 i
    for ((i = 0; i < ${#s}; i += 32)); do
        printf '%s' "${s:i:32}" >&"$CON_FD"
        sleep 0.03
    done
}

# dom0 TIMEOUT CMD: run CMD in dom0's shell, print its output, return its status.
# Time running out fails the run, unless DOM0_LATE_OK=1: then the output so
# far is printed and the status is 124; the command goes on in dom0, and the
# next command runs after it (dom0_settle waits for that).
dom0() {
    local timeout=$1; shift
    local cmd="$*" id from out rc
    CMD_SEQ=$((CMD_SEQ + 1))
    # BASHPID: out=$(dom0 ...) counts in a subshell, whose CMD_SEQ is lost.
    id="$$x${BASHPID}x$CMD_SEQ"
    from=$(stat -c %s "$CONSOLE_LOG")
    # The marker is spelt with a quote inside so that the echoed command line never matches it.
    console_send "$cmd; echo \"@@E\"\"ND $id \$?\""$'\r'
    if ! console_seen "@@END $id [0-9]+" "$timeout" "dom0: $cmd" "$from"; then
        [ "${DOM0_LATE_OK:-0}" = 1 ] ||
            fail "dom0: $cmd" "$CONSOLE_LOG" "timed out after ${timeout}s waiting for /@@END $id [0-9]+/"
        console_since "$from"
        return 124
    fi
    out=$(console_since "$from")
    rc=$(printf '%s\n' "$out" | sed -n "s/^.*@@END $id \([0-9]*\).*$/\1/p" | tail -n1)
    # Output: the lines before the marker (the shell neither echoes nor prompts, see boot_dom0).
    printf '%s\n' "$out" | awk -v id="@@END $id" 'index($0, id) { exit } { print }'
    return "${rc:-1}"
}

# console_since FROM_BYTE: what the console printed after FROM_BYTE, without
# carriage returns and Xen's own lines.
console_since() { tail -c +$(($1 + 1)) "$CONSOLE_LOG" | tr -d '\r' | grep -av '^(XEN)'; }

# dom0_settle TIMEOUT: wait until dom0's shell has finished whatever it runs
# (a command that outlived its DOM0_LATE_OK timeout) and answers again.
dom0_settle() { dom0 "$1" true >/dev/null; }

# boot_dom0 MODE: namespace, QEMU, and wait for dom0's init to report ready.
boot_dom0() {
    setup_netns
    start_qemu "$1"
    say "QEMU started (pid $QEMU_PID, accel $CDNA_TCG); serial log $RUN/console.log"
    wait_console '\(XEN\).*Xen version' 60 "boot: Xen banner"
    say "Xen banner"
    wait_console 'Linux version' "$CDNA_BOOT_TIMEOUT" "boot: dom0 kernel start"
    say "dom0 kernel started"
    wait_console 'cdna-dom0: FAILED|CDNA-DOM0-READY' "$CDNA_BOOT_TIMEOUT" "boot: dom0 init"
    if tr -d '\r' <"$RUN/console.log" | grep -aq 'cdna-dom0: FAILED'; then
        fail "boot: dom0 init" "$RUN/console.log" "dom0's init reported a failure"
    fi
    # The shell prints its profile banner once it reads the console.
    say "dom0 init done, domUs being created"
    wait_console "dom0 shell ready" 60 "boot: dom0 shell"
    # No echo, no prompt: what the console prints is then exactly the commands' output.
    dom0 20 "stty -echo; PS1=; PS2=" >/dev/null || fail "boot: dom0 shell" "$RUN/console.log" "dom0's shell does not answer"
    T_DOM0_READY=$(since "$T_QEMU")
    say "dom0 ready (xl usable): ${T_DOM0_READY}s after QEMU start"
}

# Collect each domU's console log (kept by xenconsoled in dom0) into the run directory.
collect_domu_logs() {
    local out
    out=$(dom0 30 "cdna-domus logs") || return 0
    printf '%s\n' "$out" | awk -v dir="$RUN" '
        /^@@CDNA-LOG-BEGIN / { f = dir "/" $2 ".log"; printf "" > f; next }
        /^@@CDNA-LOG-END / { close(f); f = ""; next }
        f != "" { print >> f }'
}

# Shut the domUs and dom0 down cleanly, then end QEMU (it does not exit when Xen halts).
shutdown_platform() {
    dom0 $((CDNA_STOP_TIMEOUT + 30 + CDNA_DOMUS)) "cdna-domus stop $CDNA_STOP_TIMEOUT" ||
        say "warning: domUs did not all shut down cleanly"
    collect_domu_logs
    console_send "busybox poweroff -f"$'\r'
    if wait_console_quiet "$XEN_OFF_PATTERN" 30; then
        say "Xen halted after dom0 power-off"
    else
        say "warning: Xen did not report a halt within 30 s"
    fi
}

# wait_console_quiet PATTERN TIMEOUT: like wait_console, but only reports.
wait_console_quiet() {
    local t0; t0=$(now)
    while ! tr -d '\r' <"$CONSOLE_LOG" | grep -aqE "$1"; do
        qemu_alive || return 1
        awk -v a="$(since "$t0")" -v t="$2" 'BEGIN { exit !(a >= t) }' && return 1
        sleep 0.2
    done
}
