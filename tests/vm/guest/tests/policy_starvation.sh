# policy_starvation: `stress-ng --cpu 8 --fork 2 --affinity 2` inside a
# 2-CPU cell, under fifo and then vtime: every stressor process that lives
# through a 12 s window gets CPU time in it, the child is never ejected and
# no watchdog stall is reported.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
command -v stress-ng > /dev/null || skip "stress-ng is not installed (scripts/setup installs it)"
# cputime PID: utime+stime in ticks, empty if gone
cputime() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null; }
for pol in fifo vtime; do
	printf 'cells:\n  - name: s\n    cpus: "2-3"\n    policy: %s\n' $pol > /tmp/s.yaml
	start_cells /tmp/s.yaml
	in_cell cellsched/s stress-ng --cpu 8 --fork 2 --affinity 2 --timeout 25s --quiet & sng=$!
	procs=/sys/fs/cgroup/cellsched/s/cgroup.procs
	wait_for 15 sh -c "[ \$(wc -l < $procs) -ge 13 ]" || fail "$pol: stress-ng did not start its workers"
	: > /tmp/t0
	for p in $(cat $procs); do echo "$p $(cputime $p)" >> /tmp/t0; done
	sleep 12	# the measurement window, not a wait for a condition
	starved= counted=0
	while read -r p t0; do
		t1=$(cputime $p)
		[ -n "$t1" ] && [ -n "$t0" ] || continue	# short-lived fork children
		[ "$p" = "$sng" ] && continue			# the parent only waits for its workers
		counted=$((counted + 1))
		[ "$t1" -gt "$t0" ] || starved="$starved $p($(cat /proc/$p/comm 2>/dev/null))"
	done < /tmp/t0
	note "$pol: $counted stressor processes lived through the window, starved:${starved:- none}"
	[ "$counted" -ge 10 ] || fail "$pol: only $counted processes to check"
	[ -z "$starved" ] || fail "$pol: no CPU time in 12 s for$starved"
	wait $sng
	grep -q "child .* exited" $CS_LOG && { cat $CS_LOG; fail "$pol: the child was ejected"; }
	check_health
	stop_cellsched
	[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "$pol: cellsched exited $CS_RC"; }
done
