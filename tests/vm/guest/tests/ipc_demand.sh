# ipc_demand: each child reports its cell's demand through its queue in the
# shared arena every 100 ms; the root's timer collects the reports into the
# cell table and the controller prints the latest per cell (--stats) and logs
# the events the root queued (child attached).
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cells /cs/configs/two-cells.yaml --stats 1
wait_log 10 "event: cell a (slot 0): child attached at cgroup" || { cat $CS_LOG; fail "no attach event for a"; }
wait_log 10 "event: cell b (slot 1): child attached at cgroup" || { cat $CS_LOG; fail "no attach event for b"; }
# load cell b only: 4 busy tasks on its 2 CPUs
for i in 1 2 3 4; do in_cell cellsched/b cs-work spin 30 & ws="$ws $!"; done
busy_b() {
	l=$(grep "^cell b: runnable" $CS_LOG | tail -n 1)
	[ -n "$l" ] || return 1
	[ "$(field runnable "$l")" -ge 3 ] && [ "$(field reports "$l")" -ge 5 ] &&
		[ "$(field util "$l" | cut -d. -f1)" -ge 80 ]
}
wait_for 30 busy_b || { grep "^cell" $CS_LOG | tail; fail "cell b's demand never showed the load"; }
wait_for 5 grep -q "^cell b: policy=" $CS_LOG || fail "no statistics of cell b's child"
note "$(grep '^cell b: runnable' $CS_LOG | tail -n 1)"
note "$(grep '^cell a: runnable' $CS_LOG | tail -n 1)"
# the children's own statistics come with the reports
sb=$(grep "^cell b: policy=" $CS_LOG | tail -n 1)
note "$sb"
[ "$(field ENQ "$sb")" -gt 0 ] && [ "$(field DISPATCH "$sb")" -gt 0 ] ||
	fail "cell b's child counted no enqueues or dispatches: $sb"
la=$(grep "^cell a: runnable" $CS_LOG | tail -n 1)
[ "$(field reports "$la")" -ge 5 ] || fail "cell a sent no reports: $la"
[ "$(field util "$la" | cut -d. -f1)" -le 20 ] || fail "idle cell a reports load: $la"
# a task that has its CPU to itself never stops: it must count as busy too
in_cell cellsched/a cs-work spin 30 & ws="$ws $!"
busy_a() {
	l=$(grep "^cell a: runnable" $CS_LOG | tail -n 1)
	[ "$(field util "$l" | cut -d. -f1)" -ge 80 ]
}
wait_for 20 busy_a || { grep "^cell a" $CS_LOG | tail -3; fail "cell a's lone busy task is not counted"; }
note "$(grep '^cell a: runnable' $CS_LOG | tail -n 1)"
kill $ws
stop_cellsched
grep -q "event: cell b (slot 1): child detached" $CS_LOG || fail "no detach event at shutdown"
[ "$CS_RC" = 0 ] || fail "cellsched exited $CS_RC"
