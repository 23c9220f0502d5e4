# daemon_two_starts: issue 13 item 7: two `cellsched run` started at once
# could both find nobody on the control socket, and the one that then lost
# the race for sched_ext unlinked the winner's socket on its way out: the
# winner ran on, unreachable. Now the second stops at the state file's lock
# (or, if it comes later, at the kernel check), exits 4 and touches nothing:
# in each of three rounds one daemon runs and answers on the socket.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
alive() { kill -0 "$1" 2>/dev/null; }
for round in 1 2 3; do
	cellsched run -c /cs/configs/two-cells.yaml > /tmp/r1.log 2>&1 & p1=$!
	cellsched run -c /cs/configs/two-cells.yaml > /tmp/r2.log 2>&1 & p2=$!
	wait_for 60 sh -c "! kill -0 $p1 2>/dev/null || ! kill -0 $p2 2>/dev/null" ||
		fail "round $round: both daemons still run after 60 s"
	if alive $p1; then winner=$p1 loser=$p2 log=/tmp/r2.log; else winner=$p2 loser=$p1 log=/tmp/r1.log; fi
	wait $loser; rc=$?
	[ "$rc" = 4 ] || { cat /tmp/r1.log /tmp/r2.log; fail "round $round: the second daemon exited $rc, want 4"; }
	note "round $round: $(grep error: $log)"
	grep -q "another cellsched\|sched_ext is enabled with scheduler 'cellsched'" $log ||
		{ cat $log; fail "round $round: the refusal does not say why"; }
	alive $winner || { cat /tmp/r1.log /tmp/r2.log; fail "round $round: no daemon runs"; }
	wait_for 30 cs_attached || fail "round $round: the root is not attached"
	out=$(cellsched status 2>&1) || { cat /tmp/r1.log /tmp/r2.log; fail "round $round: the running daemon is unreachable (exit $?): $out"; }
	echo "$out" | grep -q "pid $winner," || fail "round $round: status from another daemon: $out"
	cellsched stop > /dev/null || fail "round $round: stop exited $?"
	wait $winner; rc=$?
	[ "$rc" = 0 ] || fail "round $round: the daemon exited $rc after stop"
	wait_for 10 scx_is disabled || fail "round $round: sched_ext still $(scx_state)"
done
