#!/usr/bin/env bash
# A throwaway image registry on loopback for the pull/push tests
# (crates/cli/tests/registry.rs): Debian's `docker-registry` (distribution 2.8)
# serving plain HTTP on 127.0.0.1:PORT, with its storage and config in DIR.
# The Docker engine trusts 127.0.0.0/8 registries over HTTP without any setup.
#
#   tests/registry.sh start PORT DIR [HTPASSWD]  # returns once /v2/ answers
#   tests/registry.sh stop PORT DIR              # stops the one started with that DIR
#
# With HTPASSWD (a file of bcrypt entries, `htpasswd -Bbn user password`) the
# registry requires a login (basic auth, realm "hoist-test"), for the
# credential tests (crates/cli/tests/connect.rs).
#
# It never touches the systemd service the package installs.
set -euo pipefail

usage() { echo "usage: $0 start|stop PORT DIR" >&2; exit 2; }
[ $# -eq 3 ] || [ $# -eq 4 ] || usage
cmd=$1 port=$2 dir=$3 htpasswd=${4:-}
case $port in '' | *[!0-9]*) usage ;; esac

pidfile=$dir/registry.pid

start() {
  command -v docker-registry >/dev/null 2>&1 || {
    echo "docker-registry is not installed (apt-get install docker-registry)" >&2
    exit 3
  }
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  # One instance, no load balancer: a fixed secret only quiets the warning.
  secret: hoist-test-registry
CONFIG
  if [ -n "$htpasswd" ]; then
    cat >>"$dir/config.yml" <<CONFIG
auth:
  htpasswd:
    realm: hoist-test
    path: $htpasswd
CONFIG
  fi
  # setsid: the registry outlives this script and is not in the caller's
  # process group (a test harness's Ctrl-C is handled by its drop guard).
  setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    # 200, or 401 when it requires a login: either way it answers.
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" 2>/dev/null || true)
    if [ "$code" = 200 ] || [ "$code" = 401 ]; then
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "docker-registry exited:" >&2
      cat "$dir/registry.log" >&2
      rm -f "$pidfile"
      exit 1
    fi
    sleep 0.1
  done
  echo "docker-registry did not answer on 127.0.0.1:$port:" >&2
  cat "$dir/registry.log" >&2
  stop
  exit 1
}

stop() {
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
