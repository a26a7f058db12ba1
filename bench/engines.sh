#!/usr/bin/env bash
# Benchmark (not a test) per engine: bench/compare-methods.sh against the host engine (Docker 20.10), then
# Docker 26 with overlay2 and with the containerd image store (started as for the engine matrix, in their own
# namespaces; the benchmark runs inside the engine's network namespace so its git server on 127.0.0.1 is
# reachable from build steps). Each engine's block gives cold/no-op/one-file/script times as ratios to the
# hand-written twin built by the same engine in the same run, and the context bytes each case sent. Only the
# reference habitat: the engines' namespaces reach 127.0.0.1 only, and the realistic one installs from Debian.
# Usage: bash bench/engines.sh [REPS]     (default 1; the engines it starts are stopped at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-1}"
STARTED=()
trap 'for e in "${STARTED[@]}"; do bash .ci/engines.sh stop "$e" || true; done' EXIT
echo "=== host engine"
BENCH_HABITATS=reference bash bench/compare-methods.sh "$REPS"
for e in d26-overlay2 d26-containerd; do
  STARTED+=("$e")
  host=$(bash .ci/engines.sh start "$e")
  echo "=== $e"
  DOCKER_HOST="$host" BENCH_OFFLINE=1 BENCH_HABITATS=reference nsenter --net="$(bash .ci/engines.sh netns "$e")" \
    bash bench/compare-methods.sh "$REPS"
done
