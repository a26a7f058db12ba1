#!/usr/bin/env bash
# Benchmark (not a test): sharing bench/reference through a registry. Engine A (the host's Docker) builds it
# cold and pushes its snapshots; engine B (Docker 26, overlay2, started as for the engine matrix in its own
# namespaces, holding the base image only: no snapshot of the habitat, its builder cache pruned) then builds
# the same habitat and pulls it. Prints B's first build time / A's cold build time (wall time, Maven's start
# included) and the bytes B pulled, REPS times side by side.
# The registry (Debian's docker-registry, no auth) listens on a unix socket; socat makes it 127.0.0.1:$RPORT in
# both network namespaces. B is reached through a socket proxy with the group id of A's socket (the habitat's
# docker group is a phase input: engines share snapshots when their sockets' groups match).
# Usage: bash bench/registry.sh [REPS]     (default 1; needs bash .ci/ensure-engine.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-1}"
source bench/reference-inputs.sh   # D, REF, HAB, PORT, start_reference_inputs, goal_seconds
RPORT=19500
WORK=$(mktemp -d /tmp/habitat-bench-registry.XXXXXX)
mvn -B -ntp -q -o install -DskipTests -Dinvoker.skip

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  bash .ci/engines.sh stop d26-overlay2 >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
start_reference_inputs
PIDS+=("$DAEMON")

B_SOCKET=$(bash .ci/engines.sh start d26-overlay2 | sed 's|^unix://||')
B_NETNS=$(bash .ci/engines.sh netns d26-overlay2)
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
timeout 3600 nsenter --net="$B_NETNS" socat TCP-LISTEN:$RPORT,bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"$WORK/registry.sock" &
PIDS+=($!)
timeout 3600 socat UNIX-LISTEN:"$WORK/b.sock",fork,group="$(stat -c %g /var/run/docker.sock)",mode=660 UNIX-CONNECT:"$B_SOCKET" &
PIDS+=($!)
sleep 1

now() { date +%s%N; }
build() { # log, engine, extra args...
  local log=$1 host=$2; shift 2
  DOCKER_HOST=$host mvn -B -ntp -o -f $REF/pom.xml habitat:build -Dhabitat.registry=127.0.0.1:$RPORT/bench "$@" > "$WORK/$log" 2>&1 \
    || { cat "$WORK/$log"; exit 1; }
}
on_b() { DOCKER_HOST=unix://$WORK/b.sock $D "$@"; }
empty() { # engine: no snapshot of the habitat, no build cache (the base image stays)
  local host=$1
  { DOCKER_HOST=$host $D images --format '{{.Repository}}:{{.Tag}}' | grep -E '^habitat-bench-reference:' || true; } \
    | xargs -r env DOCKER_HOST=$host $D rmi -f > /dev/null
  DOCKER_HOST=$host $D builder prune -af > /dev/null
}
declare -a PULLED COLD FIRST GOAL_A GOAL_B
for rep in $(seq 1 "$REPS"); do
  # a new state of the habitat each repetition, so the registry never has it before A pushes
  echo "registry bench $rep $(date +%N)" > "$HAB/data/registry-rep.txt"
  empty unix:///var/run/docker.sock
  t0=$(now); build a-cold.log unix:///var/run/docker.sock; t1=$(now)
  GOAL_A+=("$(goal_seconds)")
  build a-push.log unix:///var/run/docker.sock -Dhabitat.push
  empty unix://$WORK/b.sock
  t2=$(now); build b-first.log unix://$WORK/b.sock; t3=$(now)
  GOAL_B+=("$(goal_seconds)")
  cp "$WORK/b-first.log" /tmp/habitat-bench-registry-b-first.log
  grep -q 'is up to date; nothing to build' "$WORK/b-first.log" || { echo "B built something:"; cat "$WORK/b-first.log"; exit 1; }
  COLD+=("$((t1 - t0))"); FIRST+=("$((t3 - t2))")
  PULLED+=("$(sed -n 's/.*habitat: pulled 12-final from .* (\([0-9.]*\) MB downloaded.*/\1/p' "$WORK/b-first.log")")
done
rm -f "$HAB/data/registry-rep.txt"
echo "A: $($D version --format '{{.Server.Version}}') (host), B: $(on_b version --format '{{.Server.Version}}') ($(on_b info --format '{{.Driver}}')), $(nproc) cores, $REPS repetitions"
for i in "${!COLD[@]}"; do
  awk -v a="${COLD[$i]}" -v b="${FIRST[$i]}" -v mb="${PULLED[$i]}" -v ga="${GOAL_A[$i]}" -v gb="${GOAL_B[$i]}" -v rep="$((i + 1))" \
    'BEGIN {printf "rep %d: A cold build %.2f s, B first build (pull) %.2f s, ratio B/A = %.2f; goal time (report.json, without Maven'"'"'s start) A %.2f s, B %.2f s, B/A = %.2f; B pulled %s MB\n", rep, a/1e9, b/1e9, b/a, ga, gb, gb/ga, mb}'
done
