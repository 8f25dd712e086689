#!/usr/bin/env bash
# Loading a project split over 20 files (-f a -f b ...) against the same services
# in one file: prints both times and the per-service ratio (target: <= 2x).
#
#   bench/multi-file.sh [SERVICES=1000] [FILES=20] [RUNS=7]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
files=${2:-20}
runs=${3:-7}
hoist=${HOIST:-target/release/hoist}
[ -x "$hoist" ] || cargo build --release -p hoist >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 bench/gen-services.py "$n" > "$dir/single.yaml"
# split: the first file keeps the top-level networks/volumes, each file a slice of services
python3 - "$dir" "$n" "$files" <<'PY'
import sys, re
d, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
text = open(f"{d}/single.yaml").read()
head, rest = text.split("services:\n", 1)
svc_part, tail = rest.split("\nnetworks:\n", 1)
blocks = re.split(r"\n(?=  svc\d+:\n)", svc_part)
per = (len(blocks) + k - 1) // k
for i in range(k):
    chunk = blocks[i * per:(i + 1) * per]
    body = "services:\n" + "\n".join(chunk) + "\n"
    if i == 0:
        body = head + body + "networks:\n" + tail
    open(f"{d}/part{i:02}.yaml", "w").write(body)
PY
args=()
for f in "$dir"/part*.yaml; do args+=(-f "$f"); done

best() {
  local best=999999999 t0 t1
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    (( (t1 - t0) / 1000 < best )) && best=$(( (t1 - t0) / 1000 ))
  done
  echo "$best"
}
single=$(best "$hoist" -p bench -f "$dir/single.yaml" config -q)
multi=$(best "$hoist" -p bench "${args[@]}" config -q)
echo "one file:  $n services in $((single / 1000)) ms"
echo "$files files: $n services in $((multi / 1000)) ms"
awk -v s="$single" -v m="$multi" 'BEGIN { printf "per-service ratio (multi/single): %.2f (target <= 2)\n", m/s }'
