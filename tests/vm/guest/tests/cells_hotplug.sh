# cells_hotplug: CPU hotplug with workers running (configs/two-cells.yaml: root
# cell CPU 0, cell a CPU 1, cell b CPUs 2-3). Regression test: the root used
# to be ended by the kernel at the first CPU going offline ("cpu 3 going
# offline, exiting scheduler") and `cellsched run` refused to start while a
# CPU of a cell was offline (exit 8). Now, in turn: a CPU of cell b goes
# offline (b runs on the other), b's last CPU goes too (b is "offline", its
# tasks run in the root cell), the daemon is restarted while both are
# offline, cell a's only CPU goes and comes back, then b's CPUs come back.
# The root stays enabled throughout, every worker keeps running, the log and
# `cellsched cell show` say what happened. (Between a CPU turning inactive and
# the kernel telling the root, a wakeup may pick it: the kernel falls back,
# and the fallbacks are only noted here.)
# also on: 6.18
. /cs/guest/lib.sh
# The daemon restarts here while the workers spin. QEMU's TCG runs the four
# vCPUs in turn on one host thread, so with every vCPU busy a start takes
# about 5 times as long as on an idle guest (measured: 22 s against 4.4 s):
# the emulator's cost, not the scheduler's. Starts get 120 s, not 30.
export CS_START_WAIT=120
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
[ -w /sys/devices/system/cpu/cpu3/online ] || skip "CPU 3 cannot be taken offline"
cpu() { echo "$2" > /sys/devices/system/cpu/cpu$1/online; }
trap 'for c in 1 2 3; do echo 1 > /sys/devices/system/cpu/cpu$c/online; done 2>/dev/null' EXIT
state_of() { cellsched cell show "$1" --json | tr -d ' \n' | sed -n 's/.*"state":"\([^"]*\)".*/\1/p'; }
cpus_of() { cellsched cell show "$1" --json | tr -d ' \n' | sed -n 's/.*"cpus":"\([^"]*\)".*/\1/p'; }
# progress PID: the worker's CPU time grows within 10 s
progress() {
	local t0
	t0=$(utime "$1")
	wait_for 10 sh -c "[ \$(awk '{ print \$14 }' /proc/$1/stat) -gt $t0 ]"
}

start_cells /cs/configs/two-cells.yaml
in_cell cellsched/a cs-work spin 600 & a=$!
in_cell cellsched/b cs-work spin 600 & b1=$!
in_cell cellsched/b cs-work spin 600 & b2=$!
cs-work spin 600 & r=$!
wait_for 10 sh -c "[ \"\$(cellsched cell show b --json | grep -c running)\" -ge 1 ]" ||
	fail "cell b not running"

# 1. one of cell b's CPUs goes: b runs on CPU 2
cpu 3 0
wait_log 10 "cell b: CPUs 3 are offline; it runs on 2 until they come back" ||
	{ cat $CS_LOG; fail "no word about cell b's offline CPU"; }
wait_for 10 sh -c "[ \"\$(cellsched cell show b --json | tr -d ' \n' | sed -n 's/.*\"cpus\":\"\([^\"]*\)\".*/\1/p')\" = 2 ]" ||
	{ cellsched cell show b; fail "cell b does not run on CPU 2 alone"; }
scx_is enabled && root_ops_is cellsched || fail "the root ended when CPU 3 went offline"
for p in $a $b1 $b2 $r; do progress $p || fail "worker $p stalled after CPU 3 went offline"; done

# 2. cell b's last CPU goes: b is offline, its tasks run in the root cell
cpu 2 0
wait_log 10 "cell b: all its CPUs (2-3) are offline" || { cat $CS_LOG; fail "b not reported offline"; }
wait_for 10 sh -c "[ \"\$(cellsched cell show b --json | tr -d ' \n' | sed -n 's/.*\"state\":\"\([^\"]*\)\".*/\1/p')\" = offline ]" ||
	{ cellsched cell show b; fail "cell b's state is not offline"; }
note "cell b: $(cellsched cell show b --json | tr -d ' \n' | grep -o '"state":"[a-z]*","failures')"
for p in $b1 $b2 $a $r; do progress $p || fail "worker $p stalled with cell b offline"; done
scx_is enabled || fail "the root ended when CPU 2 went offline"

# 3. the daemon restarts cleanly while CPUs 2-3 are offline
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
t0=$(date +%s)
start_cellsched -c /cs/configs/two-cells.yaml
note "restarted with CPUs 2-3 offline in $(($(date +%s) - t0)) s"
wait_log 30 "$(started a fifo)" || { cat $CS_LOG; fail "no restart with CPUs offline"; }
wait_log 10 "cell b: all its CPUs (2-3) are offline" || { cat $CS_LOG; fail "b not offline after restart"; }
[ "$(state_of b)" = offline ] || fail "cell b's state after restart: $(state_of b)"

# 4. cell a's only CPU goes and comes back
cpu 1 0
wait_log 10 "cell a: all its CPUs (1) are offline" || { cat $CS_LOG; fail "a not reported offline"; }
for p in $a $b1 $r; do progress $p || fail "worker $p stalled with CPUs 1-3 offline"; done
cpu 1 1
wait_log 10 "cell a: its CPUs are all online again" || { cat $CS_LOG; fail "a not back"; }
# native: a's child left with its last CPU and starts again; embedded: a's
# policy stayed, running nothing while a had no CPU, and runs a's tasks again
a_back() {
	[ "$(count_log "$(started a fifo)")" -ge 2 ] ||
		{ [ "$(cs_mode)" = embedded ] && [ "$(state_of a)" = running ]; }
}
wait_for 15 a_back ||
	{ cat $CS_LOG; fail "a's child did not come back"; }

# 5. cell b's CPUs come back: b runs on 2-3 with its child again
cpu 2 1
cpu 3 1
wait_log 15 "cell b: its CPUs are all online again" || { cat $CS_LOG; fail "b not back"; }
wait_for 15 sh -c "[ \"\$(cellsched cell show b --json | tr -d ' \n' | sed -n 's/.*\"cpus\":\"\([^\"]*\)\".*/\1/p')\" = 2-3 ]" ||
	{ cellsched cell show b; fail "cell b did not get CPUs 2-3 back"; }
wait_log 15 "$(started b vtime)" || { cat $CS_LOG; fail "b's child did not come back"; }
for p in $a $b1 $b2 $r; do progress $p || fail "worker $p stalled after the CPUs came back"; done
grep "event: CPU" $CS_LOG | sed 's/^/# /'
check_health SCX_EV_SELECT_CPU_FALLBACK
scx_is enabled || fail "the root is no longer enabled"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }

# 6. a CPU of the root cell (CPUs 0-1 here, cell b on 2-3) goes and comes back
cat > /tmp/b-only.yaml <<'Y'
cells:
  - name: b
    cpus: "2-3"
    policy: vtime
Y
start_cells /tmp/b-only.yaml
cpu 1 0
wait_log 10 "event: CPU 1 (cid [0-9]*) went offline" || { cat $CS_LOG; fail "no offline event"; }
for p in $a $r $b1; do progress $p || fail "worker $p stalled with root CPU 1 offline"; done
cpu 1 1
wait_log 10 "event: CPU 1 (cid [0-9]*) went online" || { cat $CS_LOG; fail "no online event"; }
for p in $a $r $b1; do progress $p || fail "worker $p stalled after root CPU 1 came back"; done
check_health SCX_EV_SELECT_CPU_FALLBACK
scx_is enabled || fail "the root is no longer enabled"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
