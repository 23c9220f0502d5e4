# bench/vm/neighbour.sh: noisy neighbour. A victim with 2 busy tasks
# (`cs-work cpus`) and a periodic sleeper (`cs-work periodic`: wakes every
# 1 ms, runs ~50 us) meant to own CPUs 2-3, next to an aggressor with $AGGR
# busy tasks (default 12) meant for CPUs 0-1, for SECS seconds (default 8).
# Arms (reference: cpuset, what a user would pick instead of cellsched):
#   cpuset      EEVDF, kernel cpusets: victim 2-3, aggressor 0-1
#   shared      EEVDF, no partition: both on all 4 CPUs
#   qmap        the kernel's scx_qmap as root, a second `scx_qmap -c` for the
#               victim's cgroup (qmap splits the CPUs by cpu.weight: 100:100
#               gives the child CPUs 2-3); the aggressor stays with the root
#   cs-POLICY   cellsched in native mode, the victim a cell on CPUs 2-3 with
#               that child policy, the aggressor in a plain cgroup (root cell:
#               CPUs 0-1);
#               tick_ms 1000 (under single-threaded TCG a 100 ms tick on CPU 0
#               delays the other vCPUs; the tick's cost is the `daemon`
#               benchmark's subject)
#   cs-POLICY-lend  the same with lend: true: the victim's idle CPU time runs
#               the aggressor, and the victim takes its CPUs back when it wakes
#               (the cell is a fixed CPU list: lending is off unless asked for)
#   emb-POLICY[-lend]  the same in embedded mode (one scheduler runs the root
#               cell and the cell's policy), side by side with native mode
#   cpuset-aa   cpuset again: the A/A pair that shows the noise floor
# An arm is one line of ARMS; a cellsched arm names the mode, then the policy,
# then extra keys of the cell (e.g. `cs-fifo-lend cells native fifo lend:true`).
# On a kernel without sub-schedulers (6.18) the native and qmap arms are left
# out (kernel_arms).
# Metrics, over the sleeper's SECS seconds:
#   v_work      victim spinners' iterations (work; under TCG it also follows the
#               context-switch rate: each switch flushes the emulator's TLB, so
#               an arm whose sleeper rarely runs does more work per CPU-second)
#   v_held      victim spinners' on-CPU time (schedstat field 1) / (wall x 2)
#   v_wait_ms   run-queue wait per victim spinner (schedstat field 2), ms
#   p50_us, p99_us  the sleeper's wakeup delay (target time to running)
#   outside     CPUs outside 2-3 the victim's tasks ran on (must be 0, except
#               in the shared arm, which has no partition)
#   a_work      aggressor iterations; a_held its on-CPU time / (wall x 2)
#   daemon_pct  cellsched's own CPU, % of one vCPU
# The issue's goals, cell vs cpuset: v_work >= 0.95x, v_wait <= 1.0x, p99 <=
# 1.0x (latency policy <= 0.8x), outside 0.
# Run: meson test -C BUILD --benchmark neighbour, or
# tests/vm/run-vm --build BUILD --bench neighbour.
. /cs/bench/lib.sh
[ "$NCPUS" = 4 ] || fail "needs 4 vCPUs, have $NCPUS"
AGGR=${AGGR:-12} SECS=${SECS:-8}
VCPUS=2-3 ACPUS=0-1
ARMS="
cpuset     eevdf cpuset
shared     eevdf shared
qmap       qmap
cs-fifo    cells native fifo
cs-vtime   cells native vtime
cs-latency cells native latency
cs-fifo-lend    cells native fifo lend:true
cs-latency-lend cells native latency lend:true
emb-fifo   cells embedded fifo
emb-vtime  cells embedded vtime
emb-latency cells embedded latency
emb-latency-lend cells embedded latency lend:true
cpuset-aa  eevdf cpuset
"
bench_header "neighbour: victim 2 spinners + 1 ms sleeper on CPUs $VCPUS, aggressor $AGGR spinners, ${SECS} s windows"

