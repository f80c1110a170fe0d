#!/usr/bin/env bash
# Builds our Go sessions peer (main.go here) against github.com/matrix-org/pinecone at the commit Dendrite pins, in a
# throwaway module outside the repository, and prints the binary's path. Nothing of Pinecone or quic-go enters the
# repository: their source lands in the Go module cache only.
#
# Usage: build.sh resolved   -> quic-go as the Pinecone module resolves it (v0.37.4); when that does not build with
#                               this machine's Go, prints "FALLBACK <why>" on stderr and requires v0.48.2 instead
#        build.sh v0.48.2    -> quic-go pinned to that version (what Dendrite 0.15.x builds resolve)
# Idempotent: an existing binary newer than main.go and this script is reused. Needs `go` (PATH or /usr/local/go).
set -euo pipefail

readonly PSEUDO_VERSION="v0.11.1-0.20230810010612-ea4c33717fd7" # = commit ea4c33717fd74ef7d6f49490625a0fa10e3f5bbc
readonly HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly WANT="${1:-resolved}"
readonly OUT="${LARCH_TOOLS:-$HOME/.cache/larch-tools}/pinecone-ea4c337/sessionpeer-$WANT"

if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  else
    echo "sessionpeer build: no Go toolchain on PATH" >&2
    exit 3
  fi
fi
export GOFLAGS=-mod=mod
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" # never download another toolchain behind our back

bin="$OUT/sessionpeer"
if [[ -x "$bin" && "$bin" -nt "$HERE/main.go" && "$bin" -nt "$HERE/build.sh" ]]; then
  echo "$bin"
  exit 0
fi
rm -rf "$OUT/module"
mkdir -p "$OUT/module"
cd "$OUT/module"
cat >go.mod <<MOD
module larch.dev/sessionpeer

go 1.21

require github.com/matrix-org/pinecone $PSEUDO_VERSION
MOD
cp "$HERE/main.go" main.go

if [[ "$WANT" != resolved ]]; then
  go get "github.com/quic-go/quic-go@$WANT" >&2
fi
go mod tidy >&2
if ! go build -o "$bin.tmp" . >"$OUT/build.log" 2>&1; then
  if [[ "$WANT" != resolved ]]; then
    cat "$OUT/build.log" >&2
    exit 1
  fi
  echo "FALLBACK quic-go $(go list -m -f '{{.Version}}' github.com/quic-go/quic-go) does not build with $(go version): $(grep -m1 -v '^#' "$OUT/build.log")" >&2
  go get github.com/quic-go/quic-go@v0.48.2 >&2
  go mod tidy >&2
  go build -o "$bin.tmp" . >&2
fi
go list -m -f '{{.Path}} {{.Version}}' github.com/quic-go/quic-go >"$OUT/quic-go.version"
mv "$bin.tmp" "$bin"
echo "$bin"
