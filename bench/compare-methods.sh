#!/usr/bin/env bash
# Benchmark (not a test): builds bench/reference cold, no-op and after a one-file change, with the BuildKit
# and docker-exec methods, side by side in one run, REPS times each; prints medians and ratios.
# Usage: bash bench/compare-methods.sh [REPS]   (needs the engine and base image: bash .ci/ensure-engine.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-3}"
D=/usr/bin/docker
REF=bench/reference
HAB=$REF/src/main/habitat
mvn -B -ntp -q install -DskipTests -Dinvoker.skip

# A few MB of deterministic data (generated, not committed).
if [ ! -f "$HAB/data/blob-3.bin" ]; then
  mkdir -p "$HAB/data"
  for i in 0 1 2 3; do head -c 1048576 /dev/zero | openssl enc -aes-128-ctr -pass pass:bench$i -nosalt 2>/dev/null > "$HAB/data/blob-$i.bin"; done
  seq 1 20000 > "$HAB/data/small.txt"
fi

now() { date +%s%N; }
build() { # method, extra args...
  local method=$1; shift
  mvn -B -ntp -o -q -f $REF/pom.xml habitat:build -Dhabitat.buildMethod="$method" "$@" > /tmp/bench-build.log 2>&1 \
    || { cat /tmp/bench-build.log; exit 1; }
}
clean() {
  { $D images --format '{{.Repository}}:{{.Tag}}' | grep '^habitat-bench-reference:' || true; } | xargs -r $D rmi -f > /dev/null
  $D builder prune -af > /dev/null
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m/1e9}'; }
spread() { sort -n | awk 'NR==1{min=$1} {max=$1} END {printf "%.2f-%.2f", min/1e9, max/1e9}'; }

declare -A T
for rep in $(seq 1 "$REPS"); do
  for method in buildkit docker-exec; do
    clean
    t0=$(now); build $method; t1=$(now)
    T[$method,cold]+="$((t1 - t0)) "
    t0=$(now); build $method; t1=$(now)
    T[$method,noop]+="$((t1 - t0)) "
    echo "rep $rep $(date +%N)" > "$HAB/data/small-change.txt"
    t0=$(now); build $method; t1=$(now)
    T[$method,change]+="$((t1 - t0)) "
    rm -f "$HAB/data/small-change.txt"
    size=$($D image inspect -f '{{.Size}}' habitat-bench-reference:12-final)
    T[$method,size]="$size"
  done
done
clean

echo "engine: $($D version --format '{{.Server.Version}}'), $(nproc) cores, $REPS repetitions (wall time of mvn habitat:build, s)"
printf '%-10s %-12s %8s %12s\n' case method median spread
for c in cold noop change; do
  for method in buildkit docker-exec; do
    printf '%-10s %-12s %8s %12s\n' $c $method "$(echo ${T[$method,$c]} | tr ' ' '\n' | median)" "$(echo ${T[$method,$c]} | tr ' ' '\n' | spread)"
  done
done
for c in cold noop change; do
  bk=$(echo ${T[buildkit,$c]} | tr ' ' '\n' | median); ex=$(echo ${T[docker-exec,$c]} | tr ' ' '\n' | median)
  awk -v c=$c -v a=$bk -v b=$ex 'BEGIN {printf "ratio %-7s buildkit/docker-exec = %.2f\n", c, a/b}'
done
echo "final image size: buildkit ${T[buildkit,size]} B, docker-exec ${T[docker-exec,size]} B"
