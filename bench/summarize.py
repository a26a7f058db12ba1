#!/usr/bin/env python3
"""Prints bench/compare-methods.sh's results (one JSON object per build, see record() there): per habitat, the
wall times side by side, the ratios the issue asks for with whether each goal is met, the no-op as a user feels it,
disk, context bytes, and where the time goes (breakdown.py's components, and each phase's span)."""
import json
import statistics
import sys
from collections import defaultdict

METHODS = ["buildkit", "docker-exec", "handwritten"]
CASES = ["cold", "noop", "change", "script"]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    by = defaultdict(list)
    for r in rows:
        by[(r["habitat"], r["method"], r["case"])].append(r)
    for habitat in dict.fromkeys(r["habitat"] for r in rows):
        reps = max(r["rep"] for r in rows if r["habitat"] == habitat)
        wall = lambda m, c: [r["breakdown"]["wall"] for r in by[(habitat, m, c)]]
        w = lambda m, c: med(wall(m, c))
        print(f"\n=== {habitat} ({reps} repetitions; wall seconds; the plugin's include Maven's start)")
        print(f"{'case':<8}" + "".join(f"{m:>22}" for m in METHODS))
        for c in CASES:
            cells = []
            for m in METHODS:
                xs = wall(m, c)
                cells.append(f"{med(xs):7.2f} ({min(xs):.2f}-{max(xs):.2f})" if xs else "-")
            print(f"{c:<8}" + "".join(f"{x:>22}" for x in cells))
        print("ratios (medians):")
        for c in CASES:
            print(f"  {c:<7} buildkit/docker-exec {w('buildkit', c) / w('docker-exec', c):5.2f}   "
                  f"buildkit/handwritten {w('buildkit', c) / w('handwritten', c):5.2f}   "
                  f"docker-exec/handwritten {w('docker-exec', c) / w('handwritten', c):5.2f}")
        ratio = w("buildkit", "cold") / w("docker-exec", "cold")
        print(f"  goal buildkit/docker-exec <= 0.75 (cold): {ratio:.2f} {'met' if ratio <= 0.75 else 'NOT met'}")
        limit = 1.1 if habitat == "realistic" else 1.5
        for c in ["cold", "change"]:
            ratio = w("buildkit", c) / w("handwritten", c)
            print(f"  goal buildkit/handwritten <= {limit} ({c}): {ratio:.2f} {'met' if ratio <= limit else 'NOT met'}")
        for m in ["buildkit", "handwritten"]:
            ratio = w(m, "change") / w(m, "cold")
            print(f"  one-file change / cold, {m}: {ratio:.2f}" + (f" (goal <= 0.2: {'met' if ratio <= 0.2 else 'NOT met'})"
                                                                      if m == "buildkit" and habitat == "realistic" else ""))
        for m in ["buildkit", "docker-exec"]:
            felt = [r["breakdown"]["wall"] - r["validate"] for r in by[(habitat, m, "noop")]]
            goal = [r["breakdown"]["goal"] for r in by[(habitat, m, "noop")]]
            print(f"  no-op as felt, {m}: mvn habitat:build - mvn validate = {med(felt):.2f} s (goal <= 1.0: "
                  f"{'met' if med(felt) <= 1.0 else 'NOT met'}); the goal's own time {med(goal):.2f} s")
        print("disk added by a cold build (the engine's /system/df; MB):")
        for m in METHODS:
            d = [r["disk"] for r in by[(habitat, m, "cold")]]
            print(f"  {m:<12} image layers {med([x['layers'] for x in d]) / 1e6:7.1f} + build cache "
                  f"{med([x['cache'] for x in d]) / 1e6:6.1f} (of which cache mounts {med([x['mounts'] for x in d]) / 1e6:.1f})"
                  f" + volumes {med([x.get('volumes', 0) for x in d]) / 1e6:.1f}")
        disk = {m: med([r["disk"]["layers"] + r["disk"]["cache"] + r["disk"].get("volumes", 0) for r in by[(habitat, m, "cold")]]) for m in ["buildkit", "docker-exec"]}
        print(f"  goal buildkit <= docker-exec + 10 % (layers + build cache + volumes): {disk['buildkit'] / 1e6:.1f} MB vs "
              f"{disk['docker-exec'] / 1e6:.1f} MB: {'met' if disk['buildkit'] <= 1.1 * disk['docker-exec'] else 'NOT met'}")
        hb = med([r["habitatBytes"] for r in by[(habitat, "buildkit", "cold")]])
        print(f"context bytes sent by buildkit (the habitat directory holds {hb / 1e6:.2f} MB): " + ", ".join(
            f"{c} {med([r['contextBytes'] for r in by[(habitat, 'buildkit', c)]]) / 1e6:.2f} MB" for c in CASES))
        print("where the time goes (medians, s): maven = Maven and plugin start; prepare = goal start to the first step "
              "(hand-written: client, context, solve); steps = sum of stage spans (busy = their union); tail = last step "
              "to the end (export, snapshot tags, report)")
        for c in ["cold", "change", "script"]:
            for m in METHODS:
                b = [r["breakdown"] for r in by[(habitat, m, c)]]
                if b:
                    print(f"  {c:<7}{m:<12} wall {med([x['wall'] for x in b]):6.2f} = maven {med([x['maven'] for x in b]):5.2f}"
                          f" + prepare {med([x['prepare'] for x in b]):5.2f} + steps {med([x['steps'] for x in b]):6.2f}"
                          f" (busy {med([x['busy'] for x in b]):6.2f}) + tail {med([x['tail'] for x in b]):5.2f}")
        for c in ["cold", "change"]:
            b = [r["breakdown"]["phases"] for r in by[(habitat, "buildkit", c)]]
            phases = list(dict.fromkeys(p for x in b for p in x))
            print(f"  buildkit {c} per phase: " + ", ".join(f"{p} {med([x[p] for x in b if p in x]):.2f}" for p in phases))


if __name__ == "__main__":
    main(sys.argv[1])
