#!/usr/bin/env bash
# Builds the demo's three images (proxy, whoami, app) from fixtures/demo/*/Dockerfile.
#
# Sourced by run.sh (build_images) and run by the e2e test (crates/cli/tests/demo.rs). They are built with
# `docker build` for now; when `hoist build` lands, build_images becomes
#     "$HOIST" -f "$COMPOSE_FILE" build
# and nothing else changes. Needs the base image (demo/base-image.sh).
set -euo pipefail

DEMO_ROOT="${DEMO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
COMPOSE_FILE="${COMPOSE_FILE:-$DEMO_ROOT/fixtures/demo/compose.yaml}"

build_images() {
  local dir
  dir="$(dirname "$COMPOSE_FILE")"
  # image name <- build context, as in compose.yaml (`build:` + `image:` of each service)
  local -a images=(
    "hoist-demo/proxy:latest=$dir/proxy"
    "hoist-demo/whoami:latest=$dir/whoami"
    "hoist-demo/app:latest=$dir/app"
  )
  local entry image context log
  log="$(mktemp)"
  for entry in "${images[@]}"; do
    image="${entry%%=*}" context="${entry#*=}"
    # The legacy builder (no buildx here) prints a deprecation notice on every build: keep the output
    # for failures only. Layers are cached, so a rebuild without changes takes well under a second.
    if docker build -q -t "$image" "$context" >"$log" 2>&1; then
      echo "built $image"
    else
      cat "$log" >&2
      rm -f "$log"
      echo "error: building $image from $context failed" >&2
      return 1
    fi
  done
  rm -f "$log"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  build_images
fi
