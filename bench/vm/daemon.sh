# bench/vm/daemon.sh: the daemon's own cost with nothing to do. cellsched with
# 2 idle cells (a: CPU 1, fifo; b: CPUs 2-3, vtime; no task in either) or no
# cell at all, at two controller ticks; the daemon's CPU over SECS seconds
# (default 10) after it has settled (2 s).
# Arms (reference: t100, the default tick):
#   t100       2 idle cells, tick_ms 100 (the default)
#   t1000      2 idle cells, tick_ms 1000
#   root-t100  no cell, tick_ms 100
#   t100-aa    t100 again: the A/A pair that shows the noise floor
# Metrics:
#   cpu_pct      the daemon's utime+stime (/proc/PID/stat fields 14+15, in
#                USER_HZ ticks of 10 ms) in % of one vCPU (goal at tick_ms
#                100 with 2 idle cells: <= 3 %)
#   wakeups_s    the daemon's context switches per second (/proc/PID/status
#                voluntary + involuntary): how often it runs at all
# meson runs it with -icount (see bench/meson.build): guest time is then
# instructions x 4 ns, about what TCG manages on the real-time clock, so the
# percentages compare with the issue's; a real CPU is faster. On the real-time
# clock, load on the host moved its A/A pair by 8-16 %.
# Run: meson test -C BUILD --benchmark daemon (with --icount 2), or
# tests/vm/run-vm --build BUILD --bench daemon --icount 2.
. /cs/bench/lib.sh
[ "$NCPUS" -ge 4 ] || fail "needs 4 vCPUs, have $NCPUS"
SECS=${SECS:-10}
ARMS="
t100      100  cells
t1000     1000 cells
root-t100 100  none
t100-aa   100  cells
"
bench_header "daemon: cellsched's own CPU with idle cells, ${SECS} s windows"

arm() {
	local round=$1 name=$2 tick=$3 cells=$4 t0 t1 c0 c1 s0 s1 lost
	TICK_MS=$tick
	if [ "$cells" = cells ]; then
		cells_yaml /tmp/daemon.yaml "a 1 fifo" "b 2-3 vtime"
	else
		cells_yaml /tmp/daemon.yaml
	fi
	sched_up cellsched /tmp/daemon.yaml
	sleep 2
	t0=$(now_ns) c0=$(cpu_ticks $DAEMON_PID) s0=$(ctx_switches $DAEMON_PID)
	sleep "$SECS"
	t1=$(now_ns) c1=$(cpu_ticks $DAEMON_PID) s1=$(ctx_switches $DAEMON_PID)
	lost=$(sched_lost)
	if [ -n "$lost" ]; then
		record_lost "$name" "$round" "$lost"
	else
		record "$name" "$round" cpu_pct=$(pct_vcpu $((c1 - c0)) $((t1 - t0))) \
			wakeups_s=$(per_s $((s1 - s0)) $((t1 - t0)))
	fi
	sched_down
}
run_rounds arm "$ARMS"
echo
summary t100 \
	"cpu_pct:the daemon's CPU, % of one vCPU (goal at tick_ms 100 with 2 idle cells: <= 3)" \
	"wakeups_s:the daemon's context switches per second"
lost_summary
