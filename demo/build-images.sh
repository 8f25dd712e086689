#!/usr/bin/env bash
# Builds the demo images (whoami, app; Traefik comes from demo/traefik-image.sh) from fixtures/demo/*/Dockerfile.
#
# Sourced by run.sh (build_images): `hoist build` on the demo's compose file. Needs the base image
# (demo/base-image.sh) and HOIST (a hoist binary).
set -euo pipefail

DEMO_ROOT="${DEMO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
COMPOSE_FILE="${COMPOSE_FILE:-$DEMO_ROOT/fixtures/demo/compose.yaml}"

build_images() {
  "${HOIST:?set HOIST to a hoist binary}" -f "$COMPOSE_FILE" build -q
  echo "built the demo images with hoist build"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  build_images
fi
