#!/usr/bin/env bash
# Times hoist and the reference `docker compose` against the Docker engine in one
# run, on the project of bench/gen-engine.py (30 services in a 4-layer DAG, 3
# networks + default, 10 volumes, image hoist-test/busybox:latest, built here
# when missing; nothing is pulled). Each run does, per tool and with its own
# project name: cold `up -d` (from nothing), no-op `up -d` (all up already),
# `down -v`. Tools alternate which goes first. Prints medians, minima, the
# ratio hoist/compose of the medians against the targets, and failures: a
# failed command is still timed, counted, and its last stderr kept; leftovers
# are removed (untimed) before the next run.
#
#   bench/engine.sh [RUNS=5] [N_SERVICES=30]
#   HOIST=/path/to/hoist bench/engine.sh     (default: target/release/hoist)
#   KEEP=1 keeps the work directory (logs of every command) and prints its path.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${1:-5}
n=${2:-30}
hoist=${HOIST:-target/release/hoist}
case $hoist in /*) ;; *) hoist="$root/$hoist" ;; esac
image=hoist-test/busybox:latest
if [ ! -x "$hoist" ]; then
  echo "no hoist binary at $hoist: cargo build --release -p hoist (or set HOIST=)" >&2
  exit 2
fi
docker compose version >/dev/null 2>&1 || { echo "docker compose is not installed" >&2; exit 2; }

dir=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "work directory: $dir"; else trap 'rm -rf "$dir"' EXIT; fi

# --- the image: FROM scratch + a static busybox (never pulled) ----------------
if ! docker image inspect "$image" >/dev/null 2>&1; then
  static() { [ -x "$1" ] && LC_ALL=C ldd "$1" 2>&1 | grep -q 'not a dynamic executable'; }
  bb=
  for c in "$(command -v busybox)" /bin/busybox /usr/bin/busybox; do
    if static "$c"; then bb=$c; break; fi
  done
  if [ -z "$bb" ]; then
    echo "building $image needs a static busybox: apt-get install busybox-static" >&2
    exit 2
  fi
  mkdir "$dir/img" && cp "$bb" "$dir/img/busybox"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCMD ["sh"]\n' \
    > "$dir/img/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "${image%:latest}" "$dir/img" >/dev/null || exit 2
fi

mkdir "$dir/p" && python3 bench/gen-engine.py "$n" > "$dir/p/compose.yaml"
cd "$dir/p"
echo "project: $n services, $(docker compose -f compose.yaml config --networks | wc -l) networks," \
  "$(docker compose -f compose.yaml config --volumes | wc -l) volumes; $runs runs per tool"
echo "hoist: $hoist ($("$hoist" version 2>/dev/null | head -n1))"
echo "compose: $(docker compose version --short)"

hoist_cmd() { "$hoist" -f compose.yaml -p bench-hoist "$@"; }
compose_cmd() { docker compose -f compose.yaml -p bench-compose "$@"; }
project_of() { case $1 in hoist) echo bench-hoist ;; compose) echo bench-compose ;; esac; }

# everything labelled with the project, removed without timing
cleanup() {
  local f="label=com.docker.compose.project=$1"
  docker ps -aq --filter "$f" | xargs -r docker rm -fv >/dev/null 2>&1
  docker network ls -q --filter "$f" | xargs -r docker network rm >/dev/null 2>&1
  docker volume ls -q --filter "$f" | xargs -r docker volume rm >/dev/null 2>&1
}
leftovers() {
  local f="label=com.docker.compose.project=$1"
  echo "$(docker ps -aq --filter "$f" | wc -l) containers," \
    "$(docker network ls -q --filter "$f" | wc -l) networks," \
    "$(docker volume ls -q --filter "$f" | wc -l) volumes"
}
running() { docker ps -q --filter "label=com.docker.compose.project=$1" --filter status=running | wc -l; }

declare -A times fails notes
# timed TOOL PHASE ARGS... : appends ms to times[TOOL.PHASE]; counts a failure
timed() {
  local tool=$1 phase=$2 t0 t1 rc
  shift 2
  t0=$(date +%s%N)
  "${tool}_cmd" "$@" >"$dir/out" 2>"$dir/err"
  rc=$?
  t1=$(date +%s%N)
  times[$tool.$phase]+="$(( (t1 - t0) / 1000000 )) "
  if [ $rc -ne 0 ]; then
    fails[$tool.$phase]=$(( ${fails[$tool.$phase]:-0} + 1 ))
    notes[$tool.$phase]="exit $rc: $(grep -v '^ *[✔⠿]' "$dir/err" | tail -n 2 | tr '\n' ' ' | cut -c1-300)"
  fi
  [ -n "${KEEP:-}" ] && cp "$dir/err" "$dir/$tool.$phase.$run.err"
  return 0
}
note() { notes[$1.$2]="${notes[$1.$2]:+${notes[$1.$2]}; }$3"; fails[$1.$2]=$(( ${fails[$1.$2]:-0} + 1 )); }

for t in hoist compose; do cleanup "$(project_of $t)"; done
for run in $(seq "$runs"); do
  if [ $((run % 2)) -eq 1 ]; then order="hoist compose"; else order="compose hoist"; fi
  for t in $order; do
    p=$(project_of $t)
    timed "$t" cold up -d
    r=$(running "$p"); [ "$r" -eq "$n" ] || note "$t" cold "run $run: $r/$n running after up"
    timed "$t" noop up -d
    r=$(running "$p"); [ "$r" -eq "$n" ] || note "$t" noop "run $run: $r/$n running after up"
    timed "$t" down down -v
    l=$(leftovers "$p")
    [ "$l" = "0 containers, 0 networks, 0 volumes" ] || { notes[$t.down]+=" (left: $l)"; cleanup "$p"; }
  done
  printf '.' >&2
done
echo >&2

# stats "ms ms ms" -> "median min"
stats() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1]}'; }

printf '\n%-6s %16s %18s %7s %7s  %s\n' phase "hoist med (min)" "compose med (min)" ratio target "failures hoist/compose"
for phase in cold noop down; do
  case $phase in cold) target=0.70 ;; noop) target=0.25 ;; down) target=0.60 ;; esac
  read -r hm hn < <(stats "${times[hoist.$phase]}")
  read -r cm cn < <(stats "${times[compose.$phase]}")
  ratio=$(awk -v h="$hm" -v c="$cm" 'BEGIN { printf "%.2f", h / c }')
  ok=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t) ? "ok" : "MISS" }')
  printf '%-6s %9s (%4s) %11s (%4s) %7s %7s  %s/%s %s\n' "$phase" "$hm ms" "$hn" "$cm ms" "$cn" "$ratio" \
    "≤ $target" "${fails[hoist.$phase]:-0}" "${fails[compose.$phase]:-0}" "$ok"
done
for k in hoist.cold hoist.noop hoist.down compose.cold compose.noop compose.down; do
  [ -n "${notes[$k]:-}" ] && echo "$k: ${notes[$k]}"
done
echo "raw ms: $(for k in hoist.cold compose.cold hoist.noop compose.noop hoist.down compose.down; do printf '%s=[%s] ' "$k" "${times[$k]% }"; done)"
exit 0
