#!/usr/bin/env bash
# Benchmark (not a test): a team sharing bench/realistic (packages installed by a script) through a registry.
# Engine A (the host's Docker) builds it cold and pushes its snapshots; then two empty engines that differ from A
# build the same habitat: B (Docker 26, overlay2) and C (Docker 26, containerd image store), each started as for the
# engine matrix in its own namespaces, reached at its own socket (whose group is not A's), holding the base image
# only (no snapshot of the habitat, builder cache pruned). Prints each first build / A's cold build (wall time, Maven's
# start included; goal <= 0.3), the goal's own times, what was built (the machine step only: `regrouped`) and the
# bytes pulled, REPS times side by side.
# The registry (Debian's docker-registry, no auth) listens on a unix socket; socat makes it 127.0.0.1:$RPORT in
# every network namespace.
# Usage: bash bench/registry.sh [REPS]     (default 1; needs bash .ci/ensure-engine.sh; run under the engine lock)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-1}"
source bench/reference-inputs.sh   # D, PORT, start_reference_inputs, goal_seconds
PROJECT=bench/realistic
RHAB=$PROJECT/src/main/habitat
REPORT=$PROJECT/target/habitat/bench-realistic/report.json
RPORT=19500
WORK=$(mktemp -d /tmp/habitat-bench-registry.XXXXXX)
mvn -B -ntp -q -o install -DskipTests -Dinvoker.skip

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  bash .ci/engines.sh stop d26-overlay2 >/dev/null 2>&1 || true
  bash .ci/engines.sh stop d26-containerd >/dev/null 2>&1 || true
  rm -f "$RHAB/data/registry-rep.txt"
  rm -rf "$WORK"
}
trap cleanup EXIT
start_reference_inputs
PIDS+=("$DAEMON")

cat > "$WORK/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/data
http:
  net: unix
  addr: $WORK/registry.sock
YAML
timeout 3600 docker-registry serve "$WORK/config.yml" > "$WORK/registry.log" 2>&1 &
PIDS+=($!)
timeout 3600 socat TCP-LISTEN:$RPORT,bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"$WORK/registry.sock" &
PIDS+=($!)
declare -A HOST
for e in d26-overlay2 d26-containerd; do
  HOST[$e]=$(bash .ci/engines.sh start "$e")
  netns=$(bash .ci/engines.sh netns "$e")
  # the registry at the same 127.0.0.1 port inside the engine's network namespace (Maven runs here: it reaches the
  # engine at its unix socket, the registry and the git daemon at 127.0.0.1)
  timeout 3600 nsenter --net="$netns" socat TCP-LISTEN:$RPORT,bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"$WORK/registry.sock" &
  PIDS+=($!)
done
HOST[a]=unix:///var/run/docker.sock
sleep 1

now() { date +%s%N; }
build() { # log, engine, extra args...
  local log=$1 host=$2; shift 2
  DOCKER_HOST=$host mvn -B -ntp -o -f $PROJECT/pom.xml habitat:build -Dhabitat.registry=127.0.0.1:$RPORT/bench "$@" > "$WORK/$log" 2>&1 \
    || { cat "$WORK/$log"; exit 1; }
}
empty() { # engine: no snapshot of the habitat, no build cache (the base image stays)
  local host=$1
  { DOCKER_HOST=$host $D images --format '{{.Repository}}:{{.Tag}}' | grep -E '^habitat-bench-realistic:' || true; } \
    | xargs -r env DOCKER_HOST=$host $D rmi -f > /dev/null
  DOCKER_HOST=$host $D builder prune -af > /dev/null
}
gid() { case "$1" in unix://*) stat -c %g "${1#unix://}" ;; *) echo none ;; esac; }
statuses() { python3 -c 'import json,sys,collections; print(" ".join(f"{k} {v}" for k, v in collections.Counter(p["status"] for p in json.load(open(sys.argv[1]))["phases"]).items()))' "$REPORT"; }
declare -a LINES
for rep in $(seq 1 "$REPS"); do
  # a new state of the habitat each repetition, so the registry never has it before A pushes
  echo "registry bench $rep $(date +%N)" > "$RHAB/data/registry-rep.txt"
  empty "${HOST[a]}"
  t0=$(now); build a-cold.log "${HOST[a]}"; t1=$(now)
  goal_a=$(goal_seconds "$REPORT")
  build a-push.log "${HOST[a]}" -Dhabitat.push
  for e in d26-overlay2 d26-containerd; do
    empty "${HOST[$e]}"
    t2=$(now); build "$e-first.log" "${HOST[$e]}"; t3=$(now)
    cp "$WORK/$e-first.log" "/tmp/habitat-bench-registry-$e-first.log"
    grep -q 'regrouped in' "$WORK/$e-first.log" || grep -q 'is up to date; nothing to build' "$WORK/$e-first.log" \
      || { echo "$e built more than the machine step:"; cat "$WORK/$e-first.log"; exit 1; }
    mb=$(sed -n 's/.*habitat: pulled 12-final from .* (\([0-9.]*\) MB downloaded.*/\1/p' "$WORK/$e-first.log")
    LINES+=("$(awk -v a="$((t1 - t0))" -v b="$((t3 - t2))" -v ga="$goal_a" -v gb="$(goal_seconds "$REPORT")" -v mb="$mb" -v rep="$rep" -v e="$e" \
      -v gida="$(gid "${HOST[a]}")" -v gidb="$(gid "${HOST[$e]}")" -v st="$(statuses)" \
      'BEGIN {printf "rep %d: %s (socket group %s, A %s): first build %.2f s / A cold %.2f s = %.2f (goal <= 0.3: %s); goal time %.2f / %.2f s = %.2f; pulled %s MB; phases: %s\n", rep, e, gidb, gida, b/1e9, a/1e9, b/a, (b/a <= 0.3 ? "met" : "NOT met"), gb, ga, gb/ga, mb, st}')")
  done
done
echo "A: Docker $($D version --format '{{.Server.Version}}') (host, $($D info --format '{{.Driver}}')); B, C: Docker $(DOCKER_HOST=${HOST[d26-overlay2]} $D version --format '{{.Server.Version}}'); $(nproc) cores; $REPS repetitions; habitat $PROJECT"
printf '%s\n' "${LINES[@]}"
