# policy_external: a cell declared `policy: external` gets no child from
# cellsched; the kernel's example scheduler `scx_qmap -c <cell cgroup>` (built
# from the same linux-source by scripts/setup) attaches there as a sub-scheduler
# of our root, schedules the cell's tasks on the cell's CPUs only, and
# cellsched reports it coming and going.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
command -v scx_qmap > /dev/null || skip "scx_qmap was not built (scripts/setup builds it)"
printf 'cells:\n  - name: x\n    cpus: "2-3"\n    policy: external\n' > /tmp/x.yaml
start_cellsched -c /tmp/x.yaml
wait_log 10 "cell x: added" || { cat $CS_LOG; fail "no cell x"; }
grep -q "cell x: child" $CS_LOG && fail "cellsched loaded a child for an external cell"
scx_qmap -c /sys/fs/cgroup/cellsched/x > /tmp/qmap.log 2>&1 & qmap=$!
wait_log 30 "cell x: external sub-scheduler 'qmap' attached" ||
	{ cat /tmp/qmap.log; cat $CS_LOG; fail "cellsched did not see qmap attach"; }
cgid=$(stat -c %i /sys/fs/cgroup/cellsched/x)
grep -q "enq: 2-3$" /sys/kernel/sched_ext/root/sub/sub-$cgid/caps ||
	{ cat /sys/kernel/sched_ext/root/sub/sub-$cgid/caps; fail "qmap does not hold CPUs 2-3"; }
ws=
for i in 1 2 3; do in_cell cellsched/x cs-work cpus 5 /tmp/x$i & ws="$ws $!"; done
cs-work cpus 5 /tmp/r1 & ws="$ws $!"
wait $ws || fail "a worker failed"
for i in 1 2 3; do
	s=$(cat /tmp/x$i)
	note "qmap-scheduled worker $i: $s"
	cpus_within "$(field cpus "$s")" "2 3" || fail "worker $i ran on CPUs $(field cpus "$s")"
	[ "$(field iters "$s")" -gt 0 ] || fail "worker $i made no progress"
done
cpus_within "$(field cpus "$(cat /tmp/r1)")" "0 1" || fail "a root-cell worker ran on the cell's CPUs"
kill -INT $qmap
wait $qmap
wait_log 10 "cell x: external sub-scheduler detached" || { cat $CS_LOG; fail "the detach was not reported"; }
scx_is enabled && root_ops_is cellsched || fail "the root did not survive qmap leaving"
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
