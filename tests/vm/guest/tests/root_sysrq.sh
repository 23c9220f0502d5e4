# root_sysrq: when the kernel stops our root without cellsched asking
# (sysrq-S, the operator's emergency switch), cellsched notices within a tick,
# reports the kernel's reason and exits 7.
. /cs/guest/lib.sh
start_cellsched
echo S > /proc/sysrq-trigger
wait_for 10 scx_is disabled || fail "sysrq-S did not disable sched_ext"
# the daemon exits on its own: wait for it with a deadline
gone() { ! kill -0 $CS_PID 2>/dev/null; }
wait_for 10 gone || fail "cellsched still running 10 s after the root was stopped"
wait $CS_PID
rc=$?
cat $CS_LOG
[ "$rc" = 7 ] || fail "cellsched exited $rc, want 7"
grep -q "root scheduler was stopped from outside cellsched: sysrq" $CS_LOG ||
	fail "the kernel's reason was not reported"
