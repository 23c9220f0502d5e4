# daemon_metrics: the OpenMetrics endpoint (metrics.listen). A scrape of
# /metrics answers what runs: each cell's CPUs, the root cell's, the mode,
# ending in "# EOF", with the same families `cellsched stats --format
# openmetrics` prints; a lent CPU's time shows in the cell's lent counter
# once root tasks ran there; other paths get 404. A port already taken
# stops the start with a clear error, exit 1, and nothing attached.
# The scrape is parsed here, in the guest, by a real OpenMetrics parser
# (Debian's python3-prometheus-client, strict; guest/om-parse.py), and the
# values it reads are checked: the families' types and units, a and b's
# CPUs, b's lent seconds.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
ip link set lo up
cat > /tmp/m.yaml <<'Y'
metrics:
  listen: 127.0.0.1:9464
cells:
  - name: a
    cpus: "1"
    policy: fifo
  - name: b
    cpus: "2-3"
    policy: vtime
    lend: true
Y
start_cells /tmp/m.yaml
wait_log 5 "metrics: OpenMetrics at http://127.0.0.1:9464/metrics" || { cat $CS_LOG; fail "no metrics line"; }
scrape() { wget -q -O - http://127.0.0.1:9464/metrics; }
# root-cell work that spills onto b's idle, lent CPUs
for i in 1 2 3; do cs-work spin 6 & done
wait_for 20 sh -c "wget -q -O - http://127.0.0.1:9464/metrics |
	grep -q '^cellsched_cell_lent_seconds_total{cell=\"b\",policy=\"vtime\"} [0-9.]*[1-9]'" ||
	{ scrape | grep lent; fail "b's lent time never showed in a scrape"; }
scrape > /tmp/m.txt || fail "the scrape failed"
grep -q '^cellsched_cell_nr_cpus{cell="a",policy="fifo"} 1$' /tmp/m.txt || { cat /tmp/m.txt; fail "no a with 1 CPU"; }
grep -q '^cellsched_cell_nr_cpus{cell="b",policy="vtime"} 2$' /tmp/m.txt || fail "no b with 2 CPUs"
grep -q '^cellsched_root_cell_cpus 1$' /tmp/m.txt || fail "the root cell's CPUs are not 1"
grep -q "^cellsched_info{mode=\"$(cs_mode)\",version=\"[0-9.]*\"} 1$" /tmp/m.txt || fail "no cellsched_info"
[ "$(tail -1 /tmp/m.txt)" = "# EOF" ] || fail "the text does not end in # EOF"
PYTHONHOME=/cs/py /cs/py/bin/python3 -S /cs/guest/om-parse.py /tmp/m.txt > /tmp/om.txt 2> /tmp/om.err ||
	{ cat /tmp/om.err /tmp/m.txt; fail "the scrape is not OpenMetrics to python3-prometheus-client"; }
for want in "family cellsched_cell_nr_cpus gauge -" "family cellsched_cell_lent_seconds counter seconds" \
	"family cellsched info -" "sample cellsched_cell_nr_cpus{cell=a,policy=fifo} 1" \
	"sample cellsched_cell_nr_cpus{cell=b,policy=vtime} 2" "sample cellsched_root_cell_cpus{} 1"; do
	grep -qxF "$want" /tmp/om.txt || { cat /tmp/om.txt; fail "the parser did not read: $want"; }
done
lent=$(sed -n 's/^sample cellsched_cell_lent_seconds_total{cell=b,policy=vtime} //p' /tmp/om.txt)
awk -v v="$lent" 'BEGIN { exit !(v > 0) }' || fail "the parser read b's lent seconds as '$lent'"
note "parsed: $(grep -c '^family' /tmp/om.txt) families, $(grep -c '^sample' /tmp/om.txt) samples; b lent $lent s"
cellsched stats --format openmetrics > /tmp/s.txt || fail "stats --format openmetrics exited $?"
[ "$(grep '^# TYPE' /tmp/m.txt)" = "$(grep '^# TYPE' /tmp/s.txt)" ] ||
	fail "the endpoint and stats --format openmetrics name different families"
wget -q -O - http://127.0.0.1:9464/other > /dev/null 2> /tmp/w.err && fail "/other was answered"
grep -q "404" /tmp/w.err || fail "/other: $(cat /tmp/w.err), want a 404"
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }

# the port is taken: the start stops before anything is attached
mkdir -p /tmp/www
httpd -f -p 127.0.0.1:9464 -h /tmp/www & holder=$!
# (127.0.0.1:9464 is 0100007F:24F8; state 0A is LISTEN)
wait_for 10 grep -q '0100007F:24F8 00000000:0000 0A' /proc/net/tcp ||
	fail "busybox httpd does not listen on 9464"
timeout 60 cellsched run -c /tmp/m.yaml > /tmp/busy.log 2>&1
rc=$?
kill $holder 2>/dev/null
[ $rc = 1 ] || { cat /tmp/busy.log; fail "with the port taken, run exited $rc, want 1"; }
grep -q "metrics.listen 127.0.0.1:9464: cannot listen: Address already in use" /tmp/busy.log ||
	{ cat /tmp/busy.log; fail "no clear error for the taken port"; }
scx_is disabled || fail "sched_ext is $(scx_state) after the refused start"
[ -d /sys/fs/cgroup/cellsched/a ] && fail "cell a's cgroup was made by the refused start"
true
