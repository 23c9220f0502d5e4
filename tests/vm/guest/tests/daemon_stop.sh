# daemon_stop: `cellsched stop` answers once every scheduler is detached
# (sched_ext reads "disabled" when it returns, not some time later), and a
# cell that still has tasks when cellsched stops keeps its CPUs as a cpuset
# would (on_stop: keep, the default) or gets the cell parent's (on_stop:
# release); the cgroups of empty cells are removed either way.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
allowed() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$1/status; }

# 1. on_stop: keep (default)
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
start_cells /tmp/cells.yaml
in_cell cellsched/b cs-work spin 300 & w=$!
wait_for 10 sh -c "[ \"\$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$w/status)\" = 2-3 ]" ||
	fail "the task in b is not on CPUs 2-3: $(allowed $w)"
out=$(cellsched stop) || fail "stop exited $?"
state=$(scx_state)
echo "$out" | grep -q "^cellsched stopped: every scheduler detached (" || fail "stop printed: $out"
[ "$state" = disabled ] || fail "stop answered with sched_ext still $state"
wait $CS_PID; CS_RC=$?
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
[ -d /sys/fs/cgroup/cellsched/a ] && fail "the empty cell a's cgroup was left"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 2-3 ] ||
	fail "on_stop keep: b's cpuset.cpus is '$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)'"
[ "$(allowed $w)" = 2-3 ] || fail "on_stop keep: the task in b may run on $(allowed $w)"
grep -q "cell b: cgroup cellsched/b stays, its tasks on CPUs 2-3 (on_stop: keep)" $CS_LOG ||
	{ cat $CS_LOG; fail "no word about b's cgroup staying"; }

# 2. on_stop: release (b's cgroup, still with its task, becomes the cell again)
sed -i 's/^on_stop: keep$/on_stop: release/' /tmp/cells.yaml
grep -q '^on_stop: release$' /tmp/cells.yaml || echo "on_stop: release" >> /tmp/cells.yaml
start_cells /tmp/cells.yaml
out=$(cellsched --json stop) || fail "stop --json exited $?"
echo "$out" | tr -d ' \n' | grep -q '"detached":true' || fail "stop --json printed: $out"
wait $CS_PID; CS_RC=$?
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
parent=$(cat /sys/fs/cgroup/cellsched/cpuset.cpus.effective)
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus.effective)" = "$parent" ] ||
	fail "on_stop release: b has $(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus.effective), the parent $parent"
[ "$(allowed $w)" = "$parent" ] || fail "on_stop release: the task in b may run on $(allowed $w), want $parent"
note "on_stop release: the task left in b may run on CPUs $(allowed $w)"
kill $w
wait $w 2>/dev/null
rmdir /sys/fs/cgroup/cellsched/b /sys/fs/cgroup/cellsched 2>/dev/null
true
