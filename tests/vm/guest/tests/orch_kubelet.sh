# orch_kubelet: Kubernetes nodes, the way kubelet (systemd driver, static CPU
# manager) lays out cgroups, with pods as processes: configs/kubernetes.yaml
# makes the best-effort QoS slice a fifo cell on CPU 1 and the burstable one a
# vtime cell on CPU 2, in place; a Guaranteed container whose cpuset kubelet
# made exclusive (CPU 3) becomes a latency cell of its own within a tick of
# the write, and goes when its pod goes. Every pod's process runs only on its
# cell's CPUs under its cell's policy, and no process is moved. After
# `cellsched stop` the tree is as kubelet made it: the same cgroups, and the
# cpuset.cpus cellsched wrote into the QoS slices put back.
# also on: 6.18
. /cs/guest/lib.sh
T=/tmp/orch_kubelet	# this test's files: no other test's of the same name in the way
rm -rf $T && mkdir -p $T || fail "cannot make $T"
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
CG=/sys/fs/cgroup
K=kubepods.slice
BE=$K/kubepods-besteffort.slice
BU=$K/kubepods-burstable.slice
cleanup() {
	kill_all KILL cs-work
	for d in $(find $CG/$K -depth -type d 2>/dev/null); do rmdir $d 2>/dev/null; done
}
trap cleanup EXIT

# kubelet's side: the QoS slices, cpuset delegated down to the containers
grep -qw cpuset $CG/cgroup.subtree_control || echo +cpuset > $CG/cgroup.subtree_control
mkdir -p $CG/$BE $CG/$BU || fail "cannot make kubelet's slices"
for d in $K $BE $BU; do echo "+cpuset +cpu" > $CG/$d/cgroup.subtree_control || fail "+cpuset in $d"; done
# pod POD_SLICE CONTAINER: a pod's slice and its container's scope (the pod's
# own slice delegates cpuset too)
pod() {
	mkdir -p $CG/$1/$2 && echo "+cpuset +cpu" > $CG/$1/cgroup.subtree_control
}
pod $BE/kubepods-besteffort-pod0a1b.slice cri-containerd-be01.scope || fail "best-effort pod"
pod $BU/kubepods-burstable-pod2c3d.slice cri-containerd-bu01.scope || fail "burstable pod"
# what kubelet made: every cgroup below kubepods.slice and its cpuset.cpus
tree() { (cd $CG/$K && find . -type d | sort | while read -r d; do echo "$d [$(cat $d/cpuset.cpus)]"; done); }
before=$(tree)

start_cellsched -c /cs/configs/kubernetes.yaml
wait_log 30 "$(started besteffort fifo)" && wait_log 30 "$(started burstable vtime)" ||
	{ cat $CS_LOG; fail "the QoS cells' policies did not start"; }
mode=$(cs_mode)
note "mode $mode"
[ "$(cat $CG/$BE/cpuset.cpus)" = 1 ] || fail "besteffort slice's cpuset.cpus is '$(cat $CG/$BE/cpuset.cpus)'"
[ "$(cat $CG/$BU/cpuset.cpus)" = 2 ] || fail "burstable slice's cpuset.cpus is '$(cat $CG/$BU/cpuset.cpus)'"

# pods' processes, started in their containers' cgroups (as runc would)
in_cell $BE/kubepods-besteffort-pod0a1b.slice/cri-containerd-be01.scope cs-work cpus 600 $T/be & be=$!
in_cell $BU/kubepods-burstable-pod2c3d.slice/cri-containerd-bu01.scope cs-work cpus 600 $T/bu & bu=$!

# a Guaranteed pod: kubelet makes its slice and container, then the CPU
# manager writes the exclusive CPU into the container's cpuset
G=$K/kubepods-pod4e5f.slice
pod $G cri-containerd-g01.scope || fail "guaranteed pod"
echo 3 > $CG/$G/cri-containerd-g01.scope/cpuset.cpus || fail "the CPU manager's write"
added="cell guaranteed.cri-containerd-g01.scope: added (cgroup $G/cri-containerd-g01.scope, CPUs 3, policy latency, made by a rule), [0-9]* ms and [0-9]* pass\(es\)\? after its cgroup changed"
wait_log 10 "$added" || { cat $CS_LOG; fail "no cell for the Guaranteed container"; }
# the daemon's own count from inotify's report to the cell in the root: the
# emulator's time to run the guest's shell is not in it. 1 pass: the first
# tick after the report.
line=$(grep -o "made by a rule), [0-9]* ms and [0-9]* pass[es]* after" $CS_LOG | tail -n 1)
note "Guaranteed container's cell added ${line#made by a rule), } inotify reported its cpuset write (tick 100 ms)"
case "$line" in *" and 1 pass after") ;; *) fail "the cell did not come at the first tick after the change was seen: $line" ;; esac
wait_log 30 "$(started guaranteed.cri-containerd-g01.scope latency)" || fail "no latency policy for it"
in_cell $G/cri-containerd-g01.scope cs-work cpus 600 $T/g & g=$!

