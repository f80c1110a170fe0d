#!/usr/bin/env bash
# Smoke test: `./larch run` as a real process, the way a user starts it.
# Starts a node on a free port in a temporary data dir, checks that it answers /_matrix/client/versions, sends
# SIGTERM and checks that it stops cleanly with exit code 0 and logs "stopped".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
LOG="$WORK/larch.log"
PID=""

cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "smoke: FAIL: $*" >&2
  echo "smoke: --- server output ---" >&2
  cat "$LOG" >&2 || true
  exit 1
}

# Port 0: the OS picks a free port, and the startup line says which.
"$ROOT/larch" run --data-dir "$WORK/data" --client-listen 127.0.0.1:0 --overlay-listen 127.0.0.1:0 --no-multicast >"$LOG" 2>&1 </dev/null &
PID=$!

port=""
for _ in $(seq 1 600); do   # up to 60 s, in case the launcher has to build first
  port="$(sed -n 's/.* started .*client_listen=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$LOG" | head -n 1)"
  [[ -n "$port" ]] && break
  kill -0 "$PID" 2>/dev/null || fail "server exited before it started"
  sleep 0.1
done
[[ -n "$port" ]] || fail "no startup line within 60 s"
grep -q "mode=p2p server_name=[0-9a-f]\{64\} key_id=ed25519:dendrite-demo-yggdrasil" "$LOG" \
  || fail "startup line lacks the P2P identity"

body="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/_matrix/client/versions")" || fail "GET /versions failed"
[[ "$body" == *'"v1.11"'* ]] || fail "unexpected /versions body: $body"

name="$(sed -n 's/.*mode=p2p server_name=\([0-9a-f]\{64\}\).*/\1/p' "$LOG" | head -n 1)"
pinecone="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/pinecone")" || fail "GET /pinecone failed"
[[ "$pinecone" == *"\"public_key\":\"$name\""* ]] || fail "/pinecone does not name this node's key: $pinecone"

[[ -n "$(find "$WORK/data/signing.key" -perm 600)" ]] || fail "signing.key is not mode 600"

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[[ "$rc" == 0 ]] || fail "exit code after SIGTERM was $rc, expected 0"
grep -q " stopped " "$LOG" || fail "no 'stopped' log line"

echo "smoke: ok (port $port, clean exit after SIGTERM)" >&2
