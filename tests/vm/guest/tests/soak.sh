# soak: about 60 s of everything at once, with busy workers and affinity
# hoppers in every cell and in the root cell: CPU 3 going offline and coming
# back, cgroups an orchestrator makes and removes under the cell parent, CLI
# resizes of cell a, and cell f's child (test-fault) ejected every few
# thousand enqueues and restarted. At the end the root is still enabled,
# every worker made progress in the last seconds, INSERT_NOT_OWNED is 0, and
# SELECT_CPU_FALLBACK is 0 outside the moments a CPU goes offline (between a
# CPU turning inactive and the kernel telling the root, a wakeup may pick it
# and the kernel redirects it: those are counted apart).
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
[ -w /sys/devices/system/cpu/cpu3/online ] || skip "CPU 3 cannot be taken offline"
trap 'echo 1 > /sys/devices/system/cpu/cpu3/online' EXIT
cat > /tmp/soak.yaml <<'YAML'
tick_ms: 100
cells:
  - name: a
    cpus: "1"
  - name: f
    cpus: "2"
    policy: test-fault
    fault_after: 3000
YAML
# the root's count (a restarted child's counters go with it; check_health notes theirs)
fallback() { awk '$1 == "SCX_EV_SELECT_CPU_FALLBACK" { print $2 }' /sys/kernel/sched_ext/root/events; }
start_cells /tmp/soak.yaml
W=
for c in a f; do
	in_cell cellsched/$c cs-work spin 600 & W="$W $!"
	in_cell cellsched/$c cs-work hop 600 > /dev/null & W="$W $!"
done
cs-work spin 600 & W="$W $!"
cs-work hop 600 > /dev/null & W="$W $!"
outside=0 inside=0
end=$(($(date +%s) + 60))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
	i=$((i + 1))
	case $((i % 4)) in
	0)	# hotplug: CPU 3 offline and back, its fallbacks counted apart
		f0=$(fallback)
		echo 0 > /sys/devices/system/cpu/cpu3/online
		wait_for 10 sh -c "[ \$(grep -c 'went offline' $CS_LOG) -ge $((i / 4)) ]"
		echo 1 > /sys/devices/system/cpu/cpu3/online
		wait_for 10 sh -c "[ \$(grep -c 'went online' $CS_LOG) -ge $((i / 4)) ]"
		inside=$((inside + $(fallback) - f0)) ;;
	1)	# an orchestrator's cgroup appears on CPU 3 and goes
		mkdir -p /sys/fs/cgroup/cellsched/o$i
		echo 3 > /sys/fs/cgroup/cellsched/o$i/cpuset.cpus 2>/dev/null
		wait_log 5 "cell o$i: added" || true
		rmdir /sys/fs/cgroup/cellsched/o$i ;;
	2)	cellsched cell resize a --cpus 1,3 > /dev/null 2>&1 || true ;;
	3)	cellsched cell resize a --cpus 1 > /dev/null 2>&1 || true ;;
	esac
	scx_is enabled && root_ops_is cellsched || { tail -30 $CS_LOG; fail "the root ended"; }
done
total=$(fallback)
outside=$((total - inside))
note "restarts of f's child: $(grep -c "cell f: child 'test-fault' attached" $CS_LOG); hotplug rounds: $((i / 4))"
note "SELECT_CPU_FALLBACK: $inside while CPU 3 went offline, $outside otherwise"
[ "$outside" = 0 ] || fail "SELECT_CPU_FALLBACK rose by $outside outside the hotplug moments"
# progress: CPU time, user and system (a hopper spends most of it in sched_setaffinity)
for p in $W; do
	t0=$(awk '{ print $14 + $15 }' /proc/$p/stat)
	wait_for 10 sh -c "[ \$(awk '{ print \$14 + \$15 }' /proc/$p/stat) -gt $t0 ]" ||
		{ cat /proc/$p/stat /proc/$p/status | head -12; fail "worker $p made no progress at the end"; }
done
check_health SCX_EV_SELECT_CPU_FALLBACK
scx_is enabled || fail "the root is no longer enabled"
kill $W
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
