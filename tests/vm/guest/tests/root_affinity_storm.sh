# root_affinity_storm: regression test for the root being ejected by the
# watchdog in an affinity storm ("runnable task stall (khugepaged failed to
# run for 5.8 s)"): pinned tasks went straight to their CPU's local DSQ,
# served before dispatch is asked, and starved the shared queue. With
# configs/two-cells.yaml: stress-ng --affinity 4 in cell b and in the root
# cell for 45 s, then --affinity 2 --sched 1 --cpu-sched 1 for 20 s, and in
# cell a, cell b and the root cell a task that sets its own affinity to a
# random subset of all CPUs in a tight loop (cs-work hop). First, its core:
# two busy tasks pinned to the root cell's only CPU and an unpinned one. The root stays
# enabled, nothing stalls, every hopper and the kernel's own threads run.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
command -v stress-ng >/dev/null || skip "no stress-ng"
start_cells /cs/configs/two-cells.yaml
# storm SECONDS STRESS-NG-ARGS: stress-ng in cell b and in the root cell, a hopper
# in cell a, cell b and the root cell; the root must stay enabled throughout
storm() {
	local t=$1 sb sr ha hb hr end
	shift
	in_cell cellsched/b stress-ng "$@" --timeout ${t}s --quiet & sb=$!
	stress-ng "$@" --timeout ${t}s --quiet & sr=$!
	in_cell cellsched/a cs-work hop $t > /tmp/hop.a & ha=$!
	in_cell cellsched/b cs-work hop $t > /tmp/hop.b & hb=$!
	cs-work hop $t > /tmp/hop.r & hr=$!
	end=$(($(date +%s) + t))
	while [ "$(date +%s)" -lt "$end" ]; do
		scx_is enabled && root_ops_is cellsched ||
			{ dmesg | tail -20; tail -20 $CS_LOG; fail "the root was ejected ($*)"; }
		sleep 1
	done
	wait $ha $hb $hr || fail "a hopper failed ($*)"
	wait $sb $sr
}
# its core: tasks pinned to the root cell's only CPU, busy, and an unpinned
# one beside them that must still get its turn (it used to wait forever)
taskset -c 0 cs-work spin 12 & p1=$!
taskset -c 0 cs-work spin 12 & p2=$!
cs-work spin 12 & u=$!
wait_for 10 sh -c "[ \$(awk '{ print \$14 }' /proc/$u/stat) -gt 0 ]" ||
	{ dmesg | tail -5; fail "the unpinned root task never ran beside two pinned ones"; }
wait $p1 $p2 $u
scx_is enabled && root_ops_is cellsched || { dmesg | tail -5; fail "the root was ejected (pinned spinners)"; }
# the storm as first seen (4 affinity workers), then with policy changes too
storm 45 --affinity 4
storm 20 --affinity 2 --sched 1 --cpu-sched 1
for c in a b r; do
	note "hopper $c: $(cat /tmp/hop.$c)"
	[ "$(sed -n 's/hops=//p' /tmp/hop.$c)" -gt 0 ] || fail "hopper $c made no affinity change"
done
note "root stats: $(cellsched --json stats | tr -d ' \n' | grep -o '"ENQ_PINNED":[0-9]*,"ENQ_KTHREAD":[0-9]*,"ENQ_STRANDED":[0-9]*')"
check_health
scx_is enabled || fail "the root is no longer enabled"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
