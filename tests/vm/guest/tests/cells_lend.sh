# cells_lend: a cell with `lend: true` lends its idle CPUs to the root cell
# and takes them back when its own tasks run; a cell without it does not.
# Cell a (CPUs 1-2, fifo) lends, cell b (CPU 3, vtime) does not; the root
# cell has CPU 0. Three root spinners: with cell a idle they hold ~3 CPUs
# (CPU 0 and the two lent), never CPU 3; a periodic task of cell a takes a
# lent CPU back at each wakeup (preempting the root's task); then two
# spinners in cell a get their CPUs (each >= 0.9 of one), and the cell
# counts the reclaims and the time lent. Last, a reload turns cell a's
# lending off (the root spinners share CPU 0 again) and on again.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
cat > /tmp/lend.yaml <<'YAML'
cells:
  - name: a
    cpus: "1-2"
    lend: true
  - name: b
    cpus: "3"
    policy: vtime
YAML
# ns PID: time PID has run on a CPU (first field of /proc/PID/schedstat)
ns() { awk '{ print $1 }' /proc/$1/schedstat; }
# share SECONDS PID...: CPUs the PIDs held together over SECONDS, in percent of one
share() {
	local t=$1 p sum0=0 sum1=0 t0 t1
	shift
	for p in "$@"; do sum0=$((sum0 + $(ns $p))); done
	t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
	wait_for $((t + 20)) sh -c "[ \$(awk '{ printf \"%d\", \$1 * 1000 }' /proc/uptime) -ge $((t0 + t * 1000)) ]"
	t1=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
	for p in "$@"; do sum1=$((sum1 + $(ns $p))); done
	echo $(( (sum1 - sum0) / 10000 / (t1 - t0) ))
}
start_cells /tmp/lend.yaml
cellsched cells | grep -q "^a .*fixed lend" || { cellsched cells; fail "cell a does not say it lends"; }
cellsched cells | grep -q "^b .*fixed  " || { cellsched cells; fail "cell b says it lends"; }
r1= ; for i in 1 2 3; do cs-work spin 60 & r1="$r1 $!"; done
wait_for 10 sh -c "[ \$(awk '{ print \$1 }' /proc/${r1##* }/schedstat) -gt 0 ]" || fail "root spinners never ran"
# cell b does not lend: CPU 3 stays idle (idle ticks: field 5 of cpu3 in /proc/stat)
cpu3() { awk '$1 == "cpu3" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# idle ticks of CPUs 0-2 (field 5): the root's CPU and the two lent ones
idle012() { awk '$1 ~ /^cpu[012]$/ { n += $5 } END { print n }' /proc/stat; }
b0=$(cpu3) i0=$(idle012)
held=$(share 4 $r1)
b1=$(cpu3) i1=$(idle012)
note "cell a idle: 3 root spinners held $held % of a CPU (1 root CPU + 2 lent), CPUs 0-2 idle $((i1 - i0)) ticks, CPU 3 busy $((b1 - b0)) ticks in 4 s"
# without lending they share CPU 0 (<= 100 %); with it they hold ~240-290 %:
# this script's polling and the daemon run on CPUs 0-2 too (TCG makes them dear)
[ "$held" -ge 200 ] || fail "3 root spinners held $held % of a CPU with cell a idle and lending, want >= 200"
[ $((i1 - i0)) -le 40 ] || fail "CPUs 0-2 were idle $((i1 - i0)) ticks in 4 s while 3 root spinners ran"
[ $((b1 - b0)) -le 40 ] || fail "CPU 3 (cell b, not lending) was busy $((b1 - b0)) ticks in 4 s"
# a periodic task of cell a (1 ms period) wakes on a lent CPU: it takes it
# back at once, preempting the root's task, instead of waiting for that
# task's slice to end (2.5 ms on average). Its own wake-up delay is noted
# only: with every vCPU busy, TCG delivers the timer late (benchmarks
# compare it with lending off in one boot).
show() { cellsched --json cell show a | tr -d ' \n'; }
stat() { echo "$2" | grep -o "\"$1\":[0-9]*" | cut -d: -f2; }
s0=$(show)
in_cell cellsched/a cs-work wake 2000 /tmp/wake.a & wait $! || fail "the sleeper failed"
s1=$(show)
n=$(( $(stat RECLAIM "$s1") - $(stat RECLAIM "$s0") ))
wait_ns=$(( $(stat RECLAIM_NS "$s1") - $(stat RECLAIM_NS "$s0") ))
note "cell a's sleeper beside 3 root spinners: $(cat /tmp/wake.a); $n reclaims, mean $((wait_ns / (n + 1) / 1000)) us from the wakeup to running"
[ "$n" -ge 1000 ] || fail "only $n of 2000 wakeups took a lent CPU back"
[ $((wait_ns / (n + 1))) -lt 2500000 ] || fail "a reclaim took $((wait_ns / (n + 1) / 1000)) us on average, want < 2500"
# cell a gets busy: it takes its CPUs back
a= ; for i in 1 2; do in_cell cellsched/a cs-work spin 60 & a="$a $!"; done
wait_for 10 sh -c "[ \$(awk '{ print \$1 }' /proc/${a##* }/schedstat) -gt 0 ]" || fail "cell a's spinners never ran"
for p in $a; do
	s=$(share 4 $p)
	note "cell a busy: its spinner $p held $s % of a CPU"
	[ "$s" -ge 90 ] || fail "cell a's spinner $p held $s % of a CPU with lending on, want >= 90"
done
s2=$(show)
lent=$(stat lent_us "$s2")
note "cell a: lent $lent us in all, $(stat RECLAIM "$s2") reclaims"
[ "$lent" -gt 1000000 ] || fail "cell a reports $lent us lent, want > 1 s"
echo "$s2" | grep -q '"lend":true' || fail "cell show does not say a lends"
# lending turned off and on again by a reload, cell a idle again: without
# it the root spinners are back on CPU 0 alone, with it on CPUs 0-2
kill $a
wait $a 2>/dev/null
sed -i 's/lend: true/lend: false/' /tmp/lend.yaml
cellsched reload > /dev/null || fail "reload with lend: false failed"
wait_log 10 "cell a: lending its idle CPUs off" || fail "the reload did not turn cell a's lending off"
cellsched --json cell show a | tr -d ' \n' | grep -q '"lend":false' || fail "cell show says a still lends"
held=$(share 4 $r1)
note "lending off by reload: 3 root spinners held $held % of a CPU"
[ "$held" -le 130 ] || fail "3 root spinners held $held % of a CPU with cell a's lending off, want <= 130"
sed -i 's/lend: false/lend: true/' /tmp/lend.yaml
cellsched reload > /dev/null || fail "reload with lend: true failed"
wait_log 10 "cell a: lending its idle CPUs on" || fail "the reload did not turn cell a's lending on"
held=$(share 4 $r1)
note "lending on again by reload: 3 root spinners held $held % of a CPU"
[ "$held" -ge 200 ] || fail "3 root spinners held $held % of a CPU with cell a's lending back on, want >= 200"
kill $r1
check_health
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
