# tests/vm/guest/demo.sh: what `scripts/demo` shows. Runs in the VM with its
# output streamed to the host: the root scheduler attached, 8 CPU-bound tasks
# shared fairly across 4 vCPUs, the kernel's view, and a clean detach.
. /cs/guest/lib.sh
step() { echo; echo "== $*"; }

step "kernel $(uname -r), $(nproc) vCPUs, sched_ext state: $(scx_state)"
step "starting: cellsched run --stats 2"
cellsched run --stats 2 > $CS_LOG 2>&1 &
CS_PID=$!
wait_for 30 cs_attached || { cat $CS_LOG; echo "demo: the root did not attach"; exit 1; }
cat $CS_LOG
echo "/sys/kernel/sched_ext/state:    $(scx_state)"
echo "/sys/kernel/sched_ext/root/ops: $(cat /sys/kernel/sched_ext/root/ops)"

step "8 CPU-bound tasks on $(nproc) vCPUs for 8 s"
pids=
for i in 1 2 3 4 5 6 7 8; do cs-work spin 8 & pids="$pids $!"; done
sleep 4
echo "CPU time so far (ticks):"
for p in $pids; do printf '  pid %-5s utime %s\n' $p "$(utime $p)"; done
wait $pids
echo "scheduler statistics while it ran:"
grep '^stats:' $CS_LOG | tail -n 2 | sed 's/^/  /'

step "kernel-side health counters (should stay 0)"
grep -E 'SELECT_CPU_FALLBACK|INSERT_NOT_OWNED|REENQ_REPEAT' /sys/kernel/sched_ext/root/events | sed 's/^/  /'

step "SIGTERM: detaching"
kill -TERM $CS_PID
wait $CS_PID
echo "cellsched exit code: $?"
grep -v '^stats:' $CS_LOG | tail -n 2
wait_for 10 scx_is disabled
echo "/sys/kernel/sched_ext/state: $(scx_state)"
