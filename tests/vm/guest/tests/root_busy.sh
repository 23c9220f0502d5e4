# root_busy: a second `cellsched run` while one is attached is refused with
# exit code 4 and a message naming the attached scheduler; the first keeps running.
# also on: 6.18
. /cs/guest/lib.sh
start_cellsched
cellsched run > /tmp/second.log 2>&1
rc=$?
cat /tmp/second.log
[ "$rc" = 4 ] || fail "second instance exited $rc, want 4"
grep -q "sched_ext is enabled with scheduler 'cellsched'" /tmp/second.log ||
	fail "refusal does not name the attached scheduler"
scx_is enabled && root_ops_is cellsched || fail "the first instance was disturbed"
stop_cellsched TERM
[ "$CS_RC" = 0 ] || fail "first instance exited $CS_RC"
