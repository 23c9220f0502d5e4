# cells_route_stranded: regression test for root tasks stranded by a route
# change. Three busy root-cell tasks may run only on CPUs 2-3, so one of them
# always waits in the root's queue; then a cell takes CPUs 2-3 (cell create).
# The waiting one used to be skipped by dispatch on the remaining root CPUs
# forever, and the watchdog ejected the root after 5 s. Now the change
# re-queues the root's queue and the three keep running (on the cell's CPUs,
# in their bounded share): for 10 s, twice the watchdog's timeout.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
echo "cells: []" > /tmp/none.yaml
start_cellsched -c /tmp/none.yaml
pids=
for i in 1 2 3; do taskset -c 2,3 cs-work spin 300 & pids="$pids $!"; done
wait_for 10 sh -c "for p in $pids; do [ \$(awk '{ print \$14 }' /proc/\$p/stat) -gt 0 ] || exit 1; done"
cellsched cell create x --cpus 2-3 || fail "cell create exited $?"
wait_log 20 "$(started x fifo)" || { cat $CS_LOG; fail "x not attached"; }
t0=$(date +%s)
for p in $pids; do eval "u$p=\$(utime $p)"; done
wait_for 30 sh -c "[ \$(date +%s) -ge $((t0 + 10)) ]"
scx_is enabled && root_ops_is cellsched || { dmesg | tail; fail "the root was ejected"; }
for p in $pids; do
	eval "before=\$u$p"
	note "task $p: $before -> $(utime $p) ticks"
	[ "$(utime $p)" -gt "$before" ] || fail "task $p made no progress after cell x took its CPUs"
done
kill $pids
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
