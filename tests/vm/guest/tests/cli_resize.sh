# cli_resize: the CLI against a running daemon. `cell resize b --cpus 3`
# answers with the new CPUs and b's workers then run on CPU 3 only; `cells`,
# `cell show`, `status` and `stats` report it (tables and --json); `cell
# create` / `assign` / `delete` make, fill and remove a cell and its cgroup;
# refused requests name the problem, exit with their documented code and
# change nothing.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cells /cs/configs/two-cells.yaml
in_cell cellsched/b cs-work cpus 120 /tmp/b1 & b1=$!
in_cell cellsched/b cs-work cpus 120 /tmp/b2 & b2=$!

out=$(cellsched cell resize b --cpus 3) || fail "cell resize exited $?: $out"
note "$out"
[ "$out" = "cell b: CPUs 3, running" ] || fail "unexpected answer: $out"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 3 ] || fail "cpuset.cpus of b is not 3"
cellsched cells > /tmp/cells.txt || fail "cells exited $?"
cat /tmp/cells.txt
grep -Eq '^b +3 +1 +fixed +vtime +running' /tmp/cells.txt || fail "cells does not show b on CPU 3"
# the root cell's row: its CPUs, how many, its policy, how busy (once sampled)
grep -Eq '^\(root cell\) +0,2 +2 +- +vtime +running +- +([0-9]+\.[0-9]|-) +-$' /tmp/cells.txt ||
	fail "cells does not show the root cell on 0,2"
# the workers: a fresh window, then only CPU 3
kill -USR1 $b1 $b2
for i in 1 2; do
	eval p=\$b$i
	wait_for 20 sh -c "kill -USR2 $p; sleep 0.3; grep -q 'iters=[1-9]' /tmp/b$i" ||
		fail "worker b$i made no progress after the resize"
	s=$(work_sample $p /tmp/b$i)
	[ "$(field cpus "$s")" = 3 ] || fail "worker b$i ran on $(field cpus "$s") after the resize"
done

cellsched --json cell show b > /tmp/show.json || fail "cell show --json exited $?"
grep -q '"cpus": "3"' /tmp/show.json || fail "cell show --json: $(cat /tmp/show.json)"
grep -q '"changed_by_cli": true' /tmp/show.json || fail "b not marked as changed by the CLI"
cellsched cell show b | grep -Eq '^policy +vtime' || fail "cell show has no policy line"
cellsched status | grep -q "1 made by the CLI" || fail "status does not count the change"
cellsched stats --json | grep -q '"ENQ"' || fail "stats --json has no per-cell counters"
# stats --watch: a fresh block every second until ^C
cellsched stats --watch 1 > /tmp/watch.txt 2>&1 & wp=$!
wait_for 15 sh -c '[ "$(grep -c "^root:" /tmp/watch.txt)" -ge 3 ]' || fail "stats --watch 1: $(cat /tmp/watch.txt)"
kill -INT $wp; wait $wp; rc=$?
[ "$rc" = 0 ] || fail "stats --watch ended with $rc on ^C"
grep -q "^cell b: cpus=3 " /tmp/watch.txt || fail "stats --watch has no line for b"

# refusals: code, message, nothing changed
expect() {	# CODE REGEX COMMAND...
	local code=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1); rc=$?
	[ "$rc" = "$code" ] || fail "'$*' exited $rc, want $code: $out"
	echo "$out" | grep -q -- "$re" || fail "'$*' said '$out', want /$re/"
	note "$* -> $rc: $out"
}
expect 11 "no cell 'nope'" cellsched cell resize nope --cpus 2
expect 8 "overlap cell 'a'" cellsched cell resize b --cpus 1,3
expect 8 "root_cell.min_cpus is 1" cellsched cell resize b --cpus 0,2-3
expect 2 "bad --cpus" cellsched cell resize b --cpus 3-1
expect 8 "exists already" cellsched cell create a --cpus 2
expect 2 "unknown --policy 'nope'" cellsched cell create c --cpus 2 --policy nope
expect 8 "no tunable 'lag_us'" cellsched cell create c --cpus 2 --set lag_us=5
expect 2 "usage\|unexpected" cellsched cell resize b --cpus 3 extra
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 3 ] || fail "a refused request changed b"
[ ! -d /sys/fs/cgroup/cellsched/c ] || fail "a refused create left a cgroup"

