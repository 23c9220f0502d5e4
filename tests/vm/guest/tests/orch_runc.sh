# orch_runc: containers of a real runtime (Debian's runc) in cells. A
# container whose cgroupsPath lands inside a YAML cell (cellsched/a, CPU 1,
# fifo) runs there; a container below /containers, with a cpuset runc writes
# (CPU 2), is made a cell of its own by a rule (vtime, cpus: inherit). Their
# processes run only on their cells' CPUs under their cells' policies.
# Deleting a container removes the rule's cell, never the YAML's. After
# `cellsched stop`, /containers is as runc left it. `cell adopt` makes a
# cgroup with a process in it a cell in place (its cpuset written, and put
# back by `cell delete`), and refuses a missing or nested cgroup with exit 8.
# also on: 6.18
. /cs/guest/lib.sh
T=/tmp/orch_runc	# this test's files: no other test's of the same name in the way
rm -rf $T && mkdir -p $T || fail "cannot make $T"
command -v runc > /dev/null || skip "no runc in the guest (the host had none: run scripts/setup)"
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
CG=/sys/fs/cgroup
ctl0=$(cat $CG/cgroup.subtree_control)
restore() {
	local c
	runc_cleanup
	rmdir $CG/containers $CG/services/s1 $CG/services 2>/dev/null
	for c in $(cat $CG/cgroup.subtree_control); do
		case " $ctl0 " in *" $c "*) ;; *) echo "-$c" > $CG/cgroup.subtree_control ;; esac
	done
}
trap restore EXIT
cat > $T/runc.yaml <<'YAML'
cells:
  - name: a
    cpus: "1"
