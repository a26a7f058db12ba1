#!/usr/bin/env bash
# Second engines for the engine matrix: Debian trixie's docker.io (Docker 26) and unstable's (Docker 28) run from
# cached root filesystems,
# each in network and mount namespaces of its own (a dockerd in the host's network namespace takes the host
# engine's docker0 away), with its own data root, exec root, pid file and socket. Nothing of the host engine
# is touched: the engine reaches the world only through its unix socket.
#   bash .ci/engines.sh start d26-overlay2|d26-containerd|d26-nobridge|d28-overlay2|d28-containerd
#                                                            -> prints the DOCKER_HOST to use
#   bash .ci/engines.sh stop NAME
#   bash .ci/engines.sh netns NAME                          -> prints the engine's network namespace path
# Tests that serve something to a build (git servers) run inside that namespace (nsenter --net=...), where
# 127.0.0.1 is the engine's loopback too (build steps use network host there).
set -euo pipefail
log() { echo "[engines] $*" >&2; }
. "$(dirname "$0")/engine-lib.sh"

# ensure_rootfs SUITE DIR PACKAGES: a Debian SUITE debootstrapped (minbase + PACKAGES, comma-separated) into DIR,
# once; later runs find it cached
ensure_rootfs() {
  local suite=$1 dir=$2 packages=$3 mirror="" partial="$2.partial"
  [ -f "$dir/.habitat-complete" ] && return 0
  [ "$suite" = trixie ] && [ -x "$dir/usr/sbin/dockerd" ] && return 0   # built before the marker existed
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  rm -rf "$partial"
  log "debootstrap $suite with $packages into $partial (once; cached)"
  debootstrap --variant=minbase --include="$packages" "$suite" "$partial" ${mirror:+"$mirror"} \
    > "$CACHE_DIR/debootstrap-$suite.log" 2>&1 || { tail -30 "$CACHE_DIR/debootstrap-$suite.log" >&2; exit 1; }
  rm -rf "$partial"/var/cache/apt/archives/*.deb "$partial"/var/lib/apt/lists/*
  touch "$partial/.habitat-complete"
  mv "$partial" "$dir"
}
# Docker 26.1 (trixie) and Docker 28.5 with Podman 5.8 (unstable: the engines users install today). Podman's
# service runs from the unstable rootfs too (podman.sh); in this sandbox it needs runc (crun refuses the hybrid
# cgroups) and nftables (netavark's firewall driver).
TRIXIE_ROOTFS="$CACHE_DIR/trixie-docker"
TRIXIE_PACKAGES=docker.io,ca-certificates,iptables,iproute2
SID_ROOTFS="$CACHE_DIR/sid-engines"
SID_PACKAGES=docker.io,containerd,runc,podman,conmon,netavark,aardvark-dns,nftables,iptables,iproute2,ca-certificates,uidmap
ensure_trixie() { ensure_rootfs trixie "$TRIXIE_ROOTFS" "$TRIXIE_PACKAGES"; }
ensure_sid() { ensure_rootfs sid "$SID_ROOTFS" "$SID_PACKAGES"; }

# the cached root an engine runs from: Docker 26 from trixie, Docker 28 from unstable
rootfs_of() {
  case "$1" in
    d26-*) echo "$TRIXIE_ROOTFS" ;;
    d28-*) echo "$SID_ROOTFS" ;;
    *) log "unknown engine $1"; exit 2 ;;
  esac
}
state() { echo "/run/habitat-$1"; }          # inside the rootfs
socket_of() { echo "$(rootfs_of "$1")$(state "$1")/docker.sock"; }
pid_of() { cat "$(rootfs_of "$1")$(state "$1")/dockerd.pid" 2>/dev/null; }

start() {
  local name=$1 daemon_json
  case "$name" in
    d26-overlay2|d28-overlay2) daemon_json='{}' ;;
    d26-containerd|d28-containerd) daemon_json='{"features": {"containerd-snapshotter": true}}' ;;
    d26-nobridge) daemon_json='{"bridge": "none"}' ;;   # no default bridge network, as rootless setups often have
    *) log "unknown engine $name (d26-overlay2, d26-containerd, d26-nobridge, d28-overlay2, d28-containerd)"; exit 2 ;;
  esac
  local ROOTFS; ROOTFS=$(rootfs_of "$name")
  case "$name" in d26-*) ensure_trixie ;; d28-*) ensure_sid ;; esac
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
  rm -f "$(rootfs_of "$name")$(state "$name")/dockerd.pid" "$(socket_of "$name")"
  log "$name stopped"
}

netns() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] || { log "$1 is not running"; exit 1; }
  echo "/proc/$pid/ns/net"
}

case "${1:-}" in
  rootfs) case "$2" in trixie) ensure_trixie ;; sid) ensure_sid ;; *) exit 2 ;; esac ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  netns) netns "$2" ;;
  *) echo "usage: $0 start|stop|netns d26-overlay2|d26-containerd|d26-nobridge|d28-overlay2|d28-containerd; $0 rootfs trixie|sid" >&2; exit 2 ;;
esac
