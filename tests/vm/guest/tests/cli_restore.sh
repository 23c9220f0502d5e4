# cli_restore: changes made through the CLI survive `kill -9` of the daemon.
# resize b to CPU 3, create c on CPU 2 (latency), delete a; kill -9; a new
# `cellsched run` with the same YAML restores all three (cgroups, CPUs,
# policies, children). Then a damaged state file: reported, kept aside under
# a new name, and the YAML alone runs. `reload --reset` drops the changes.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
STATE=/var/lib/cellsched/state.json
start_cells /cs/configs/two-cells.yaml
cellsched cell resize b --cpus 3 || fail "resize exited $?"
cellsched cell create c --cpus 2 --policy latency --set short_us=1000 || fail "create exited $?"
cellsched cell delete a || fail "delete exited $?"
[ -f $STATE ] || fail "no state file after CLI changes"
cat $STATE
kill -KILL $CS_PID
wait $CS_PID 2>/dev/null
wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state) after kill -9"

start_cellsched -c /cs/configs/two-cells.yaml
wait_log 20 "restored 3 runtime changes from $STATE" || { cat $CS_LOG; fail "no restore logged"; }
wait_log 20 "$(started b vtime)" || fail "b has no child after the restart"
wait_log 20 "$(started c latency)" || fail "c has no child after the restart"
cellsched cells | tee /tmp/cells.txt
grep -Eq '^b +3 +1 ' /tmp/cells.txt || fail "b is not on CPU 3 after the restart"
grep -Eq '^c +2 +1 +fixed +latency' /tmp/cells.txt || fail "c is not back on CPU 2 with latency"
grep -q '^a ' /tmp/cells.txt && fail "deleted cell a came back"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 3 ] || fail "b's cpuset is not 3"
[ "$(cat /sys/fs/cgroup/cellsched/c/cpuset.cpus)" = 2 ] || fail "c's cpuset is not 2"
cellsched --json cell show c | grep -q '"short_us": 1000' || fail "c lost its tunable"
cellsched stop > /dev/null || fail "stop exited $?"
wait $CS_PID; [ $? = 0 ] || fail "cellsched exited non-zero after stop"
wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state) after stop"

# a damaged state file: set aside, the YAML alone runs
head -c 40 $STATE > /tmp/half && cp /tmp/half $STATE
start_cells /cs/configs/two-cells.yaml
grep -q "cannot use the runtime changes: $STATE: not valid JSON" $CS_LOG || { cat $CS_LOG; fail "damage not reported"; }
aside=$(ls $STATE.corrupt-* 2>/dev/null)
[ -n "$aside" ] || fail "the damaged file was not kept aside"
cmp -s /tmp/half "$aside" || fail "the file kept aside is not the damaged one"
[ ! -f $STATE ] || fail "the damaged file is still in place"
cellsched cells | tee /tmp/cells.txt
grep -Eq '^a +1 ' /tmp/cells.txt && grep -Eq '^b +2-3 ' /tmp/cells.txt || fail "the YAML's cells are not running"

# reload --reset: CLI changes dropped, the YAML runs
cellsched cell resize b --cpus 3 || fail "resize exited $?"
grep -q '"cpus": "3"' $STATE || fail "the new change was not saved"
cellsched reload --reset > /dev/null || fail "reload --reset exited $?"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 2-3 ] || fail "reload --reset left b on $(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)"
grep -q '"changes"' $STATE && ! grep -q '"op"' $STATE || { cat $STATE; fail "reload --reset kept changes in the file"; }
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
