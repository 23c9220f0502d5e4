# cells_attach_race: regression test for the kernel's sub_attach/sub_detach
# work racing the controller's cell changes. Cell b's child is replaced (a
# policy change reloads it: the old child's detach runs in the kernel's
# disable work while the new one attaches) again and again while cell b is
# resized back and forth from the CLI. A resize that read "not attached"
# while sub_attach granted the old CPUs used to leave the child with caps on
# CPUs the cell no longer had. At the end the child holds caps on exactly
# the cell's CPUs, the root still runs, and no invariant was reported.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
yaml() {
	cat > /tmp/r.yaml <<Y
cells:
  - name: a
    cpus: "1"
  - name: b
    cpus: "2-3"
    policy: $1
Y
}
yaml vtime
start_cells /tmp/r.yaml
in_cell cellsched/b cs-work spin 300 & w1=$!
in_cell cellsched/b cs-work spin 300 & w2=$!
for i in $(seq 12); do
	[ $((i % 2)) = 1 ] && yaml fifo || yaml vtime
	cellsched reload > /dev/null 2>&1 &
	cellsched cell resize b --cpus 2 > /dev/null 2>&1
	cellsched cell resize b --cpus 2-3 > /dev/null 2>&1
	wait $!
	scx_is enabled && root_ops_is cellsched || { tail -20 $CS_LOG; fail "the root ended in round $i"; }
done
# settled: b runs its last child on CPUs 2-3
wait_for 30 sh -c "cellsched --json cell show b | tr -d ' \n' | grep -q '\"cpus\":\"2-3\".*\"state\":\"running\"'" ||
	{ cellsched cell show b; tail -20 $CS_LOG; fail "cell b did not settle on CPUs 2-3 with a child"; }
cgid=$(cellsched --json cell show b | sed -n 's/.*"cgroup_id": \([0-9]*\).*/\1/p')
caps=/sys/kernel/sched_ext/root/sub/sub-$cgid/caps
wait_for 10 grep -q "^enq: 2-3$" $caps || { cat $caps; fail "b's child holds caps on $(sed -n 's/^enq: //p' $caps), not its CPUs 2-3"; }
grep -q "invariant" $CS_LOG && { grep invariant $CS_LOG; fail "an invariant was reported"; }
note "attaches: $(grep -c "cell b: child .* attached" $CS_LOG); table busy: $(cellsched --json stats | tr -d ' \n' | grep -o '"CTL_BUSY":[0-9]*')"
kill $w1 $w2
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
