# orch_systemd: services in cells by the cgroups systemd makes for them
# (configs/systemd.yaml). The guest has no systemd: the test makes the
# layout systemd would, latency.slice with AllowedCPUs=2-3 (its cpuset.cpus)
# holding web.service, system.slice/batch.service with AllowedCPUs=1. The
# slice and the service become cells in place, on the CPUs systemd gave
# them, under their policies; `systemctl set-property latency.slice
# AllowedCPUs=3` (a write of its cpuset.cpus) moves the cell; a stopped
# service's cell goes with its cgroup and comes back when it starts again.
# cellsched writes nothing into systemd's tree: after `cellsched stop` every
# cgroup and cpuset is as systemd made it.
# also on: 6.18
. /cs/guest/lib.sh
T=/tmp/orch_systemd	# this test's files: no other test's of the same name in the way
rm -rf $T && mkdir -p $T || fail "cannot make $T"
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
CG=/sys/fs/cgroup
cleanup() {
	kill_all KILL cs-work
	rmdir $CG/latency.slice/web.service $CG/latency.slice $CG/system.slice/batch.service \
		$CG/system.slice 2>/dev/null
}
trap cleanup EXIT
# systemd's side: slices delegate cpuset (AllowedCPUs= needs it), the
# properties land in cpuset.cpus
grep -qw cpuset $CG/cgroup.subtree_control || echo +cpuset > $CG/cgroup.subtree_control
mkdir -p $CG/latency.slice/web.service $CG/system.slice || fail "cannot make the slices"
echo "+cpuset +cpu" > $CG/latency.slice/cgroup.subtree_control
echo "+cpuset +cpu" > $CG/system.slice/cgroup.subtree_control
echo 2-3 > $CG/latency.slice/cpuset.cpus || fail "AllowedCPUs=2-3"
# start_batch: systemd starting batch.service: its cgroup, AllowedCPUs=1, its process
start_batch() {
	mkdir $CG/system.slice/batch.service && echo 1 > $CG/system.slice/batch.service/cpuset.cpus
}
start_batch || fail "cannot start batch.service"
tree() { (cd $CG && find latency.slice system.slice -type d | sort | while read -r d; do echo "$d [$(cat $d/cpuset.cpus)]"; done); }
before=$(tree)

start_cells /cs/configs/systemd.yaml
grep -q "cell web: added (cgroup latency.slice, CPUs 2-3, policy latency" $CS_LOG || fail "web's cell"
grep -q "cell batch: added (cgroup system.slice/batch.service, CPUs 1, policy fifo" $CS_LOG ||
	fail "batch's cell"
in_cell latency.slice/web.service cs-work cpus 600 $T/web & web=$!
in_cell system.slice/batch.service cs-work cpus 600 $T/batch & batch=$!
for w in $web $batch; do wait_for 30 work_ready $w || fail "cs-work $w did not start"; done
run_ticks $web 100 || fail "no progress"
sw=$(work_sample $web $T/web) && sb=$(work_sample $batch $T/batch) || fail "no samples"
note "web.service:   $sw"
note "batch.service: $sb"
cpus_within "$(field cpus "$sw")" "2 3" || fail "web.service ran on CPUs $(field cpus "$sw"), want 2-3"
[ "$(field cpus "$sb")" = 1 ] || fail "batch.service ran on CPUs $(field cpus "$sb"), want 1"
for name in web batch; do
	wait_for 10 sh -c "cellsched cell show $name --json | grep -q '\"busy_us\": [1-9]'" ||
		{ cellsched cell show $name; fail "cell $name's policy reports no busy time"; }
done

# systemctl set-property latency.slice AllowedCPUs=3
echo 3 > $CG/latency.slice/cpuset.cpus
wait_log 10 "cell web: CPUs 2-3 -> 3" || { cat $CS_LOG; fail "the cell did not follow AllowedCPUs="; }
kill -USR1 $web
run_ticks $web 50 || fail "no progress"
sw=$(work_sample $web $T/web) || fail "no sample"
note "web.service after AllowedCPUs=3: $sw"
[ "$(field cpus "$sw")" = 3 ] || fail "web.service ran on CPUs $(field cpus "$sw"), want 3"

# systemctl stop batch.service: its process ends, systemd removes its cgroup
kill $batch; wait $batch
rmdir $CG/system.slice/batch.service || fail "cannot remove batch.service's cgroup"
wait_log 10 "cell batch: removed (its cgroup is gone)" || { cat $CS_LOG; fail "batch's cell stayed"; }
# systemctl start batch.service
start_batch || fail "cannot start batch.service again"
wait_for 10 sh -c "[ \$(grep -c 'cell batch: added' $CS_LOG) = 2 ]" ||
	{ cat $CS_LOG; fail "batch's cell did not come back"; }
(in_cell system.slice/batch.service cs-work cpus 2 $T/batch2)
[ "$(field cpus "$(cat $T/batch2)")" = 1 ] || fail "batch.service ran on $(cat $T/batch2)"
cellsched cells -o NAME,CPUS,POLICY,STATE,ORIGIN,CGROUP
check_health
# systemd set AllowedCPUs=3 meanwhile: that is what stays
echo 2-3 > $CG/latency.slice/cpuset.cpus
wait_log 10 "cell web: CPUs 3 -> 2-3" || fail "the cell did not follow AllowedCPUs= back"

note "stopping cellsched"
cellsched stop > /dev/null || fail "cellsched stop failed"
wait $CS_PID
[ $? = 0 ] || { cat $CS_LOG; fail "cellsched exited non-zero"; }
after=$(tree)
if [ "$after" != "$before" ]; then
	echo "before:"; echo "$before"; echo "after:"; echo "$after"
	fail "the cgroup tree is not as systemd left it"
fi
grep -qx $web $CG/latency.slice/web.service/cgroup.procs || fail "web.service's process moved"
note "after stop: systemd's cgroups and cpusets as it made them; web.service's process never moved"
