# tests/vm/guest/lib.sh: helpers shared by the guest tests (sourced, busybox sh).
#
# Waiting is always for a condition with a deadline (wait_for), never a fixed
# sleep. fail prints its message and exits 1 so the runner reports it.

CS_LOG=/tmp/cellsched.log

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
note() { echo "# $*"; }

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
	return 0
}

scx_state() { cat /sys/kernel/sched_ext/state 2>/dev/null || echo absent; }
scx_is() { [ "$(scx_state)" = "$1" ]; }
root_ops_is() { [ "$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)" = "$1" ]; }
# our root fully attached (root/ops appears while the state is still "enabling")
cs_attached() { root_ops_is cellsched && scx_is enabled; }

# kill_all SIGNAL NAME: signal every process whose comm is NAME (busybox has no pkill)
kill_all() {
	local f pid
	for f in /proc/[0-9]*/comm; do
		[ "$(cat "$f" 2>/dev/null)" = "$2" ] || continue
		pid=${f#/proc/}
		kill -"$1" "${pid%/comm}" 2>/dev/null
	done
}

# scx_event NAME: current value of a root sched_ext event counter
scx_event() { awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/sched_ext/root/events; }

# start_cellsched ARGS...: start the daemon in the background, wait until the
# kernel reports our root enabled. Sets CS_PID.
start_cellsched() {
	cellsched run "$@" > $CS_LOG 2>&1 &
	CS_PID=$!
	if ! wait_for 30 cs_attached; then
		cat $CS_LOG
		fail "root scheduler not enabled within 30 s (state $(scx_state))"
	fi
}

# stop_cellsched [SIGNAL]: signal the daemon, wait for it, set CS_RC
stop_cellsched() {
	kill -"${1:-TERM}" $CS_PID
	wait $CS_PID
	CS_RC=$?
	wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state) 10 s after cellsched exited"
}

# utime PID: user CPU time of PID in clock ticks (field 14 of /proc/PID/stat)
utime() { awk '{ print $14 }' /proc/$1/stat; }

# cs_cleanup: leave no daemon or workload behind for the next test
cs_cleanup() {
	kill_all KILL cellsched
	kill_all KILL cs-work
	wait_for 10 scx_is disabled
}
