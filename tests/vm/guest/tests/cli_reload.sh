# cli_reload: `cellsched reload` after editing the YAML applies the edit (b
# 2-3 -> 2, a new cell d on CPU 3) and prints the status; a broken edit is
# refused with the file's line and column, exit 8, and nothing changes; an
# edit that contradicts a CLI change is refused naming it and the way out
# (--reset).
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
start_cells /tmp/cells.yaml
sed -i 's/cpus: "2-3"/cpus: "2"/' /tmp/cells.yaml
printf '  - name: d\n    cpus: "3"\n    policy: fifo\n' >> /tmp/cells.yaml
out=$(cellsched reload) || fail "reload exited $?: $out"
echo "$out" | grep -q "^cells: *3 " || fail "reload did not print the status with 3 cells: $out"
wait_log 20 "$(started d fifo)" || fail "cell d has no child"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 2 ] || fail "b is not on CPU 2"
[ "$(cat /sys/fs/cgroup/cellsched/d/cpuset.cpus)" = 3 ] || fail "d is not on CPU 3"

# broken edit: d overlaps a
cp /tmp/cells.yaml /tmp/good.yaml
sed -i '$s/cpus: "3"/cpus: "1"/; s/^    cpus: "3"$/    cpus: "1"/' /tmp/cells.yaml
line=$(grep -n 'cpus: "1"' /tmp/cells.yaml | tail -1 | cut -d: -f1)
out=$(cellsched reload 2>&1); rc=$?
note "$out"
[ "$rc" = 8 ] || fail "a broken reload exited $rc, want 8"
echo "$out" | grep -q "/tmp/cells.yaml:$line:11: CPUs 1 of cell 'd' overlap cell 'a'" || fail "message: $out"
[ "$(cat /sys/fs/cgroup/cellsched/d/cpuset.cpus)" = 3 ] || fail "a refused reload moved d"

# a swap with no free CPU between: refused, nothing moves
cp /tmp/good.yaml /tmp/swap.yaml
sed -i 's/^    cpus: "1"$/    cpus: "X"/; s/^    cpus: "3"$/    cpus: "1"/; s/^    cpus: "X"$/    cpus: "3"/' /tmp/swap.yaml
cp /tmp/swap.yaml /tmp/cells.yaml
out=$(cellsched reload 2>&1); rc=$?
note "$out"
[ "$rc" = 8 ] || fail "a swapping reload exited $rc, want 8"
echo "$out" | grep -q "would have to take CPUs of cell '.*', which waits for CPUs in turn" ||
	fail "the refusal does not name the swap: $out"
[ "$(cat /sys/fs/cgroup/cellsched/a/cpuset.cpus)" = 1 ] || fail "a refused swap moved a"
cp /tmp/good.yaml /tmp/cells.yaml

# an edit that contradicts a CLI change: a moved to CPU 3 by the CLI, then the
# YAML gives 3 to b again (back to the shipped file: a 1, b 2-3, no d)
cellsched cell resize a --cpus 0-1 > /dev/null 2>&1 && fail "a took the root cell's last CPU"
cellsched cell delete d > /dev/null || fail "delete d exited $?"
cellsched cell resize a --cpus 3 > /dev/null || fail "resize a exited $?"
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
out=$(cellsched reload 2>&1); rc=$?
note "$out"
[ "$rc" = 8 ] || fail "a contradicting reload exited $rc, want 8"
echo "$out" | grep -q "overlap cell 'a' (a runtime change)" || fail "the refusal does not name the change: $out"
echo "$out" | grep -q "reload --reset" || fail "the refusal does not say how to drop the changes: $out"
[ "$(cat /sys/fs/cgroup/cellsched/a/cpuset.cpus)" = 3 ] || fail "a refused reload moved a"
out=$(cellsched reload --reset) || fail "reload --reset exited $?"
[ "$(cat /sys/fs/cgroup/cellsched/a/cpuset.cpus)" = 1 ] || fail "a is not back on CPU 1"
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 2-3 ] || fail "b is not on 2-3"
wait_for 10 sh -c '[ ! -d /sys/fs/cgroup/cellsched/d ]' || fail "d's cgroup is still there"
# a YAML cell deleted and made again by the CLI is the CLI's, whole
cellsched cell delete a > /dev/null || fail "delete a exited $?"
cellsched cell create a --cpus 1 --policy vtime --set lag_us=7000 > /dev/null || fail "create a exited $?"
cellsched --json cell show a | grep -q '"lag_us": 7000' || fail "the re-created a lost its policy or tunable"
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
