#!/usr/bin/env bash
# Stops the demo started by demo/run.sh: containers and network (the images stay, for a fast restart;
# remove them with `docker image rm hoist-demo/traefik:v3.7.15 hoist-demo/whoami hoist-demo/app hoist-demo/debian:bookworm`).
set -euo pipefail
DEMO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$DEMO_ROOT"
HOIST="${HOIST:-${CARGO_TARGET_DIR:-$DEMO_ROOT/target}/release/hoist}"
if [[ ! -x "$HOIST" ]]; then
  echo "no hoist binary at $HOIST; set HOIST=/path/to/hoist (or use docker compose -p hoist-demo down)" >&2
  exit 1
fi
"$HOIST" -f fixtures/demo/compose.yaml down "$@"