# victim_up KIND ARGS: the scheduler and the victim's cgroup; sets VCG
victim_up() {
	local kind=$1 cgid
	shift
	case $kind in
	eevdf)
		sched_up eevdf
		if [ "$1" = cpuset ]; then
			cg_make victim $VCPUS
			cg_make aggr $ACPUS
		else
			cg_make victim
			cg_make aggr
		fi
		VCG=bench/victim
		;;
	qmap)
		sched_up qmap
		cg_make victim
		cg_make aggr
		VCG=bench/victim
		scx_qmap -c "/sys/fs/cgroup/$VCG" > /tmp/qmap-child.log 2>&1 &
		QMAP_CHILD=$!
		cgid=$(stat -c %i "/sys/fs/cgroup/$VCG")
		wait_for 30 test -f /sys/kernel/sched_ext/root/sub/sub-$cgid/caps ||
			{ cat /tmp/qmap-child.log; fail "the qmap child did not attach"; }
		;;
	cells)
		local mode=$1 pol=$2
		shift 2
		cells_yaml /tmp/neighbour.yaml "victim $VCPUS $pol $*"
		sched_up cellsched /tmp/neighbour.yaml "$mode"
		cg_make aggr
		VCG=cellsched/victim
		;;
	esac
}

victim_down() {
	if [ -n "${QMAP_CHILD:-}" ]; then
		kill -INT "$QMAP_CHILD"
		wait "$QMAP_CHILD"
		QMAP_CHILD=
	fi
	sched_down
	cg_clean
}

arm() {
	local round=$1 name=$2 kind=$3 t0 t1 v0 v1 a0 a1 d0 vw aw vpids apids p wall daemon= lost
	shift 3
	victim_up "$kind" "$@"
	harness_boost
	PIDS=
	spinners 2 "$VCG" /tmp/vic
	vpids=$PIDS
	PIDS=
	spinners "$AGGR" bench/aggr /tmp/aggr
	apids=$PIDS
	sleep 1
	work_reset $vpids $apids
	[ -n "$DAEMON_PID" ] && d0=$(cpu_ticks "$DAEMON_PID")
	t0=$(now_ns) v0=$(schedstat $vpids) a0=$(schedstat $apids)
	rm -f /tmp/sleeper
	(nice0 "$VCG" cs-work periodic "$SECS" /tmp/sleeper)
	t1=$(now_ns) v1=$(schedstat $vpids) a1=$(schedstat $apids)
	wall=$((t1 - t0))
	[ -n "$DAEMON_PID" ] && daemon="daemon_pct=$(pct_vcpu $(( $(cpu_ticks "$DAEMON_PID") - d0 )) $wall)"
	lost=$(sched_lost)
	[ -z "$lost" ] || record_lost "$name" "$round" "$lost"
	aw=$(work_collect /tmp/aggr "$AGGR" $apids) || fail "arm $name: an aggressor gave no sample"
	stop_tasks $apids
	vw=$(work_collect /tmp/vic 2 $vpids) || fail "arm $name: a victim spinner gave no sample"
	stop_tasks $vpids
	harness_unboost
	victim_down
	[ -z "$lost" ] || return 0
	p=$(cat /tmp/sleeper)
	record "$name" "$round" \
		v_work=${vw% *} \
		v_held=$(ratio $(( ${v1% *} - ${v0% *} )) $((wall * 2))) \
		v_wait_ms=$(ratio $(( ${v1#* } - ${v0#* } )) 2000000 %.1f) \
		p50_us=$(field p50_us "$p") p99_us=$(field p99_us "$p") wakeups=$(field n "$p") \
		outside=$(outside "${vw#* },$(field cpus "$p")" "$(cpulist $VCPUS)") \
		a_work=${aw% *} \
		a_held=$(ratio $(( ${a1% *} - ${a0% *} )) $((wall * 2))) \
		$daemon v_cpus=${vw#* } s_cpus=$(field cpus "$p")
}
run_rounds arm "$(kernel_arms "$ARMS")"
echo
summary cpuset \
	"v_work:victim spinners' iterations (goal: cell >= 0.95x cpuset)" \
	"v_held:victim spinners' on-CPU time / (wall x 2 CPUs)" \
	"v_wait_ms:run-queue wait per victim spinner per ${SECS} s, ms (goal: cell <= 1.0x cpuset)" \
	"p50_us:victim sleeper's wakeup delay p50, us" \
	"p99_us:victim sleeper's wakeup delay p99, us (goal: cell <= 1.0x cpuset, latency <= 0.8x)" \
	"outside:CPUs outside $VCPUS the victim ran on (goal 0; shared has no partition)" \
	"a_work:aggressor iterations" \
	"a_held:aggressor on-CPU time / (wall x 2 CPUs)" \
	"daemon_pct:the daemon's CPU, % of one vCPU"
lost_summary
