# root_overload: 8 CPU-bound tasks on 4 vCPUs under our root. Every task gets
# CPU time, the watchdog never fires, and the kernel never had to fall back
# for us (SELECT_CPU_FALLBACK) or drop a wrong insert (INSERT_NOT_OWNED).
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cellsched
pids=
for i in 1 2 3 4 5 6 7 8; do
	cs-work spin 60 &
	pids="$pids $!"
done
# all 8 runnable and scheduled at least once
all_ran() { for p in $pids; do [ "$(utime $p)" -gt 0 ] || return 1; done; }
wait_for 30 all_ran || fail "not every task ran within 30 s"
u0=
for p in $pids; do u0="$u0 $(utime $p)"; done
# every task's utime grows again over the next window
grew() {
	set -- $u0
	for p in $pids; do [ "$(utime $p)" -gt "$1" ] || return 1; shift; done
}
wait_for 30 grew || fail "some task made no progress in 30 s (utime before:$u0)"
# keep the overload going a few seconds to give the watchdog (5 s) a chance
t_end=$(($(date +%s) + 6))
wait_for 20 sh -c "[ \$(date +%s) -ge $t_end ]"
scx_is enabled || fail "state $(scx_state): the root was ejected"
root_ops_is cellsched || fail "root is no longer cellsched"
utimes=
for p in $pids; do utimes="$utimes $(utime $p)"; done
note "utime (ticks) of the 8 tasks:$utimes"
fb=$(scx_event SCX_EV_SELECT_CPU_FALLBACK)
no=$(scx_event SCX_EV_INSERT_NOT_OWNED)
note "SELECT_CPU_FALLBACK=$fb INSERT_NOT_OWNED=$no"
[ "$fb" = 0 ] || fail "SCX_EV_SELECT_CPU_FALLBACK is $fb"
[ "$no" = 0 ] || [ -z "$no" ] || fail "SCX_EV_INSERT_NOT_OWNED is $no"	# none before 7.x
kill $pids
stop_cellsched TERM
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
dmesg | grep -qi "stall" && { dmesg | grep -i stall; fail "watchdog reported a stall"; }
exit 0
