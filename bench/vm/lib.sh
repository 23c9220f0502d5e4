# bench/vm/lib.sh: helpers shared by the comparison benchmarks (sourced by
# bench/vm/NAME.sh in the guest, busybox sh; not a benchmark itself).
#
# The method (see the project's measuring notes): every arm runs in the same
# VM boot, interleaved (A, B, C, A, B, C, ...), ROUNDS times (default 3). Each
# measurement is one line "ARM ROUND key=value ..." in $RES; `summary` prints,
# per metric, each arm's median with min and max over the rounds, and the
# median (min..max) of the per-round ratio to a reference arm, i.e. ARM's value
# in round r over the reference's value in the same round r. Under TCG only
# those ratios mean anything. An A/A arm (the reference under a second name)
# shows the noise floor: a difference smaller than its spread is not one.
#
# Where the numbers come from:
#   /proc/PID/schedstat   field 1: ns on a CPU; field 2: ns waiting on a run
#                         queue (runnable, not running); summed over a window
#   /proc/PID/stat        fields 14+15: utime+stime of the daemon, in USER_HZ
#                         ticks (100 per second on x86)
#   /proc/stat            "cpu" line, field 5: idle ticks over all CPUs
#   cs-work cpus          iterations done (work) and every CPU the task ran on
#   cs-work periodic      wakeup delay p50/p99 of a 1 ms periodic sleeper
. /cs/guest/lib.sh

RES=/tmp/results
: > $RES
ROUNDS=${ROUNDS:-3}
NCPUS=$(nproc)
USER_HZ=100
BENCH_CG=/sys/fs/cgroup/bench	# the plain cgroups the benchmarks make
TICK_MS=${TICK_MS:-1000}

now_ns() { cs-work now; }

# ---- arms -----------------------------------------------------------------------------
# run_rounds FUNCTION ARMS: for each round, for each line "NAME KIND ARGS..." of
# ARMS (blank lines and lines starting with # are skipped), run
# `FUNCTION ROUND NAME KIND ARGS...`. A new arm is one more line.
run_rounds() {
	local fn=$1 arms=$2 round line
	for round in $(seq "$ROUNDS"); do
		while read -r line; do
			case $line in '' | '#'*) continue ;; esac
			# shellcheck disable=SC2086
			$fn "$round" $line < /dev/null
		done <<-EOF
			$arms
		EOF
	done
}

# sched_up KIND [CONFIG [MODE]]: start a scheduler and wait until the kernel runs it.
#   eevdf           nothing (the kernel's default scheduler)
#   simple          the kernel's scx_simple (global weighted vtime)
#   qmap            the kernel's scx_qmap as the root
#   flatcg          the kernel's scx_flatcg (cgroup weights flattened into vtime)
#   cellsched CFG [MODE]  cellsched run -c CFG [--mode MODE]; waits for every
#                   cell's child (native) or policy (embedded)
# Sets SCHED_PID (empty for eevdf) and DAEMON_PID (cellsched only).
sched_up() {
	SCHED_PID= DAEMON_PID= SCHED_OPS=
	DMESG_MARK=$(dmesg | wc -l)
	case $1 in
	eevdf) ;;
	simple | qmap | flatcg)
		"scx_$1" > /tmp/scx_$1.log 2>&1 &
		SCHED_PID=$!
		wait_for 30 sh -c "grep -qx $1 /sys/kernel/sched_ext/root/ops 2>/dev/null &&
			grep -qx enabled /sys/kernel/sched_ext/state" ||
			{ cat /tmp/scx_$1.log; fail "scx_$1 not enabled within 30 s ($(scx_state))"; }
		SCHED_OPS=$1
		;;
	cellsched)
		start_cells "$2" ${3:+--mode "$3"} > /dev/null
		SCHED_PID=$CS_PID DAEMON_PID=$CS_PID SCHED_OPS=cellsched
		;;
	*) fail "sched_up: unknown scheduler '$1'" ;;
	esac
}

# SUBSCHED: 1 when the kernel has the sub-scheduler API (cellsched's native
# mode, `scx_qmap -c`), read from its BTF as cellsched does; else 0
SUBSCHED=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2> /dev/null |
	grep -c "^\[[0-9]*\] STRUCT 'sched_ext_ops_cid'")
