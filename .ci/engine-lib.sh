# Shared by engines.sh and podman.sh (sourced): where the tests' engines keep their state, the docker.io client,
# the base image, waiting for a started engine, and giving it the base image. Expects a log function.
CACHE_DIR="${HABITAT_CACHE_DIR:-/var/cache/habitat-test}"
BASE_IMAGE="${HABITAT_TEST_BASE_IMAGE:-habitat-test-base:bookworm}"
DOCKER=/usr/bin/docker

# wait_for_engine SOCKET LOGFILE NAME: up to 60 s for the engine to answer; its log's tail when it does not
wait_for_engine() {
  local sock=$1 logfile=$2 name=$3
  for _ in $(seq 1 120); do
    DOCKER_HOST="unix://$sock" "$DOCKER" version >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  log "$name did not answer"
  tail -30 "$logfile" >&2
  exit 1
}

# load_base_image SOCKET: the host engine's base image, loaded once (the engines have no registry to pull from)
load_base_image() {
  local sock=$1
  if ! DOCKER_HOST="unix://$sock" "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "loading $BASE_IMAGE into the engine at $sock"
    "$DOCKER" -H unix:///var/run/docker.sock save "$BASE_IMAGE" | DOCKER_HOST="unix://$sock" "$DOCKER" load >/dev/null
  fi
}
