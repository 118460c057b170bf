# shellcheck shell=bash
# Shared helpers for the platform build scripts: progress output, logged steps
# with a heartbeat, failure reports that name the step and the log, and cache keys.
# Sourced, never run.

PLATFORM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$PLATFORM_DIR/.." && pwd)"
# shellcheck source=platform/versions.sh
. "$PLATFORM_DIR/versions.sh"

# Heavy artefacts live outside the checkout so that a fresh clone reuses them.
CDNA_CACHE="${CDNA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdna}"
# Heavy builds share the machine with other work: be polite by default.
NICE="${NICE:-nice -n 10}"
JOBS="${JOBS:-2}"

_t0_script=$SECONDS

msg() { printf '[platform %4ds] %s\n' "$((SECONDS - _t0_script))" "$*" >&2; }

# die STEP LOG MESSAGE: a failure report that names the step, the log and its tail.
die() {
    local step=$1 log=$2; shift 2
    printf '\nFAILED step "%s": %s\n' "$step" "$*" >&2
    if [ -n "$log" ] && [ -f "$log" ]; then
        printf 'log: %s\n--- last lines ---\n' "$log" >&2
        tail -n 25 "$log" >&2
        printf -- '------------------\n' >&2
    fi
    exit 1
}

# run_step NAME LOG CMD...: run CMD with its output in LOG, printing the step name
# at start, a heartbeat with the elapsed time every 30 s, and the duration at the end.
run_step() {
    local name=$1 log=$2; shift 2
    local t0=$SECONDS rc=0 pid next
    mkdir -p "$(dirname "$log")"
    msg "step $name: started (log: $log)"
    "$@" >>"$log" 2>&1 &
    pid=$!
    next=$((t0 + 30))
    while kill -0 "$pid" 2>/dev/null; do
        # Poll once a second and beat every 30 s, so long steps show they are alive.
        sleep 1
        if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
            msg "step $name: still running, $((SECONDS - t0)) s elapsed"
            next=$((next + 30))
        fi
    done
    wait "$pid" || rc=$?
    if [ "$rc" -ne 0 ]; then
        die "$name" "$log" "exit status $rc after $((SECONDS - t0)) s"
    fi
    msg "step $name: done in $((SECONDS - t0)) s"
    echo "$name $((SECONDS - t0))" >>"${CDNA_TIMES_FILE:-/dev/null}"
}

# hash_inputs PATH...: one short hash over the names and contents of the given
# files and directories (recursively), so a cache entry changes exactly when
# one of the scripts or patches that feed it changes.
hash_inputs() {
    local p
    for p in "$@"; do
        if [ -d "$p" ]; then
            find "$p" -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
        elif [ -f "$p" ]; then
            sha256sum "$p"
        else
            echo "missing $p"
        fi
    done | sed "s|$REPO_DIR/||" | sha256sum | cut -c1-16
}

# A version string made safe for a directory name (Debian versions contain ':' and '+').
safe_version() { printf '%s' "$1" | tr ':+~' '_._'; }

# with_lock NAME CMD...: serialise builds of the same artefact between concurrent runs.
with_lock() {
    local name=$1; shift
    mkdir -p "$CDNA_CACHE/locks" "$CDNA_CACHE/logs"
    (
        flock -w 3600 9 || { echo "timed out waiting for lock $name" >&2; exit 1; }
        "$@"
    ) 9>"$CDNA_CACHE/locks/$name.lock"
}

