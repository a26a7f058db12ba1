#!/usr/bin/env bash
# Benchmark (not a test): builds two habitats -- bench/reference (small: users, a few MB of files, two
# repositories, a CPU-bound script) and bench/realistic (a toolchain from Debian's packages installed by a script,
# a repository, a data directory, a script using the toolchain) -- cold, no-op, after a one-file change and after
# a script change, with the plugin's BuildKit and docker-exec methods and each habitat's hand-written twin
# (Dockerfile.handwritten, built directly by the engine's BuildKit), side by side in one run, REPS times each.
# Prints (bench/summarize.py) medians, spreads, ratios, the disk each cold build added, the context sent, the no-op
# as a user feels it (mvn habitat:build minus mvn validate on the same project) and where the time goes.
# Usage: bash bench/compare-methods.sh [REPS] [REALISTIC_REPS]   (defaults 3 and 2; needs the engine and base
# image: bash .ci/ensure-engine.sh; the realistic habitat downloads ~100 MB of packages from Debian per cold build)
# BENCH_HABITATS="reference" runs one habitat; another engine: DOCKER_HOST=... (bench/engines.sh does this).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-3}"
REALISTIC_REPS="${2:-2}"
source bench/reference-inputs.sh   # D, PORT, start_reference_inputs, goal_seconds, engine_df
mvn -B -ntp -q ${BENCH_OFFLINE:+-o} install -DskipTests -Dinvoker.skip

start_reference_inputs   # sets DAEMON
BACKUP=$(mktemp -d)
for h in reference realistic; do cp "bench/$h/src/main/habitat/config.yaml" "$BACKUP/$h.yaml"; done
trap 'kill $DAEMON 2>/dev/null || true; for h in reference realistic; do cp "$BACKUP/$h.yaml" "bench/$h/src/main/habitat/config.yaml"; rm -f "bench/$h/src/main/habitat/data/small-change.txt"; done; rm -rf "$BACKUP"' EXIT
sleep 1
RESULTS=$(mktemp)

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b - a) / 1e9}'; }

run_habitat() { # name reps
  local H=$1 reps=$2
  local DIR=bench/$H HABDIR=bench/$H/src/main/habitat NAME=bench-$H
  local REPORT=$DIR/target/habitat/$NAME/report.json REV=0
  script_change() { # a new revision of one script, in the plugin's config and the hand-written twin alike
    REV=$((REV + 1))
    sed -i "s/bench-script-revision [0-9]*/bench-script-revision $REV/" "$HABDIR/config.yaml"
  }
  build() { # method: builds, leaves the wall time in WALL and a breakdown in BREAKDOWN
    local method=$1 t0 t1
    if [ "$method" = handwritten ]; then
      sed "s/bench-script-revision [0-9]*/bench-script-revision $REV/" $DIR/Dockerfile.handwritten > $DIR/target/Dockerfile.handwritten
      t0=$(now)
      DOCKER_BUILDKIT=1 $D build --progress=plain --network host -t habitat-$NAME-handwritten:latest \
        -f $DIR/target/Dockerfile.handwritten "$HABDIR" > /tmp/bench-build.log 2>&1 || { cat /tmp/bench-build.log; exit 1; }
      t1=$(now)
      WALL=$(secs $t0 $t1)
      BREAKDOWN=$(python3 bench/breakdown.py handwritten /tmp/bench-build.log "$WALL")
    else
      t0=$(now)
      mvn -B -ntp -o -q -f $DIR/pom.xml habitat:build -Dhabitat.buildMethod="$method" > /tmp/bench-build.log 2>&1 \
        || { cat /tmp/bench-build.log; exit 1; }
      t1=$(now)
      WALL=$(secs $t0 $t1)
      BREAKDOWN=$(python3 bench/breakdown.py plugin "$REPORT" "$WALL")
    fi
  }
  validate_wall() { local t0 t1; t0=$(now); mvn -B -ntp -o -q -f $DIR/pom.xml validate > /dev/null 2>&1; t1=$(now); secs $t0 $t1; }
  context_bytes() { # what the last plugin build sent as context (report.json; 0 when no request was sent)
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("context", {}).get("bytesSent", 0))' "$REPORT"
  }
  record() { # method case [extra json fields]
    local bytes=0
    [ "$1" = handwritten ] || bytes=$(context_bytes)
    echo "{\"habitat\": \"$H\", \"method\": \"$1\", \"case\": \"$2\", \"rep\": $rep, \"contextBytes\": $bytes, \"breakdown\": $BREAKDOWN${3:+, $3}}" >> "$RESULTS"
  }
  clean() {
    { $D images --format '{{.Repository}}:{{.Tag}}' | grep -E "^habitat-$NAME(-handwritten)?:" || true; } | xargs -r $D rmi -f > /dev/null
    { $D volume ls -q | grep -E '^habitat-(git|cache)-' || true; } | xargs -r $D volume rm -f > /dev/null 2>&1 || true
    $D builder prune -af > /dev/null
  }
  mkdir -p $DIR/target
  local rep method l0 c0 m0 v0 l1 c1 m1 v1 v
  for rep in $(seq 1 "$reps"); do
    for method in buildkit docker-exec handwritten; do
      echo "[bench] $H rep $rep $method" >&2
      clean
      read -r l0 c0 m0 v0 < <(engine_df)
      build $method
      read -r l1 c1 m1 v1 < <(engine_df)
      record $method cold "\"disk\": {\"layers\": $((l1 - l0)), \"cache\": $((c1 - c0)), \"mounts\": $((m1 - m0)), \"volumes\": $((v1 - v0))}, \"habitatBytes\": $(du -sb "$HABDIR" | cut -f1)"
      if [ $method != handwritten ]; then v=$(validate_wall); else v=0; fi
      build $method
      record $method noop "\"validate\": $v"
      echo "rep $rep $(date +%N)" > "$HABDIR/data/small-change.txt"
      build $method
      record $method change
      rm -f "$HABDIR/data/small-change.txt"
      build $method # back to the reference before the next case
      script_change
      build $method
      record $method script
    done
  done
  clean
}

for H in ${BENCH_HABITATS:-reference realistic}; do
  if [ "$H" = realistic ]; then run_habitat "$H" "$REALISTIC_REPS"; else run_habitat "$H" "$REPS"; fi
done
echo "engine: $($D version --format '{{.Server.Version}}') at ${DOCKER_HOST:-the default socket}, store $($D info --format '{{.Driver}}'), $(nproc) cores"
python3 bench/summarize.py "$RESULTS"
rm -f "$RESULTS"
