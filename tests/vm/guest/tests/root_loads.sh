# root_loads: `cellsched run` attaches our root (cid-form in native mode, the
# one cpu-form scheduler in embedded mode); SIGTERM detaches it and the
# reported exit is the unregistration, not an error.
# also on: 6.18
. /cs/guest/lib.sh
scx_is disabled || fail "sched_ext is $(scx_state) before the test"
start_cellsched
root_ops_is cellsched || fail "root/ops is '$(cat /sys/kernel/sched_ext/root/ops)', want cellsched"
grep -q "\(root scheduler 'cellsched' attached: 4 cids\|embedded scheduler 'cellsched' attached: 4 CPUs\)" $CS_LOG ||
	{ cat $CS_LOG; fail "no attach message naming 4 cids or CPUs"; }
stop_cellsched TERM
cat $CS_LOG
[ "$CS_RC" = 0 ] || fail "cellsched exited $CS_RC after SIGTERM, want 0"
grep -q "root scheduler exited: unregistered" $CS_LOG || fail "exit not reported as an unregistration"
grep -q "error" $CS_LOG && fail "an error was reported"
scx_is disabled || fail "state $(scx_state) after exit"