# kernel_arms ARMS: the arms this kernel can run: without sub-schedulers, none
# whose line names `native` or `qmap`
kernel_arms() {
	if [ "$SUBSCHED" -gt 0 ]; then
		echo "$1"
	else
		echo "$1" | grep -vE '(^|[[:space:]])(native|qmap)([[:space:]]|$)'
	fi
}

# sched_lost: prints why the scheduler sched_up started is no longer the one
# running (the kernel's sched_ext lines since sched_up: a watchdog stall, an
# error, a child disabled), or nothing while all is well. An arm whose
# scheduler dropped out measured something else: record it as lost, not its
# numbers.
sched_lost() {
	local why
	why=$(dmesg | tail -n +$((DMESG_MARK + 1)) | grep 'sched_ext: .*disabled (' | sed 's/^\[[ 0-9.]*\] //' |
		tr '\n' ';')
	if [ -n "$SCHED_OPS" ] && ! { scx_is enabled && root_ops_is "$SCHED_OPS"; }; then
		echo "the root scheduler is gone (sched_ext $(scx_state)): $why"
	elif [ -n "$why" ]; then
		echo "$why"
	fi
}

# sched_down: stop what sched_up started (it may have gone already), wait
# until sched_ext is disabled
sched_down() {
	[ -n "$SCHED_PID" ] || return 0
	kill -"$([ -n "$DAEMON_PID" ] && echo TERM || echo INT)" "$SCHED_PID" 2> /dev/null
	wait "$SCHED_PID"
	wait_for 10 scx_is disabled || fail "sched_ext still $(scx_state) after the scheduler exited"
	SCHED_PID= DAEMON_PID= SCHED_OPS=
}

# record_lost ARM ROUND WHY: the arm's scheduler dropped out; say so and why
record_lost() {
	echo "# $1 round $2: the scheduler dropped out during the window, numbers left out: $3"
	[ -n "$DAEMON_PID" ] && tail -n 5 $CS_LOG | sed 's/^/#   daemon: /'
	record "$1" "$2" lost=1
}

