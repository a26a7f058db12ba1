#!/usr/bin/env bash
# The engine matrix: the ITs that matter, run against each second engine (after the main suite ran on the host
# engine, Docker 20.10). Maven runs inside the engine's network namespace (nsenter --net), so the git servers the
# ITs start on 127.0.0.1 are reachable from build steps with network host; the engine itself is reached through
# its unix socket (DOCKER_HOST). engine-equivalence (and registry-sharing) also build on a reference engine and
# compare. Each engine is stopped by its pid when the matrix ends, even on failure.
#   bash .ci/matrix.sh [ENGINE...]     (default: all; see ITS below; podman is podman4)
#   HABITAT_MATRIX_ITS=secrets,build-failures bash .ci/matrix.sh d28-overlay2     reruns a few ITs
#
# Docker 28.5 (what users install today) runs every Docker IT; the other engines run the ITs that test what is
# specific to them (docs/CI.md says why each is where it is).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOST_ENGINE=unix:///var/run/docker.sock
# engines that differ share a habitat through a registry: run once after the waves, across several engines
# (run_sharing below), not per engine
REGISTRY_ITS=registry-sharing
declare -A ITS REF
# every IT that tests something of a Docker engine
ITS[d28-overlay2]=build-lifecycle,exec-equivalence,secrets,build-failures,killed-builds,migrate-snapshots,remote-tls,engine-equivalence,build-args
REF[d28-overlay2]=host
# the containerd store: where the image store shows (tags, commits, image listing and removal, the image compared
# with overlay2's of the same Docker, docker build of the generated Dockerfile, registry pull/push). The session
# (secrets), a killed client (killed-builds) and the TLS transport (remote-tls) are the same dockerd and BuildKit
# as overlay2's. multi-platform: linux/amd64 and linux/arm64 (qemu) in the one store that holds both, one index.
ITS[d28-containerd]=build-lifecycle,exec-equivalence,build-failures,migrate-snapshots,engine-equivalence,build-args,multi-platform
REF[d28-containerd]=d28-overlay2
# ITs that need a second machine of the same kind: multi-platform's "laptop", another Docker 28.5 with the containerd
# store (API 1.49: another platform's base identity), own data root (empty at every start), network namespace and
# socket, started only when the IT runs (HABITAT_IT_SECOND_HOST, HABITAT_IT_SECOND_NETNS)
declare -A SECOND_ITS SECOND
SECOND_ITS[d28-containerd]=multi-platform
SECOND[d28-containerd]=d28-containerd-b
# Docker 26.1 (trixie): its BuildKit (0.13) through the session, with secrets, and its containerd store (the
# reference: engine-equivalence builds the habitat there with BuildKit, where a tar body cannot carry the context)
ITS[d26-overlay2]=build-lifecycle,secrets,engine-equivalence
REF[d26-overlay2]=d26-containerd
# Podman 5.8 (unstable): everything the docker-exec method does on Podman; the image compared with Docker 26's
ITS[podman5]=build-lifecycle,exec-equivalence,build-failures,engine-equivalence
REF[podman5]=d26-containerd
# Podman 4.3 (bookworm, the host's): libpod create, exec, commit in its dialect, failures; the image compared with
# Docker 20.10's
ITS[podman4]=build-lifecycle,build-failures,engine-equivalence
REF[podman4]=host
# an engine without the default bridge network: the error's way out
ITS[d26-nobridge]=engine-hints
REF[d26-nobridge]=
# Waves: the engines of a wave run at once, each Maven in its own copy of the tree. No engine is used twice in a
# wave (as the engine under test or as a reference), so their ITs cannot meet.
WAVES=("d28-overlay2 podman5 d26-nobridge" "d28-containerd podman4 d26-overlay2")

