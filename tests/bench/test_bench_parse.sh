#!/usr/bin/env bash
# test_bench_parse.sh - how make bench reads a flow's figure
# (tests/system/bench-parse.sh): iperf3's receiver line gives Mbit/s, and
# small_tx's datagrams per second come from the bytes received (iperf3's
# lost/total can say more lost than sent); one guest's block is cut out of
# a test's output.  The iperf3 lines are as the guests printed them.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TAP_NAME=bench-parse
. "$HERE/../lib/tap.sh"
. "$HERE/../system/bench-parse.sh"

# is NAME WANT GOT
is() {
	if [[ $3 == "$2" ]]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

tcp='[  5]   0.00-6.00   sec   290 MBytes   405 Mbits/sec    0             sender
[  5]   0.00-6.04   sec   289 MBytes   401 Mbits/sec                  receiver

iperf Done.'
is "TCP: the receiver's Mbit/s, not the sender's" 401 "$(flow_figure tcp_tx <<<"$tcp")"
is "a flow without a receiver line has no figure" "" \
	"$(flow_figure tcp_tx <<<'iperf3: error - unable to connect to server: No route to host')"

small_k='[  5]   0.00-8.91   sec  4.11 KBytes  0.00 Mbits/sec  29.113 ms  493/488 (1e+02%)  receiver'
# 4.11 KiB / 18 B / 8.91 s
is "small_tx: datagrams/s from the bytes, where lost/total says more lost than sent" 26 \
	"$(flow_figure small_tx <<<"$small_k")"
small_b='[  5]   0.00-14.04  sec   918 Bytes  0.00 Mbits/sec  153.296 ms  2/-87 (0%)  receiver'
is "small_tx: a count in Bytes, with a negative total beside it" 4 "$(flow_figure small_tx <<<"$small_b")"
small_m='[  5]   0.00-6.01   sec  3.49 MBytes  4.87 Mbits/sec  0.045 ms  744/203830 (0.37%)  receiver'
is "small_tx: MBytes (3.49 MiB / 18 B / 6.01 s)" 33828 "$(flow_figure small_tx <<<"$small_m")"
is "small_tx: a size in an unknown unit gives no figure rather than a wrong one" "" \
	"$(flow_figure small_tx <<<'[  5]   0.00-6.00   sec  3.49 TBytes  1 Mbits/sec  0 ms  0/1 (0%)  receiver')"
is "small_tx: a zero-length interval gives no figure" "" \
	"$(flow_figure small_tx <<<'[  5]   0.00-0.00   sec  1.00 KBytes  0 Mbits/sec  0 ms  0/1 (0%)  receiver')"

out='@@BENCH-BEGIN 1
one
@@BENCH-END 1
@@BENCH-BEGIN 11
eleven
@@BENCH-END 11
@@BENCH-BEGIN cpu
window 5.000
@@BENCH-END cpu'
is "block 1 is guest 1's lines only (not guest 11's)" one "$(block 1 <<<"$out")"
is "block cpu" "window 5.000" "$(block cpu <<<"$out")"
is "a block that is not there is empty" "" "$(block 2 <<<"$out")"
# 27 - (127 - 103) + 1 + 1 + 8/8 = 6
is "the next margin: what the last armed guest used, plus rounding and 1 + N/8 to spare" "6 -24" \
	"$(margin_needed 8 27 <<<"BENCH-AT 127$(printf '\nBENCH-ARMED %s' 100 103 101 100 100 100 100 100)")"
is "a guest armed after the start makes the next margin longer" "15 3" \
	"$(margin_needed 2 10 <<<$'BENCH-AT 100\nBENCH-ARMED 103\nBENCH-ARMED 90')"
is "never less than 2 s" "2 -20" "$(margin_needed 1 5 <<<$'BENCH-AT 100\nBENCH-ARMED 80')"
is "no next margin when a guest was never armed" "" \
	"$(margin_needed 3 10 <<<$'BENCH-AT 100\nBENCH-ARMED 95\nBENCH-ARMED 96')"
is "no next margin without the start" "" "$(margin_needed 1 10 <<<'BENCH-ARMED 95')"
tap_done
