#!/usr/bin/env bash
# Makes sure a Docker engine answers and the offline test base image exists.
# Idempotent: every slow step is skipped when its result is already there.
#   - installs Debian's docker.io (engine 20.10, BuildKit built in), debootstrap and git when missing, and what
#     the engine matrix (.ci/matrix.sh) needs: openssl (the TLS IT's certificates), iproute2 (the second
#     engines' namespaces), podman, and for the registry IT Debian's docker-registry (distribution 2.8),
#     htpasswd (apache2-utils: the registry's bcrypt password file) and socat (the registry's forwarder into
#     a second engine's network namespace)
#   - starts dockerd when `docker info` fails
#   - builds habitat-test-base:bookworm with debootstrap + docker import when it is missing
#   - installs Debian's qemu-user-static (its binfmt handlers, registered with the fix-binary flag, let an amd64
#     engine run arm64 containers) and caches an arm64 root filesystem for the multi-platform IT,
#     $CACHE_DIR/bookworm-minbase-arm64.tar (debootstrap --arch=arm64, ~6 min once); the IT imports it with
#     platform linux/arm64 into a containerd-store engine (Docker 20.10's import ignores the platform)
set -euo pipefail

BASE_IMAGE="${HABITAT_TEST_BASE_IMAGE:-habitat-test-base:bookworm}"
CACHE_DIR="${HABITAT_CACHE_DIR:-/var/cache/habitat-test}"
DOCKER=/usr/bin/docker   # docker.io's client; the machine's /usr/local/bin/docker has no BuildKit

log() { echo "[ensure-engine] $*"; }

# bootstrap_tarball TARBALL LOG DEBOOTSTRAP-ARGS... SUITE: a minbase root file system as a tar (once; cached), from
# the Debian mirror apt is configured with (no host is named here)
bootstrap_tarball() {
  local tarball=$1 logfile=$CACHE_DIR/$2 mirror="" rootfs=$1.rootfs.partial
  shift 2
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  rm -rf "$rootfs"
  log "debootstrap --variant=minbase $* into $rootfs"
  debootstrap --variant=minbase "$@" "$rootfs" ${mirror:+"$mirror"} >"$logfile" 2>&1 || { tail -30 "$logfile"; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  rm -rf "$rootfs"
}

need_pkgs=()
[ -x /usr/sbin/dockerd ] || need_pkgs+=(docker.io)
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
command -v git >/dev/null || need_pkgs+=(git)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v ip >/dev/null || need_pkgs+=(iproute2)
command -v nsenter >/dev/null || need_pkgs+=(util-linux)
command -v podman >/dev/null || need_pkgs+=(podman)
[ -x /usr/bin/docker-registry ] || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null || need_pkgs+=(apache2-utils)
command -v socat >/dev/null || need_pkgs+=(socat)
[ -x /usr/bin/qemu-aarch64-static ] || need_pkgs+=(qemu-user-static)
# the build report is checked in a real browser (BuildReportBrowserTest): Debian's chromium and a font
command -v chromium >/dev/null || need_pkgs+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need_pkgs+=(fonts-dejavu-core)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! "$DOCKER" info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup /usr/sbin/dockerd >/var/log/habitat-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && break
    sleep 1
  done
  "$DOCKER" info >/dev/null 2>&1 || { log "dockerd did not answer; see /var/log/habitat-dockerd.log"; tail -20 /var/log/habitat-dockerd.log; exit 1; }
fi
log "engine: $("$DOCKER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"

if ! "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  mkdir -p "$CACHE_DIR"
  tarball="$CACHE_DIR/bookworm-minbase.tar"
  [ -s "$tarball" ] || bootstrap_tarball "$tarball" debootstrap.log --include=git,ca-certificates,procps bookworm
  log "importing $BASE_IMAGE"
  "$DOCKER" import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["/bin/bash"]' "$tarball" "$BASE_IMAGE" >/dev/null
fi
log "base image: $BASE_IMAGE $("$DOCKER" image inspect -f '{{.Id}}' "$BASE_IMAGE")"

# binfmt handlers for arm64: qemu-user-static's postinst registers them when binfmt_misc is mounted
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  if [ -e /proc/sys/fs/binfmt_misc/register ] && [ -r /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    # the line systemd-binfmt would write (interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P, F: fix-binary)
    cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register || log "could not register qemu-aarch64"
  fi
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && log "arm64 emulation: $(grep -E '^(interpreter|flags)' /proc/sys/fs/binfmt_misc/qemu-aarch64 | tr '\n' ' ')"

arm64_tarball="$CACHE_DIR/bookworm-minbase-arm64.tar"
if [ ! -s "$arm64_tarball" ] && [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  mkdir -p "$CACHE_DIR"
  bootstrap_tarball "$arm64_tarball" debootstrap-arm64.log --arch=arm64 --include=ca-certificates,procps bookworm
fi
[ -s "$arm64_tarball" ] && log "arm64 base tarball: $arm64_tarball"
exit 0
