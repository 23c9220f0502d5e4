# policy_tunables: changing one cell's tunable in the YAML and sending SIGHUP
# applies it to that cell's running child through its control queue: no
# reload, no detach, the new value read back from the child within one tick;
# the other cell is untouched. A bad tunable is refused and changes nothing.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cp /cs/configs/two-cells.yaml /tmp/t.yaml
start_cells /tmp/t.yaml
in_effect() {
	cellsched cell show b --json | tr -d ' \n' | grep -q "\"tunables_in_effect\":{[^}]*\"lag_us\":$1[,}]"
}
in_effect 20000 || { cellsched cell show b --json; fail "b's child does not run with lag_us 20000"; }
sed -i 's/lag_us: 20000/lag_us: 3000/' /tmp/t.yaml
kill -HUP $CS_PID
wait_log 20 "cell b: lag_us 20000 -> 3000, applied live in [0-9]* us" ||
	{ cat $CS_LOG; fail "no live change of b"; }
us=$(sed -n 's/.*cell b: lag_us 20000 -> 3000, applied live in \([0-9]*\) us.*/\1/p' $CS_LOG)
note "applied live in $us us (tick 100 ms)"
[ "$us" -lt 100000 ] || fail "the change took $us us, more than one tick"
in_effect 3000 || { cellsched cell show b --json; fail "b's child does not run with lag_us 3000"; }
[ "$(count_log "$(started b vtime)")" = 1 ] || { cat $CS_LOG; fail "b's child was reloaded"; }
grep -q "child detached" $CS_LOG && { cat $CS_LOG; fail "a child detached"; }
[ "$(count_log "$(started a fifo)")" = 1 ] || { cat $CS_LOG; fail "a's child was reloaded"; }
grep -q "cell a: .* -> " $CS_LOG && fail "a was reported changed"
# a bad tunable on reload is refused and the running cells stay as they are
sed -i 's/lag_us: 3000/lag_us: 5000000/' /tmp/t.yaml
kill -HUP $CS_PID
wait_log 10 "'lag_us' is 5000000, outside the allowed range 0..1000000" || { cat $CS_LOG; fail "bad tunable not refused"; }
wait_log 10 "keeping the running configuration" || fail "no word about keeping the configuration"
in_effect 3000 || fail "a refused configuration changed b's tunable"
# and the running configuration is intact: nothing removed on the next ticks
wait_for 2 grep -q "removed" $CS_LOG && { cat $CS_LOG; fail "a cell was removed after a refused reload"; }
# a policy change still reloads the child (a new program), and only that cell's
sed -i '/lag_us/d; s/policy: vtime/policy: latency/' /tmp/t.yaml
kill -HUP $CS_PID
wait_log 20 "cell b: policy vtime -> latency" || { cat $CS_LOG; fail "no policy change"; }
wait_log 20 "$(started b latency)" || { cat $CS_LOG; fail "latency not attached"; }
[ "$(count_log "$(started a fifo)")" = 1 ] || fail "a's child was reloaded"
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
