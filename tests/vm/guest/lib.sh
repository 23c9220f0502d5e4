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
# kernel reports our root enabled (within CS_START_WAIT seconds, default 30).
# Sets CS_PID.
start_cellsched() {
	local bound=${CS_START_WAIT:-30}
	cellsched run "$@" > $CS_LOG 2>&1 &
	CS_PID=$!
	if ! wait_for $bound cs_attached; then
		cat $CS_LOG
		fail "root scheduler not enabled within $bound s (state $(scx_state))"
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
# run_ticks PID TICKS: wait (up to 60 s) until PID has run TICKS more clock
# ticks of user time (100 = 1 s at USER_HZ 100)
run_ticks() {
	local t=$(($(utime $1) + $2))
	wait_for 60 sh -c "[ \$(awk '{ print \$14 }' /proc/$1/stat) -ge $t ]"
}

# start_cells CONFIG ARGS...: start_cellsched with a configuration, then wait
# until every cell named in it has its child attached (native mode) or its
# policy running (embedded mode)
start_cells() {
	local cfg=$1 name
	shift
	start_cellsched -c "$cfg" "$@"
	for name in $(awk '$1 == "-" && $2 == "name:" { print $3 } $1 == "name:" { print $2 }' "$cfg"); do
		wait_log 30 "cell $name: \(child '.*' attached\|policy '.*' running\)" ||
			fail "cell $name: no child attached, no policy running"
	done
}

# started CELL POLICY: the log line of a cell's policy starting: its child
# attached (native mode) or the policy running (embedded mode), as a grep regex
started() { echo "cell $1: \(child '$2' attached\|policy '$2' running\)"; }

# cs_mode: the mode the running daemon says it runs in (native, embedded)
cs_mode() { cellsched status --json | sed -n 's/^ *"mode": *"\([a-z]*\)".*/\1/p'; }

# wait_log SECONDS REGEX: wait until the daemon's log has a line matching REGEX
wait_log() { wait_for "$1" grep -q -- "$2" $CS_LOG; }
# count_log REGEX: how many lines of the daemon's log match
count_log() { grep -c -- "$1" $CS_LOG; }

# in_cell CGROUP COMMAND...: run COMMAND inside cgroup CGROUP (relative to
# /sys/fs/cgroup), moved there before it starts. `in_cell ... &` then `$!` is
# COMMAND's pid: each step execs the next.
in_cell() {
	local cg=$1
	shift
	exec sh -c 'echo $$ > "/sys/fs/cgroup/$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

# work_ready PID: cs-work PID catches SIGUSR1 and SIGUSR2 (before that, they kill it)
work_ready() {
	local m
	m=$(awk '/^SigCgt:/ { print $2 }' /proc/$1/status 2>/dev/null)
	[ -n "$m" ] && [ $((0x$m & 0xa00)) = $((0xa00)) ]
}

# work_sample PID FILE: have a `cs-work cpus` write a sample, print it
work_sample() {
	local before
	before=$(cat "$2" 2>/dev/null)
	kill -USR2 "$1" || return 1
	wait_for 10 sh -c "[ \"\$(cat $2 2>/dev/null)\" != \"$before\" ]" || return 1
	cat "$2"
}
# field NAME SAMPLE: value of NAME=... in a cs-work sample
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# cpus_within LIST ALLOWED: every CPU of LIST (comma list) is in ALLOWED (space list)
cpus_within() {
	local c
	for c in $(echo "$1" | tr ',' ' '); do
		case " $2 " in *" $c "*) ;; *) return 1 ;; esac
	done
}

# cpulist LIST: the CPUs of a kernel CPU list ("1-3,5") separated by spaces
cpulist() {
	echo "$1" | tr ',' '\n' | awk -F- '{ for (i = $1; i <= (NF == 2 ? $2 : $1); i++) printf "%d ", i }'
}