# create, assign, delete
out=$(cellsched cell create c --cpus 2 --policy latency --set short_us=1000) ||
	fail "cell create exited $?: $out"
wait_log 20 "$(started c latency)" || fail "cell c has no child"
[ "$(cat /sys/fs/cgroup/cellsched/c/cpuset.cpus)" = 2 ] || fail "cell c's cgroup is not on CPU 2"
cs-work cpus 60 /tmp/c1 & c1=$!
cellsched cell assign c --pid $c1 || fail "cell assign exited $?"
grep -q "^0::/cellsched/c$" /proc/$c1/cgroup || fail "pid $c1 is in $(cat /proc/$c1/cgroup)"
kill -USR1 $c1
wait_for 20 sh -c "kill -USR2 $c1; sleep 0.3; grep -q 'iters=[1-9]' /tmp/c1" || fail "c1 no progress"
s=$(work_sample $c1 /tmp/c1)
[ "$(field cpus "$s")" = 2 ] || fail "the assigned task ran on $(field cpus "$s"), want 2"
# delete with a task still inside: the task goes on in the root cell, the
# cgroup is not adopted as someone else's cell, and goes once empty
cellsched cell delete c || fail "cell delete exited $?"
cellsched cells | grep -q '^c ' && fail "cell c still listed"
# (its cpuset empty: it follows the parent; 6.18 refuses an empty cpuset with
# tasks, so there it gets the parent's CPUs)
left=$(cat /sys/fs/cgroup/cellsched/c/cpuset.cpus)
[ "$left" = "" ] || [ "$left" = "$(cat /sys/fs/cgroup/cellsched/cpuset.cpus.effective)" ] ||
	fail "c's leftover cgroup keeps its CPUs ($left)"
kill -USR1 $c1
wait_for 20 sh -c "kill -USR2 $c1; sleep 0.3; grep -q 'iters=[1-9]' /tmp/c1" || fail "c1 stopped after the delete"
s=$(work_sample $c1 /tmp/c1)
cpus_within "$(field cpus "$s")" "0 2" || fail "c1 ran on $(field cpus "$s") after the delete, want the root cell's 0,2"
kill $c1; wait $c1 2>/dev/null
wait_for 10 sh -c '[ ! -d /sys/fs/cgroup/cellsched/c ]' || fail "cell c's cgroup is still there once empty"
cellsched cells | grep -q '^c ' && fail "cell c came back"

# a cell an orchestrator made is not cellsched's: not taken over, not displaced
mkdir /sys/fs/cgroup/cellsched/ext && echo 2 > /sys/fs/cgroup/cellsched/ext/cpuset.cpus
wait_for 10 sh -c 'cellsched cells | grep -q "^ext "' || fail "ext did not become a cell"
expect 12 "belong to cell 'ext'" cellsched cell create x --cpus 2
expect 12 "where cell 'ext' lives" cellsched cell create x --cpus 0 --cgroup ext
expect 12 "which cellsched did not create" cellsched cell resize ext --cpus 2
expect 8 "need at least 1 CPU (their min), but fixed cells hold 3 of the 3 CPUs" cellsched cell create web --min 1 --max 2
[ "$(cat /sys/fs/cgroup/cellsched/ext/cpuset.cpus)" = 2 ] || fail "ext's cpuset changed"
rmdir /sys/fs/cgroup/cellsched/ext

check_health
kill $b1 $b2
out=$(cellsched stop) || fail "stop exited $?"
wait $CS_PID; CS_RC=$?
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC after 'stop'"; }
wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state) after stop"
expect 10 "not running" cellsched status