# cells_yaml FILE [CELL...]: a cellsched configuration with tick_ms $TICK_MS and
# the given cells, each "NAME CPUS POLICY [KEY:VALUE...]" (one word; a future
# per-cell key such as lend:true is one more word)
cells_yaml() {
	local f=$1 c name cpus pol kv
	shift
	printf 'tick_ms: %s\n' "$TICK_MS" > "$f"
	[ $# -gt 0 ] && echo "cells:" >> "$f"
	for c in "$@"; do
		set -- $c
		name=$1 cpus=$2 pol=$3
		shift 3
		printf '  - name: %s\n    cpus: "%s"\n    policy: %s\n' "$name" "$cpus" "$pol" >> "$f"
		for kv in "$@"; do
			printf '    %s: %s\n' "${kv%%:*}" "${kv#*:}" >> "$f"
		done
	done
}

# ---- cgroups --------------------------------------------------------------------------
# cg_make NAME [CPUS]: a plain cgroup $BENCH_CG/NAME (cpu and cpuset controllers
# on), with cpuset.cpus CPUS when given
cg_make() {
	mkdir -p "$BENCH_CG/$1"
	echo "+cpuset +cpu" > "$BENCH_CG/cgroup.subtree_control"
	[ -z "${2:-}" ] || echo "$2" > "$BENCH_CG/$1/cpuset.cpus" || fail "cpuset.cpus $2 of bench/$1"
}

# cg_clean: remove the benchmark's cgroups (their tasks must be gone)
cg_clean() {
	wait_for 10 sh -c "for d in \$(find $BENCH_CG -mindepth 1 -depth -type d 2>/dev/null); do
		rmdir \"\$d\" 2>/dev/null; done; [ -z \"\$(find $BENCH_CG -mindepth 1 -type d 2>/dev/null)\" ]" ||
		fail "cannot remove the cgroups under $BENCH_CG"
}

# usage_us CGROUP: cpu.stat usage_usec of /sys/fs/cgroup/CGROUP
usage_us() { awk '$1 == "usage_usec" { print $2 }' "/sys/fs/cgroup/$1/cpu.stat"; }

# ---- tasks ----------------------------------------------------------------------------
# harness_boost / harness_unboost: this shell at nice -10 / back to 0. With
# more busy tasks than CPUs, the harness's own steps (starting tasks, reading
# counters, stopping a scheduler) otherwise wait behind them for most of the
# run; it sleeps through the measurement windows. Tasks it starts meanwhile
# through `spinners` and `nice0` run at nice 0 all the same.
BOOST=0
harness_boost() { renice -n -10 -p $$ > /dev/null; BOOST=10; }
harness_unboost() { [ "$BOOST" = 0 ] || renice -n "$BOOST" -p $$ > /dev/null; BOOST=0; }
# nice0 CGROUP COMMAND...: in_cell at nice 0 whatever this shell's nice is
nice0() {
	local cg=$1
	shift
	in_cell "$cg" sh -c '[ "$0" = 0 ] || renice -n "$0" -p $$ > /dev/null; exec "$@"' "$BOOST" "$@"
}

# spinners N CGROUP PREFIX: start N `cs-work cpus` in CGROUP (relative to
# /sys/fs/cgroup; "" for the root cgroup) writing PREFIX1..PREFIXN; sets PIDS
# (the new ones appended) and waits until each handles its signals
spinners() {
	local n=$1 cg=$2 pre=$3 i p new=
	for i in $(seq "$n"); do rm -f "$pre$i"; done
	for i in $(seq "$n"); do
		if [ -n "$cg" ]; then
			nice0 "$cg" cs-work cpus 900 "$pre$i" &
		elif [ "$BOOST" = 0 ]; then
			cs-work cpus 900 "$pre$i" &
		else
			sh -c 'renice -n "$0" -p $$ > /dev/null; exec "$@"' "$BOOST" cs-work cpus 900 "$pre$i" &
		fi
		new="$new $!"
	done
	for p in $new; do
		wait_for 30 work_ready "$p" || fail "cs-work $p never became ready"
	done
	PIDS="${PIDS:-}$new"
}

# work_reset PIDS...: start a new measurement window in these `cs-work cpus`
work_reset() { kill -USR1 "$@"; }

# work_collect PREFIX N PIDS...: ask these N `cs-work cpus` (files PREFIX1..N)
# for a sample at once, wait for all; prints "ITERS CPULIST" (iterations summed,
# every CPU any of them ran on since the last reset). Run it as
# `w=$(work_collect ...) || fail ...`: it prints nothing when a sample is missing.
work_collect() {
	local pre=$1 n=$2 i seqs= s
	shift 2
	for i in $(seq "$n"); do seqs="$seqs $(field seq "$(cat "$pre$i" 2>/dev/null)")x"; done
	kill -USR2 "$@"
	i=0
	for s in $seqs; do
		i=$((i + 1))
		wait_for 30 sh -c "[ \"\$(sed -n 's/^seq=\([0-9]*\) .*/\1/p' $pre$i 2>/dev/null)x\" != '$s' ]" ||
			{ echo "FAIL: no sample from $pre$i" >&2; exit 1; }
	done
	for i in $(seq "$n"); do cat "$pre$i"; done | awk '{
		for (f = 1; f <= NF; f++) {
			split($f, kv, "=")
			if (kv[1] == "iters") it += kv[2]
			if (kv[1] == "cpus") {
				m = split(kv[2], c, ",")
				for (j = 1; j <= m; j++) { seen[c[j] + 0] = 1; if (c[j] + 0 > top) top = c[j] + 0 }
			}
		}
	} END {
		l = ""
		for (k = 0; k <= top; k++) if (k in seen) l = l (l == "" ? "" : ",") k
		printf "%d %s\n", it, (l == "" ? "-" : l)
	}'
}

# stop_tasks PIDS...: end these workload processes and reap them
stop_tasks() {
	[ $# -gt 0 ] || return 0
	kill -KILL "$@" 2>/dev/null
	wait "$@" 2>/dev/null
	return 0
}

# outside LIST ALLOWED: how many CPUs of LIST (comma list; "-" and empty
# items are none) are not in ALLOWED (space list)
outside() {
	local c n=0
	for c in $(echo "$1" | tr ',' ' '); do
		[ "$c" = - ] && continue
		case " $2 " in *" $c "*) ;; *) n=$((n + 1)) ;; esac
	done
	echo $n
}

# ---- counters -------------------------------------------------------------------------
# schedstat PIDS...: "RUN_NS WAIT_NS" summed over the tasks
schedstat() {
	local p files=
	for p in "$@"; do files="$files /proc/$p/schedstat"; done
	# shellcheck disable=SC2086
	awk '{ r += $1; w += $2 } END { printf "%.0f %.0f\n", r, w }' $files
}