# check_health [EVENT...]: the kernel never fell back for us or refused our
# inserts, and no watchdog stall was reported. EVENTs named are only noted
# (a CPU going offline is picked until the kernel tells the root: fallbacks
# are the kernel's correct answer while it does).
check_health() {
	local f v
	for f in /sys/kernel/sched_ext/root/events /sys/kernel/sched_ext/root/sub/*/events; do
		[ -f "$f" ] || continue
		for ev in SCX_EV_SELECT_CPU_FALLBACK SCX_EV_INSERT_NOT_OWNED; do
			v=$(awk -v n=$ev '$1 == n { print $2 }' "$f" 2>/dev/null)
			# a child detached meanwhile, or a kernel without that event (6.18)
			[ -z "$v" ] && continue
			case " $* " in *" $ev "*) note "$ev is $v in $f"; continue ;; esac
			[ "$v" = 0 ] || fail "$ev is $v in $f"
		done
	done
	if dmesg | grep -q "stall"; then
		dmesg | grep "stall"
		fail "the watchdog reported a stall"
	fi
}

# --- containers: Debian's runc (in the guest when the host had it, see run-vm).
# The initramfs cannot be pivot_root'ed away: containers run with --no-pivot.

# runc_bundle DIR CGROUP ARGS...: make an OCI bundle in DIR for a container
# that runs ARGS in the cgroup CGROUP, an absolute cgroupfs path (/cellsched/a/c1:
# runc's cgroupfs driver makes /sys/fs/cgroup/cellsched/a/c1 and enables every
# controller on the way, the root's included). Its rootfs (DIR/rootfs,
# writable: what the container writes there is the test's to read) is the
# guest's static busybox with all its applets in /bin, and cs-work.
# config.json is `runc spec`'s, with no terminal, ARGS, and CGROUP; with
# RUNC_CPUS set, also its cpuset (linux.resources.cpu.cpus), which runc writes.
runc_bundle() {
	local dir=$1 cg=$2 a
	shift 2
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" || return 1
	cp /bin/busybox /cs/bin/cs-work "$dir/rootfs/bin/" || return 1
	for a in $(busybox --list); do
		[ -e "$dir/rootfs/bin/$a" ] || ln -s busybox "$dir/rootfs/bin/$a"
	done
	rm -f "$dir/config.json"
	runc spec --bundle "$dir" || return 1
	# the guest has no jq: its python3 (py-bundle) has json
	PYTHONHOME=/cs/py /cs/py/bin/python3 -S -c '
import json, os, sys
f, cg, args = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(f))
c["process"].update(terminal=False, args=args)
c["root"]["readonly"] = False
c["linux"]["cgroupsPath"] = cg
if os.environ.get("RUNC_CPUS"):
    c["linux"].setdefault("resources", {}).setdefault("cpu", {})["cpus"] = os.environ["RUNC_CPUS"]
json.dump(c, open(f, "w"), indent=1)' "$dir/config.json" "$cg" "$@"
}

# runc_start NAME BUNDLE: run container NAME from BUNDLE detached (its stdio:
# BUNDLE/out.log, runc's errors included); print its first process's pid (as
# the guest sees it) once it runs
runc_start() {
	runc run -d --no-pivot --pid-file "$2/pid" --bundle "$2" "$1" \
		< /dev/null > "$2/out.log" 2>&1 || { cat "$2/out.log" >&2; return 1; }
	cat "$2/pid"
}

# runc_cleanup: kill and delete every container runc knows (runc removes their cgroups)
runc_cleanup() {
	local c
	for c in $(runc list -q 2>/dev/null); do
		runc delete -f "$c" || echo "runc delete -f $c failed"
	done
}

# cs_cleanup: leave no daemon, workload or cell cgroup behind for the next test
cs_cleanup() {
	local d
	[ ! -d /run/runc ] || runc_cleanup
	kill_all KILL cellsched
	kill_all KILL cs-work
	kill_all KILL stress-ng
	kill_all KILL scx_qmap
	wait_for 10 scx_is disabled || return 1
	# the CLI's persisted changes belong to the test that made them
	rm -rf /var/lib/cellsched /run/cellsched
	# so is the kernel log: a stall one test caused must not fail the next ones
	dmesg -c >/dev/null
	# killed tasks leave their cgroups a moment later
	wait_for 10 sh -c 'for d in $(find /sys/fs/cgroup/cellsched -depth -type d 2>/dev/null); do
		rmdir "$d" 2>/dev/null; done; [ ! -d /sys/fs/cgroup/cellsched ]'
}
