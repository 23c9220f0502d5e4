# bench/vm/lend.sh: lending, the victim idle. An aggressor of $AGGR busy
# tasks (default 8) outside any cell, next to a victim cell on CPUs 2-3 with
# nothing to run, for SECS seconds (default 8). Arms:
#   nocells     EEVDF, no cells: the aggressor may use all 4 CPUs (the reference:
#               what it gets with no cells at all)
#   cs-nocells  cellsched with no cells (root cell on all 4 CPUs)
#   cs-lend     cellsched, the victim cell on 2-3 with lend: true (the default
#               for resizable cells): its idle CPUs run the aggressor
#   cs-nolend   cellsched, the same cell with lend: false (the default for a
#               fixed CPU list): the aggressor keeps to CPUs 0-1
#   cpuset      EEVDF with a cpuset for the victim (2-3) and one for the
#               aggressor (0-1): what a cpuset partition wastes
#   nocells-aa  nocells again: the A/A pair that shows the noise floor
# Metrics, over a window of SECS seconds:
#   a_held      the aggressor's on-CPU time (schedstat field 1) / (wall x 4 CPUs)
#   a_work      its iterations (cs-work cpus)
#   a_cpus      the CPUs it ran on
#   daemon_pct  cellsched's own CPU, % of one vCPU
# The issue's goal: cs-lend a_held >= 0.95x nocells.
# Run: meson test -C BUILD --benchmark lend, or tests/vm/run-vm --build BUILD --bench lend.
. /cs/bench/lib.sh
[ "$NCPUS" = 4 ] || fail "needs 4 vCPUs, have $NCPUS"
AGGR=${AGGR:-8} SECS=${SECS:-8}
ARMS="
nocells    eevdf
cs-nocells cellsched
cs-lend    cells true
cs-nolend  cells false
cpuset     cpuset
nocells-aa eevdf
"
bench_header "lend: aggressor $AGGR spinners, an idle victim cell on CPUs 2-3, ${SECS} s windows"

arm() {
	local round=$1 name=$2 kind=$3 t0 t1 a0 a1 d0 aw apids wall daemon= lost cg=bench/aggr
	case $kind in
	eevdf) sched_up eevdf; cg_make aggr ;;
	cpuset) sched_up eevdf; cg_make victim 2-3; cg_make aggr 0-1 ;;
	cellsched) cells_yaml /tmp/lend.yaml; sched_up cellsched /tmp/lend.yaml; cg_make aggr ;;
	cells)
		cells_yaml /tmp/lend.yaml "victim 2-3 fifo lend:$4"
		sched_up cellsched /tmp/lend.yaml
		cg_make aggr
		;;
	esac
	harness_boost
	PIDS=
	spinners "$AGGR" "$cg" /tmp/aggr
	apids=$PIDS
	sleep 1
	work_reset $apids
	[ -n "$DAEMON_PID" ] && d0=$(cpu_ticks "$DAEMON_PID")
	t0=$(now_ns) a0=$(schedstat $apids)
	sleep "$SECS"	# the measurement window itself (polling would take CPU from the arms)
	t1=$(now_ns) a1=$(schedstat $apids)
	wall=$((t1 - t0))
	[ -n "$DAEMON_PID" ] && daemon="daemon_pct=$(pct_vcpu $(( $(cpu_ticks "$DAEMON_PID") - d0 )) $wall)"
	lost=$(sched_lost)
	[ -z "$lost" ] || record_lost "$name" "$round" "$lost"
	aw=$(work_collect /tmp/aggr "$AGGR" $apids) || fail "arm $name: an aggressor gave no sample"
	stop_tasks $apids
	harness_unboost
	sched_down
	cg_clean
	[ -z "$lost" ] || return 0
	record "$name" "$round" \
		a_held=$(ratio $(( ${a1% *} - ${a0% *} )) $((wall * 4))) \
		a_work=${aw% *} \
		$daemon a_cpus=${aw#* }
}
run_rounds arm "$ARMS"
echo
summary nocells \
	"a_held:aggressor on-CPU time / (wall x 4 CPUs) (goal: cs-lend >= 0.95x nocells)" \
	"a_work:aggressor iterations" \
	"daemon_pct:the daemon's CPU, % of one vCPU"
lost_summary
