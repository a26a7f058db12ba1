#!/usr/bin/env bash
# The engine matrix: the ITs that matter, run against each second engine (after the main suite ran on the host
# engine). Maven runs inside the engine's network namespace (nsenter --net), so the git servers the ITs start on
# 127.0.0.1 are reachable from build steps with network host; the engine itself is reached through its unix
# socket (DOCKER_HOST). engine-equivalence builds the same habitat on a reference engine too and compares the
# final images. Each engine is stopped by its pid when the matrix ends, even on failure.
#   bash .ci/matrix.sh [d26-overlay2] [d26-containerd] [podman] [d26-nobridge]     (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES=("$@")
[ ${#ENGINES[@]} -gt 0 ] || ENGINES=(d26-overlay2 d26-containerd podman d26-nobridge)
DOCKER_ITS=build-lifecycle,exec-equivalence,secrets,build-failures,killed-builds,migrate-snapshots,remote-tls,engine-equivalence,build-args
PODMAN_ITS=build-lifecycle,exec-equivalence,build-failures,engine-equivalence
NOBRIDGE_ITS=engine-hints   # an engine without the default bridge network: the error's way out
# two engines share a habitat through a registry: the host engine and Docker 26 (overlay2), Docker 26's overlay2
# and containerd stores
REGISTRY_ITS=registry-sharing
HOST_ENGINE=unix:///var/run/docker.sock
STARTED=()
stop_all() {
  for e in "${STARTED[@]}"; do
    if [ "$e" = podman ]; then bash .ci/podman.sh stop || true; else bash .ci/engines.sh stop "$e" || true; fi
  done
}
trap stop_all EXIT
declare -A HOSTS
start() {   # records the engine's DOCKER_HOST (not in a subshell: STARTED must reach the EXIT trap)
  STARTED+=("$1")
  if [ "$1" = podman ]; then HOSTS[$1]=$(bash .ci/podman.sh start); else HOSTS[$1]=$(bash .ci/engines.sh start "$1"); fi
}
for e in "${ENGINES[@]}"; do start "$e"; done
# the containerd store is compared with overlay2 (same Docker), the others with the host engine
if [ -n "${HOSTS[d26-containerd]:-}" ] && [ -z "${HOSTS[d26-overlay2]:-}" ]; then start d26-overlay2; fi

declare -A RESULT SECONDS_TAKEN
for e in "${ENGINES[@]}"; do
  host=${HOSTS[$e]}
  reference_netns=/proc/$$/ns/net   # the host engine's: this shell's
  case "$e" in
    podman) its=$PODMAN_ITS; ns=(); reference=$HOST_ENGINE ;;
    d26-nobridge) its=$NOBRIDGE_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=$HOST_ENGINE ;;
    d26-containerd) its=$DOCKER_ITS,$REGISTRY_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=${HOSTS[d26-overlay2]}
      reference_netns=$(bash .ci/engines.sh netns d26-overlay2) ;;
    *) its=$DOCKER_ITS,$REGISTRY_ITS; ns=(nsenter --net="$(bash .ci/engines.sh netns "$e")"); reference=$HOST_ENGINE ;;
  esac
  its=${HABITAT_MATRIX_ITS:-$its}   # e.g. HABITAT_MATRIX_ITS=secrets,build-failures to rerun a few
  echo "[matrix] $e at $host: $its (reference engine $reference)"
  t0=$(date +%s)
  # HABITAT_IT_REFERENCE_NETNS: the network namespace of the reference engine (registry-sharing forwards its
  # registry into it)
  if DOCKER_HOST="$host" HABITAT_IT_REFERENCE_HOST="$reference" HABITAT_IT_REFERENCE_NETNS="$reference_netns" "${ns[@]}" \
      mvn -B -o -ntp verify -DskipTests -pl habitat-maven-plugin -am -Dhabitat.itDir="it-$e" -Dinvoker.test="$its"; then
    RESULT[$e]=passed
  else
    RESULT[$e]=FAILED
  fi
  SECONDS_TAKEN[$e]=$(( $(date +%s) - t0 ))
done
status=0
echo "[matrix] results:"
for e in "${ENGINES[@]}"; do
  echo "[matrix]   $e: ${RESULT[$e]} in ${SECONDS_TAKEN[$e]} s"
  [ "${RESULT[$e]}" = passed ] || status=1
done
exit $status
