#!/usr/bin/env bash
# Second engines for the engine matrix: Debian trixie's docker.io (Docker 26) chrooted into a cached rootfs,
# each in network and mount namespaces of its own (a dockerd in the host's network namespace takes the host
# engine's docker0 away), with its own data root, exec root, pid file and socket. Nothing of the host engine
# is touched: the engine reaches the world only through its unix socket.
#   bash .ci/engines.sh start d26-overlay2|d26-containerd|d26-nobridge   -> prints the DOCKER_HOST to use
#   bash .ci/engines.sh stop NAME
#   bash .ci/engines.sh netns NAME                          -> prints the engine's network namespace path
# Tests that serve something to a build (git servers) run inside that namespace (nsenter --net=...), where
# 127.0.0.1 is the engine's loopback too (build steps use network host there).
set -euo pipefail
log() { echo "[engines] $*" >&2; }
. "$(dirname "$0")/engine-lib.sh"
ROOTFS="$CACHE_DIR/trixie-docker"

ensure_rootfs() {
  [ -x "$ROOTFS/usr/sbin/dockerd" ] && return 0
  local mirror="" partial="$ROOTFS.partial"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  rm -rf "$partial"
  log "debootstrap trixie with docker.io into $partial (once; cached)"
  debootstrap --variant=minbase --include=docker.io,ca-certificates,iptables,iproute2 trixie "$partial" ${mirror:+"$mirror"} \
    > "$CACHE_DIR/debootstrap-trixie.log" 2>&1 || { tail -30 "$CACHE_DIR/debootstrap-trixie.log" >&2; exit 1; }
  rm -rf "$partial"/var/cache/apt/archives/*.deb "$partial"/var/lib/apt/lists/*
  mv "$partial" "$ROOTFS"
}

state() { echo "/run/habitat-$1"; }          # inside the rootfs
socket_of() { echo "$ROOTFS$(state "$1")/docker.sock"; }
pid_of() { cat "$ROOTFS$(state "$1")/dockerd.pid" 2>/dev/null; }

start() {
  local name=$1 daemon_json
  case "$name" in
    d26-overlay2) daemon_json='{}' ;;
    d26-containerd) daemon_json='{"features": {"containerd-snapshotter": true}}' ;;
    d26-nobridge) daemon_json='{"bridge": "none"}' ;;   # no default bridge network, as rootless setups often have
    *) log "unknown engine $name (d26-overlay2, d26-containerd, d26-nobridge)"; exit 2 ;;
  esac
  ensure_rootfs
  local st; st=$(state "$name")
  local sock; sock=$(socket_of "$name")
  if [ -n "$(pid_of "$name")" ] && kill -0 "$(pid_of "$name")" 2>/dev/null; then
    log "$name already running (pid $(pid_of "$name"))"
  else
    mkdir -p "$ROOTFS$st" "$ROOTFS/etc/habitat"
    rm -f "$sock" "$ROOTFS$st/dockerd.pid"
    echo "$daemon_json" > "$ROOTFS/etc/habitat/$name.json"
    # A private mount namespace: the rootfs bound onto itself (dockerd remounts / when loading images), and the
    # kernel filesystems inside it. A network namespace of its own: dockerd's bridge and iptables rules live there.
    unshare --net --mount --fork --propagation private bash -c '
      set -e
      R=$1; ST=$2; NAME=$3
      ip link set lo up
      mount --bind "$R" "$R"
      mount --rbind /proc "$R/proc"; mount --rbind /sys "$R/sys"; mount --rbind /dev "$R/dev"
      mount -t tmpfs tmpfs "$R/tmp"
      # pivot_root, not chroot: the namespace root must be the rootfs, or processes that join a container
      # later (docker exec: runc setns) land in the host root instead of the container
      mkdir -p "$R/.habitat-oldroot"
      cd "$R"
      pivot_root . .habitat-oldroot
      cd /
      umount -l /.habitat-oldroot
      # shared inside this namespace only (it was made private first), as on a systemd host where / is shared
      mount --make-rshared /
      exec /usr/sbin/dockerd --config-file "/etc/habitat/$NAME.json" \
        --data-root "/var/lib/habitat-$NAME" --exec-root "$ST/exec" --pidfile "$ST/dockerd.pid" \
        --host "unix://$ST/docker.sock"
    ' habitat-engine "$ROOTFS" "$st" "$name" > "$CACHE_DIR/$name.log" 2>&1 &
    wait_for_engine "$sock" "$CACHE_DIR/$name.log" "$name"
  fi
  load_base_image "$sock"
  log "$name: Docker $(DOCKER_HOST="unix://$sock" "$DOCKER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'),\
 store $(DOCKER_HOST="unix://$sock" "$DOCKER" info --format '{{.Driver}}')"
  echo "unix://$sock"
}

stop() {
  local name=$1 pid
  pid=$(pid_of "$name") || true
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$ROOTFS$(state "$name")/dockerd.pid" "$(socket_of "$name")"
  log "$name stopped"
}

netns() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] || { log "$1 is not running"; exit 1; }
  echo "/proc/$pid/ns/net"
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  netns) netns "$2" ;;
  *) echo "usage: $0 start|stop|netns d26-overlay2|d26-containerd|d26-nobridge" >&2; exit 2 ;;
esac
