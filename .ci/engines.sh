#!/usr/bin/env bash
# Second engines for the engine matrix: Debian trixie's docker.io (Docker 26), unstable's docker.io (Docker 28) and
# podman (Podman 5) run from cached root filesystems, each in network and mount namespaces of its own (a dockerd in
# the host's network namespace takes the host engine's docker0 away), with its own data root, run state, pid file
# and socket. Nothing of the host engine is touched: the engine reaches the world only through its unix socket.
#   bash .ci/engines.sh start d26-overlay2|d26-containerd|d26-nobridge|d28-overlay2|d28-containerd|d28-containerd-b|podman5
#                                                            -> prints the DOCKER_HOST to use
#   bash .ci/engines.sh stop NAME
#   bash .ci/engines.sh netns NAME                          -> prints the engine's network namespace path
# Tests that serve something to a build (git servers) run inside that namespace (nsenter --net=...), where
# 127.0.0.1 is the engine's loopback too (build steps use network host there).
# d28-containerd-b: a second Docker 28.5 with the containerd store (another machine, multi-platform's "laptop"): it
# starts from an empty data root every time and gets no base image; the IT gives it what a laptop would have.
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
# Docker 26.1 (trixie) and Docker 28.5 with Podman 5.8 (unstable: the engines users install today). Podman 5 needs
# runc here (crun refuses this sandbox's hybrid cgroups) and nftables (netavark's firewall driver).
TRIXIE_ROOTFS="$CACHE_DIR/trixie-docker"
TRIXIE_PACKAGES=docker.io,ca-certificates,iptables,iproute2
SID_ROOTFS="$CACHE_DIR/sid-engines"
SID_PACKAGES=docker.io,containerd,runc,podman,conmon,netavark,aardvark-dns,nftables,iptables,iproute2,ca-certificates,uidmap
ensure_trixie() { ensure_rootfs trixie "$TRIXIE_ROOTFS" "$TRIXIE_PACKAGES"; }
ensure_sid() { ensure_rootfs sid "$SID_ROOTFS" "$SID_PACKAGES"; }

# the cached root an engine runs from: Docker 26 from trixie, Docker 28 and Podman 5 from unstable
rootfs_of() {
  case "$1" in
    d26-*) echo "$TRIXIE_ROOTFS" ;;
    d28-*|podman5) echo "$SID_ROOTFS" ;;
    *) log "unknown engine $1"; exit 2 ;;
  esac
}
state() { echo "/run/habitat-$1"; }          # inside the rootfs
socket_of() { echo "$(rootfs_of "$1")$(state "$1")/docker.sock"; }
pid_of() { cat "$(rootfs_of "$1")$(state "$1")/engine.pid" 2>/dev/null; }

# Podman 5's service (the engine podman5): in this sandbox crun refuses the hybrid cgroups, so runc with cgroupfs;
# no journald, so events go to a file; netavark's firewall rules through nftables; explicit ulimits (containers
# do not start without them here)
PODMAN_CONF='[containers]
default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
firewall_driver = "nftables"'

