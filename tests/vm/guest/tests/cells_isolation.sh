# cells_isolation: root cell on CPU 0, cell a (fifo) on CPU 1, cell b (vtime) on CPUs 2-3
# (configs/two-cells.yaml); 4 busy workers in each cell and 4 outside record
# every CPU they run on (sched_getcpu() each iteration) for 6 s. None may run
# outside its cell's CPUs, workers outside cells never on cell CPUs, and every
# worker makes progress.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cells /cs/configs/two-cells.yaml
pids=
for i in 1 2 3 4; do
	in_cell cellsched/a cs-work cpus 6 /tmp/a$i & pids="$pids $!"
	in_cell cellsched/b cs-work cpus 6 /tmp/b$i & pids="$pids $!"
	cs-work cpus 6 /tmp/r$i & pids="$pids $!"
done
wait $pids || fail "a worker failed"
for i in 1 2 3 4; do
	for w in a:1 b:"2 3" r:0; do
		cell=${w%%:*} allowed=${w#*:}
		s=$(cat /tmp/$cell$i)
		note "worker $cell$i: $s"
		cpus_within "$(field cpus "$s")" "$allowed" ||
			fail "worker $cell$i ran on CPUs $(field cpus "$s"), allowed: $allowed"
		[ "$(field iters "$s")" -gt 0 ] || fail "worker $cell$i made no progress"
	done
done
check_health
scx_is enabled || fail "the root is no longer enabled"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