# patch_series DIR: the patch files listed in DIR/series, in order (quilt style:
# one file name a line, '#' comments and blank lines ignored).
patch_series() {
    local dir=$1 line
    [ -f "$dir/series" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        line="${line%%#*}"
        line="$(printf '%s' "$line" | tr -d '[:space:]')"
        [ -n "$line" ] && printf '%s\n' "$dir/$line"
    done <"$dir/series"
}

# apply_series DIR TREE LOG: apply the series with `patch -p1`, in order.
apply_series() {
    local dir=$1 tree=$2 log=$3 p
    while IFS= read -r p; do
        [ -f "$p" ] || die "apply patches" "$log" "patch listed in $dir/series is missing: $p"
        msg "applying $(basename "$p")"
        patch -d "$tree" -p1 --forward --batch <"$p" >>"$log" 2>&1 ||
            die "apply patches" "$log" "patch $p does not apply"
    done < <(patch_series "$dir")
}

# Cache locations of the heavy artefacts. Each key is the upstream version plus
# a hash of exactly the scripts and patches that feed the artefact.
# A patch series feeds a key through its series file and the patches it lists
# (a README or an unlisted draft beside them does not).
series_inputs() { echo "$1/series"; patch_series "$1"; }
# QEMU also holds the cdna NIC: its glue and qtest, and the NIC model linked in
# as an archive, whose key is the model's sources and the rules that build them.
qemu_dir() {
    local inputs; mapfile -t inputs < <(series_inputs "$REPO_DIR/hw-model/qemu/patches")
    echo "$CDNA_CACHE/qemu/$(safe_version "$QEMU_SRC_VERSION")-$(hash_inputs \
        "$PLATFORM_DIR/build-qemu.sh" "${inputs[@]}" \
        "$REPO_DIR/hw-model/qemu/cdna.c" "$REPO_DIR/tests/qemu/cdna-test.c" \
        "$REPO_DIR/hw-model/core" "$REPO_DIR/include/cdna" "$REPO_DIR/firmware/image" \
        "$REPO_DIR/Makefile" "$REPO_DIR/mk/model.mk" "$REPO_DIR/mk/image.mk" \
        "$REPO_DIR/mk/firmware.mk")"
}
# The sanitizer variant (build-qemu-sanitize.sh, the device fuzzer's QEMU): the
# same inputs as qemu_dir plus its own script and the fuzzer (its source and
# its meson patch), in a directory of its own so that neither evicts the other.
qemu_sanitize_dir() {
    local inputs; mapfile -t inputs < <(series_inputs "$REPO_DIR/hw-model/qemu/patches";
        series_inputs "$REPO_DIR/tests/fuzz-device/qemu")
    echo "$CDNA_CACHE/qemu-sanitize/$(safe_version "$QEMU_SRC_VERSION")-$(hash_inputs \
        "$PLATFORM_DIR/build-qemu-sanitize.sh" "${inputs[@]}" \
        "$REPO_DIR/hw-model/qemu/cdna.c" "$REPO_DIR/tests/qemu/cdna-test.c" \
        "$REPO_DIR/tests/fuzz-device/cdna-fuzz.c" \
        "$REPO_DIR/hw-model/core" "$REPO_DIR/include/cdna" "$REPO_DIR/firmware/image" \
        "$REPO_DIR/Makefile" "$REPO_DIR/mk/model.mk" "$REPO_DIR/mk/image.mk" \
        "$REPO_DIR/mk/firmware.mk")"
}
# Xen also holds CDNA: the core, its Xen glue (cdna.c, its Makefile, the shim
# and hook headers) and the contract headers, all copied into the tree.
xen_dir() {
    local inputs; mapfile -t inputs < <(series_inputs "$REPO_DIR/hypervisor-protect/xen/patches")
    echo "$CDNA_CACHE/xen/$(safe_version "$XEN_SRC_VERSION")-$(hash_inputs \
        "$PLATFORM_DIR/build-xen.sh" "${inputs[@]}" \
        "$REPO_DIR/hypervisor-protect/core" "$REPO_DIR/hypervisor-protect/xen/cdna.c" \
        "$REPO_DIR/hypervisor-protect/xen/Makefile" "$REPO_DIR/hypervisor-protect/xen/include" \
        "$REPO_DIR/include/cdna")"
}
# The kernel package linux-image-amd64 currently points to (e.g. linux-image-6.1.0-56-amd64):
# part of the images' key, so a new Debian kernel rebuilds them.
kernel_package() {
    apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
        sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n1
}
images_dir() {
    echo "$CDNA_CACHE/images/$IMAGE_SUITE-$(kernel_package | sed 's/^linux-image-//')-$(hash_inputs \
        "$PLATFORM_DIR/build-images.sh" "$PLATFORM_DIR/images")"
}

# publish TMP OUT: move a finished build into place, then drop older entries of
# the same artefact (keeping the newest KEEP, default 2) so the cache does not grow
# with every edit of a build script or patch.
publish() {
    local tmp=$1 out=$2 keep=${CDNA_CACHE_KEEP:-2} old
    touch "$tmp/.cdna-complete"
    rm -rf "$out"; mv "$tmp" "$out"
    touch "$out"
    for old in $(ls -1dt "$(dirname "$out")"/*/ 2>/dev/null | grep -v '\.tmp\.' | tail -n +$((keep + 1))); do
        rm -rf "$old"
    done
}
