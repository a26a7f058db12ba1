#!/usr/bin/env bash
# The engine matrix: the ITs that matter, run against each second engine (after the main suite ran on the host
# engine). Maven runs inside the engine's network namespace (nsenter --net), so the git servers the ITs start on
# 127.0.0.1 are reachable from build steps with network host; the engine itself is reached through its unix
# socket (DOCKER_HOST). engine-equivalence builds the same habitat on a reference engine too and compares the
# final images. Each engine is stopped by its pid when the matrix ends, even on failure.
#   bash .ci/matrix.sh [d26-overlay2] [d26-containerd] [podman] [d26-nobridge]     (default: all four)
#
# Engines run in two waves; the engines of a wave run at once, each Maven in its own copy of the tree. No two
# engines of a wave share an engine (as the engine under test or as the reference an IT also builds on), so
# their ITs cannot meet: wave 1 is Docker 26 overlay2 (reference: the host engine) beside the bridge-less
# Docker 26 (no reference); wave 2 is the containerd store (reference: overlay2) beside Podman (reference: the
# host engine). Each IT's time is printed per engine at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENGINES=("$@")
[ ${#ENGINES[@]} -gt 0 ] || ENGINES=(d26-overlay2 d26-containerd podman d26-nobridge)
# every IT that tests something of the engine: Docker 26 overlay2 runs them all
DOCKER_ITS=build-lifecycle,exec-equivalence,secrets,build-failures,killed-builds,migrate-snapshots,remote-tls,engine-equivalence,build-args
# the containerd store: the ITs where the image store shows (tags, commits, image listing and removal, the image
# compared with overlay2's, docker build of the generated Dockerfile, registry pull/push). The session
# (secrets), a killed client (killed-builds) and the TLS transport (remote-tls) are the same dockerd and
# BuildKit as overlay2's, which runs them.
CONTAINERD_ITS=build-lifecycle,exec-equivalence,build-failures,migrate-snapshots,engine-equivalence,build-args
PODMAN_ITS=build-lifecycle,exec-equivalence,build-failures,engine-equivalence
NOBRIDGE_ITS=engine-hints   # an engine without the default bridge network: the error's way out
# two engines share a habitat through a registry: the host engine and Docker 26 (overlay2), Docker 26's overlay2
# and containerd stores
REGISTRY_ITS=registry-sharing
MULTI_PLATFORM_ITS=multi-platform   # Docker 28's containerd store: linux/amd64 and linux/arm64 (qemu), one index
HOST_ENGINE=unix:///var/run/docker.sock
LOG_DIR=$ROOT/habitat-maven-plugin/target/matrix
mkdir -p "$LOG_DIR"
STARTED=()
COPIES=()
stop_all() {
  for e in "${STARTED[@]}"; do
    if [ "$e" = podman ]; then bash .ci/podman.sh stop || true; else bash .ci/engines.sh stop "$e" || true; fi
  done
  for c in "${COPIES[@]}"; do rm -rf "$c"; done
}
trap stop_all EXIT
declare -A HOSTS
start() {   # records the engine's DOCKER_HOST (not in a subshell: STARTED must reach the EXIT trap)
  STARTED+=("$1")
  if [ "$1" = podman ]; then HOSTS[$1]=$(bash .ci/podman.sh start); else HOSTS[$1]=$(bash .ci/engines.sh start "$1"); fi
}
wanted() { local x; for x in "${ENGINES[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
for e in "${ENGINES[@]}"; do start "$e"; done
# the containerd store is compared with overlay2 (same Docker), the others with the host engine
if wanted d26-containerd && ! wanted d26-overlay2; then start d26-overlay2; fi

# run_engine ENGINE DIR: the engine's ITs with Maven in DIR; the outcome in $LOG_DIR/ENGINE.result
run_engine() {
  local e=$1 dir=$2 host=${HOSTS[$1]} its ns reference reference_netns=/proc/$$/ns/net   # the host engine's: this shell's
  case "$e" in
    podman) its=$PODMAN_ITS; ns=(); reference=$HOST_ENGINE ;;
    d26-nobridge) its=$NOBRIDGE_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=$HOST_ENGINE ;;
    d26-containerd) its=$CONTAINERD_ITS,$REGISTRY_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=${HOSTS[d26-overlay2]}
      reference_netns=$(bash .ci/engines.sh netns d26-overlay2) ;;
    d28-containerd) its=$MULTI_PLATFORM_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=$HOST_ENGINE ;;
    *) its=$DOCKER_ITS,$REGISTRY_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=$HOST_ENGINE ;;
  esac
  its=${HABITAT_MATRIX_ITS:-$its}   # e.g. HABITAT_MATRIX_ITS=secrets,build-failures to rerun a few
  echo "[matrix] $e at $host: $its (reference engine $reference)"
  local t0 result=FAILED; t0=$(date +%s)
  # HABITAT_IT_REFERENCE_NETNS: the network namespace of the reference engine (registry-sharing forwards its
  # registry into it)
  if (cd "$dir" && DOCKER_HOST="$host" HABITAT_IT_REFERENCE_HOST="$reference" HABITAT_IT_REFERENCE_NETNS="$reference_netns" "${ns[@]}" \
      mvn -B -o -ntp verify -DskipTests -pl habitat-maven-plugin -am -Dhabitat.itDir="it-$e" -Dinvoker.test="$its") \
      > "$LOG_DIR/$e.log" 2>&1; then
    result=passed
  fi
  echo "$result $(( $(date +%s) - t0 ))" > "$LOG_DIR/$e.result"
  echo "[matrix] $e: $result in $(( $(date +%s) - t0 )) s"
}

# copy_tree ENGINE: a copy of the tree (without the ITs' working copies) for an engine that runs beside another
copy_tree() {
  local dir; dir=$(mktemp -d "/tmp/habitat-matrix-$1.XXXXXX")
  COPIES+=("$dir")
  tar -C "$ROOT" --exclude='./habitat-maven-plugin/target/it*' --exclude='./habitat-maven-plugin/target/matrix' -cf - . | tar -C "$dir" -xf -
  echo "$dir"
}

for wave in "d26-overlay2 d26-nobridge" "d26-containerd podman" "d28-containerd"; do
  members=()
  dirs=()
  for e in $wave; do
    wanted "$e" || continue
    # the first engine of a wave uses the tree itself; copies are made before any Maven of the wave writes to it
    if [ ${#members[@]} = 0 ]; then dirs+=("$ROOT"); else dirs+=("$(copy_tree "$e")"); fi
    members+=("$e")
  done
  pids=()
  for i in "${!members[@]}"; do
    run_engine "${members[$i]}" "${dirs[$i]}" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
done

status=0
echo "[matrix] results:"
for e in "${ENGINES[@]}"; do
  read -r result took < "$LOG_DIR/$e.result" || { result=FAILED; took=0; }
  echo "[matrix]   $e: $result in $took s"
  # each IT's time, as the invoker printed it
  sed -n 's/^\[INFO\] *\([a-z0-9-]*\)\/pom.xml \.* \([A-Z]*\) (\(.*\))$/[matrix]     \1 \2 \3/p' "$LOG_DIR/$e.log"
  if [ "$result" != passed ]; then
    status=1
    echo "[matrix]   $e's Maven output ($LOG_DIR/$e.log):"
    sed "s/^/[$e] /" "$LOG_DIR/$e.log"
  fi
done
exit $status
