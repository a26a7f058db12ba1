#!/usr/bin/env bash
# Captures what real engines answer to POST /build?version=2 (BuildKit), for BuildKitStatusTest: the JSON stream
# with its moby.buildkit.trace messages (base64 StatusResponse protobufs) exactly as the engine sent it.
# Run from the repository root under the engine lock, with the host engine up (.ci/ensure-engine.sh):
#   flock /work/engine.lock bash habitat-core/src/test/resources/engine-captures/capture-build-traces.sh
# It captures from the host engine (Docker 20.10) and from Docker 26 (.ci/engines.sh d26-overlay2, started and
# stopped here). Three builds per engine, the context a tar body holding only the Dockerfile:
#   1-run:    FROM the test base; RUN writing one line to stdout and one to stderr (never cached: a fresh token)
#   2-cached: the same Dockerfile again (the RUN step is cached)
#   3-failed: a RUN that exits 3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base=${HABITAT_TEST_BASE_IMAGE:-habitat-test-base:bookworm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

capture() { # engine-name socket api-version
  local name=$1 sock=$2 api=$3 token
  token=$(date +%s%N)
  build() { # label dockerfile
    mkdir -p "$work/$1"
    printf '%s' "$2" > "$work/$1/Dockerfile"
    tar -C "$work/$1" -cf "$work/$1.tar" Dockerfile
    curl -sS --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' --data-binary "@$work/$1.tar" \
      "http://localhost/v$api/build?version=2&t=habitat-capture:$1&rm=1" > "$here/$name-$1.jsonl"
    echo "captured $name-$1: $(wc -l < "$here/$name-$1.jsonl") lines"
  }
  local run="FROM $base
RUN echo \"captured-out $token\" && echo captured-err >&2
"
  build 1-run "$run"
  build 2-cached "$run"
  build 3-failed "FROM $base
RUN echo before-failing && exit 3
"
  for t in 1-run 2-cached 3-failed; do
    curl -sS --unix-socket "$sock" -X DELETE "http://localhost/v$api/images/habitat-capture:$t" > /dev/null || true
  done
  curl -sS --unix-socket "$sock" "http://localhost/v$api/version" | python3 -c '
import json, sys
e = [c for c in json.load(sys.stdin)["Components"] if c["Name"] == "Engine"][0]
print("Engine", e["Version"], "API", e["Details"]["ApiVersion"])' > "$here/$name-version.txt"
}

capture docker20 /var/run/docker.sock 1.41
# stop Docker 26 afterwards only when this script started it
was_running=$(pgrep -f -- "--config-file /etc/habitat/d26-overlay2.json" >/dev/null && echo yes || echo no)
host=$(bash .ci/engines.sh start d26-overlay2)
sock=${host#unix://}
status=0
capture docker26 "$sock" 1.41 || status=$?
[ "$was_running" = yes ] || bash .ci/engines.sh stop d26-overlay2
exit $status
