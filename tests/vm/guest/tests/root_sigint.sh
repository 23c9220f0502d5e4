# root_sigint: SIGINT (Ctrl-C) detaches as cleanly as SIGTERM.
. /cs/guest/lib.sh
start_cellsched
stop_cellsched INT
cat $CS_LOG
[ "$CS_RC" = 0 ] || fail "cellsched exited $CS_RC after SIGINT, want 0"
grep -q "received Interrupt, detaching" $CS_LOG || fail "no message about the signal"
grep -q "root scheduler exited: unregistered" $CS_LOG || fail "exit not reported as an unregistration"
