# cells_dump: sysrq-D makes sched_ext dump every scheduler's state (to the
# sched_ext_dump trace event); the root's ops.dump prints the cell table and
# each child its own line.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
T=/sys/kernel/tracing
[ -d $T/events/sched_ext/sched_ext_dump ] || skip "no sched_ext_dump trace event"
start_cells /cs/configs/two-cells.yaml
echo 1 > $T/events/sched_ext/sched_ext_dump/enable
: > $T/trace
echo D > /proc/sysrq-trigger
wait_for 10 grep -q "cellsched root: 4 cids" $T/trace || { tail -40 $T/trace; fail "no root dump"; }
grep -E "cellsched root|cell [0-9]+:" $T/trace | sed 's/^.*sched_ext_dump: /# /'
grep -q "cell 0: cgroup [0-9]* attached, 1 cids" $T/trace || fail "cell a missing from the dump"
grep -q "cell 1: cgroup [0-9]* attached, 2 cids" $T/trace || fail "cell b missing from the dump"
grep -q "cellsched_vtime cell 1: 2 cids held" $T/trace || fail "cell b's child (vtime) did not dump"
echo 0 > $T/events/sched_ext/sched_ext_dump/enable
scx_is enabled || fail "the dump disturbed the root"
stop_cellsched
[ "$CS_RC" = 0 ] || fail "cellsched exited $CS_RC"
