# daemon_commit: issue 13 item 3: a change is applied, checked to have taken,
# and only then saved. A `cell create` the kernel refuses after every check
# passed (the cell parent's cgroup.max.descendants is reached) answered
# "cell : CPUs , " with exit 0 and was saved; now it exits 9 naming the cell,
# leaves no cell, no cgroup and the state file as it was, and works once the
# limit is lifted. A change that runs but cannot be saved (the state file's
# file system is full) is undone: exit 1, the cell back where it was.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
STATE=/var/lib/cellsched/state.json
start_cells /cs/configs/two-cells.yaml
cellsched cell resize b --cpus 3 > /dev/null || fail "resize b exited $?"	# CPU 2 free
cp $STATE /tmp/state.before
echo 2 > /sys/fs/cgroup/cellsched/cgroup.max.descendants	# a and b: no room for c
out=$(cellsched cell create c --cpus 2 2>&1); rc=$?
note "$out"
[ "$rc" = 9 ] || fail "a create the kernel refused exited $rc, want 9: $out"
echo "$out" | grep -q "cell 'c' could not be made" || fail "the refusal does not name c: $out"
echo "$out" | grep -q "the change was undone and not saved" || fail "the refusal does not say it was undone: $out"
cmp -s $STATE /tmp/state.before || { cat $STATE; fail "the refused create was saved"; }
[ ! -d /sys/fs/cgroup/cellsched/c ] || fail "the refused create left a cgroup"
cellsched cells | grep -q '^c ' && fail "the refused create left a cell"
echo max > /sys/fs/cgroup/cellsched/cgroup.max.descendants
out=$(cellsched cell create c --cpus 2) || fail "create with room exited $?: $out"
echo "$out" | grep -q "^cell c: CPUs 2, " || fail "create answered '$out'"
grep -q '"name": "c"' $STATE || fail "the create was not saved"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }

# saving fails (no space left where the state file goes): the change that ran is undone
mkdir -p /tmp/st && mount -t tmpfs -o size=64k tmpfs /tmp/st || fail "cannot mount a tmpfs"
{ echo "state_file: /tmp/st/state.json"; cat /cs/configs/two-cells.yaml; } > /tmp/st.yaml
start_cells /tmp/st.yaml
dd if=/dev/zero of=/tmp/st/fill bs=4096 2>/dev/null	# until the file system is full
out=$(cellsched cell resize b --cpus 3 2>&1); rc=$?
note "$out"
rm -f /tmp/st/fill
[ "$rc" = 1 ] || fail "a resize that could not be saved exited $rc, want 1: $out"
echo "$out" | grep -q "saving the runtime changes failed.*; the change was undone" || fail "message: $out"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 2-3 ] || fail "b stayed on $(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)"
cellsched cells | grep -Eq '^b +2-3 ' || fail "cells does not show b back on 2-3"
[ ! -f /tmp/st/state.json ] || fail "a state file was written"
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
umount /tmp/st
