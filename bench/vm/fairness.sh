# bench/vm/fairness.sh: cgroup fairness in the root cell. Two plain cgroups
# (no cpuset, so in the root cell under cellsched): bench/a with 2 busy tasks,
# bench/b with 8, on all 4 vCPUs. Two phases of SECS seconds each (default 6):
#   eq    cpu.weight a 100, b 100: cgroup fairness gives each half (b/a = 1.0)
#   w     cpu.weight a 100, b 200: b should get 2/3 and a 1/3 (b/a = 2.0);
#         a can use that third with its 2 tasks, which it could not use the
#         other way round (2/3 of 4 CPUs is more than 2 tasks can hold)
# Per-task fairness without cgroups (10 equal tasks) would give b/a = 4.0.
# Arms (reference: eevdf):
#   eevdf     the kernel's default scheduler (cgroup-aware, but its shares are
#             per CPU: how close it gets depends on where the tasks sit, and
#             in this VM it keeps migrating them)
#   flatcg    the kernel's scx_flatcg: cgroup weights flattened into one vtime
#             (the reference for cgroup-weight fairness under sched_ext)
#   cs        cellsched with no cells, tick_ms 1000: both cgroups are in the
#             root cell, scheduled by the root's own policy
#   eevdf-aa  eevdf again: the A/A pair that shows the noise floor
# Metrics, from each cgroup's cpu.stat usage_usec over the window:
#   PHASE_share_a  a's part of the CPU the two got, a / (a + b)
#   PHASE_b_per_a  b's CPU / a's CPU (goal: eq 1.0 +-15 %, w 2.0 +-15 %)
#   PHASE_held     (a + b) / (wall x vCPUs)
# Run: meson test -C BUILD --benchmark fairness, or
# tests/vm/run-vm --build BUILD --bench fairness.
. /cs/bench/lib.sh
SECS=${SECS:-6}
ARMS="
eevdf    eevdf
flatcg   flatcg
cs       cellsched
eevdf-aa eevdf
"
bench_header "fairness: cgroup a (2 spinners) vs b (8 spinners) in the root cell, ${SECS} s per phase"

arm() {
	local round=$1 name=$2 kind=$3 phase wb a0 b0 a1 b1 t0 t1 a b out= lost
	if [ "$kind" = cellsched ]; then
		cells_yaml /tmp/fairness.yaml
		sched_up cellsched /tmp/fairness.yaml
	else
		sched_up "$kind"
	fi
	cg_make a
	cg_make b
	PIDS=
	spinners 2 bench/a /tmp/fa
	spinners 8 bench/b /tmp/fb
	for phase in eq w; do
		[ $phase = eq ] && wb=100 || wb=200
		echo 100 > $BENCH_CG/a/cpu.weight
		echo $wb > $BENCH_CG/b/cpu.weight
		sleep 2
		t0=$(now_ns) a0=$(usage_us bench/a) b0=$(usage_us bench/b)
		sleep "$SECS"
		t1=$(now_ns) a1=$(usage_us bench/a) b1=$(usage_us bench/b)
		a=$((a1 - a0)) b=$((b1 - b0))
		out="$out ${phase}_share_a=$(ratio $a $((a + b))) ${phase}_b_per_a=$(ratio $b $a)"
		out="$out ${phase}_held=$(ratio $(( (a + b) * 1000 )) $(( (t1 - t0) * NCPUS )))"
	done
	lost=$(sched_lost)
	[ -z "$lost" ] && record "$name" "$round" $out || record_lost "$name" "$round" "$lost"
	stop_tasks $PIDS
	sched_down
	cg_clean
}
run_rounds arm "$ARMS"
echo
summary eevdf \
	"eq_share_a:equal weights: a's share of the two cgroups' CPU (cgroup-fair 0.5; per-task 0.2)" \
	"eq_b_per_a:equal weights: b's CPU / a's CPU (goal 1.0 +-15 %)" \
	"eq_held:equal weights: (a + b) CPU / (wall x $NCPUS vCPUs)" \
	"w_share_a:b at 200: a's share (cgroup-fair 0.333)" \
	"w_b_per_a:b at 200: b's CPU / a's CPU (goal 2.0 +-15 %)" \
	"w_held:b at 200: (a + b) CPU / (wall x $NCPUS vCPUs)"
lost_summary
