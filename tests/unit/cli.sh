#!/usr/bin/env bash
# tests/unit/cli.sh: the cellsched command line on the host, as TAP: exit codes
# and messages for usage errors, the plain refusal on a kernel without
# sched_ext, and the daemon verbs when no daemon runs. usage: cli.sh PATH_TO_CELLSCHED
set -u
cs=$1
n=0 failed=0
out=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$out" "$tmp"' EXIT

# check NAME WANT_RC WANT_TEXT -- ARGS...: run cellsched ARGS, compare rc and output;
# it must answer within $limit seconds (timeout's 124 fails the comparison)
limit=30
check() {
	local name=$1 want_rc=$2 want_text=$3 rc
	shift 4
	n=$((n + 1))
	timeout "$limit" "$cs" "$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want_text" "$out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "#   want exit $want_rc and '$want_text'; got exit $rc:"
		sed 's/^/#   /' "$out"
		failed=$((failed + 1))
	fi
}

skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

export CELLSCHED_SOCKET=
echo "TAP version 13"
echo "1..63"
check "no command is a usage error" 2 "usage: cellsched" --
check "unknown command is named" 2 "unknown command 'frob'" -- frob
check "unknown global option is named" 2 "unknown option '--frob'" -- --frob run
check "help exits 0" 0 "commands:" -- help
check "version prints libbpf" 0 "(libbpf 1." -- version
check "run: slice out of range is refused" 2 "--slice-us: '5' is not a number in 100..100000" -- run --slice-us 5
check "run: stray argument is refused" 2 "run: unexpected argument 'extra'" -- run extra
if [ -d /sys/kernel/sched_ext ]; then
	skip "run on a kernel without sched_ext says so" "this host kernel has sched_ext"
else
	check "run on a kernel without sched_ext says so" 3 \
		"this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT); use the VM demo" -- run
	# the kernel first: a file this machine would refuse is not what it says
	check "run -c on a kernel without sched_ext says that, not the file's errors" 3 \
		"this kernel has no sched_ext" -- run -c /nonexistent/cellsched.yaml
fi
nosock=$(mktemp -u /tmp/cs-cli-XXXXXX.sock)
check "status without a daemon says so" 10 "cellsched is not running (nothing answers on $nosock)" -- --socket "$nosock" status
CELLSCHED_SOCKET=$nosock check "CELLSCHED_SOCKET is honoured" 10 "nothing answers on $nosock" -- status --json
check "cell without a subcommand" 2 "cell: want a subcommand" -- cell
check "cell with an unknown subcommand" 2 "cell: unknown subcommand 'grow'" -- cell grow a
check "cell --min wants a number" 2 "--min wants a number, not 'x'" -- cell create a --min x
check "cell --set wants TUNABLE=NUMBER" 2 "--set wants TUNABLE=NUMBER, not 'slice_us'" -- cell create a --cpus 1 --set slice_us
check "stats --watch wants seconds" 2 "stats: --watch wants seconds 1..86400, not '0'" -- stats --watch 0
check "rebalance takes no argument" 2 "rebalance: unexpected argument 'now'" -- rebalance now

# check --cpus: for another machine, whatever this one has
yaml() { printf '%s\n' "$@" > "$tmp/c.yaml"; }
yaml "cells:" "  - name: a" '    cpus: "1"' "  - name: b" '    cpus: "2-127"' "    policy: vtime"
check "check --cpus 128: valid for a 128-CPU machine" 0 \
	"c.yaml: valid for CPUs 0-127: 2 cells" -- check -c "$tmp/c.yaml" --cpus 128
check "check --cpus 0-63: names the CPUs that machine lacks" 8 \
	"c.yaml:5:11: CPUs 64-127 of cell 'b' do not exist on this machine (CPUs: 0-63)" -- \
	check -c "$tmp/c.yaml" --cpus 0-63
check "check --cpus: a count of 0 is refused" 2 "--cpus '0': want a count 1..1024 or a CPU list" -- \
	check -c "$tmp/c.yaml" --cpus 0
