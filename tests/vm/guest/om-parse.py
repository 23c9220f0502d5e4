# tests/vm/guest/om-parse.py FILE: parse FILE with python3-prometheus-client's
# strict OpenMetrics parser (in the guest: PYTHONHOME=/cs/py python3 -S), and
# print what it understood: "family NAME TYPE UNIT" for each family, then
# "sample NAME{LABEL=VALUE,...} VALUE" for each of its samples (labels
# sorted). On a parse error: the parser's message on stderr, exit 1.
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

try:
    families = list(text_string_to_metric_families(open(sys.argv[1]).read()))
except Exception as e:  # the parser names what is wrong
    sys.exit("not OpenMetrics: %s" % e)
for f in families:
    print("family %s %s %s" % (f.name, f.type, f.unit or "-"))
    for s in f.samples:
        labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
        print("sample %s{%s} %s" % (s.name, labels, s.value))
