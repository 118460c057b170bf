# shellcheck shell=bash
# bench-parse.sh - reading the guests' outputs in make bench
# (bench-scale.sh): one flow's block out of a test's output, its figure
# from iperf3's receiver line, and the margin the next test needs.  No
# state; the fast tier tests it (tests/bench/test_bench_parse.sh).

# small_tx's UDP payload: 60-byte frames.
SMALL_PAYLOAD=18

# flow_figure TEST: the receiver's figure in one flow's output (stdin):
# Mbit/s, or datagrams received per second for small_tx.
flow_figure() {
    case $1 in
        # Datagrams from the bytes received: iperf3's "lost/total" can
        # have more lost than total (493/488 at netback N = 16).
        small_tx) awk -v len="$SMALL_PAYLOAD" '/receiver/ { split($3, iv, "-")
                       m = $6 == "Bytes" ? 1 : $6 == "KBytes" ? 1024 : $6 == "MBytes" ? 1048576 : $6 == "GBytes" ? 1073741824 : 0
                       if (m && iv[2] > 0) printf "%.0f\n", $5 * m / len / iv[2] }' | tail -n1 ;;
        *)        awk '/receiver/ { for (k = 1; k < NF; k++) if ($(k + 1) == "Mbits/sec") print $k }' | tail -n1 ;;
    esac
}

# block NAME: the lines between "@@BENCH-BEGIN NAME" and "@@BENCH-END NAME" (stdin).
block() { awk -v n="$1" '$1 == "@@BENCH-END" && $2 == n { f = 0 } f { print } $1 == "@@BENCH-BEGIN" && $2 == n { f = 1 }'; }

# margin_needed N MARGIN: from a test's output (stdin) that gave the guests
# MARGIN s between the hand-out and the start: "NEXT LATE", the next
# test's margin and how late the last guest was armed (BENCH-ARMED, whole
# seconds; negative: early) against the start it was given (BENCH-AT).
# NEXT is what was used, one second for the rounding and 1 + N/8 s to
# spare, at least 2 (the first guess at N <= 7).  Nothing unless all N
# guests were armed.
margin_needed() {
    awk -v n="$1" -v margin="$2" '
        $1 == "BENCH-AT" { at = $2 }
        $1 == "BENCH-ARMED" { if (!c++ || $2 > hi) hi = $2 }
        END { if (at == "" || c < n) exit
              m = margin - (at - hi) + 1 + 1 + int(n / 8)
              print (m < 2 ? 2 : m), hi - at }'
}