check "check --cpus: not a CPU list" 2 "--cpus '1-x': '1-x' is not a CPU number or range" -- \
	check -c "$tmp/c.yaml" --cpus 1-x

yaml "on_stop: forget"
check "check: on_stop takes keep or release" 8 \
	"c.yaml:1:10: unknown 'on_stop' 'forget' (known: keep, release)" -- check -c "$tmp/c.yaml"
yaml "on_stop: release"
check "check: on_stop: release is valid" 0 "c.yaml: valid" -- check -c "$tmp/c.yaml"
# a cell at a cgroup elsewhere in the tree is made of it in place: it must exist here
printf 'cells:\n  - name: a\n    cgroup: /no-such.slice/x.service\n    cpus: inherit\n' > "$tmp/c.yaml"
check "check: an absolute cgroup that does not exist is refused" 8 \
	"c.yaml:3:13: cgroup '/no-such.slice/x.service' of cell 'a' does not exist" -- check -c "$tmp/c.yaml"
check "check --cpus: another machine's cgroups are not looked for" 0 "c.yaml: valid for CPUs 0-3" -- \
	check -c "$tmp/c.yaml" --cpus 4
check "cell adopt wants a PATH" 2 "cell adopt: want a cgroup PATH" -- cell adopt
check "cell create has no --name" 2 "cell create: unknown option '--name'" -- cell create a --name b
check "cell adopt without a daemon says so" 10 "cellsched is not running" -- \
	--socket "$tmp/none.sock" cell adopt /system.slice/x.service --policy vtime

yaml "metrics:" "  listen: 127.0.0.1:99999"
check "check: metrics.listen with a port out of range" 8 \
	"c.yaml:2:11: bad 'metrics.listen' '127.0.0.1:99999': want IPV4:PORT, [IPV6]:PORT or :PORT" -- \
	check -c "$tmp/c.yaml"
yaml "metrics:" "  listen: '[::1]:9464'"
check "check: metrics.listen on IPv6 loopback is valid" 0 "c.yaml: valid" -- check -c "$tmp/c.yaml"
check "stats --describe needs no daemon and names every field" 0 \
	"cells[].lent_us                    counter  us    cellsched_cell_lent_seconds_total" -- \
	--socket /nonexistent stats --describe
check "cell show --json NAME: options before the name" 10 '"exit": 10' -- \
	--socket /nonexistent cell show --json a
check "cell show without a name" 2 "cell show: want a cell NAME" -- cell show
yaml "metrics:" "  listen: 127.0.0.1:99999"
check "check --json: a refusal as JSON on stdout" 8 '(e.g. 127.0.0.1:9464)"' -- \
	check -c "$tmp/c.yaml" --json
check "check: an unknown option in one line" 2 "check: unknown option '--bogus'" -- \
	check -c "$tmp/c.yaml" --bogus
check "run --json says what --json is for" 2 "run: --json is for the commands that ask the daemon" -- \
	run --json
check "cells -o names an unknown column and the known ones" 2 \
	"cells: -o: unknown column 'BOGUS' (columns: NAME,CPUS,N,MODE" -- cells -o NAME,BOGUS
check "stats --format wants text or openmetrics" 2 \
	"stats: --format wants text or openmetrics, not 'xml'" -- stats --format xml

# issue 13 item 1: a deeply nested file is refused at once (4.6 s before), exit 8
python3 -c "print('x: ' + '[' * 30000 + ']' * 30000)" > "$tmp/deep.yaml"
limit=2 check "check: 30000 nested lists refused within 2 s" 8 \
	"deep.yaml:1:19: YAML nested deeper than 16 levels" -- check -c "$tmp/deep.yaml"
# issue 13 item 6: what is at the state file's and the socket's paths, and the
# control group, are checked by `check` too, not only when `run` gets there
yaml "control:" "  group: cs-no-such-group"
check "check: control.group that does not exist" 8 \
	"c.yaml:2:10: 'control.group' cs-no-such-group: no group of that name" -- check -c "$tmp/c.yaml"
