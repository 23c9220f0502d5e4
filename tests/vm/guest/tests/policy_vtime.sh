# policy_vtime: weighted fairness inside a vtime cell. Two groups of 4 busy
# tasks: sub-cgroups with cpu.weight 200 and 100 get CPU time 2:1 (+-15%)
# over 10 s; then nice 0 against nice 5 gets the ratio of their weights.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cat > /tmp/v.yaml <<'YAML'
cells:
  - name: w
    cpus: "2-3"
    policy: vtime
YAML
start_cells /tmp/v.yaml
C=/sys/fs/cgroup/cellsched/w
echo +cpu > $C/cgroup.subtree_control || fail "cannot enable the cpu controller in the cell"
mkdir $C/g1 $C/g2
echo 200 > $C/g1/cpu.weight
echo 100 > $C/g2/cpu.weight

# group_ticks PIDS: total utime+stime of PIDS in clock ticks
group_ticks() { local t=0 p; for p in $*; do t=$((t + $(awk '{ print $14 + $15 }' /proc/$p/stat))); done; echo $t; }
# measure NAME PIDS_A PIDS_B WANT_X100: CPU time of A over B in a 10 s window
measure() {
	a0=$(group_ticks $2); b0=$(group_ticks $3)
	sleep 10	# the measurement window itself, not a wait for a condition
	a=$(( $(group_ticks $2) - a0 )); b=$(( $(group_ticks $3) - b0 ))
	[ "$b" -gt 0 ] || fail "$1: the second group got no CPU"
	r=$((a * 100 / b))
	note "$1: $a vs $b ticks, ratio x100 = $r (want $4 +-15%)"
	[ "$r" -ge $(( $4 * 85 / 100 )) ] && [ "$r" -le $(( $4 * 115 / 100 )) ] ||
		fail "$1: ratio x100 $r outside $4 +-15%"
}

ga= gb=
for i in 1 2 3 4; do
	in_cell cellsched/w/g1 cs-work spin 60 & ga="$ga $!"
	in_cell cellsched/w/g2 cs-work spin 60 & gb="$gb $!"
done
wait_for 10 sh -c "[ \$(awk '{print \$14}' /proc/${gb##* }/stat) -gt 0 ]" || fail "group 2 did not start"
measure "cpu.weight 200:100" "$ga" "$gb" 200
kill $ga $gb

# nice 0 vs nice 5: weights 100 and 33 in sched_ext's scale (ratio ~3.03)
na= nb=
for i in 1 2 3 4; do
	in_cell cellsched/w/g2 cs-work spin 60 & na="$na $!"
	in_cell cellsched/w/g2 cs-work spin 60 & nb="$nb $!"
done
renice -n 5 -p $nb > /dev/null || fail "renice failed"	# busybox has renice, not nice
wait_for 10 sh -c "[ \$(awk '{print \$14}' /proc/${nb##* }/stat) -gt 0 ]" || fail "nice 5 tasks did not start"
measure "nice 0:5" "$na" "$nb" 303
kill $na $nb
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
