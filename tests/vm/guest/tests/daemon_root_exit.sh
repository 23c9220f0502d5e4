# daemon_root_exit: issue 13 item 10: when the root scheduler is stopped
# from outside (sysrq-S) while cells run busy children, the children end
# with it: the daemon reports the root's exit and exits 7, and schedules no
# child restart ("restarting in 250 ms") nor tries one ("attaching ... No
# such device"), which it did.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cells /cs/configs/two-cells.yaml
ws=
for c in a b b; do in_cell cellsched/$c cs-work spin 60 & ws="$ws $!"; done
echo S > /proc/sysrq-trigger
gone() { ! kill -0 $CS_PID 2>/dev/null; }
wait_for 20 gone || fail "cellsched still running 20 s after sysrq-S"
wait $CS_PID; rc=$?
kill $ws 2>/dev/null
grep "child\|root scheduler" $CS_LOG | sed 's/^/# /'
[ "$rc" = 7 ] || { cat $CS_LOG; fail "cellsched exited $rc, want 7"; }
grep -q "root scheduler was stopped from outside cellsched: sysrq" $CS_LOG ||
	fail "the kernel's reason was not reported"
grep -E "restarting in|retrying in|starting child|attaching" $CS_LOG &&
	fail "a child was restarted after the root was stopped"
exit 0
