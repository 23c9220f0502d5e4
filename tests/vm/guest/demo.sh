# tests/vm/guest/demo.sh: what `scripts/demo` shows. Runs in the VM with its
# output streamed to the host: the root scheduler and two cells from
# configs/two-cells.yaml (a: CPU 1, fifo; b: CPUs 2-3, vtime), busy tasks in
# each cell and outside, where every task ran, the cells' demand reports,
# then the CLI as an SRE uses it (the README's transcript): a live resize, a
# refused one, a resizable cell created at run time that grows under load,
# the planner's view, and `cellsched stop`.
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

# The SRE session: what the README shows, printed as a transcript between
# "--- readme sre" and "--- end" ("$ COMMAND", then what it printed);
# scripts/readme-samples puts it into the README from a saved demo log.
sre() { echo "\$ $*"; eval "$@" 2>&1; }
echo "--- readme sre"
sre cellsched cells
sre cellsched cell resize b --cpus 3
sre 'cellsched cell resize b --cpus 1,3; echo "exit code $?"'
sre cellsched cell delete a
sre cellsched cell create web --min 1 --max 2 --policy latency
wait_log 20 "$(started web latency)"
ws=
for i in 1 2 3; do
	cs-work cpus 30 /tmp/w$i & ws="$ws $!"
	wait_for 10 work_ready $!
	cellsched cell assign web --pid $! > /dev/null
done
web2() { cellsched --json cell show web | grep -q '"nr_cpus": 2'; }
t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
wait_for 20 web2
echo "\$ cellsched cell assign web --pid $!      # three busy tasks; web grows in $(( $(awk '{ printf "%d", $1 * 1000 }' /proc/uptime) - t0 )) ms"
sre cellsched cells
sre cellsched rebalance --dry-run
kill $ws 2>/dev/null
health=$(grep -E 'SELECT_CPU_FALLBACK|INSERT_NOT_OWNED|REENQ_REPEAT' /sys/kernel/sched_ext/root/events)
sre cellsched stop
echo "--- end"
wait $CS_PID
echo "cellsched exit code: $?"
grep "cell b: CPUs\|cell web: CPUs" $CS_LOG | sed 's/^/  /'

step "kernel-side health counters before the stop (should stay 0)"
echo "$health" | sed 's/^/  /'

step "after cellsched stop"
grep -v '^stats:\|^cell .*: runnable\|^cell .*: policy' $CS_LOG | tail -n 4
wait_for 10 scx_is disabled
echo "/sys/kernel/sched_ext/state: $(scx_state)"
