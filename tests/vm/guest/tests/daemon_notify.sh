# daemon_notify: what systemd hears under Type=notify (a datagram socket at
# $NOTIFY_SOCKET, as systemd gives a service). READY=1 comes once both cells'
# policies run, never before, with a STATUS= that counts them; WATCHDOG=1
# comes at half of $WATCHDOG_USEC; a reload is framed by RELOADING=1 and
# READY=1, whether the file was taken or refused (exit 8); a cell whose
# child keeps failing shows in STATUS= as down; `cellsched stop` sends
# STOPPING=1 before the daemon exits.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
log=/tmp/notify.log
rm -f $log
cs-work notify-sink /run/notify.sock $log & sink=$!
wait_for 10 test -S /run/notify.sock || fail "the notify socket was not made"
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
export NOTIFY_SOCKET=/run/notify.sock WATCHDOG_USEC=1000000
start_cells /tmp/cells.yaml
unset NOTIFY_SOCKET WATCHDOG_USEC
wait_for 10 grep -q "^READY=1" $log || { cat $log; fail "no READY=1 once both cells run"; }
grep "^READY=1" $log | head -1 | grep -q "STATUS=2 cells running$" ||
	fail "READY=1 came with '$(grep '^READY=1' $log | head -1)', want STATUS=2 cells running"
# not before: at READY=1 both cells had their policy (the daemon's log says so first)
[ "$(grep -c '^READY=1' $log)" = 1 ] || fail "READY=1 sent $(grep -c '^READY=1' $log) times at start"
wait_log 1 "watchdog: every 1000 ms" || fail "the daemon did not take WATCHDOG_USEC"
n0=$(grep -c "^WATCHDOG=1" $log)
t0=$(date +%s)
wait_for 30 sh -c "[ \$(date +%s) -ge $((t0 + 4)) ]"
n1=$(grep -c "^WATCHDOG=1" $log)
note "WATCHDOG=1: $((n1 - n0)) in 4 s (every 0.5 s wanted)"
[ $((n1 - n0)) -ge 4 ] || fail "only $((n1 - n0)) WATCHDOG=1 in 4 s with WatchdogSec=1s"

# a reload that is taken, then one that is refused: both end with READY=1
sed -i 's/cpus: "2-3"/cpus: "2"/' /tmp/cells.yaml
cellsched reload > /dev/null || fail "reload exited $?"
sed -i 's/cpus: "2"/cpus: "1"/' /tmp/cells.yaml	# overlaps cell a
cellsched reload > /tmp/out 2>&1
rc=$?
[ $rc = 8 ] || { cat /tmp/out; fail "a refused reload exited $rc, want 8"; }
frames=$(grep -o "^RELOADING=1\|^READY=1" $log | tr '\n' ' ')
[ "$frames" = "READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 " ] ||
	{ cat $log; fail "reload messages: '$frames'"; }
grep "^RELOADING=1" $log | grep -q "MONOTONIC_USEC=[0-9]" || fail "RELOADING=1 without MONOTONIC_USEC"

# a cell whose child keeps failing (native mode: the test-only policy is a
# child of its own): STATUS= counts it as down
if [ "$(cs_mode)" = native ]; then
	cat > /tmp/cells.yaml <<'YAML'
cells:
  - name: a
    cpus: "1"
  - name: b
    cpus: "2-3"
    policy: test-fault
    fault_after: 1
YAML
	cellsched reload > /tmp/out 2>&1 || { cat /tmp/out; fail "reload to a failing cell exited $?"; }
	in_cell cellsched/b cs-work spin 60 & w=$!
	wait_for 30 grep -q "^STATUS=1 cell running, 1 down" $log ||
		{ tail -5 $log; fail "no STATUS= with the failing cell down"; }
	kill $w
fi

cellsched stop > /dev/null || fail "stop exited $?"
wait $CS_PID
CS_RC=$?
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
tail -1 $log | grep -q "^STOPPING=1" || fail "the last message was '$(tail -1 $log)', want STOPPING=1"
kill $sink