# cpu_ticks PID: utime+stime of PID in USER_HZ ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2> /dev/null; }

# ctx_switches PID: voluntary + involuntary context switches of PID (its wakeups)
ctx_switches() { awk '/ctxt_switches:/ { n += $2 } END { print n }' "/proc/$1/status"; }

# idle_ticks: idle ticks of all CPUs together (/proc/stat)
idle_ticks() { awk '$1 == "cpu" { print $5; exit }' /proc/stat; }

# ratio A B [FORMAT]: A / B (0 when B is 0)
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN { printf f "\n", b ? a / b : 0 }'; }

# per_s COUNT NS: COUNT per second of NS nanoseconds
per_s() { awk -v c="$1" -v t="$2" 'BEGIN { printf "%.0f\n", t ? c * 1e9 / t : 0 }'; }

# pct_vcpu TICKS NS: TICKS of USER_HZ in % of one vCPU over NS nanoseconds
pct_vcpu() { awk -v c="$1" -v t="$2" -v hz=$USER_HZ 'BEGIN { printf "%.2f\n", t ? c / hz * 1e9 / t * 100 : 0 }'; }

# record ARM ROUND KEY=VALUE...: one measurement line, also printed
record() { echo "$*" | tee -a $RES; }

# ---- summary --------------------------------------------------------------------------
# summary REF METRIC:DESCRIPTION...: for each metric, each arm's median (min..max)
# over the rounds, and the median (min..max) of its per-round ratio to arm REF.
# A metric absent from an arm's lines is left out for that arm. Arms in order
# of first appearance.
summary() {
	local ref=$1 m
	shift
	for m in "$@"; do
		awk -v ref="$ref" -v m="${m%%:*}" -v desc="${m#*:}" '
		function fmt(v) { return (v >= 1000 || v <= -1000) ? sprintf("%.0f", v) : sprintf("%.3f", v) }
		function stats(list,    n, a, i, j, t) {
			n = split(list, a, " ")
			for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
			return fmt(n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) " (" fmt(a[1]) ".." fmt(a[n]) ")"
		}
		{
			if (!($1 in seen)) { seen[$1] = 1; order[++na] = $1 }
			for (f = 3; f <= NF; f++) {
				split($f, kv, "=")
				if (kv[1] != m) continue
				has[$1] = 1
				vals[$1] = vals[$1] " " kv[2]
				val[$1, $2] = kv[2]
				rounds[$1] = rounds[$1] " " $2
			}
		}
		END {
			for (i = 1; i <= na; i++) if (order[i] in has) any = 1
			if (!any) exit
			printf "%s: %s\n", m, desc
			printf "  %-14s %-30s %s\n", "arm", "median (min..max)", "/ " ref " per round: median (min..max)"
			for (i = 1; i <= na; i++) {
				a = order[i]; rl = ""
				if (!(a in has)) continue
				n = split(rounds[a], r, " ")
				for (j = 1; j <= n; j++)
					if ((ref SUBSEP r[j]) in val && val[ref, r[j]] + 0 != 0)
						rl = rl " " (val[a, r[j]] / val[ref, r[j]])
				printf "  %-14s %-30s %s\n", a, stats(vals[a]), (rl == "" ? "-" : stats(rl))
			}
		}' $RES
	done
}

# lost_summary: the arms whose scheduler dropped out, in how many rounds
lost_summary() {
	awk '$3 == "lost=1" { n[$1]++; if (!($1 in s)) { s[$1] = 1; o[++k] = $1 } }
	END {
		if (!k) exit
		printf "lost: rounds where the arm'"'"'s scheduler dropped out (left out above)\n"
		for (i = 1; i <= k; i++) printf "  %-14s %d of %d rounds\n", o[i], n[o[i]], r
	}' r="$ROUNDS" $RES
}

# bench_header TEXT: what this run is, with the kernel and the CPUs
bench_header() {
	echo "# $*"
	local ic
	ic=$(sed -n 's/.*cs\.icount=\([0-9]*\).*/\1/p' /proc/cmdline)
	echo "# kernel $(uname -r), $NCPUS vCPUs, $ROUNDS rounds, arms interleaved; ratios are per round"
	echo "# clock: $([ -n "$ic" ] && echo "instruction counting (-icount shift=$ic): guest time = instructions executed" ||
		echo "real time (TCG without -icount): load on the host stretches whatever runs meanwhile")"
}
