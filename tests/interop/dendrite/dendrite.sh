#!/usr/bin/env bash
# Runs a real Dendrite P2P node (dendrite-demo-pinecone v0.13.8, built by scripts/build-dendrite.sh) for interop tests.
#
#   dendrite.sh bin                                  build if needed; print the binary's path
#   dendrite.sh netns CMD [ARG...]                   run CMD in a fresh network namespace with only `lo` (up)
#   dendrite.sh start --dir DIR --port P [--peer PEER]... [--name NAME]
#                                                    start a node in the background; print its 64-hex server name
#   dendrite.sh stop --dir DIR                       SIGTERM it (SIGKILL after 10 s)
#
# `start` refuses to run outside a loopback-only namespace: the demo binds its client port on all interfaces, always
# starts LAN multicast discovery (it has no flag to turn it off) and dials whatever it hears. In a namespace whose
# only interface is `lo` (no MULTICAST flag) it finds nobody, and it can reach only what runs in the same namespace,
# so Larch and the test client must run there too: wrap the whole test in `dendrite.sh netns`.
# `--peer` is a Pinecone static peer: `host:port` (plain TCP; *not* tcp://host:port) or `ws://host:port/ws`. The
# demo's own `-listen` flag is not offered: v0.13.8 never opens that listener (p2p-federation.md 3.3). Inbound
# peerings reach the demo only through ws://127.0.0.1:P/ws.
# Files in DIR: the key dendrite.pem (so the server name survives a restart), SQLite databases, JetStream, media,
# search index, dendrite.log (its stdout and stderr), dendrite.pid.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"

die() { echo "dendrite.sh: $*" >&2; exit 1; }

binary() {
  if [[ -n "${DENDRITE_BIN:-}" ]]; then
    [[ -x "$DENDRITE_BIN" ]] || die "DENDRITE_BIN=$DENDRITE_BIN is not executable"
    echo "$DENDRITE_BIN"
  else
    "$ROOT/scripts/build-dendrite.sh"
  fi
}

interfaces() { # of this network namespace (/sys/class/net would show the host's unless sysfs is remounted)
  tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' '
}

loopback_only() { [[ "$(interfaces)" == "lo " ]]; }

netns() {
  (($#)) || die "netns: no command"
  local flags=(-n)
  # Unprivileged: a user namespace first (we are mapped to root inside it, which may configure its own `lo`).
  [[ "$(id -u)" == 0 ]] || flags=(-r -n)
  # `ip` when present; otherwise nothing brings lo up and the caller's first connect fails loudly.
  exec unshare "${flags[@]}" -- bash -c 'ip link set lo up && exec "$@"' netns "$@"
}

wait_up() { # port pid log
  local i
  for i in $(seq 1 300); do # 30 s
    if curl -fsS --max-time 1 "http://127.0.0.1:$1/_dendrite/monitor/up" >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || { tail -n 30 "$3" >&2; die "dendrite exited before it came up"; }
    sleep 0.1
  done
  tail -n 30 "$3" >&2
  die "dendrite did not answer /_dendrite/monitor/up on port $1 within 30 s"
}

start() {
  local dir="" port="" name="dendrite" peers=()
  while (($#)); do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      --port) port="$2"; shift 2 ;;
      --peer) peers+=("$2"); shift 2 ;;
      --name) name="$2"; shift 2 ;;
      *) die "start: unknown flag $1" ;;
    esac
  done
  [[ -n "$dir" && -n "$port" ]] || die "start: --dir and --port are required"
  loopback_only || die "start: not in a loopback-only network namespace (interfaces: $(interfaces)); use: $0 netns <test command>"
  local bin
  bin="$(binary)" || die "no dendrite-demo-pinecone binary"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [[ -f "$dir/dendrite.pid" ]] && kill -0 "$(cat "$dir/dendrite.pid")" 2>/dev/null; then
    die "start: already running in $dir (pid $(cat "$dir/dendrite.pid"))"
  fi
  local args=(-dir "$dir" -name "$name" -port "$port")
  if ((${#peers[@]})); then
    args+=(-peer "$(IFS=,; echo "${peers[*]}")")
  fi
  # The working directory matters: the demo looks for a legacy key file `<name>.key` in it.
  (cd "$dir" && exec "$bin" "${args[@]}" >>"$dir/dendrite.log" 2>&1 </dev/null) &
  local pid=$!
  echo "$pid" >"$dir/dendrite.pid"
  wait_up "$port" "$pid" "$dir/dendrite.log"
  # "Router identity: <hex>" is logged before the HTTP server starts.
  local key
  key="$(sed -n 's/.*Router identity: \([0-9a-f]\{64\}\).*/\1/p' "$dir/dendrite.log" | tail -n 1)"
  [[ -n "$key" ]] || die "no 'Router identity' line in $dir/dendrite.log"
  echo "$key"
}

stop() {
  local dir=""
  while (($#)); do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      *) die "stop: unknown flag $1" ;;
    esac
  done
  [[ -n "$dir" ]] || die "stop: --dir is required"
  [[ -f "$dir/dendrite.pid" ]] || return 0
  local pid i
  pid="$(cat "$dir/dendrite.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/dendrite.pid"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  bin) binary ;;
  netns) netns "$@" ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
