#!/usr/bin/env bash
# Builds the demo's only base image, hoist-demo/debian:bookworm, from Debian's package mirror.
#
# No image registry is reachable where the demo runs (CI, air-gapped machines), but deb.debian.org is:
# debootstrap a minimal bookworm rootfs with python3 + flask (app, whoami) and nginx-light (proxy),
# strip what containers never use, and `docker import` it. Idempotent: does nothing when the image
# already exists (FORCE=1 rebuilds). Needs root (or sudo) for debootstrap.
set -euo pipefail

IMAGE="${HOIST_DEMO_BASE_IMAGE:-hoist-demo/debian:bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
INCLUDE=python3,python3-flask,nginx-light,ca-certificates
# Not needed in a container and pulled in by minbase/Priority: required; excluding them saves time and MB.
# (Only packages nothing in INCLUDE depends on — debootstrap does not resolve exclusions.)
EXCLUDE="${DEMO_EXCLUDE:-e2fsprogs,libext2fs2,libss2,logsave,mount,util-linux-extra}"

if [[ "${FORCE:-0}" != 1 ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE already exists (FORCE=1 to rebuild)"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || { echo "error: debootstrap needs root; run as root or install sudo" >&2; exit 1; }
  SUDO=sudo
fi

start=$SECONDS
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "installing debootstrap…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

rootfs="$(mktemp -d "${TMPDIR:-/tmp}/hoist-demo-rootfs.XXXXXX")"
cleanup() { $SUDO rm -rf --one-file-system "$rootfs"; }
trap cleanup EXIT

echo "debootstrap $SUITE ($INCLUDE) from $MIRROR…"
# minbase (apt + essentials only) keeps the download small; the packages above pull what they need.
if ! $SUDO debootstrap --variant=minbase --include="$INCLUDE" --exclude="$EXCLUDE" \
      "$SUITE" "$rootfs" "$MIRROR" >"$rootfs.log" 2>&1; then
  tail -n 40 "$rootfs.log" >&2
  [[ -f "$rootfs/debootstrap/debootstrap.log" ]] && tail -n 40 "$rootfs/debootstrap/debootstrap.log" >&2
  rm -f "$rootfs.log"
  echo "error: debootstrap failed" >&2
  exit 1
fi
rm -f "$rootfs.log"

# Slim it: caches, package lists, docs, man pages, locales (the image is only ever run, never apt-ed into).
$SUDO rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
  "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log \
  "$rootfs"/var/log/apt/* "$rootfs"/debootstrap
# nginx runs in the foreground as the container's process and logs to the container's stdout/stderr.
$SUDO ln -sf /dev/stdout "$rootfs/var/log/nginx/access.log"
$SUDO ln -sf /dev/stderr "$rootfs/var/log/nginx/error.log"
$SUDO rm -f "$rootfs"/etc/nginx/sites-enabled/default

echo "importing as $IMAGE…"
$SUDO tar -C "$rootfs" --numeric-owner -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV LANG=C.UTF-8' \
  -c 'ENV PYTHONUNBUFFERED=1' \
  -c 'CMD ["/bin/bash"]' \
  -m "debootstrap --variant=minbase $SUITE + $INCLUDE (hoist demo)" \
  - "$IMAGE" >/dev/null
echo "built $IMAGE in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
