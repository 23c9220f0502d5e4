# root_cycles: four load/unload cycles in one boot, each under load, all clean.
. /cs/guest/lib.sh
for cycle in 1 2 3 4; do
	start_cellsched
	cs-work spin 2 & w1=$!
	cs-work spin 2 & w2=$!
	wait $w1 $w2 || fail "cycle $cycle: workload failed"
	stop_cellsched TERM
	[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cycle $cycle: cellsched exited $CS_RC"; }
	grep -q "root scheduler exited: unregistered" $CS_LOG ||
		{ cat $CS_LOG; fail "cycle $cycle: exit not an unregistration"; }
	note "cycle $cycle clean"
done
dmesg | grep -E "Oops|BUG:|WARNING:|stall" && fail "kernel complained during the cycles"
exit 0
