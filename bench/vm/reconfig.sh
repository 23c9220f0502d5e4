# bench/vm/reconfig.sh: reconfiguration latency, in one VM boot. Cell b has
# two busy workers (`cs-work moves`, which log the time each first runs on a
# new CPU); 20 times, `cellsched cell resize b --cpus N` moves b between CPU 2
# and CPU 3. Latency = from just before the CLI command (`cs-work now`, same
# clock) to the moment the later of the two workers first ran on the new CPU.
# Prints every resize, then p50 and p99 in guest milliseconds and in ticks
# (tick_ms 100), and how long the CLI itself took to answer (it includes
# starting the cellsched process under TCG). Goal: p99 within 2 ticks.
. /cs/guest/lib.sh
N=${RESIZES:-20}
TICK_MS=100
start_cells /cs/configs/two-cells.yaml > /dev/null
rm -f /tmp/m1 /tmp/m2
in_cell cellsched/b cs-work moves 600 /tmp/m1 & w1=$!
in_cell cellsched/b cs-work moves 600 /tmp/m2 & w2=$!
# the CPU a worker's log shows last, and since when
last_cpu() { tail -n 1 "$1" 2>/dev/null | cut -d' ' -f2; }
last_ns() { tail -n 1 "$1" | cut -d' ' -f1; }
on() { [ "$(last_cpu /tmp/m1)" = "$1" ] && [ "$(last_cpu /tmp/m2)" = "$1" ]; }
# what starting the CLI costs here, on its own (`cellsched version`, 5 runs)
: > /tmp/start
for i in 1 2 3 4 5; do
	t0=$(cs-work now); cellsched version > /dev/null; t1=$(cs-work now)
	echo $(( (t1 - t0) / 1000000 )) >> /tmp/start
done
: > /tmp/rc
# one resize first, not counted: the first run of the CLI binary reads it
# from the initramfs (cold caches); it is printed apart
t0=$(cs-work now); cellsched cell resize b --cpus 2 > /dev/null; t1=$(cs-work now)
wait_for 30 on 2 || fail "warm-up: the workers did not move to CPU 2"
echo "warm-up resize b 2-3 -> 2 (not counted): CLI answered after $(( (t1 - t0) / 1000000 )) ms"
prev=2
for i in $(seq $N); do
	cpu=$((3 - i % 2))
	t0=$(cs-work now)
	cellsched cell resize b --cpus $cpu > /dev/null || fail "resize $i failed"
	t1=$(cs-work now)
	wait_for 30 on $cpu || fail "resize $i: the workers did not move to CPU $cpu (on $(last_cpu /tmp/m1), $(last_cpu /tmp/m2))"
	a=$(last_ns /tmp/m1) b=$(last_ns /tmp/m2)
	t2=$(( a > b ? a : b ))
	# a worker already there (b was on 2-3) counts from the command
	[ "$t2" -lt "$t0" ] && t2=$t0
	echo "resize $i: b $prev -> $cpu: CLI answered after $(( (t1 - t0) / 1000000 )) ms, both workers on CPU $cpu after $(( (t2 - t0) / 1000000 )) ms" |
		tee -a /tmp/rc
	prev=$cpu
	sleep 0.2
done
sed 's/.*after \([0-9]*\) ms$/\1/' /tmp/rc | sort -n > /tmp/ms
pct() { awk -v p=$1 '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }' "$2"; }
sed 's/.*answered after \([0-9]*\) ms.*/\1/' /tmp/rc | sort -n > /tmp/cli
p50=$(pct 50 /tmp/ms) p99=$(pct 99 /tmp/ms)
echo "reconfiguration latency over $N resizes (tick $TICK_MS ms):" \
	"p50 $p50 ms = $(awk -v m=$p50 -v t=$TICK_MS 'BEGIN { printf "%.2f", m / t }') ticks," \
	"p99 $p99 ms = $(awk -v m=$p99 -v t=$TICK_MS 'BEGIN { printf "%.2f", m / t }') ticks;" \
	"the CLI's own answer: p50 $(pct 50 /tmp/cli) ms, p99 $(pct 99 /tmp/cli) ms"
echo "inside the daemon (request received -> validated, saved, cgroups and root updated):" \
	"median $(sed -n 's/.*applied in \([0-9]*\) ms.*/\1/p' $CS_LOG | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ms"
echo "starting the cellsched CLI alone (cellsched version): median $(sort -n /tmp/start | sed -n 3p) ms of each number above"
echo "goal: p99 <= 2 ticks: $([ "$p99" -le $((2 * TICK_MS)) ] && echo met || echo NOT met)"
kill $w1 $w2
stop_cellsched > /dev/null
