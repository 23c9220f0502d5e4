# tests/vm/guest/demo.sh: what `scripts/demo` shows. Runs in the VM with its
# output streamed to the host: the root scheduler and two cells from
# configs/two-cells.yaml (a: CPU 1, fifo; b: CPUs 2-3, vtime), busy tasks in
# each cell and outside, where every task ran, the cells' demand reports,
# a live resize, and a clean detach.
. /cs/guest/lib.sh
step() { echo; echo "== $*"; }

step "kernel $(uname -r), $(nproc) vCPUs, sched_ext state: $(scx_state)"
step "cellsched run -c configs/two-cells.yaml --stats 2"
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
start_cells /tmp/cells.yaml --stats 2
grep -v '^stats:\|^cell .*: runnable\|^cell .*: policy' $CS_LOG
echo "/sys/kernel/sched_ext/root/ops: $(cat /sys/kernel/sched_ext/root/ops)"
for f in /sys/kernel/sched_ext/root/sub/*/caps; do
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

step "resize cell b to CPU 3 by editing the YAML and sending SIGHUP"
sed -i 's/cpus: "2-3"/cpus: "3"/' /tmp/cells.yaml
kill -HUP $CS_PID
wait_log 20 "cell b: CPUs 2-3 -> 3" && grep "cell b: CPUs" $CS_LOG | sed 's/^/  /'

step "kernel-side health counters (should stay 0)"
grep -E 'SELECT_CPU_FALLBACK|INSERT_NOT_OWNED|REENQ_REPEAT' /sys/kernel/sched_ext/root/events | sed 's/^/  /'

step "SIGTERM: detaching"
kill -TERM $CS_PID
wait $CS_PID
echo "cellsched exit code: $?"
grep -v '^stats:\|^cell .*: runnable\|^cell .*: policy' $CS_LOG | tail -n 4
wait_for 10 scx_is disabled
echo "/sys/kernel/sched_ext/state: $(scx_state)"
