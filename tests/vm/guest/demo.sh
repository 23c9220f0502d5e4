# tests/vm/guest/demo.sh: what `scripts/demo` shows. Runs in the VM with its
# output streamed to the host: the root scheduler and two cells from
# configs/two-cells.yaml (a: CPU 1, fifo; b: CPUs 2-3, vtime), busy tasks in
# each cell and outside, where every task ran, the cells' demand reports,
# then the CLI: a live resize, a resizable cell created at run time that
# grows under load, the planner's view, and `cellsched stop`.
. /cs/guest/lib.sh
step() { echo; echo "== $*"; }
# the serial console is an 80-column terminal; the tables are wider
export COLUMNS=160

step "kernel $(uname -r), $(nproc) vCPUs, sched_ext state: $(scx_state)"
step "cellsched run -c configs/two-cells.yaml --stats 2"
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
start_cells /tmp/cells.yaml --stats 2
grep -v '^stats:\|^cell .*: runnable\|^cell .*: policy' $CS_LOG
echo "/sys/kernel/sched_ext/root/ops: $(cat /sys/kernel/sched_ext/root/ops)"
echo "mode: $(cs_mode) ($(cellsched status | sed -n 's/^mode: *[a-z]* (\(.*\))$/\1/p'))"
for f in /sys/kernel/sched_ext/root/sub/*/caps; do
	[ -f "$f" ] || continue		# embedded mode: no sub-schedulers
	echo "$(dirname $f | xargs basename) holds CPUs (cids): $(grep '^enq:' $f | cut -d' ' -f2)"
done

step "2 busy tasks in cell a, 2 in cell b, 2 outside cells, for 6 s; every CPU each ran on:"
ws=
for i in 1 2; do
	in_cell cellsched/a cs-work cpus 6 /tmp/a$i & ws="$ws $!"
	in_cell cellsched/b cs-work cpus 6 /tmp/b$i & ws="$ws $!"
	cs-work cpus 6 /tmp/r$i & ws="$ws $!"
done
wait $ws
for w in a1 a2 b1 b2 r1 r2; do
	printf '  %-14s ran on CPUs %s\n' "$(case $w in a*) echo "cell a" ;; b*) echo "cell b" ;; *) echo "outside cells" ;; esac)" \
		"$(field cpus "$(cat /tmp/$w)")"
done
echo "the cells' latest demand reports and their children's counters:"
grep '^cell ' $CS_LOG | tail -n 4 | sed 's/^/  /'

step "cellsched cells"
cellsched cells

step "cellsched cell resize b --cpus 3   (applied at once, saved in the state file)"
cellsched cell resize b --cpus 3
grep "cell b: CPUs" $CS_LOG | sed 's/^/  /'

step "a refused change: cellsched cell resize b --cpus 1,3"
cellsched cell resize b --cpus 1,3
echo "exit code $?"

step "cellsched cell delete a; cellsched cell create web --min 1 --max 2 --policy latency"
cellsched cell delete a
cellsched cell create web --min 1 --max 2 --policy latency
wait_log 20 "cell web: child 'latency' attached"
cellsched cells

step "3 busy tasks moved into web with 'cellsched cell assign web --pid PID'; web grows:"
ws=
for i in 1 2 3; do
	cs-work cpus 30 /tmp/w$i & ws="$ws $!"
	wait_for 10 work_ready $!
	cellsched cell assign web --pid $! > /dev/null
done
web2() { cellsched --json cell show web | grep -q '"nr_cpus": 2'; }
t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
wait_for 20 web2 && echo "  web has 2 CPUs after $(( $(awk '{ printf "%d", $1 * 1000 }' /proc/uptime) - t0 )) ms"
grep "cell web: CPUs" $CS_LOG | sed 's/^/  /'
cellsched cells
step "cellsched rebalance --dry-run   (what the planner would do now)"
cellsched rebalance --dry-run
kill $ws 2>/dev/null

step "kernel-side health counters (should stay 0)"
grep -E 'SELECT_CPU_FALLBACK|INSERT_NOT_OWNED|REENQ_REPEAT' /sys/kernel/sched_ext/root/events | sed 's/^/  /'

step "cellsched stop: detaching"
cellsched stop
wait $CS_PID
echo "cellsched exit code: $?"
grep -v '^stats:\|^cell .*: runnable\|^cell .*: policy' $CS_LOG | tail -n 4
wait_for 10 scx_is disabled
echo "/sys/kernel/sched_ext/state: $(scx_state)"
