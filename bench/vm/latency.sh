# bench/vm/latency.sh: wakeup delay of a periodic task (1 ms sleep, ~50 us
# run) sharing a one-CPU cell with 4 CPU hogs, under the latency, vtime and
# fifo policies, interleaved (latency, vtime, fifo, latency, ...) in one VM
# boot. One CPU because QEMU's single-threaded TCG delivers an interrupt to
# another vCPU only when it next switches to it (milliseconds): on one vCPU
# the measured delay is the scheduler's, not the emulator's. The controller
# ticks every second here (tick_ms: 1000) for the same reason: its 100 ms
# default wakes CPU 0, and single-threaded TCG does not run CPU 3 meanwhile,
# which added ~3 ms to every policy's p99 (about one wakeup in a hundred).
# Prints each arm, then medians over the rounds: p50/p99 of the delay and the
# hogs' throughput (iterations per second), and the ratios that matter:
#   latency p99 / vtime p99 (goal <= 0.5), hogs' throughput latency / vtime
#   (goal within 10%). Absolute times under TCG mean little; ratios do.
. /cs/guest/lib.sh
ROUNDS=${ROUNDS:-5} WAKES=${WAKES:-2000}
echo "policy round p50_us p99_us max_us hog_iters_per_s"
uptime_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }	# centiseconds since boot
for round in $(seq $ROUNDS); do
	for pol in latency vtime fifo; do
		printf 'tick_ms: 1000\ncells:\n  - name: l\n    cpus: "3"\n    policy: %s\n' $pol > /tmp/l.yaml
		start_cells /tmp/l.yaml > /dev/null
		hogs=
		for i in 1 2 3 4; do
			in_cell cellsched/l cs-work cpus 600 /tmp/hog$i & hogs="$hogs $!"
		done
		t0=$(uptime_cs)
		in_cell cellsched/l cs-work wake $WAKES /tmp/probe & probe=$!
		wait $probe
		kill -TERM $hogs
		wait $hogs
		t1=$(uptime_cs)
		iters=0
		for i in 1 2 3 4; do iters=$((iters + $(field iters "$(cat /tmp/hog$i)"))); done
		iters=$((iters / (t1 - t0) * 100))
		p=$(cat /tmp/probe)
		echo "$pol $round $(field p50_us "$p") $(field p99_us "$p") $(field max_us "$p") $iters" |
			tee -a /tmp/results
		stop_cellsched > /dev/null
	done
done
# median over the rounds of column $2 for policy $1
med() { awk -v p=$1 -v c=$2 '$1 == p { print $c }' /tmp/results | sort -n |
	awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo
echo "medians over $ROUNDS rounds of $WAKES wakeups:"
for pol in latency vtime fifo; do
	echo "  $pol: p50 $(med $pol 3) us, p99 $(med $pol 4) us, hog iterations/s $(med $pol 6)"
done
awk -v l99=$(med latency 4) -v v99=$(med vtime 4) -v f99=$(med fifo 4) \
    -v lh=$(med latency 6) -v vh=$(med vtime 6) -v fh=$(med fifo 6) 'BEGIN {
	printf "ratios: latency/vtime p99 = %.2f (goal <= 0.50), latency/fifo p99 = %.2f\n", l99 / v99, l99 / f99
	printf "        hogs latency/vtime = %.2f, fifo/vtime = %.2f (goal 0.90..1.10)\n", lh / vh, fh / vh
}'