mkfifo "$tmp/fifo"
yaml "state_file: $tmp/fifo"
check "check: state_file is a FIFO" 8 "it exists and is a FIFO, not a regular file" -- check -c "$tmp/c.yaml"
ln -s /proc "$tmp/p"
yaml "state_file: $tmp/p/x"
check "check: state_file in a directory that leads into /proc" 8 \
	"'state_file' $tmp/p/x: its directory is /proc, below /proc" -- check -c "$tmp/c.yaml"
yaml "control:" "  socket: $tmp/c.yaml"
check "check: control.socket is a regular file" 8 \
	"c.yaml:2:11: 'control.socket' $tmp/c.yaml: it exists and is a regular file, not a socket" \
	-- check -c "$tmp/c.yaml"
yaml "state_file: $tmp/c.yaml"
check "check: state_file is the configuration file" 8 \
	"c.yaml:1:13: 'state_file' $tmp/c.yaml: it is the configuration file itself" -- check -c "$tmp/c.yaml"

# the CLI answers what the command line alone can tell, without a daemon:
# verb help, bad values, one error line per mistake, global options anywhere
export CELLSCHED_SOCKET=$nosock
check "cell show --help is help, not a cell" 0 "usage: cellsched cell show NAME" -- cell show --help
check "cell create NAME --help" 0 "--policy P    fifo (default)" -- cell create web --help
check "stats -h" 0 "usage: cellsched stats [--watch SECONDS]" -- stats -h
check "cell --help" 0 "cellsched cell SUBCOMMAND --help" -- cell --help
check "--cpus 1- is refused here" 2 "bad --cpus '1-': '1-' is not a CPU number or range" -- cell create a --cpus 1-
check "--policy nope is refused here" 2 "unknown --policy 'nope' (known: fifo, vtime, latency, external" -- cell create a --cpus 1 --policy nope
check "--cpus with --min" 2 "--cpus (fixed CPUs) and --min/--max/--weight (sized by cellsched) exclude each other" -- cell resize a --cpus 1 --min 2
check "--min above --max" 2 "--min 3 is above --max 2" -- cell create a --min 3 --max 2
check "an option without its value" 2 "--cpus needs a value" -- cell create a --cpus
check "an unknown verb option" 2 "cell create: unknown option '--frob'" -- cell create a --frob
check "--socket without a value" 2 "--socket needs a PATH" -- status --socket
check "--socket after the verb" 10 "nothing answers on $tmp/after.sock" -- status --socket "$tmp/after.sock"
check "--verbose after the verb" 10 "nothing answers on $nosock" -- cells -v
check "--json error is JSON on stdout" 2 '"error": "bad --cpus' -- cell create a --cpus 1- --json
check "--json daemon error is JSON" 10 '"exit": 10,' -- --json status
# one line per mistake, nothing else on stderr
lines() { # lines WANT ARGS...: stderr of cellsched ARGS has WANT lines
	local want=$1 got
	shift
	n=$((n + 1))
	got=$("$cs" "$@" 2>&1 >/dev/null | wc -l)
	if [ "$got" = "$want" ]; then echo "ok $n - $* : $want stderr line(s)"; else
		echo "not ok $n - $* : $got stderr lines, want $want"; failed=$((failed + 1)); fi
}
lines 1 cell create a --frob
lines 1 --frob

# journal priorities: "<3>" before an error when stderr is the stream that
# JOURNAL_STREAM names (as systemd sets it), plain when it is not
journal() { # journal NAME WANT_FIRST_LINE STREAM_OF_FILE
	n=$((n + 1))
	: > "$tmp/j.err"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$3") "$cs" frob 2>>"$tmp/j.err"
	if [ "$(head -n 1 "$tmp/j.err")" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1: got '$(head -n 1 "$tmp/j.err")'"; failed=$((failed + 1)); fi
}
journal "stderr is the journal: <3> before an error" \
	"<3>cellsched: error: unknown command 'frob' (cellsched --help lists them)" "$tmp/j.err"
journal "stderr is not the journal's stream: no prefix" \
	"cellsched: error: unknown command 'frob' (cellsched --help lists them)" "$out"
[ "$failed" = 0 ]
