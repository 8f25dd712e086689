#!/usr/bin/env python3
"""Generate the engine benchmark project (bench/engine.sh): N services (default 30)
in a 4-layer dependency DAG, 3 declared networks (+ the default network, used by
every fifth service), 10 named volumes, all on the local image
hoist-test/busybox:latest.

Layer 0 has no dependencies; each service of layer k > 0 depends on 1-3
services of layer k-1. Services stop at once on SIGTERM (a `trap` in sh), so
`down` measures the tool, not a 10 s stop timeout. Deterministic for a given N.

    bench/gen-engine.py [N_SERVICES=30] [SEED=1] > compose.yaml
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
LAYERS = 4
NETWORKS = ["front", "back", "data"]
VOLUMES = 10

# split n services over the layers as evenly as possible, bigger layers first
sizes = [n // LAYERS + (1 if k < n % LAYERS else 0) for k in range(LAYERS)]
layers = []
for size in sizes:
    layers.append([f"l{len(layers)}s{j}" for j in range(size)])

out = ["services:"]
idx = 0
for k, layer in enumerate(layers):
    for name in layer:
        out += [
            f"  {name}:",
            "    image: hoist-test/busybox:latest",
            "    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 3600 & wait\"]",
            "    volumes:",
            f"      - vol{idx % VOLUMES}:/data",
        ]
        if idx % 5 != 0:
            nets = sorted(rng.sample(NETWORKS, rng.randint(1, 2)))
            out += ["    networks: [" + ", ".join(nets) + "]"]
        if k > 0:
            below = layers[k - 1]
            deps = sorted(rng.sample(below, min(len(below), rng.randint(1, 3))))
            out += ["    depends_on: [" + ", ".join(deps) + "]"]
        idx += 1
out += ["networks:"] + [f"  {net}: {{}}" for net in NETWORKS]
out += ["volumes:"] + [f"  vol{j}: {{}}" for j in range(VOLUMES)]
print("\n".join(out))
