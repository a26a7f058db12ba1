#!/usr/bin/env bash
# Benchmark (not a test): the apt habitat (bench/apt: one root script, apt-get update && apt-get install -y
# --no-install-recommends build-essential python3-venv) built cold (no snapshot, no BuildKit cache, no cache
# volume), then again after adding jq to the install line, with the plugin's BuildKit and docker-exec methods and
# the hand-written Dockerfile with an expert's cache mounts (bench/apt/Dockerfile.handwritten), side by side in one
# run, REPS times. Prints each wall time, the re-run / cold ratio (goal <= 0.3) and whether any downloaded .deb
# or index is in the final image (goal: none); then the floor: the same step alone in a container, cold and with every
# download cached, and the time dpkg-deb takes only to decompress the packages.
# Usage: bash bench/apt.sh [REPS]   (needs the engine, the base image and Debian's mirror: ~100 MB per cold build)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-1}"
D=/usr/bin/docker
H=bench/apt
HABDIR=$H/src/main/habitat
mvn -B -ntp -q ${BENCH_OFFLINE:+-o} install -DskipTests -Dinvoker.skip
BACKUP=$(mktemp)
cp "$HABDIR/config.yaml" "$BACKUP"
trap 'cp "$BACKUP" "$HABDIR/config.yaml"; rm -f "$BACKUP"' EXIT
mkdir -p $H/target
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) / 1e9}'; }
clean() {
  { $D images --format '{{.Repository}}:{{.Tag}}' | grep -E '^habitat-bench-apt(-handwritten)?:' || true; } | xargs -r $D rmi -f > /dev/null
  { $D volume ls -q | grep -E '^habitat-cache-bench-apt-' || true; } | xargs -r $D volume rm -f > /dev/null
  $D builder prune -af > /dev/null
}
# what of apt's downloads the image holds: .deb files anywhere under /var/cache/apt, index files in the lists
leftovers() { $D run --rm --entrypoint sh "$1" -c 'echo "$(find /var/cache/apt -name "*.deb" | wc -l) debs, $(find /var/lib/apt/lists -type f -name "*_Packages*" | wc -l) index files, $(du -sk /var/cache/apt /var/lib/apt/lists | awk "{s+=\$1} END {print s}") kB"'; }
build() { # method extra-package -> wall seconds
  local t0 t1
  if [ "$1" = handwritten ]; then
    sed "s/python3-venv\$/python3-venv$2/" $H/Dockerfile.handwritten > $H/target/Dockerfile.handwritten
    t0=$(now)
    DOCKER_BUILDKIT=1 $D build --progress=plain --network host -t habitat-bench-apt-handwritten:latest -f $H/target/Dockerfile.handwritten "$HABDIR" > /tmp/bench-apt.log 2>&1 || { tail -30 /tmp/bench-apt.log >&2; exit 1; }
  else
    sed "s/python3-venv\$/python3-venv$2/" "$BACKUP" > "$HABDIR/config.yaml"
    t0=$(now)
    mvn -B -ntp -o -q -f $H/pom.xml habitat:build -Dhabitat.buildMethod="$1" > /tmp/bench-apt.log 2>&1 || { tail -30 /tmp/bench-apt.log >&2; exit 1; }
  fi
  t1=$(now)
  secs "$t0" "$t1"
}
printf '%-12s %4s %8s %8s %7s  %s\n' method rep cold "+jq" ratio "left in the image after +jq"
for rep in $(seq 1 "$REPS"); do
  for method in buildkit docker-exec handwritten; do
    clean
    cold=$(build $method "")
    again=$(build $method " jq")
    img=habitat-bench-apt:12-final; [ $method = handwritten ] && img=habitat-bench-apt-handwritten:latest
    printf '%-12s %4s %8s %8s %7s  %s\n' $method $rep "$cold" "$again" "$(awk -v a="$again" -v b="$cold" 'BEGIN {printf "%.2f", a / b}')" "$(leftovers $img)"
  done
done
clean
# The floor no tool can go below here: the step alone (no Maven, no snapshot, no layer) in a container of the base,
# cold (empty caches) and then with every download cached (+jq), and how long dpkg-deb takes only to decompress the
# packages a re-run installs again (they are xz-compressed: that much CPU every install pays, cache or not).
floor() {
  local vols="-v habitat-bench-apt-floor-archives:/var/cache/apt -v habitat-bench-apt-floor-lists:/var/lib/apt/lists"
  local conf='Dir::Cache::Archives "/var/cache/apt/floor-archives/"; APT::Keep-Downloaded-Packages "true"; Binary::apt::APT::Keep-Downloaded-Packages "true"; DPkg::Options { "--force-unsafe-io"; };'
  local step='mkdir -p /var/cache/apt/floor-archives/partial; echo "$0" > /tmp/apt.conf; export APT_CONFIG=/tmp/apt.conf; s=${EPOCHREALTIME/./}; apt-get update -qq > /dev/null && apt-get install -y -qq --no-install-recommends build-essential python3-venv $1 > /dev/null 2>&1; e=${EPOCHREALTIME/./}; echo "$(( (e - s) / 1000 ))"'
  $D volume rm -f habitat-bench-apt-floor-archives habitat-bench-apt-floor-lists > /dev/null
  local cold again unpack
  cold=$($D run --rm --network host $vols habitat-test-base:bookworm bash -c "$step" "$conf" "")
  again=$($D run --rm --network host $vols habitat-test-base:bookworm bash -c "$step" "$conf" "jq")
  unpack=$($D run --rm $vols habitat-test-base:bookworm bash -c 's=${EPOCHREALTIME/./}; for d in /var/cache/apt/floor-archives/*.deb; do dpkg-deb --fsys-tarfile "$d" > /dev/null; done; e=${EPOCHREALTIME/./}; echo "$(( (e - s) / 1000 ))"')
  $D volume rm -f habitat-bench-apt-floor-archives habitat-bench-apt-floor-lists > /dev/null
  awk -v c="$cold" -v a="$again" -v u="$unpack" 'BEGIN {printf "floor (the step alone, in a container): cold %.2f s, +jq with every download cached %.2f s = %.2f of cold; decompressing the packages alone %.2f s\n", c / 1000, a / 1000, a / c, u / 1000}'
}
floor
echo "engine: $($D version --format '{{.Server.Version}}'), $(nproc) cores; goal: +jq / cold <= 0.30, nothing of the download in the image"
