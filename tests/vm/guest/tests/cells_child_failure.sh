# cells_child_failure: a cell's child (test-fault policy) calls scx_bpf_error
# after 200 enqueues. The kernel ejects it, its tasks keep running (in the
# root cell), the root stays enabled, the controller logs the kernel's reason
# and restarts the child with backoff.
. /cs/guest/lib.sh
cellsched help | grep -q . || fail "no cellsched"
cat > /tmp/fault.yaml <<'YAML'
cells:
  - name: f
    cpus: "2-3"
    policy: test-fault
YAML
start_cells /tmp/fault.yaml
# more workers than CPUs: every slice end is an enqueue
in_cell cellsched/f cs-work cpus 60 /tmp/f1 & w1=$!
for i in 2 3 4; do in_cell cellsched/f cs-work spin 60 & ws="$ws $!"; done
wait_log 30 "cell f: child 'test-fault' exited: bpf-error" || { cat $CS_LOG; fail "the child was not ejected"; }
grep "cell f: child" $CS_LOG | sed "s/^/# /"
grep -q "test fault after 200 enqueues" $CS_LOG || fail "the kernel's reason is not in the log"
scx_is enabled && root_ops_is cellsched || fail "the root did not survive the child"
# the cell's tasks keep running
s1=$(work_sample $w1 /tmp/f1)
wait_for 20 sh -c "kill -USR2 $w1; sleep 0.5; [ \$(sed 's/.*iters=//' /tmp/f1) -gt $(field iters "$s1") ]" ||
	fail "the cell's task stopped making progress"
# restarted (and, being faulty, ejected again): at least two attaches
wait_for 30 sh -c "[ \$(grep -c \"cell f: child 'test-fault' attached\" $CS_LOG) -ge 2 ]" ||
	{ cat $CS_LOG; fail "the child was not restarted"; }
grep -q "restarting in 250 ms (failure 1)" $CS_LOG || fail "no first backoff of 250 ms"
dmesg | grep -q 'cellsched_fault.*disabled' || fail "dmesg does not show the ejection"
check_health
kill $w1 $ws
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
