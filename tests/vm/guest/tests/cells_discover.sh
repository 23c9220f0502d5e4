# cells_discover: an orchestrator creates a cgroup under the cell parent and
# gives it a cpuset.cpus: it becomes a cell of `discovered.policy` (vtime
# here; child attached, its task runs on those CPUs), unless
# `discovered.exclude` names it (tmp-x, on the same CPU, is no cell and takes
# nothing from orch). rmdir removes the cell; the root keeps running. In
# native mode the kernel shows the cell's sub-scheduler and its caps on the CPU.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cat > /tmp/one.yaml <<'YAML'
cells:
  - name: b
    cpus: "2-3"
discovered:
  policy: vtime
  exclude: ["tmp-*"]
YAML
start_cells /tmp/one.yaml
mkdir /sys/fs/cgroup/cellsched/tmp-x && echo 1 > /sys/fs/cgroup/cellsched/tmp-x/cpuset.cpus ||
	fail "cannot make tmp-x"
mkdir /sys/fs/cgroup/cellsched/orch || fail "mkdir failed"
echo 1 > /sys/fs/cgroup/cellsched/orch/cpuset.cpus
wait_log 10 "cell orch: added (cgroup cellsched/orch, CPUs 1" || { cat $CS_LOG; fail "no cell for orch"; }
wait_log 10 "$(started orch vtime)" || { cat $CS_LOG; fail "no vtime child for orch"; }
grep -q "tmp-x" $CS_LOG && { cat $CS_LOG; fail "the excluded tmp-x was looked at"; }
rmdir /sys/fs/cgroup/cellsched/tmp-x || fail "cannot remove tmp-x"
cgid=$(stat -c %i /sys/fs/cgroup/cellsched/orch)
mode=$(cs_mode)
note "mode $mode"
if [ "$mode" = native ]; then
	[ -d /sys/kernel/sched_ext/root/sub/sub-$cgid ] || fail "no sub-scheduler at sub-$cgid"
	grep -q "enq: 1$" /sys/kernel/sched_ext/root/sub/sub-$cgid/caps ||
		{ cat /sys/kernel/sched_ext/root/sub/sub-$cgid/caps; fail "orch does not hold CPU 1"; }
fi
in_cell cellsched/orch cs-work cpus 4 /tmp/o1 & w=$!
wait $w
s=$(cat /tmp/o1)
note "orchestrator cell worker: $s"
[ "$(field cpus "$s")" = 1 ] || fail "the task ran on CPUs $(field cpus "$s"), want 1"
[ "$(field iters "$s")" -gt 0 ] || fail "no progress"
rmdir /sys/fs/cgroup/cellsched/orch || fail "rmdir failed"
wait_log 10 "cell orch: removed (its cgroup is gone)" || { cat $CS_LOG; fail "cell orch not removed"; }
if [ "$mode" = native ]; then
	wait_for 10 sh -c "[ ! -d /sys/kernel/sched_ext/root/sub/sub-$cgid ]" || fail "sub-$cgid still there"
	grep -q "enq: 1$" /sys/kernel/sched_ext/root/sub/*/caps && fail "someone still holds CPU 1"
fi
scx_is enabled && root_ops_is cellsched || fail "the root stopped"
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
