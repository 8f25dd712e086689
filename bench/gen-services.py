#!/usr/bin/env python3
"""Generate a compose file with N services (default 1000) exercising common attributes.

Used by bench/config.sh and the criterion bench; deterministic for a given N.
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
out = ["name: bench", "services:"]
for i in range(n):
    out += [
        f"  svc{i}:",
        f"    image: registry.example/app{i % 7}:${{TAG:-1.{i % 5}}}",
        f"    command: [\"serve\", \"--port\", \"{8000 + i}\"]",
        "    environment:",
        f"      - MODE=prod",
        f"      - INDEX={i}",
        f"      - PEER=svc{(i + 1) % n}",
        "    labels:",
        f"      com.example.tier: \"{i % 3}\"",
        "    ports:",
        f"      - \"{20000 + i}:{8000 + i}\"",
        "    volumes:",
        f"      - data{i % 10}:/data",
        f"      - ./conf/{i}:/etc/app:ro",
        "    networks: [front, back]",
        "    healthcheck:",
        "      test: [\"CMD\", \"true\"]",
        "      interval: 10s",
        "      retries: 3",
        "    deploy:",
        "      resources:",
        "        limits:",
        "          memory: 256m",
    ]
    if i > 0:
        out += ["    depends_on:", f"      - svc{i - 1}" if i % 4 else f"      - svc{i // 2}"]
out += ["networks:", "  front: {}", "  back: {}", "volumes:"]
out += [f"  data{j}: {{}}" for j in range(10)]
print("\n".join(out))
