#!/usr/bin/env bash
# Benchmark (not a test): builds bench/reference cold, no-op, after a one-file change and after a script
# change, with the plugin's BuildKit and docker-exec methods and the hand-written twin
# (bench/reference/Dockerfile.handwritten, built directly by the engine's BuildKit), side by side in one
# run, REPS times each; prints medians, spreads, ratios and the disk each cold build added.
# Usage: bash bench/compare-methods.sh [REPS]   (needs the engine and base image: bash .ci/ensure-engine.sh)
# Another engine: DOCKER_HOST=... (bench/engines.sh does this per engine).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-3}"
source bench/reference-inputs.sh   # D, REF, HAB, PORT, start_reference_inputs, goal_seconds
mvn -B -ntp -q ${BENCH_OFFLINE:+-o} install -DskipTests -Dinvoker.skip

start_reference_inputs   # sets DAEMON
CONFIG_BACKUP=$(mktemp)
cp "$HAB/config.yaml" "$CONFIG_BACKUP"
trap 'kill $DAEMON 2>/dev/null || true; cp "$CONFIG_BACKUP" "$HAB/config.yaml"; rm -f "$HAB/data/small-change.txt" "$CONFIG_BACKUP"' EXIT
sleep 1

now() { date +%s%N; }
REV=0
script_change() { # a new revision of one script, in the plugin's config and the hand-written twin alike
  REV=$((REV + 1))
  sed -i "s/bench-script-revision [0-9]*/bench-script-revision $REV/" "$HAB/config.yaml"
}
build() { # method, extra args...
  local method=$1; shift
  if [ "$method" = handwritten ]; then
    sed "s/bench-script-revision [0-9]*/bench-script-revision $REV/" $REF/Dockerfile.handwritten > $REF/target/Dockerfile.handwritten
    DOCKER_BUILDKIT=1 $D build -q --network host -t habitat-bench-handwritten:latest -f $REF/target/Dockerfile.handwritten "$HAB" \
      > /tmp/bench-build.log 2>&1 || { cat /tmp/bench-build.log; exit 1; }
  else
    mvn -B -ntp -o -q -f $REF/pom.xml habitat:build -Dhabitat.buildMethod="$method" "$@" > /tmp/bench-build.log 2>&1 \
      || { cat /tmp/bench-build.log; exit 1; }
  fi
}
clean() {
  { $D images --format '{{.Repository}}:{{.Tag}}' | grep -E '^habitat-bench-(reference|handwritten):' || true; } | xargs -r $D rmi -f > /dev/null
  $D volume rm -f habitat-git-cache > /dev/null 2>&1 || true
  $D builder prune -af > /dev/null
}
context_bytes() { # what the last plugin build sent as context (report.json; 0 when no request was sent)
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("context", {}).get("bytesSent", 0))' $REF/target/habitat/bench-reference/report.json
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m/1e9}'; }
spread() { sort -n | awk 'NR==1{min=$1} {max=$1} END {printf "%.2f-%.2f", min/1e9, max/1e9}'; }

METHODS="buildkit docker-exec handwritten"
declare -A T B
for rep in $(seq 1 "$REPS"); do
  for method in $METHODS; do
    clean
    read -r l0 c0 m0 < <(engine_df)
    t0=$(now); build $method; t1=$(now)
    T[$method,cold]+="$((t1 - t0)) "
    [ $method = handwritten ] || B[$method,cold]+="$(context_bytes) "
    read -r l1 c1 m1 < <(engine_df)
    T[$method,layers]+="$((l1 - l0)) "; T[$method,cache]+="$((c1 - c0)) "; T[$method,mounts]+="$((m1 - m0)) "
    t0=$(now); build $method; t1=$(now)
    T[$method,noop]+="$((t1 - t0)) "
    [ $method = handwritten ] || B[$method,noop]+="$(context_bytes) "
    [ $method = handwritten ] || T[$method,goal]+="$(goal_seconds) "
    echo "rep $rep $(date +%N)" > "$HAB/data/small-change.txt"
    t0=$(now); build $method; t1=$(now)
    T[$method,change]+="$((t1 - t0)) "
    [ $method = handwritten ] || B[$method,change]+="$(context_bytes) "
    rm -f "$HAB/data/small-change.txt"
    build $method # back to the reference before the next case
    script_change
    t0=$(now); build $method; t1=$(now)
    T[$method,script]+="$((t1 - t0)) "
    [ $method = handwritten ] || B[$method,script]+="$(context_bytes) "
  done
done
clean

echo "engine: $($D version --format '{{.Server.Version}}') at ${DOCKER_HOST:-the default socket}, store $($D info --format '{{.Driver}}'), $(nproc) cores, $REPS repetitions (wall time in s; the plugin's include Maven's start)"
printf '%-8s %-12s %8s %14s\n' case method median spread
for c in cold noop change script; do
  for method in $METHODS; do
    printf '%-8s %-12s %8s %14s\n' $c $method "$(echo ${T[$method,$c]} | tr ' ' '\n' | median)" "$(echo ${T[$method,$c]} | tr ' ' '\n' | spread)"
  done
done
m() { echo ${T[$1,$2]} | tr ' ' '\n' | median; }
for c in cold noop change script; do
  awk -v c=$c -v bk=$(m buildkit $c) -v ex=$(m docker-exec $c) -v hw=$(m handwritten $c) -v cold=$(m buildkit cold) \
    'BEGIN {printf "ratio %-6s buildkit/docker-exec = %.2f   buildkit/handwritten = %.2f   buildkit/buildkit-cold = %.2f\n", c, bk/ex, bk/hw, bk/cold}'
done
for method in buildkit docker-exec; do
  echo "no-op goal time (report.json, excludes Maven's start), $method: $(echo ${T[$method,goal]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') s"
done
for method in $METHODS; do
  mb() { echo ${T[$method,$1]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1e6}'; }
  echo "disk added by a cold build (the engine's /system/df), $method: image layers $(mb layers) MB + build cache $(mb cache) MB (of which cache mounts $(mb mounts) MB)"
done
for c in cold noop change script; do
  echo "context bytes sent, $c, buildkit: $(echo ${B[buildkit,$c]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') (the habitat directory and copied files hold $(du -sb "$HAB" | cut -f1) bytes)"
done
