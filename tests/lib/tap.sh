# tap.sh - shared by the test scripts (source it after setting TAP_NAME):
# a scratch directory $T removed on exit, TAP lines for tests/run.sh
# ("ok - name" / "not ok - name" with "#" detail lines), and the two
# verbs most tests are made of:
#   run CMD...                  sets rc, out (stdout) and err (stderr)
#   expect NAME RC REGEX CMD... CMD exits RC and its stdout+stderr match
#                               REGEX (extended, case-insensitive)
#   flip FILE OFFSET            invert one byte of a file in place
# A script ends with `tap_done`: its exit status is 1 if a test failed.
T=$(mktemp -d "${TMPDIR:-/tmp}/${TAP_NAME:-test}.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

failed=0
pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	shift
	for l in "$@"; do
		printf '#   %s\n' "$l"
	done
	failed=$((failed + 1))
}
skip() { echo "ok - $1 # SKIP $2"; }

run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(<"$T/out")
	err=$(<"$T/err")
}

expect() {
	local name=$1 want=$2 re=$3
	shift 3
	run "$@"
	if [[ $rc -ne $want ]]; then
		fail "$name" "exit $rc, want $want: $*" "stdout: $out" \
			"stderr: $(head -c 2000 <<<"$err")"
	elif ! grep -Eiq -- "$re" <<<"$out$err"; then
		fail "$name" "output does not match /$re/: $*" \
			"stdout: $out" "stderr: $(head -c 2000 <<<"$err")"
	else
		pass "$name"
	fi
}

# flip FILE OFFSET: invert every bit of one byte in place.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 0xff)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

tap_done() {
	[[ $failed -eq 0 ]]
}
