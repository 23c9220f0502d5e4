# cli_rebalance: two resizable cells x and y (1..2 CPUs each) and the root
# cell (min 1, which keeps CPU 0) on 4 CPUs. Four busy tasks in x: within 30
# ticks x grows to 2 CPUs (the root cell's spare one) and its tasks run on
# both. Then the load moves to y: within 30 ticks x gives its CPU back and y,
# now busy, gets 2, the one it gains being x's. `rebalance --dry-run` reports a plan and changes nothing. Ticks are
# 100 ms; the measured numbers are printed.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cat > /tmp/rb.yaml <<'YAML'
tick_ms: 100
rebalance: {grow_pct: 90, shrink_pct: 50, cooldown_ms: 500}
cells:
  - name: x
    cpus: {min: 1, max: 2}
  - name: y
    cpus: {min: 1, max: 2}
YAML
# the shipped example of resizable cells is valid on this machine
out=$(cellsched check -c /cs/configs/resizable.yaml) || fail "configs/resizable.yaml: $out"
echo "$out" | grep -q "cell web: cgroup cellsched/web, CPUs 1..3 (weight 200), sized by the controller" ||
	fail "check does not describe web: $out"
start_cells /tmp/rb.yaml
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
ncpus() { cellsched --json cell show "$1" | sed -n 's/.*"nr_cpus": \([0-9]*\).*/\1/p'; }
cpus_of() { cat /sys/fs/cgroup/cellsched/$1/cpuset.cpus; }
is_n() { [ "$(ncpus "$1")" = "$2" ]; }
[ "$(ncpus x)" = 1 ] && [ "$(ncpus y)" = 1 ] || fail "cells did not start at their min"

cellsched rebalance --dry-run > /tmp/plan.txt || fail "rebalance --dry-run exited $?"
cat /tmp/plan.txt
grep -q "dry run: nothing changed" /tmp/plan.txt || fail "dry run output"

xp=
for i in 1 2 3 4; do in_cell cellsched/x cs-work cpus 300 /tmp/x$i & xp="$xp $!"; done
t0=$(uptime_ms)
wait_for 10 is_n x 2 || { cellsched cells; fail "x did not grow to 2 CPUs within 100 ticks"; }
t1=$(uptime_ms)
ticks=$(( (t1 - t0 + 99) / 100 ))
note "busy x grew to 2 CPUs ($(cpus_of x)) in $((t1 - t0)) ms = $ticks ticks"
[ "$ticks" -le 30 ] || fail "x took $ticks ticks to grow, want <= 30"
xcpus=$(cpus_of x) ycpus0=$(cpus_of y)
cellsched cells
# x's tasks use all its CPUs: a fresh window, then the union of their CPUs
for p in $xp; do kill -USR1 $p; done
all_used() {
	local i=1 p u=
	for p in $xp; do
		u="$u,$(field cpus "$(work_sample $p /tmp/x$i)")"
		i=$((i + 1))
	done
	[ "$(echo "$u" | tr ',' '\n' | grep . | sort -u | wc -l)" = 2 ]
}
wait_for 20 all_used || fail "x's tasks did not run on both its CPUs"

# the load moves: y busy, x idle
yp=
for i in 1 2 3 4; do in_cell cellsched/y cs-work cpus 300 /tmp/y$i & yp="$yp $!"; done
kill $xp
t0=$(uptime_ms)
wait_for 10 is_n y 2 || { cellsched cells; tail $CS_LOG; fail "y did not grow to 2 CPUs"; }
t1=$(uptime_ms)
ticks=$(( (t1 - t0 + 99) / 100 ))
note "load moved: y has 2 CPUs ($(cpus_of y)) after $((t1 - t0)) ms = $ticks ticks; x has $(cpus_of x)"
[ "$ticks" -le 30 ] || fail "y took $ticks ticks to grow, want <= 30"
wait_for 5 is_n x 1 || fail "idle x kept $(ncpus x) CPUs"
cellsched status | grep -q "root cell 0" || fail "the root cell does not keep CPU 0"
# the CPUs y gained had been x's (the root cell kept its one CPU)
ycpus=$(cpus_of y)
note "x had $xcpus, y had $ycpus0 and now has $ycpus"
for c in $(cpulist "$ycpus"); do
	case " $(cpulist "$ycpus0") " in *" $c "*) continue ;; esac
	case " $(cpulist "$xcpus") " in *" $c "*) ;; *) fail "y gained CPU $c, which x did not have" ;; esac
done
cellsched cells
check_health
kill $yp
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
