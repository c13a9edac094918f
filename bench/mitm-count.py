# Count the flows (with a response) mitmdump wrote with -w, by request path. Run with the python that
# runs mitmdump (Debian: /usr/bin/python3).  usage: python3 bench/mitm-count.py FILE
import json, sys
from mitmproxy import io
from mitmproxy.exceptions import FlowReadException

counts, err = {}, None
try:
    with open(sys.argv[1], "rb") as f:
        for flow in io.FlowReader(f).stream():
            if getattr(flow, "response", None) is not None:
                counts[flow.request.path] = counts.get(flow.request.path, 0) + 1
except (FileNotFoundError, FlowReadException) as e:
    err = str(e)
print(json.dumps({"byUrl": counts, "error": err}))
