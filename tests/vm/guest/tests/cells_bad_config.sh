# cells_bad_config: invalid configurations are refused before any kernel or
# cgroup change, each with its own message and exit code 8, leaving no cgroup.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
before=$(find /sys/fs/cgroup -type d | sort | md5sum)
try() { # try NAME EXPECTED_MESSAGE: YAML on stdin
	cat > /tmp/bad.yaml
	cellsched run -c /tmp/bad.yaml > /tmp/bad.log 2>&1
	rc=$?
	[ "$rc" = 8 ] || { cat /tmp/bad.log; fail "$1: exit $rc, want 8"; }
	grep -qF -- "$2" /tmp/bad.log || { cat /tmp/bad.log; fail "$1: message lacks '$2'"; }
	note "$1: $(cat /tmp/bad.log)"
	scx_is disabled || fail "$1: sched_ext is $(scx_state)"
	[ "$(find /sys/fs/cgroup -type d | sort | md5sum)" = "$before" ] || fail "$1: the cgroup tree changed"
}
try overlap "CPUs 2 of cell 'b' overlap cell 'a'" <<'Y'
cells:
  - name: a
    cpus: "1-2"
  - name: b
    cpus: "2-3"
Y
try all-cpus "leave the root cell 0 CPUs (none); root_cell.min_cpus is 1" <<'Y'
cells:
  - name: a
    cpus: "0-1"
  - name: b
    cpus: "2-3"
Y
try no-such-cpu "CPUs 7 of cell 'a' do not exist on this machine (CPUs: 0-3)" <<'Y'
cells:
  - name: a
    cpus: "1,7"
Y
try outside "/tmp/bad.yaml:3:13: cgroup '../escape' of cell 'a' is outside the cell parent" <<'Y'
cells:
  - name: a
    cgroup: ../escape
    cpus: "1"
Y
try duplicate "duplicate cell name 'a' (also at line 2)" <<'Y'
cells:
  - name: a
    cpus: "1"
  - name: a
    cpus: "2"
Y
try unknown-key "/tmp/bad.yaml:4:5: unknown key 'cpuz' in a cell" <<'Y'
cells:
  - name: a
    cpus: "1"
    cpuz: "2"
Y
