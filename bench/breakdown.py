#!/usr/bin/env python3
"""Where a build's time went, for bench/compare-methods.sh (prints one JSON object).

  breakdown.py plugin REPORT_JSON WALL_SECONDS
      from the plugin's report.json: Maven and the plugin's start (wall minus the goal's own time), preparation
      (goal start to the first step: remote heads, hashes, staging, the session, the context), the steps (sum of
      each stage's span, and their union: stages run side by side), the tail (last step to the goal's end: the
      final export, the snapshot tags, the report), and each phase's own span.
  breakdown.py handwritten PLAIN_LOG WALL_SECONDS
      from `docker build --progress=plain`: the steps (sum of the Dockerfile instructions' DONE times), the
      export, and the rest (client start, context transfer, solving).
"""
import json
import re
import sys
from datetime import datetime


def ts(s):
    # report.json times are ISO-8601 with nanoseconds; Python takes microseconds
    s = re.sub(r"(\.\d{6})\d*", r"\1", s.replace("Z", "+00:00"))
    return datetime.fromisoformat(s).timestamp()


def union(intervals):
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def plugin(report_path, wall):
    r = json.load(open(report_path))
    stages = [s for p in r["phases"] for s in p.get("stages") or [] if s.get("start") and s.get("end")]
    out = {"wall": wall, "maven": wall - r["seconds"], "goal": r["seconds"], "phases": {}}
    if not stages:
        out.update(prepare=r["seconds"], steps=0.0, busy=0.0, tail=0.0)
        return out
    spans = [(ts(s["start"]), ts(s["end"])) for s in stages]
    started, ended = ts(r["started"]), ts(r["ended"])
    out["prepare"] = min(a for a, _ in spans) - started
    out["steps"] = sum(b - a for a, b in spans)
    out["busy"] = union(spans)
    out["tail"] = ended - max(b for _, b in spans)
    for p in r["phases"]:
        if p.get("start") and p.get("end") and p.get("status") in ("built", "cached"):
            out["phases"][p["phase"]] = ts(p["end"]) - ts(p["start"])
    return out


def handwritten(log_path, wall):
    names, done = {}, {}
    for line in open(log_path, errors="replace"):
        m = re.match(r"#(\d+) (\[.*|exporting to image.*|load build context.*|\[internal\].*)$", line.strip())
        if m and m.group(1) not in names:
            names[m.group(1)] = m.group(2)
        m = re.match(r"#(\d+) DONE (\d+(?:\.\d+)?)s", line.strip())
        if m:
            done[m.group(1)] = float(m.group(2))
    steps = sum(t for k, t in done.items() if names.get(k, "").startswith("[") and not names[k].startswith("[internal]"))
    export = sum(t for k, t in done.items() if names.get(k, "").startswith("exporting"))
    return {"wall": wall, "maven": 0.0, "steps": steps, "busy": steps, "tail": export,
            "prepare": max(0.0, wall - steps - export), "phases": {}}


if __name__ == "__main__":
    kind, path, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
    print(json.dumps(plugin(path, wall) if kind == "plugin" else handwritten(path, wall)))
