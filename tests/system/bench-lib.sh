# shellcheck shell=bash
# What the system benchmarks share (bench-native.sh, bench-scale.sh): where
# the host's CPU goes inside the running QEMU.  Sourced after orchestrator.sh
# (QEMU_PID).  QEMU must run with `-name X,debug-threads=on` for its threads
# to carry names.

# CPU ticks (utime + stime) and context switches (each a sleep or a
# preemption) of each thread of QEMU, "NAME TICKS SWITCHES" lines, the threads
# of one name added up (the vCPU's "CPU 0/TCG" or "ALL CPUs/TCG", the main
# loop "qemu-system-x86", cdna's "cdna-nic", worker threads).
qemu_threads() {
    local t
    for t in /proc/"$QEMU_PID"/task/*; do
        [ -r "$t/stat" ] || continue
        # comm may hold spaces: fields after the ')' are fixed.
        awk -v name="$(cat "$t/comm" 2>/dev/null)" \
            -v cs="$(awk '/ctxt_switches/ { n += $2 } END { print n + 0 }' "$t/status" 2>/dev/null)" \
            '{ sub(/^.*\) /, ""); print name "\t" $12 + $13 "\t" cs }' "$t/stat"
    done | awk -F'\t' '{ s[$1] += $2; c[$1] += $3 } END { for (n in s) print n "\t" s[n] "\t" c[n] }' | sort
}
