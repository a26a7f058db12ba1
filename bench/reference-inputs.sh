# Sourced by the benchmarks: the inputs of bench/reference and bench/realistic that are not committed.
# start_reference_inputs makes a few MB of deterministic data for each and two git repositories with some history
# (once), and serves them with git daemon on 127.0.0.1:$PORT only; it sets DAEMON to the daemon's pid (the caller
# stops it by that pid).
D=/usr/bin/docker   # docker.io's client (the machine's /usr/local/bin/docker has no BuildKit)
REF=bench/reference
HAB=$REF/src/main/habitat
PORT=19418

start_reference_inputs() {
  # A few MB of deterministic data (generated, not committed).
  local h
  for h in "$HAB" bench/realistic/src/main/habitat; do
    if [ ! -f "$h/data/blob-3.bin" ]; then
      mkdir -p "$h/data"
      for i in 0 1 2 3; do head -c 1048576 /dev/zero | openssl enc -aes-128-ctr -pass pass:bench$i -nosalt 2>/dev/null > "$h/data/blob-$i.bin"; done
      seq 1 20000 > "$h/data/small.txt"
    fi
  done

  # Two repositories with some history, served by git daemon on 127.0.0.1 only.
  GIT=$REF/target/git
  if [ ! -d "$GIT/lib-b.git" ]; then
    mkdir -p "$GIT/work"
    for r in lib-a lib-b; do
      git init -q -b main "$GIT/work/$r"
      for c in 1 2 3 4 5; do
        seq 1 $((c * 20000)) | sed "s/^/$r line /" > "$GIT/work/$r/file-$c.txt"
        git -C "$GIT/work/$r" add -A && git -C "$GIT/work/$r" -c user.email=b@h.test -c user.name=bench commit -q -m "c$c"
      done
      git clone -q --bare "$GIT/work/$r" "$GIT/$r.git"
    done
  fi
  timeout 3600 git daemon --reuseaddr --listen=127.0.0.1 --port=$PORT --base-path="$PWD/$GIT" --export-all "$PWD/$GIT" &
  DAEMON=$!
}

# The goal's own time in the last plugin build (report.json: excludes Maven's start); of bench/reference unless a
# report is named.
goal_seconds() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "${1:-$REF/target/habitat/bench-reference/report.json}"; }

# What the engine's disk holds, by its own count (GET /system/df, not du of its data root): "<layers> <cache>
# <cachemounts> <volumes>" in bytes: the images' layers, the build cache records not shared with an image, of those the
# cache mounts' (type exec.cachemount: the git mirrors, the package caches), and the habitat-* volumes (docker-exec's
# git mirrors and package caches).
engine_df() {
  local sock=/var/run/docker.sock
  case "${DOCKER_HOST:-}" in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
  curl -s --unix-socket "$sock" http://engine/system/df | python3 -c '
import json, sys
df = json.load(sys.stdin)
cache = [c for c in (df.get("BuildCache") or []) if not c.get("Shared")]
vols = [v for v in (df.get("Volumes") or []) if v.get("Name", "").startswith("habitat-")]
print(df.get("LayersSize", 0), sum(c.get("Size", 0) for c in cache),
      sum(c.get("Size", 0) for c in cache if c.get("Type") == "exec.cachemount"),
      sum(max(0, (v.get("UsageData") or {}).get("Size", 0)) for v in vols))'
}
