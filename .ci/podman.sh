#!/usr/bin/env bash
# Podman's Docker-compatible API service for the engine matrix, isolated from the machine's own setup:
# its own containers.conf (this sandbox needs explicit ulimits for containers to start), storage and run
# state under STATE_DIR, and the socket STATE_DIR/podman.sock. The test base image is loaded once (kept
# in that storage). Stopped by the pids this script recorded, never by name.
#   bash .ci/podman.sh start   -> prints the DOCKER_HOST to use
#   bash .ci/podman.sh stop
set -euo pipefail
log() { echo "[podman] $*" >&2; }
. "$(dirname "$0")/engine-lib.sh"
STATE_DIR="${HABITAT_PODMAN_DIR:-$CACHE_DIR/podman}"
SOCK="$STATE_DIR/podman.sock"

podman_cmd() {
  CONTAINERS_CONF="$STATE_DIR/containers.conf" CONTAINERS_REGISTRIES_CONF="$STATE_DIR/registries.conf" podman --root "$STATE_DIR/root" --runroot "$STATE_DIR/runroot" "$@"
}

start() {
  if ! command -v podman >/dev/null; then
    log "installing podman"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends podman >/dev/null
  fi
  mkdir -p "$STATE_DIR"
  cat > "$STATE_DIR/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]
CONF
  # the machine's registries.conf, and the tests' registries on 127.0.0.1 (any port) in plain HTTP: unlike Docker,
  # Podman treats a loopback registry as insecure only when registries.conf says so (registry-sharing)
  { cat /etc/containers/registries.conf 2>/dev/null || true
    printf '\n[[registry]]\nlocation = "127.0.0.1"\ninsecure = true\n'; } > "$STATE_DIR/registries.conf"
  if [ -f "$STATE_DIR/service.pid" ] && kill -0 "$(cat "$STATE_DIR/service.pid")" 2>/dev/null; then
    log "already running (pid $(cat "$STATE_DIR/service.pid"))"
  else
    rm -f "$SOCK"
    podman_cmd system service --time=0 "unix://$SOCK" > "$STATE_DIR/service.log" 2>&1 &
    echo $! > "$STATE_DIR/service.pid"
    wait_for_engine "$SOCK" "$STATE_DIR/service.log" "the Podman service"
  fi
  load_base_image "$SOCK"
  log "engine: Podman $(DOCKER_HOST="unix://$SOCK" "$DOCKER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
  echo "unix://$SOCK"
}

stop() {
  [ -f "$STATE_DIR/service.pid" ] || return 0
  # containers a test left behind, then the service, then the conmon monitors of those containers (their
  # command lines name our run directory: only ours are matched)
  podman_cmd rm -af -t 0 >/dev/null 2>&1 || true
  pid=$(cat "$STATE_DIR/service.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  # (and Podman 4.3's "container cleanup --exec" processes, which linger after exec sessions): TERM, then KILL
  ours() {
    for p in /proc/[0-9]*; do
      if tr '\0' ' ' 2>/dev/null < "$p/cmdline" | grep -q -- "$STATE_DIR/runroot"; then echo "${p#/proc/}"; fi
    done
  }
  for sig in TERM KILL; do
    for p in $(ours); do kill -"$sig" "$p" 2>/dev/null || true; done
    sleep 1
  done
  # containers/storage keeps its overlay directory bind-mounted on itself: release it
  while mount | grep -q " $STATE_DIR/root/overlay "; do umount "$STATE_DIR/root/overlay" || break; done
  rm -f "$STATE_DIR/service.pid" "$SOCK"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
