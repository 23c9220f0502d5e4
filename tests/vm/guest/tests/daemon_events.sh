# daemon_events: issue 13 item 10: after `cell delete` the root's detach
# event still names the cell (the log said "cell ? (slot 1)"), and stopping
# the daemon while an external cell's sub-scheduler is attached no longer
# waits the full 2 s for it to leave (it is not cellsched's to stop; it
# leaves with the root).
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
command -v scx_qmap > /dev/null || skip "scx_qmap was not built (scripts/setup builds it)"
printf 'cells:\n  - name: x\n    cpus: "3"\n    policy: external\n' > /tmp/x.yaml
start_cellsched -c /tmp/x.yaml
cellsched cell create c --cpus 2 > /dev/null || fail "create c exited $?"
wait_log 20 "event: cell c (slot [0-9]*): child attached" || { cat $CS_LOG; fail "no attach event for c"; }
cellsched cell delete c > /dev/null || fail "delete c exited $?"
wait_log 20 "event: cell .* (slot [0-9]*): child detached" || { cat $CS_LOG; fail "no detach event for c"; }
grep "event: cell" $CS_LOG | sed 's/^/# /'
grep -q "event: cell c (slot [0-9]*): child detached" $CS_LOG || fail "the detach event does not name c"
grep -q "event: cell ? " $CS_LOG && fail "an event names no cell"

scx_qmap -c /sys/fs/cgroup/cellsched/x > /tmp/qmap.log 2>&1 & qmap=$!
wait_log 30 "cell x: external sub-scheduler 'qmap' attached" ||
	{ cat /tmp/qmap.log; cat $CS_LOG; fail "qmap did not attach"; }
cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }	# centiseconds since boot
# (stop answers once everything is detached: its time is the whole shutdown's)
t0=$(cs)
cellsched stop > /dev/null || fail "stop exited $?"
took=$(($(cs) - t0))
wait $CS_PID; rc=$?
note "stop answered after $((took * 10)) ms, qmap attached"
[ "$rc" = 0 ] || { cat $CS_LOG; fail "cellsched exited $rc"; }
[ "$took" -lt 100 ] || fail "stopping took $((took * 10)) ms: it waited for the external sub-scheduler"
kill -INT $qmap 2>/dev/null
wait $qmap
wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state)"
