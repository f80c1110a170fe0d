#!/usr/bin/env bash
# Builds the Go reference Pinecone node (cmd/pinecone) and our traffic peer (overlay/src/test/go/trafficpeer) at the
# commit Dendrite pins, into a cache folder outside the repository, and prints the path of cmd/pinecone's binary.
#
# Why a throwaway module: the Go module proxy refuses `go install …@<raw commit hash>`, but it serves the
# pseudo-version of that commit. Never the v0.11.0 tag (it numbers frame types 3/4 the other way round).
# Nothing of Pinecone's source is written into this repository: it lands in the Go module cache only.
#
# Usage: scripts/build-go-pinecone.sh            -> prints .../bin/pinecone
#        scripts/build-go-pinecone.sh trafficpeer -> prints .../bin/trafficpeer
# Idempotent: an existing binary newer than its inputs is reused. Needs `go` on PATH (or in /usr/local/go/bin).
set -euo pipefail

readonly PSEUDO_VERSION="v0.11.1-0.20230810010612-ea4c33717fd7" # = commit ea4c33717fd74ef7d6f49490625a0fa10e3f5bbc
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly TRAFFIC_SRC="$REPO_ROOT/overlay/src/test/go/trafficpeer/main.go"
readonly OUT="${LARCH_TOOLS:-$HOME/.cache/larch-tools}/pinecone-ea4c337"
readonly WANT="${1:-pinecone}"

case "$WANT" in
  pinecone|trafficpeer) ;;
  *) echo "usage: $0 [pinecone|trafficpeer]" >&2; exit 2 ;;
esac

if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  else
    echo "build-go-pinecone: no Go toolchain on PATH" >&2
    exit 3
  fi
fi

export GOFLAGS=-mod=mod
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" # never download another toolchain behind our back
mkdir -p "$OUT/bin" "$OUT/module/trafficpeer"

# The throwaway module: only a go.mod pinning the pseudo-version, plus a copy of our own traffic peer.
cd "$OUT/module"
if [[ ! -f go.mod ]] || ! grep -q "$PSEUDO_VERSION" go.mod; then
  rm -f go.mod go.sum
  cat >go.mod <<EOF
module larch.dev/pinecone-interop

go 1.21

require github.com/matrix-org/pinecone $PSEUDO_VERSION
EOF
fi
cat >tools.go <<'EOF'
//go:build tools

// Keeps cmd/pinecone's dependencies in go.mod so that `go build` of it resolves them.
package tools

import _ "github.com/matrix-org/pinecone/cmd/pinecone"
EOF
cp "$TRAFFIC_SRC" trafficpeer/main.go

build() { # name, package
  local bin="$OUT/bin/$1"
  if [[ -x "$bin" && "$bin" -nt go.mod && ( "$1" != trafficpeer || "$bin" -nt "$TRAFFIC_SRC" ) ]]; then
    return
  fi
  go mod tidy >&2
  go build -o "$bin.tmp" "$2" >&2
  mv "$bin.tmp" "$bin"
}

if [[ "$WANT" == pinecone ]]; then
  build pinecone github.com/matrix-org/pinecone/cmd/pinecone
else
  build trafficpeer ./trafficpeer
fi
echo "$OUT/bin/$WANT"