start() {
  local name=$1 command
  local ROOTFS; ROOTFS=$(rootfs_of "$name")
  local st; st=$(state "$name")
  local sock; sock=$(socket_of "$name")
  # the engine's command inside its root: its state (data root, run state, pid file, socket) of its own
  case "$name" in
    d26-overlay2|d28-overlay2|d26-containerd|d28-containerd|d28-containerd-b|d26-nobridge)
      command=(/usr/sbin/dockerd --config-file "/etc/habitat/$name.json" --data-root "/var/lib/habitat-$name"
        --exec-root "$st/exec" --pidfile "$st/dockerd.pid" --host "unix://$st/docker.sock") ;;
    podman5)
      command=(env CONTAINERS_CONF="/etc/habitat/$name.conf" CONTAINERS_REGISTRIES_CONF="/etc/habitat/$name.registries.conf" podman --root "/var/lib/habitat-$name" --runroot "$st/runroot"
        system service --time=0 "unix://$st/docker.sock") ;;
    *) log "unknown engine $name (d26-overlay2, d26-containerd, d26-nobridge, d28-overlay2, d28-containerd, d28-containerd-b, podman5)"; exit 2 ;;
  esac
  case "$name" in d26-*) ensure_trixie ;; *) ensure_sid ;; esac
  if [ -n "$(pid_of "$name")" ] && kill -0 "$(pid_of "$name")" 2>/dev/null; then
    log "$name already running (pid $(pid_of "$name"))"
  else
    mkdir -p "$ROOTFS$st" "$ROOTFS/etc/habitat"
    rm -f "$sock" "$ROOTFS$st/engine.pid"
    # a machine that has never seen a habitat: nothing kept from an earlier run (the engine is stopped, so its
    # mounts went with its mount namespace)
    [ "$name" != d28-containerd-b ] || rm -rf "$ROOTFS/var/lib/habitat-$name"
    case "$name" in
      *-overlay2) echo '{}' > "$ROOTFS/etc/habitat/$name.json" ;;
      *-containerd|*-containerd-b) echo '{"features": {"containerd-snapshotter": true}}' > "$ROOTFS/etc/habitat/$name.json" ;;
      # no default bridge network, as rootless setups often have
      d26-nobridge) echo '{"bridge": "none"}' > "$ROOTFS/etc/habitat/$name.json" ;;
      podman5) echo "$PODMAN_CONF" > "$ROOTFS/etc/habitat/$name.conf"
        # the root's registries.conf, and the tests' registries on 127.0.0.1 (any port) in plain HTTP: unlike Docker,
        # Podman treats a loopback registry as insecure only when registries.conf says so (registry-sharing)
        { cat "$ROOTFS/etc/containers/registries.conf" 2>/dev/null || true
          printf '\n[[registry]]\nlocation = "127.0.0.1"\ninsecure = true\n'; } > "$ROOTFS/etc/habitat/$name.registries.conf" ;;
    esac
    # A private mount namespace: the rootfs bound onto itself (dockerd remounts / when loading images), and the
    # kernel filesystems inside it. A network namespace of its own: the engine's bridge and firewall rules live there.
    unshare --net --mount --fork --propagation private bash -c '
      set -e
      R=$1; ST=$2; shift 2
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
      # the pid the engine will have (exec keeps it)
      echo $$ > "$ST/engine.pid"
      exec "$@"
    ' habitat-engine "$ROOTFS" "$st" "${command[@]}" > "$CACHE_DIR/$name.log" 2>&1 &
    wait_for_engine "$sock" "$CACHE_DIR/$name.log" "$name"
  fi
  [ "$name" = d28-containerd-b ] || load_base_image "$sock"
  log "$name: $(DOCKER_HOST="unix://$sock" "$DOCKER" version --format 'version {{.Server.Version}} (API {{.Server.APIVersion}})'),\
 store $(DOCKER_HOST="unix://$sock" "$DOCKER" info --format '{{.Driver}}')"
  echo "unix://$sock"
}

stop() {
  local name=$1 pid
  pid=$(pid_of "$name") || true
  [ -n "$pid" ] || return 0
  if [ "$name" = podman5 ] && kill -0 "$pid" 2>/dev/null; then
    # the containers a test left behind, by Podman itself inside the engine's namespaces (dockerd stops its own)
    nsenter -t "$pid" -m -n env CONTAINERS_CONF="/etc/habitat/$name.conf" podman --root "/var/lib/habitat-$name" \
      --runroot "$(state "$name")/runroot" rm -af -t 0 >/dev/null 2>&1 || true
  fi
  local mntns; mntns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || true
  [ "$mntns" != "$(readlink /proc/self/ns/mnt)" ] || mntns=""   # a stale pid file: never this namespace's processes
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  # what the engine left in its mount namespace (Podman's conmon monitors, a containerd dockerd started): TERM, KILL
  if [ -n "$mntns" ]; then
    for sig in TERM KILL; do
      for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mntns" ] && kill -"$sig" "${p#/proc/}" 2>/dev/null || true
      done
      sleep 1
    done
  fi
  rm -f "$(rootfs_of "$name")$(state "$name")/engine.pid" "$(socket_of "$name")"
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
  *) echo "usage: $0 start|stop|netns d26-overlay2|d26-containerd|d26-nobridge|d28-overlay2|d28-containerd|d28-containerd-b; $0 rootfs trixie|sid" >&2; exit 2 ;;
esac
