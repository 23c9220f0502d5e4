#!/usr/bin/python3
# tests/unit/openmetrics.py OM_RENDER STATS_JSON (Debian's python3, which has the
# parser package): the OpenMetrics text of a
# stats answer (core/openmetrics.c, through om-render) parsed by a real
# OpenMetrics parser (python3-prometheus-client's, strict: TYPE, UNIT,
# _total, escaping, "# EOF"), and its values checked against the answer:
# units converted (us -> seconds, pct -> ratio), every cell labelled, label
# values escaped, counters of cells without a running policy left out. TAP.
import json
import subprocess
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

render, fixture = sys.argv[1], sys.argv[2]
n = 0
failed = False


def check(desc, cond, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond:
        failed = True
        for line in str(detail).splitlines():
            print("# " + line)


print("TAP version 13")
print("1..8")
answer = json.load(open(fixture))
text = subprocess.run([render, fixture], check=True, capture_output=True, text=True).stdout
try:
    families = {f.name: f for f in text_string_to_metric_families(text)}
    check("the text parses as OpenMetrics", True)
except Exception as e:  # the parser says what is wrong and where
    check("the text parses as OpenMetrics", False, "%s\n%s" % (e, text))
    sys.exit(1)


def samples(family, name=None):
    f = families.get(family)
    return [s for s in f.samples if name is None or s.name == name] if f else []


info = samples("cellsched", "cellsched_info")
check("cellsched_info says the mode", info and info[0].labels.get("mode") == answer["mode"], info)
lent = {s.labels["cell"]: s.value for s in samples("cellsched_cell_lent_seconds")}
want = {c["name"]: c["lent_us"] / 1e6 for c in answer["cells"]}
check("lent_us becomes cellsched_cell_lent_seconds_total per cell", lent == want,
      "got %s want %s" % (lent, want))
check("its family is a counter in seconds",
      families["cellsched_cell_lent_seconds"].type == "counter" and
      families["cellsched_cell_lent_seconds"].unit == "seconds", families["cellsched_cell_lent_seconds"])
util = {s.labels["cell"]: round(s.value, 6) for s in samples("cellsched_cell_util_ratio")}
check("util_pct becomes a ratio", util == {c["name"]: round(c["util_pct"] / 100, 6)
                                          for c in answer["cells"]}, util)
names = {s.labels["cell"] for s in samples("cellsched_cell_nr_cpus")}
check("every cell is labelled, quotes and all", names == {c["name"] for c in answer["cells"]},
      names)
enq = {s.labels["cell"] for s in samples("cellsched_cell_enq")}
check("a policy's counters only for the cells whose policy runs",
      enq == {c["name"] for c in answer["cells"] if "stats" in c}, enq)
root = {s.name: s.value for s in samples("cellsched_root_enq_shared")}
check("root counters end in _total", root == {"cellsched_root_enq_shared_total":
                                              answer["root"]["ENQ_SHARED"]}, root)
sys.exit(1 if failed else 0)
