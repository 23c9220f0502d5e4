# cells_resize: cell b shrinks from CPUs 2-3 to 3 by editing the YAML and
# sending SIGHUP. Within a deadline all of b's workers run only on CPU 3, and
# CPU 2 serves the root cell (a worker outside cells runs there).
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cp /cs/configs/two-cells.yaml /tmp/cells.yaml
start_cells /tmp/cells.yaml
bpids= rpids=
for i in 1 2; do
	in_cell cellsched/b cs-work cpus 120 /tmp/b$i & bpids="$bpids $!"
	cs-work cpus 120 /tmp/r$i & rpids="$rpids $!"
done
sed -i 's/cpus: "2-3"/cpus: "3"/' /tmp/cells.yaml
t0=$(date +%s)
kill -HUP $CS_PID
wait_log 20 "cell b: CPUs 2-3 -> 3" || { cat $CS_LOG; fail "cell b was not resized"; }
cat /sys/kernel/sched_ext/root/sub/*/caps
[ "$(cat /sys/fs/cgroup/cellsched/b/cpuset.cpus)" = 3 ] || fail "cpuset.cpus of b is not 3"
# a new measurement window from here
for p in $bpids $rpids; do kill -USR1 $p; done
root_on_2() {
	local i=1 p s
	for p in $rpids; do
		s=$(work_sample $p /tmp/r$i)
		cpus_within 2 "$(field cpus "$s" | tr ',' ' ')" && return 0
		i=$((i + 1))
	done
	return 1
}
wait_for 30 root_on_2 || fail "no root-cell worker ran on CPU 2 within 30 s of the resize"
note "CPU 2 served the root cell $(( $(date +%s) - t0 )) s after SIGHUP"
# b's workers: a fresh window, long enough for both to make progress
for p in $bpids; do kill -USR1 $p; done
i=1
for p in $bpids; do
	s1=$(work_sample $p /tmp/b$i)
	wait_for 20 sh -c "kill -USR2 $p; sleep 0.5; [ \$(sed 's/.*iters=//' /tmp/b$i) -gt $(field iters "$s1") ]" ||
		fail "worker b$i made no progress after the resize"
	s=$(work_sample $p /tmp/b$i)
	note "worker b$i after the resize: $s"
	[ "$(field cpus "$s")" = 3 ] || fail "worker b$i ran on CPUs $(field cpus "$s") after the resize, want 3"
	i=$((i + 1))
done
check_health
kill $bpids $rpids
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
