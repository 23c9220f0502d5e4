# root_nice19: a nice-19 task (weight 1) among a dozen busy tasks on the
# root cell's one CPU (configs/two-cells.yaml: CPU 0). It pays 100 ns of
# virtual time per ns it runs; regression test: in embedded mode nothing
# bounded how far ahead that put it, so after one slice its next turn came
# after every other task had run ~0.5 s, past the 5 s watchdog, which ended
# the scheduler (seen with khugepaged in the neighbour benchmark). Native
# mode's root caps the lead (CS_ROOT_MAX_LEAD_NS); now embedded mode does
# too. For 12 s: the scheduler stays, the nice-19 task keeps getting the
# CPU (at least 3 times).
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cells /cs/configs/two-cells.yaml
ws=
for i in $(seq 12); do taskset -c 0 cs-work spin 60 & ws="$ws $!"; done
taskset -c 0 cs-work spin 60 & low=$!
renice -n 19 -p $low > /dev/null || fail "renice failed"	# (busybox has no nice)
# runs: how many times it got a CPU (/proc/PID/schedstat field 3); its share
# is 1/1201 of the CPU, too little for the tick-counted CPU time to show
runs() { cut -d' ' -f3 /proc/$low/schedstat; }
t0=$(date +%s) r0=$(runs)
wait_for 30 sh -c "[ \$(date +%s) -ge $((t0 + 12)) ]"
r1=$(runs)
note "nice-19 task: ran $((r1 - r0)) times in 12 s beside 12 busy tasks on CPU 0"
cs_attached || { dmesg | grep sched_ext | tail -3; fail "the scheduler is gone ($(scx_state))"; }
grep -q "scheduler failed\|exited with an error" $CS_LOG && { cat $CS_LOG; fail "the scheduler failed"; }
[ $((r1 - r0)) -ge 3 ] || fail "the nice-19 task ran $((r1 - r0)) times in 12 s, want >= 3"
kill $ws $low
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
