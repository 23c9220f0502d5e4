# embedded_reload: issue 14: in embedded mode one scheduler runs every cell,
# so a BPF error in one cell's policy (test-fault: scx_bpf_error at its 200th
# enqueue) takes all of them down at once. The daemon says so with the
# kernel's reason, keeps every cell's cgroup and cpuset meanwhile (a task of
# cell a never leaves CPU 1), loads the scheduler again after 1 s and hands
# it the cells: both policies run again and `stats` counts the restart.
# A scheduler that fails again right after each start is loaded again with
# doubling delays, at most 5 times in a row; the 6th failure ends the
# daemon (exit 7), and
# the cells' cgroups stay as `on_stop: keep` says.
# only on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cat > /tmp/reload.yaml <<'YAML'
mode: embedded
cells:
  - name: a
    cpus: "1"
    policy: vtime
  - name: f
    cpus: "2-3"
    policy: test-fault
    fault_after: 200
YAML
start_cells /tmp/reload.yaml
[ "$(cs_mode)" = embedded ] || fail "the daemon runs in $(cs_mode) mode"
in_cell cellsched/a cs-work cpus 170 /tmp/a & wa=$!
wait_for 10 work_ready $wa || fail "cs-work in a did not start"

# one failure: 300 wakeups in f, the 200th enqueue fails the scheduler
in_cell cellsched/f cs-work wake 300 /tmp/wake & wf=$!
wait_log 60 "the scheduler failed: bpf-error" || { cat $CS_LOG; fail "the scheduler did not fail"; }
grep -q "test fault after 200 enqueues" $CS_LOG || fail "the kernel's reason is not in the log"
wait $wf	# its last wakeups ran under the kernel's scheduler
wait_log 60 "scheduler loaded again (1 since the start)" || { cat $CS_LOG; fail "not loaded again"; }
grep "scheduler failed\|loaded again\|running in" $CS_LOG | sed 's/^/# /'
grep -q "loaded again in 1000 ms (reload 1 of at most 5 in a row)" $CS_LOG ||
	fail "the first reload was not announced for 1 s later"
both_back() { [ "$(count_log "$(started a vtime)")" = 2 ] && [ "$(count_log "$(started f test-fault)")" = 2 ]; }
wait_for 30 both_back ||
	{ cat $CS_LOG; fail "the cells' policies did not run again"; }
cs_attached || fail "sched_ext is $(scx_state) after the reload"
cellsched stats --json | tr -d ' \n' | grep -q '"scheduler_restarts":1' ||
	{ cellsched stats --json; fail "stats do not count the restart"; }
# a's task stayed on a's CPU through all of it, and runs under the new scheduler
s1=$(work_sample $wa /tmp/a) || fail "no sample from a's task"
progressed() { s=$(work_sample $wa /tmp/a) && [ "$(field iters "$s")" -gt "$(field iters "$s1")" ]; }
wait_for 20 progressed ||
	fail "a's task makes no progress under the new scheduler"
s=$(work_sample $wa /tmp/a)
note "a's task ran on CPUs $(field cpus "$s")"
[ "$(field cpus "$s")" = 1 ] || fail "a's task ran on CPUs $(field cpus "$s"), not only on 1"

# failing at once after every start: 1 s... 16 s, then the daemon gives up
ws=
for i in 1 2; do in_cell cellsched/f cs-work periodic 170 /tmp/p$i & ws="$ws $!"; done
gone() { ! kill -0 $CS_PID 2>/dev/null; }
wait_for 120 gone || { cat $CS_LOG; fail "cellsched still runs 120 s later"; }
wait $CS_PID; rc=$?
delays=$(sed -n 's/.*loaded again in \([0-9]*\) ms (reload .*/\1/p' $CS_LOG | tr '\n' ' ')
note "reload delays (ms): $delays"
case "$delays" in
	*"1000 2000 4000 8000 16000 ") ;;
	*) fail "the delays did not double up to 16 s: $delays" ;;
esac
grep -q "the scheduler failed 6 times in a row, each time within 60 s of its start: not loading it again" $CS_LOG ||
	{ cat $CS_LOG; fail "no word about giving up"; }
[ "$rc" = 7 ] || { cat $CS_LOG; fail "cellsched exited $rc, want 7"; }
wait_for 10 scx_is disabled || fail "sched_ext is $(scx_state) after the daemon exited"
[ "$(cat /sys/fs/cgroup/cellsched/f/cpuset.cpus)" = 2-3 ] || fail "f's cpuset was not kept"
[ "$(cat /sys/fs/cgroup/cellsched/a/cpuset.cpus)" = 1 ] || fail "a's cpuset was not kept"
kill $wa $ws 2>/dev/null
exit 0
