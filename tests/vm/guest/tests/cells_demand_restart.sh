# cells_demand_restart: regression test for demand reports after a child
# restart. Reports are numbered per child; the controller compared the
# number with the one it saw at the cell's last change, so after a restart
# (here: a policy change) a cell whose CPUs last changed at report N was
# ignored for N more (10 s here, 50 min after 30,000). Now reports carry
# their child's number: a busy cell grows within a few ticks of its new
# child reporting.
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cat > /tmp/dr.yaml <<'YAML'
tick_ms: 100
rebalance: {grow_pct: 90, shrink_pct: 50, cooldown_ms: 200}
cells:
  - name: x
    cpus: {min: 1, max: 2}
    policy: fifo
YAML
ncpus() { cellsched --json cell show x | sed -n 's/.*"nr_cpus": \([0-9]*\).*/\1/p'; }
reports() { cellsched --json cell show x | sed -n 's/.*"reports": \([0-9]*\).*/\1/p'; }
start_cells /tmp/dr.yaml
# 10 s of reports from the first child
wait_for 30 sh -c "[ \$(cellsched --json cell show x | sed -n 's/.*\"reports\": \([0-9]*\).*/\1/p') -ge 100 ]" ||
	fail "x's child did not report 100 times"
# a grow and a shrink: the cell's CPUs last change after ~100 reports
for i in 1 2 3 4; do in_cell cellsched/x cs-work spin 120 & done
wait_for 30 sh -c "[ \"\$(cellsched --json cell show x | sed -n 's/.*\"nr_cpus\": \([0-9]*\).*/\1/p')\" = 2 ]" ||
	fail "busy x did not grow"
kill_all TERM cs-work
wait_for 30 sh -c "[ \"\$(cellsched --json cell show x | sed -n 's/.*\"nr_cpus\": \([0-9]*\).*/\1/p')\" = 1 ]" ||
	fail "idle x did not shrink"
note "first child: $(reports) reports, then a grow and a shrink"
sed -i 's/policy: fifo/policy: vtime/' /tmp/dr.yaml
kill -HUP $CS_PID
wait_log 20 "cell x: child 'vtime' attached" || { cat $CS_LOG; fail "no new child"; }
t0=$(awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime)
for i in 1 2 3 4; do in_cell cellsched/x cs-work spin 120 & done
wait_for 30 sh -c "[ \"\$(cellsched --json cell show x | sed -n 's/.*\"nr_cpus\": \([0-9]*\).*/\1/p')\" = 2 ]" ||
	{ cellsched cells; fail "busy x never grew"; }
t1=$(awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime)
note "the restarted cell grew to 2 CPUs $((t1 - t0)) ms after its tasks started"
[ $((t1 - t0)) -le 4000 ] || fail "x took $((t1 - t0)) ms to grow, want <= 4000 (its new child's reports were ignored)"
kill_all TERM cs-work
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
