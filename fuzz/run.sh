#!/usr/bin/env bash
# Runs the loader fuzz target for SECONDS (default 600), seeded with our invalid
# fixtures and, when present, the conformance corpus's compose files.
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
mkdir -p corpus/load
cp seeds/*.yaml corpus/load/ 2>/dev/null || true
if [ -d ../../shared/conformance/cases ]; then
  find ../../shared/conformance/cases -name '*.y*ml' -size -64k | while read -r f; do
    cp "$f" "corpus/load/$(echo "$f" | md5sum | cut -c1-16).yaml"
  done
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
RUSTC_BOOTSTRAP=1 cargo fuzz run load corpus/load -- -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096