rules:
  - name: ctr
    match: /containers/*
    cpus: inherit
    policy: vtime
YAML
start_cellsched -c $T/runc.yaml
wait_log 30 "$(started a fifo)" || { cat $CS_LOG; fail "cell a's policy did not start"; }

# a container inside the YAML cell
runc_bundle $T/c1 /cellsched/a/c1 /bin/cs-work cpus 600 /cpus.out || fail "bundle c1"
p1=$(runc_start c1 $T/c1) || fail "runc could not start c1"
# a container the rule makes a cell of, on the CPU runc writes into its cpuset
RUNC_CPUS=2 runc_bundle $T/c2 /containers/c2 /bin/cs-work cpus 600 /cpus.out || fail "bundle c2"
p2=$(runc_start c2 $T/c2) || fail "runc could not start c2"
note "c1 is pid $p1 in $(grep -l -x $p1 $CG/cellsched/a/c1/cgroup.procs), c2 is pid $p2"
wait_log 10 "cell ctr.c2: added (cgroup containers/c2, CPUs 2, policy vtime, made by a rule)" ||
	{ cat $CS_LOG; fail "no cell for container c2"; }
wait_log 10 "$(started ctr.c2 vtime)" || fail "no vtime policy for c2"
grep -q "cell c1\|cell a.c1" $CS_LOG && fail "a container inside cell a became a cell of its own"

for p in $p1 $p2; do wait_for 30 work_ready $p || fail "cs-work $p did not start"; done
for p in $p1 $p2; do kill -USR1 $p; done
run_ticks $p2 100 || fail "no progress"
s1=$(work_sample $p1 $T/c1/rootfs/cpus.out) && s2=$(work_sample $p2 $T/c2/rootfs/cpus.out) ||
	fail "no samples"
note "container c1 (in cell a): $s1"
note "container c2 (cell ctr.c2): $s2"
[ "$(field cpus "$s1")" = 1 ] || fail "c1 ran on CPUs $(field cpus "$s1"), want 1"
[ "$(field cpus "$s2")" = 2 ] || fail "c2 ran on CPUs $(field cpus "$s2"), want 2"
grep -qx $p2 $CG/containers/c2/cgroup.procs || fail "c2's process left its cgroup"
for name in a ctr.c2; do
	wait_for 10 sh -c "cellsched cell show $name --json | grep -q '\"busy_us\": [1-9]'" ||
		{ cellsched cell show $name; fail "cell $name's policy reports no busy time"; }
done
if [ "$(cs_mode)" = native ]; then
	[ -d /sys/kernel/sched_ext/root/sub/sub-$(stat -c %i $CG/containers/c2) ] ||
		fail "no sub-scheduler at containers/c2"
fi
cellsched cells -o NAME,CPUS,POLICY,STATE,ORIGIN,CGROUP

runc delete -f c2 || fail "runc delete c2"
wait_log 10 "cell ctr.c2: removed (its cgroup is gone)" || { cat $CS_LOG; fail "c2's cell stayed"; }
runc delete -f c1 || fail "runc delete c1"
wait_for 10 sh -c "[ ! -d $CG/cellsched/a/c1 ]" || fail "runc left cellsched/a/c1"
cellsched cell show a > /dev/null || fail "the YAML's cell a went with its container"
grep -q "cell a: removed" $CS_LOG && fail "cell a was removed"

# cell adopt: an existing cgroup with a process in it becomes a cell in place
mkdir -p $CG/services/s1 && echo +cpuset > $CG/services/cgroup.subtree_control ||
	fail "cannot make services/s1"
in_cell services/s1 cs-work cpus 600 $T/s1 & s1=$!
wait_for 30 work_ready $s1 || fail "cs-work in services/s1 did not start"
out=$(cellsched cell adopt /sys/fs/cgroup/services/s1 --cpus 3 --policy vtime) ||
	{ cat $CS_LOG; fail "cell adopt failed"; }
note "cell adopt: $out"
[ "$(cat $CG/services/s1/cpuset.cpus)" = 3 ] || fail "s1's cpuset.cpus is '$(cat $CG/services/s1/cpuset.cpus)'"
wait_log 30 "$(started s1 vtime)" || fail "no vtime policy for the adopted cell"
kill -USR1 $s1
run_ticks $s1 50 || fail "no progress"
s=$(work_sample $s1 $T/s1) || fail "no sample"
note "adopted services/s1: $s"
[ "$(field cpus "$s")" = 3 ] || fail "s1 ran on CPUs $(field cpus "$s"), want 3"
grep -qx $s1 $CG/services/s1/cgroup.procs || fail "s1's process moved"
# refused: a cgroup that does not exist (8), one inside a cell (8); nothing changes
cellsched cell adopt /services/nope 2> $T/err; rc=$?
[ $rc = 8 ] && grep -q "does not exist" $T/err || fail "adopting a missing cgroup: exit $rc, $(cat $T/err)"
cellsched cell adopt /services/s1/../s1 2> $T/err; rc=$?
[ $rc = 8 ] || fail "adopting a path with '..': exit $rc, $(cat $T/err)"
mkdir $CG/cellsched/a/inner
cellsched cell adopt /cellsched/a/inner 2> $T/err; rc=$?
rmdir $CG/cellsched/a/inner
[ $rc = 8 ] && grep -q "nested" $T/err || fail "adopting a cgroup inside cell a: exit $rc, $(cat $T/err)"
note "refused: $(cat $T/err)"
# cell delete: the cpuset it found (none) back, the cgroup and its process stay
cellsched cell delete s1 > /dev/null || fail "cell delete s1"
wait_log 10 "cell s1: cgroup services/s1 has its own cpuset.cpus back ('')\|refuses to put back the empty cpuset.cpus of services/s1 " ||
	{ cat $CS_LOG; fail "s1's cpuset not put back"; }
# kernels before 7.x refuse an empty cpuset.cpus where tasks are: the parent's CPUs then
want=""
grep -q "refuses to put back the empty cpuset.cpus of services/s1 " $CS_LOG &&
	want=$(cat $CG/services/cpuset.cpus.effective)
[ "$(cat $CG/services/s1/cpuset.cpus)" = "$want" ] ||
	fail "s1's cpuset.cpus is '$(cat $CG/services/s1/cpuset.cpus)', want '$want'"
grep -qx $s1 $CG/services/s1/cgroup.procs || fail "s1's process left its cgroup"
kill $s1; wait $s1
rmdir $CG/services/s1 $CG/services
check_health
tree() { (cd $CG && find containers -type d | sort; cat containers/cgroup.subtree_control) }
before=$(tree)
cellsched stop > /dev/null || fail "cellsched stop failed"
wait $CS_PID
[ $? = 0 ] || { cat $CS_LOG; fail "cellsched exited non-zero"; }
[ "$(tree)" = "$before" ] || fail "cellsched changed /containers: $(tree)"
note "containers' cells made and removed with them; /containers as runc left it"