ENGINES=()
for e in "$@"; do [ "$e" = podman ] && e=podman4; ENGINES+=("$e"); done
[ ${#ENGINES[@]} -gt 0 ] || ENGINES=(d28-overlay2 d28-containerd d26-overlay2 podman5 podman4 d26-nobridge)
for e in "${ENGINES[@]}"; do [ -n "${ITS[$e]+x}" ] || { echo "[matrix] unknown engine $e (${!ITS[*]})" >&2; exit 2; }; done
LOG_DIR=$ROOT/habitat-maven-plugin/target/matrix
mkdir -p "$LOG_DIR"
for e in "${ENGINES[@]}" sharing; do rm -f "$LOG_DIR/$e.result"; done
STARTED=()
COPIES=()
stop_all() {
  for e in "${STARTED[@]}"; do
    if [ "$e" = podman4 ]; then bash .ci/podman.sh stop || true; else bash .ci/engines.sh stop "$e" || true; fi
  done
  for c in "${COPIES[@]}"; do rm -rf "$c"; done
}
trap stop_all EXIT
declare -A HOSTS
HOSTS[host]=$HOST_ENGINE
start() {   # records the engine's DOCKER_HOST (not in a subshell: STARTED must reach the EXIT trap)
  [ -n "${HOSTS[$1]+x}" ] && return 0
  STARTED+=("$1")
  local t0; t0=$(date +%s)
  if [ "$1" = podman4 ]; then HOSTS[$1]=$(bash .ci/podman.sh start); else HOSTS[$1]=$(bash .ci/engines.sh start "$1"); fi
  echo "[matrix] $1 ready in $(( $(date +%s) - t0 )) s"
}
# its_of ENGINE: the ITs the engine runs here (HABITAT_MATRIX_ITS, e.g. secrets,build-failures, reruns a few)
its_of() { echo "${HABITAT_MATRIX_ITS:-${ITS[$1]}}"; }
# needs_second ENGINE: whether one of its ITs to run needs its second engine
needs_second() {
  local it
  [ -n "${SECOND[$1]:-}" ] || return 1
  for it in ${SECOND_ITS[$1]//,/ }; do [[ ",$(its_of "$1")," == *",$it,"* ]] && return 0; done
  return 1
}
# the engines under test, the references they compare with, and the second engines their ITs need
for e in "${ENGINES[@]}"; do
  start "$e"; [ -z "${REF[$e]}" ] || start "${REF[$e]}"
  ! needs_second "$e" || start "${SECOND[$e]}"
done

netns_of() {   # the network namespace of an engine: the host engine's and Podman 4.3's are this shell's
  case "$1" in host|podman4) echo "/proc/$$/ns/net" ;; *) bash .ci/engines.sh netns "$1" ;; esac
}

# run_engine ENGINE DIR: the engine's ITs with Maven in DIR; the outcome in $LOG_DIR/ENGINE.result
run_engine() {
  local e=$1 dir=$2 host=${HOSTS[$1]} its ref=${REF[$1]} reference="" reference_netns="" second="" second_netns=""
  if [ -n "$ref" ]; then reference=${HOSTS[$ref]}; reference_netns=$(netns_of "$ref"); fi
  if needs_second "$e"; then second=${HOSTS[${SECOND[$e]}]}; second_netns=$(netns_of "${SECOND[$e]}"); fi
  its=$(its_of "$e")
  its=$(echo ",$its," | sed "s/,$REGISTRY_ITS,/,/; s/^,//; s/,$//")   # run once, by run_sharing
  if [ -z "$its" ]; then : > "$LOG_DIR/$e.log"; echo "passed 0" > "$LOG_DIR/$e.result"; return; fi
  echo "[matrix] $e at $host: $its (reference engine ${ref:-none} ${reference}${second:+; second engine ${SECOND[$e]} $second})"
  # HABITAT_IT_REFERENCE_NETNS, HABITAT_IT_SECOND_NETNS: the network namespaces of the reference and second engines
  # (the ITs' registries are forwarded into them)
  run_its "$e" "$dir" "$(netns_of "$e")" "$its" DOCKER_HOST="$host" HABITAT_IT_REFERENCE_HOST="$reference" \
    HABITAT_IT_REFERENCE_NETNS="$reference_netns" HABITAT_IT_SECOND_HOST="$second" HABITAT_IT_SECOND_NETNS="$second_netns"
}

# run_its NAME DIR NETNS ITS [VARIABLE=value ...]: the ITs with Maven in DIR (their working copies in it-NAME) inside
# the network namespace NETNS, with the variables in its environment; the log in $LOG_DIR/NAME.log, the outcome in
# $LOG_DIR/NAME.result
run_its() {
  local name=$1 dir=$2 netns=$3 its=$4 t0 result=FAILED
  shift 4
  t0=$(date +%s)
  if (cd "$dir" && env "$@" nsenter --net="$netns" \
      mvn -B -o -ntp verify -DskipTests -pl habitat-maven-plugin -am -Dhabitat.itDir="it-$name" -Dinvoker.test="$its") \
      > "$LOG_DIR/$name.log" 2>&1; then
    result=passed
  fi
  echo "$result $(( $(date +%s) - t0 ))" > "$LOG_DIR/$name.result"
  echo "[matrix] $name: $result in $(( $(date +%s) - t0 )) s"
}

# copy_tree ENGINE: a copy of the tree (without the ITs' working copies) for an engine that runs beside another
copy_tree() {
  local dir; dir=$(mktemp -d "/tmp/habitat-matrix-$1.XXXXXX")
  COPIES+=("$dir")
  tar -C "$ROOT" --exclude='./habitat-maven-plugin/target/it*' --exclude='./habitat-maven-plugin/target/matrix' -cf - . | tar -C "$dir" -xf -
  echo "$dir"
}

wanted() { local x; for x in "${ENGINES[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
for wave in "${WAVES[@]}"; do
  members=()
  dirs=()
  for e in $wave; do
    wanted "$e" || continue
    # the first engine of a wave uses the tree itself; copies are made before any Maven of the wave writes to it
    if [ ${#members[@]} = 0 ]; then dirs+=("$ROOT"); else dirs+=("$(copy_tree "$e")"); fi
    members+=("$e")
  done
  [ ${#members[@]} -gt 0 ] || continue
  w0=$(date +%s)
  pids=()
  for i in "${!members[@]}"; do
    run_engine "${members[$i]}" "${dirs[$i]}" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  echo "[matrix] wave ${members[*]}: $(( $(date +%s) - w0 )) s"
done

# registry-sharing, once, across engines that differ in engine, image store and socket group: A the host engine
# (Docker 20.10), B Docker 28.5 with overlay2 (Maven in its network namespace), and the containerd store of Docker
# 26.1 and Podman 5.8 when they were started (HABITAT_IT_SHARING_ENGINES: name|DOCKER_HOST|network namespace;...).
# After the waves: it uses several engines at once. Not Docker 28.5's containerd store: it keeps an image pulled from
# these registries without its config (inspect shows no labels, env or architecture; docs/CI.md), so it builds
# instead of using the pulled snapshots.
SHARING_B=d28-overlay2
run_sharing() {
  local more="" e
  for e in d26-containerd podman5; do
    [ -n "${HOSTS[$e]:-}" ] || continue
    more+="$e|${HOSTS[$e]}|$(netns_of "$e");"
  done
  echo "[matrix] sharing: $REGISTRY_ITS, A $HOST_ENGINE, B ${HOSTS[$SHARING_B]}, further engines: ${more:-none}"
  run_its sharing "$ROOT" "$(netns_of "$SHARING_B")" "$REGISTRY_ITS" DOCKER_HOST="${HOSTS[$SHARING_B]}" \
    HABITAT_IT_REFERENCE_HOST="$HOST_ENGINE" HABITAT_IT_REFERENCE_NETNS="$(netns_of host)" HABITAT_IT_SHARING_ENGINES="$more"
}
if [ -n "${HOSTS[$SHARING_B]:-}" ] && [[ ",${HABITAT_MATRIX_ITS:-$REGISTRY_ITS}," == *",$REGISTRY_ITS,"* ]]; then
  run_sharing
  ENGINES+=(sharing)
fi

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
    echo   # the log may end without a line break
  fi
done
exit $status
