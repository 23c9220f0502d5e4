# bench/vm/conserve.sh: root-cell work conservation. As many busy spinners as
# vCPUs (`cs-work cpus`, no cgroup, no affinity) for SECS seconds (default 8;
# 4 with more than 4 vCPUs: single-threaded TCG runs every vCPU on one host
# thread), under:
#   eevdf      the kernel's default scheduler (the reference)
#   simple     the kernel's scx_simple
#   cs         cellsched with no cells (root cell only), tick_ms 1000
#   eevdf-aa   eevdf again: the A/A pair that shows the noise floor
#   cs-t100    cellsched with no cells at the default tick_ms 100 (the daemon
#              then takes a visible share of a vCPU from the spinners; see
#              daemon_pct and the `daemon` benchmark); 4 vCPUs only
# Metrics, over a window of SECS seconds after the spinners have started:
#   held       sum of the spinners' on-CPU time (/proc/PID/schedstat field 1)
#              / (wall time x vCPUs): 1.0 = no CPU ever idle or lost
#   wait_ms    run-queue wait per spinner in the window (schedstat field 2), ms
#   idle       idle time of all CPUs (/proc/stat) / (wall x vCPUs): CPU time
#              left idle while every spinner was runnable
#   work_per_cpu_s  cs-work iterations per second on a CPU (what a spinner got
#              out of its CPU time; moves +-30 % between rounds under TCG)
#   daemon_pct the daemon's utime+stime (/proc/PID/stat) in % of one vCPU
# The issue's goal for the root cell: held >= 0.98, idle <= 0.1 s per 8 s.
# Run: meson test -C BUILD --benchmark conserve (or conserve16: 16 vCPUs), or
# tests/vm/run-vm --build BUILD --bench conserve [--smp 16].
. /cs/bench/lib.sh
N=$NCPUS
SECS=${SECS:-$([ "$NCPUS" -gt 4 ] && echo 4 || echo 8)}
ARMS="
eevdf    eevdf
simple   simple
cs       cellsched 1000
eevdf-aa eevdf
"
# the 100 ms tick's cost grows with the CPUs; on more than 4 vCPUs it would
# take most of the run
[ "$NCPUS" -gt 4 ] || ARMS="$ARMS
cs-t100  cellsched 100"
bench_header "conserve: $N spinners on $N CPUs, ${SECS} s windows"

arm() {
	local round=$1 name=$2 kind=$3 t0 t1 s0 s1 i0 i1 d0 w run wait wall daemon= lost
	if [ "$kind" = cellsched ]; then
		TICK_MS=$4
		cells_yaml /tmp/conserve.yaml
		sched_up cellsched /tmp/conserve.yaml
	else
		sched_up "$kind"
	fi
	PIDS=
	spinners "$N" "" /tmp/spin
	sleep 1
	work_reset $PIDS
	[ -n "$DAEMON_PID" ] && d0=$(cpu_ticks "$DAEMON_PID")
	t0=$(now_ns) s0=$(schedstat $PIDS) i0=$(idle_ticks)
	sleep "$SECS"
	t1=$(now_ns) s1=$(schedstat $PIDS) i1=$(idle_ticks)
	wall=$((t1 - t0))
	[ -n "$DAEMON_PID" ] && daemon="daemon_pct=$(pct_vcpu $(( $(cpu_ticks "$DAEMON_PID") - d0 )) $wall)"
	lost=$(sched_lost)
	[ -z "$lost" ] || record_lost "$name" "$round" "$lost"
	w=$(work_collect /tmp/spin "$N" $PIDS) || fail "a spinner gave no sample"
	stop_tasks $PIDS
	sched_down
	[ -z "$lost" ] || return 0
	run=$(( ${s1% *} - ${s0% *} )) wait=$(( ${s1#* } - ${s0#* } ))
	record "$name" "$round" \
		held=$(ratio $run $((wall * N))) \
		wait_ms=$(ratio $wait $((N * 1000000)) %.1f) \
		idle=$(ratio $(( (i1 - i0) * (1000000000 / USER_HZ) )) $((wall * NCPUS))) \
		work_per_cpu_s=$(per_s "${w% *}" $run) $daemon cpus=${w#* }
}
run_rounds arm "$ARMS"
echo
summary eevdf \
	"held:spinners' on-CPU time / (wall x $NCPUS vCPUs) (goal >= 0.98)" \
	"wait_ms:run-queue wait per spinner per ${SECS} s window, ms" \
	"idle:idle CPU time / (wall x $NCPUS vCPUs) while $N spinners were runnable" \
	"work_per_cpu_s:iterations per on-CPU second" \
	"daemon_pct:the daemon's CPU, % of one vCPU"
lost_summary
