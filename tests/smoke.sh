#!/usr/bin/env bash
# Smoke test: `./larch run` as a real process, the way a user starts it.
# Starts a node on a free port in a temporary data dir, checks that it answers /_matrix/client/versions, registers
# a user and sends messages, kills it with SIGKILL right after the last 200, starts it again on the same data dir and
# finds every acknowledged message, then sends SIGTERM and checks that it stops cleanly with exit code 0, logs
# "stopped" and leaves H2's commit journal empty.
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
start() {
  : >"$LOG"
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
}

client() { # METHOD PATH [BODY]: the response body; fails the test on a non-2xx answer
  curl -fsS --max-time 30 -X "$1" -H "Authorization: Bearer ${token:-}" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://127.0.0.1:$port$2"
}

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

start
grep -q "mode=p2p server_name=[0-9a-f]\{64\} key_id=ed25519:dendrite-demo-yggdrasil" "$LOG" \
  || fail "startup line lacks the P2P identity"

body="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/_matrix/client/versions")" || fail "GET /versions failed"
[[ "$body" == *'"v1.11"'* ]] || fail "unexpected /versions body: $body"

name="$(sed -n 's/.*mode=p2p server_name=\([0-9a-f]\{64\}\).*/\1/p' "$LOG" | head -n 1)"
pinecone="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/pinecone")" || fail "GET /pinecone failed"
[[ "$pinecone" == *"\"public_key\":\"$name\""* ]] || fail "/pinecone does not name this node's key: $pinecone"

[[ -n "$(find "$WORK/data/signing.key" -perm 600)" ]] || fail "signing.key is not mode 600"

# Acknowledged writes survive kill -9: the last message's 200 comes just before the kill.
token="$(client POST /_matrix/client/v3/register \
  '{"username":"smoke","password":"smoke-password-1","auth":{"type":"m.login.dummy"}}' | json_field access_token)" \
  || fail "register failed"
room="$(client POST /_matrix/client/v3/createRoom '{"name":"smoke"}' | json_field room_id)" || fail "createRoom failed"
for i in $(seq 1 20); do
  client PUT "/_matrix/client/v3/rooms/$room/send/m.room.message/txn$i" "{\"msgtype\":\"m.text\",\"body\":\"smoke $i\"}" \
    >/dev/null || fail "send $i failed"
done
kill -KILL "$PID"
wait "$PID" 2>/dev/null || true
start
history="$(client GET "/_matrix/client/v3/rooms/$room/messages?dir=b&limit=30")" || fail "/messages after restart failed"
for i in $(seq 1 20); do
  [[ "$history" == *"\"smoke $i\""* ]] || fail "message $i was acknowledged before kill -9 but is gone after restart"
done

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[[ "$rc" == 0 ]] || fail "exit code after SIGTERM was $rc, expected 0"
grep -q " stopped " "$LOG" || fail "no 'stopped' log line"
[[ ! -s "$WORK/data/larch.journal" ]] || fail "the commit journal is not empty after a clean stop"

echo "smoke: ok (port $port, 20 acknowledged messages kept across kill -9, clean exit after SIGTERM)" >&2