for w in $be $bu $g; do wait_for 30 work_ready $w || fail "cs-work $w did not start"; done
# a new measurement window once every cell has its CPUs, then 2 s of work
for w in $be $bu $g; do kill -USR1 $w; done
run_ticks $g 100 || fail "no progress"
sbe=$(work_sample $be $T/be) && sbu=$(work_sample $bu $T/bu) && sg=$(work_sample $g $T/g) ||
	fail "no samples"
note "best-effort pod: $sbe"
note "burstable pod:   $sbu"
note "Guaranteed pod:  $sg"
[ "$(field cpus "$sbe")" = 1 ] || fail "the best-effort pod ran on CPUs $(field cpus "$sbe"), want 1"
[ "$(field cpus "$sbu")" = 2 ] || fail "the burstable pod ran on CPUs $(field cpus "$sbu"), want 2"
[ "$(field cpus "$sg")" = 3 ] || fail "the Guaranteed pod ran on CPUs $(field cpus "$sg"), want 3"
# never moved: each process is still in its container's cgroup
grep -qx $be $CG/$BE/kubepods-besteffort-pod0a1b.slice/cri-containerd-be01.scope/cgroup.procs ||
	fail "the best-effort process left its container's cgroup"
grep -qx $g $CG/$G/cri-containerd-g01.scope/cgroup.procs || fail "the Guaranteed process moved"
# under their cells' policies: the kernel has each cell's scheduler at its
# cgroup (native mode), and each policy reports the time it ran them
for c in besteffort:$BE burstable:$BU guaranteed.cri-containerd-g01.scope:$G/cri-containerd-g01.scope; do
	name=${c%%:*} cg=${c#*:}
	if [ "$mode" = native ]; then
		[ -d /sys/kernel/sched_ext/root/sub/sub-$(stat -c %i $CG/$cg) ] ||
			fail "no sub-scheduler at $cg"
	fi
	wait_for 10 sh -c "cellsched cell show $name --json | grep -q '\"busy_us\": [1-9]'" ||
		{ cellsched cell show $name; fail "cell $name's policy reports no busy time"; }
done
cellsched cells -o NAME,CPUS,POLICY,STATE,ORIGIN,CGROUP

# the pod goes: its container stops, kubelet removes the cgroups
kill $g; wait $g
rmdir $CG/$G/cri-containerd-g01.scope $CG/$G || fail "cannot remove the Guaranteed pod"
wait_log 10 "cell guaranteed.cri-containerd-g01.scope: removed (its cgroup is gone)" ||
	{ cat $CS_LOG; fail "the Guaranteed container's cell stayed"; }
# and a best-effort pod comes and goes: its cell stays
pod $BE/kubepods-besteffort-pod6a7b.slice cri-containerd-be02.scope || fail "second pod"
(in_cell $BE/kubepods-besteffort-pod6a7b.slice/cri-containerd-be02.scope cs-work cpus 2 $T/be2)
[ "$(field cpus "$(cat $T/be2)")" = 1 ] || fail "the new best-effort pod ran on $(cat $T/be2)"
rmdir $CG/$BE/kubepods-besteffort-pod6a7b.slice/cri-containerd-be02.scope \
	$CG/$BE/kubepods-besteffort-pod6a7b.slice || fail "cannot remove the second pod"
cellsched cell show besteffort > /dev/null || fail "the best-effort cell went with a pod"
scx_is enabled && root_ops_is cellsched || fail "the root stopped"
check_health

note "stopping cellsched"
cellsched stop > /dev/null || fail "cellsched stop failed"
wait $CS_PID
[ $? = 0 ] || { cat $CS_LOG; fail "cellsched exited non-zero"; }
wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state)"
after=$(tree)
# kernels before 7.x refuse an empty cpuset.cpus where tasks are: there the
# slice gets its parent's CPUs, what the empty one gives, and the log says so
for s in kubepods-besteffort.slice kubepods-burstable.slice; do
	grep -q "refuses to put back the empty cpuset.cpus of $K/$s " $CS_LOG || continue
	note "this kernel refuses an empty cpuset.cpus where tasks are: $s got its parent's CPUs"
	before=$(echo "$before" | sed "s|^\./$s \[\]\$|./$s [$(cat $CG/$K/cpuset.cpus.effective)]|")
done
if [ "$after" != "$before" ]; then
	echo "before:"; echo "$before"; echo "after:"; echo "$after"
	fail "the cgroup tree is not as kubelet left it"
fi
note "after stop, kubepods.slice is as kubelet made it: $(echo "$after" | wc -l) cgroups, cpusets put back"
