#!/usr/bin/env bash
# Makes the engine look like a developer's usual one before the ITs run on it: a few hundred images and several
# GB of BuildKit build cache (the ITs must not depend on how fast the engine is; issue #31).
#   bash bench/busy-engine.sh [IMAGES] [CACHE_GB]     fill (default: 300 images, 4 GB of cache)
#   bash bench/busy-engine.sh clean                   remove what it made (images habitat-busy/*, its build cache)
# Images are tiny distinct `docker import`s tagged habitat-busy/img:N; the cache is a BuildKit build whose steps
# each write 512 MB of random data (one cache record per step).
set -euo pipefail
DOCKER=/usr/bin/docker
if [ "${1:-}" = clean ]; then
  "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' | grep '^habitat-busy/' | xargs -r "$DOCKER" rmi -f >/dev/null
  DOCKER_BUILDKIT=1 "$DOCKER" builder prune -f --filter label=habitat-busy=1 >/dev/null 2>&1 || true
  exit 0
fi
images=${1:-300}
cache_gb=${2:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$images"); do
  printf 'image %s\n' "$i" >"$work/id"
  tar -C "$work" -cf "$work/layer.tar" id
  "$DOCKER" import "$work/layer.tar" "habitat-busy/img:$i" >/dev/null
done
{
  echo 'FROM habitat-test-base:bookworm'
  echo 'LABEL habitat-busy=1'
  for i in $(seq 1 $((cache_gb * 2))); do
    echo "RUN head -c 536870912 /dev/urandom > /cache-$i.bin"
  done
  echo 'RUN rm -f /cache-*.bin'
} >"$work/Dockerfile"
DOCKER_BUILDKIT=1 "$DOCKER" build -q --label habitat-busy=1 -t habitat-busy/cache:latest "$work" >/dev/null
# untagged, its layers stay as BuildKit cache records only (what `docker system df` counts as build cache)
"$DOCKER" rmi habitat-busy/cache:latest >/dev/null
echo "[busy-engine] $("$DOCKER" images -q | wc -l) images; build cache:"
"$DOCKER" system df | sed 's/^/[busy-engine]   /'
