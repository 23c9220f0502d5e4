# mode_detect: cellsched reads its mode from the kernel's BTF and says why:
# native on a kernel with the sub-scheduler API (7.3), embedded on one without
# it (the 6.18 LTS line); `check`, the start-up log, `status` and the JSON of
# status, cells and stats say which and why. On 6.18 `--mode native` names the
# missing kernel features (exit 3) and touches nothing; `policy: external` is
# refused in embedded mode on every kernel (exit 8). What the kernel has is
# read here with bpftool, not taken from cellsched.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
before=$(find /sys/fs/cgroup -type d | sort | md5sum)
types=$(bpftool btf dump file /sys/kernel/btf/vmlinux | grep -E "^\[[0-9]+\] (STRUCT|FUNC) '(sched_ext_ops|sched_ext_ops_cid|scx_bpf_sub_grant)'" | awk '{ print $3 }' | tr '\n' ' ')
note "kernel $(uname -r): BTF has $types"
echo "$types" | grep -q "'sched_ext_ops'" || fail "no sched_ext_ops in the BTF"
untouched() {
	scx_is disabled || fail "$1: sched_ext is $(scx_state)"
	[ "$(find /sys/fs/cgroup -type d | sort | md5sum)" = "$before" ] || fail "$1: the cgroup tree changed"
}
expect() { # expect NAME RC TEXT COMMAND...: exit code and a line of its output
	local name=$1 want=$2 text=$3
	shift 3
	"$@" > /tmp/out.log 2>&1
	rc=$?
	[ "$rc" = "$want" ] || { cat /tmp/out.log; fail "$name: exit $rc, want $want"; }
	grep -qF -- "$text" /tmp/out.log || { cat /tmp/out.log; fail "$name: output lacks '$text'"; }
	note "$name: $(grep -F -- "$text" /tmp/out.log | head -n 1)"
}

cat > /tmp/ext.yaml <<'Y'
cells:
  - name: a
    cpus: "1"
  - name: ext
    cpus: "2"
    policy: external
Y
ext_msg="/tmp/ext.yaml:6:13: cell 'ext': policy 'external' needs native mode"
expect "check --mode embedded, external" 8 "$ext_msg" cellsched check -c /tmp/ext.yaml --mode embedded
expect "run --mode embedded, external" 8 "$ext_msg" cellsched run -c /tmp/ext.yaml --mode embedded
untouched "external in embedded mode"

if echo "$types" | grep -q "'scx_bpf_sub_grant'" && echo "$types" | grep -q "'sched_ext_ops_cid'"; then
	mode=native why="auto: the kernel has the sub-scheduler API (sched_ext_ops_cid, scx_bpf_sub_grant)"
else
	mode=embedded
	miss="struct sched_ext_ops_cid and kfunc scx_bpf_sub_grant"
	echo "$types" | grep -q "'sched_ext_ops_cid'" && miss="kfunc scx_bpf_sub_grant"
	why="auto: the kernel has sched_ext but no sub-scheduler API (no $miss)"
	expect "run --mode native, LTS kernel" 3 "native mode (asked for by --mode native) needs the sched_ext sub-scheduler API (Linux 7.3 or later); this kernel's BTF has no $miss" \
		cellsched run -c /cs/configs/two-cells.yaml --mode native
	untouched "run --mode native"
fi
expect "check" 0 "mode $mode: $why" cellsched check -c /cs/configs/two-cells.yaml
start_cells /cs/configs/two-cells.yaml
grep -qF "mode $mode: $why" $CS_LOG || { cat $CS_LOG; fail "start-up log does not say the mode"; }
expect "status" 0 "mode:        $mode ($why)" cellsched status
cellsched status --json | grep -q "\"mode\": *\"$mode\"" || fail "status --json has no mode $mode"
cellsched cells --json | grep -q "\"mode\": *\"$mode\"" || fail "cells --json has no mode $mode"
cellsched stats --json | grep -q "\"mode\": *\"$mode\"" || fail "stats --json has no mode $mode"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
