#!/usr/bin/env bash
# Times `config -q` of hoist and the reference `docker compose` on the same
# generated file in one run, and prints wall time, peak RSS and the ratios.
#
#   bench/config.sh [N_SERVICES=1000] [RUNS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${2:-10}
hoist=${HOIST:-target/release/hoist}
[ -x "$hoist" ] || cargo build --release -p hoist >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 bench/gen-services.py "$n" > "$dir/compose.yaml"
echo "file: $n services, $(wc -l < "$dir/compose.yaml") lines"

# measure CMD... -> "median_ms max_rss_kib"
measure() {
  local times=() rss=0 t0 t1 r
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    /usr/bin/time -o "$dir/rss" -f '%M' "$@" config -q >/dev/null 2>&1
    r=$(tail -n1 "$dir/rss")
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
    [ "$r" -gt "$rss" ] && rss=$r
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $rss"
}

read -r h_us h_rss < <(measure "$hoist" -f "$dir/compose.yaml" -p bench)
echo "hoist:          $((h_us / 1000)).$(( (h_us % 1000) / 100 )) ms   peak RSS $((h_rss / 1024)) MiB"
if docker compose version >/dev/null 2>&1; then
  read -r d_us d_rss < <(measure docker compose -f "$dir/compose.yaml" -p bench)
  echo "docker compose: $((d_us / 1000)).$(( (d_us % 1000) / 100 )) ms   peak RSS $((d_rss / 1024)) MiB"
  awk -v h="$h_us" -v d="$d_us" -v hr="$h_rss" -v dr="$d_rss" \
    'BEGIN { printf "ratio hoist/compose: time %.3f, memory %.3f (compose is %.1fx slower)\n", h/d, hr/dr, d/h }'
else
  echo "docker compose not installed: no ratio (run ../shared/tools/install-reference-compose.sh)"
fi
