# daemon_hostile: issue 13 items 1, 2, 9 and 10: hostile input to a running
# daemon is refused at once and changes nothing. A SIGHUP with 30000 nested
# lists is refused while the CLI still gets answers (it held the daemon's
# loop for seconds); `cell create cpuset.cpus` and a cell cgroup named
# cgroup.procs are refused with exit 8 (they passed, then failed "Not a
# directory" every tick); a --cgroup of 300 characters is refused (it was cut
# to 255); a cgroup named with an escape character under the cell parent
# becomes a cell that the log and `cellsched cells` print escaped, never raw.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
STATE=/var/lib/cellsched/state.json
expect() {	# CODE REGEX COMMAND...
	local code=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1); rc=$?
	[ "$rc" = "$code" ] || fail "'$*' exited $rc, want $code: $out"
	echo "$out" | grep -q -- "$re" || fail "'$*' said '$out', want /$re/"
	note "$* -> $rc: $out"
}
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
start_cells /tmp/cells.yaml
cellsched cell resize b --cpus 3 > /dev/null || fail "resize b exited $?"	# CPU 2 free
cp $STATE /tmp/state.before

# item 2: names of cgroupfs files
IFACE="a component is named like a cgroup interface file"
expect 8 "cgroup 'cpuset.cpus' of cell 'cpuset.cpus' is not a valid path: $IFACE" \
	cellsched cell create cpuset.cpus --cpus 2
expect 8 "cgroup 'cgroup.procs' of cell 'x' is not a valid path: $IFACE" \
	cellsched cell create x --cpus 2 --cgroup cgroup.procs
# item 9: a request's cgroup too long for a cell
long=$(awk 'BEGIN { while (i++ < 300) printf "a" }')
expect 2 "--cgroup is longer than 255 characters" cellsched cell create x --cpus 2 --cgroup "$long"
cmp -s $STATE /tmp/state.before || { cat $STATE; fail "a refused create changed the state file"; }
[ -d /sys/fs/cgroup/cellsched/x ] && fail "a refused create left a cgroup"
[ -f /sys/fs/cgroup/cellsched/cpuset.cpus ] || fail "the cell parent's cpuset.cpus is not its file"
cellsched cells | grep -q "^x \|^cpuset" && fail "a refused create left a cell"

# item 1: a deeply nested file on SIGHUP: refused at once, the loop keeps serving
awk 'BEGIN { printf "x: "; for (i = 0; i < 30000; i++) printf "["
	     for (i = 0; i < 30000; i++) printf "]"; print "" }' > /tmp/cells.yaml
kill -HUP $CS_PID
out=$(timeout 5 cellsched status 2>&1) || fail "status got no answer within 5 s of the SIGHUP (exit $?): $out"
wait_log 10 "/tmp/cells.yaml:1:19: YAML nested deeper than 16 levels" ||
	{ cat $CS_LOG; fail "the deep file was not refused"; }
expect 8 "nested deeper than 16 levels" timeout 5 cellsched reload
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 3 ] || fail "a refused reload moved b"

# item 10: a cell named by someone else with an escape character
esc=$(printf '\033')
mkdir "/sys/fs/cgroup/cellsched/e${esc}x" || fail "cannot make the cgroup"
echo 2 > "/sys/fs/cgroup/cellsched/e${esc}x/cpuset.cpus"
wait_log 20 'cell e\\x1bx: added' || { cat $CS_LOG; fail "the cell's name is not logged escaped"; }
cellsched cells > /tmp/cells.txt || fail "cells exited $?"
grep -q '^e\\x1bx ' /tmp/cells.txt || { cat /tmp/cells.txt; fail "cells does not show the name escaped"; }
grep -q "$esc" $CS_LOG /tmp/cells.txt && fail "a raw escape character was printed"
rmdir "/sys/fs/cgroup/cellsched/e${esc}x"
wait_for 10 sh -c '! cellsched cells | grep -q "^e"' || fail "the cell did not go with its cgroup"

check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
