#!/usr/bin/env bash
# Builds hoist-test/dind: a Docker engine (Debian's docker.io) in a container, for the Swarm tests'
# nodes, FROM the demo's local Debian image (demo/base-image.sh); no registry is needed.
set -euo pipefail
TAG="${1:-hoist-test/dind:latest}"
docker image inspect "$TAG" >/dev/null 2>&1 && exit 0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/demo/base-image.sh" >/dev/null
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM hoist-demo/debian:bookworm
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
VOLUME /var/lib/docker
ENTRYPOINT ["dockerd", "--host=unix:///run/docker.sock", "--host=tcp://0.0.0.0:2375", "--tls=false"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$TAG" "$ctx" >/dev/null
echo "built $TAG"
