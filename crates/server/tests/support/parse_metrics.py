"""Parses Prometheus text format on stdin with Prometheus' own parser (prometheus_client) and
prints {"family": {"type": ..., "samples": [[name, labels, value], ...]}} as JSON. Exit 2 when the
text does not parse."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    families = {
        f.name: {
            "type": f.type,
            "samples": [[s.name, s.labels, s.value] for s in f.samples],
        }
        for f in text_string_to_metric_families(sys.stdin.read())
    }
except Exception as e:  # the parser raises ValueError and others on malformed text
    print(f"not the Prometheus text format: {e}", file=sys.stderr)
    sys.exit(2)
print(json.dumps(families))
