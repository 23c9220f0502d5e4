# runc_smoke: a real container runtime works in the guest, without cellsched.
# Debian's runc (cgroupfs driver, --no-pivot: see lib.sh) starts a container
# with cgroupsPath /rt-test/ctr1 under a cgroup rt-test limited to CPU 1 (cpuset)
# running a CPU-bound cs-work: its process is in rt-test/ctr1's cgroup.procs
# and runs only on CPU 1. `runc delete -f` removes it and rt-test/ctr1, and
# leaves rt-test, which the test removes, and the root's controllers as found.
# also on: 6.18
. /cs/guest/lib.sh
command -v runc > /dev/null || skip "no runc in the guest (the host had none: run scripts/setup)"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs, have $(nproc)"
note "$(runc --version | head -n 1)"
CG=/sys/fs/cgroup
B=/tmp/runc-smoke
ctl0=$(cat $CG/cgroup.subtree_control)
# runc enables every controller down to the container's cgroup, the root's
# included: the next tests get the root as this one found it
restore() {
	local c
	runc_cleanup
	rmdir $CG/rt-test/ctr1 $CG/rt-test 2>/dev/null
	for c in $(cat $CG/cgroup.subtree_control); do
		case " $ctl0 " in *" $c "*) ;; *) echo "-$c" > $CG/cgroup.subtree_control ;; esac
	done
}
trap restore EXIT

grep -qw cpuset $CG/cgroup.subtree_control || echo +cpuset > $CG/cgroup.subtree_control ||
	fail "cannot enable the cpuset controller in the root cgroup"
mkdir $CG/rt-test || fail "cannot create $CG/rt-test"
echo 1 > $CG/rt-test/cpuset.cpus || fail "cannot set rt-test's cpuset.cpus to 1"

runc_bundle $B /rt-test/ctr1 /bin/cs-work cpus 300 /cpus.out || fail "cannot make the bundle"
pid=$(runc_start ctr1 $B) || fail "runc could not start the container"
note "container ctr1 runs as pid $pid: $(runc list | awk '$1 == "ctr1" { print $3 }')"
[ -d $CG/rt-test/ctr1 ] || fail "runc made no cgroup rt-test/ctr1"
grep -qx "$pid" $CG/rt-test/ctr1/cgroup.procs ||
	fail "pid $pid is not in rt-test/ctr1 (cgroup.procs: $(cat $CG/rt-test/ctr1/cgroup.procs | tr '\n' ' '))"
note "rt-test/ctr1: cpuset.cpus.effective $(cat $CG/rt-test/ctr1/cpuset.cpus.effective)"
wait_for 30 work_ready $pid || { cat $B/out.log; fail "cs-work in the container did not start"; }
# 30 ticks of CPU (0.3 s at USER_HZ 100) in the container before the sample
t0=$(utime $pid)
wait_for 30 sh -c "[ \$(awk '{ print \$14 }' /proc/$pid/stat) -ge $((t0 + 30)) ]" ||
	fail "the container's cs-work got no CPU time"
s=$(work_sample $pid $B/rootfs/cpus.out) || fail "no sample from the container's cs-work"
note "container's cs-work: $s"
[ "$(field cpus "$s")" = 1 ] || fail "the container ran on CPUs $(field cpus "$s"), not only on 1"

runc delete -f ctr1 || fail "runc delete -f ctr1 failed"
# killed: gone, or a zombie until the guest's init reaps it
wait_for 10 sh -c "[ ! -d /proc/$pid ] || grep -q '^$pid ([^)]*) Z' /proc/$pid/stat" ||
	fail "pid $pid survived runc delete -f"
wait_for 10 sh -c "[ ! -d $CG/rt-test/ctr1 ]" || fail "rt-test/ctr1 is still there after runc delete"
[ -d $CG/rt-test ] || fail "runc delete removed rt-test too"
[ -z "$(runc list -q)" ] || fail "runc still lists $(runc list -q)"
rmdir $CG/rt-test || fail "cannot remove rt-test"
restore
[ "$(cat $CG/cgroup.subtree_control)" = "$ctl0" ] ||
	fail "the root's controllers are '$(cat $CG/cgroup.subtree_control)', were '$ctl0'"
note "runc delete -f removed the container and rt-test/ctr1; rt-test removed; root controllers: $ctl0"
