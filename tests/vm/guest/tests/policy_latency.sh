# policy_latency: a latency cell runs a periodic task and 4 CPU hogs on its one
# CPU: the periodic task completes its wakeups, no hog starves (each keeps
# making progress while the periodic task preempts them), everything stays on
# the cell's CPU. How much faster the periodic task is served is measured by
# bench/vm/latency.sh, not asserted here.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
printf 'cells:\n  - name: l\n    cpus: "3"\n    policy: latency\n    short_us: 1000\n' > /tmp/l.yaml
start_cells /tmp/l.yaml
hogs=
for i in 1 2 3 4; do in_cell cellsched/l cs-work cpus 120 /tmp/h$i & hogs="$hogs $!"; done
in_cell cellsched/l cs-work wake 500 /tmp/probe & probe=$!
wait $probe || fail "the periodic task failed"
note "periodic task: $(cat /tmp/probe)"
# every hog progresses in a fresh window
for p in $hogs; do kill -USR1 $p; done
i=1
for p in $hogs; do
	wait_for 20 sh -c "kill -USR2 $p; sleep 0.3; [ \$(sed 's/.*iters=//' /tmp/h$i) -gt 0 ]" ||
		fail "hog $i starved"
	s=$(cat /tmp/h$i)
	[ "$(field cpus "$s")" = 3 ] || fail "hog $i ran on CPUs $(field cpus "$s")"
	i=$((i + 1))
done
check_health
kill $hogs
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
