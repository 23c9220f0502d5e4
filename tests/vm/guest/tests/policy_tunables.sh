# policy_tunables: changing one cell's tunable in the YAML and sending SIGHUP
# reloads that cell's child only; the other cell's child keeps running.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cp /cs/configs/two-cells.yaml /tmp/t.yaml
start_cells /tmp/t.yaml
sed -i 's/lag_us: 20000/lag_us: 3000/' /tmp/t.yaml
kill -HUP $CS_PID
wait_log 20 "cell b: tunables changed, reloading its child" || { cat $CS_LOG; fail "no reload of b"; }
wait_for 20 sh -c "[ \$(grep -c \"cell b: child 'vtime' attached\" $CS_LOG) -ge 2 ]" ||
	{ cat $CS_LOG; fail "b's child was not started again"; }
[ "$(count_log "cell a: child 'fifo' attached")" = 1 ] || { cat $CS_LOG; fail "a's child was reloaded too"; }
grep -q "cell a: tunables changed" $CS_LOG && fail "a was reported changed"
# a bad tunable on reload is refused and the running cells stay as they are
sed -i 's/lag_us: 3000/lag_us: 5000000/' /tmp/t.yaml
kill -HUP $CS_PID
wait_log 10 "'lag_us' is 5000000, outside the allowed range 0..1000000" || { cat $CS_LOG; fail "bad tunable not refused"; }
wait_log 10 "keeping the running configuration" || fail "no word about keeping the configuration"
[ "$(grep -c "cell b: child 'vtime' attached" $CS_LOG)" = 2 ] || fail "b was reloaded by a refused config"
# and the running configuration is intact: nothing removed on the next ticks
wait_for 2 grep -q "removed" $CS_LOG && { cat $CS_LOG; fail "a cell was removed after a refused reload"; }
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
