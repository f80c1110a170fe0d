#!/usr/bin/env bash
# Builds Dendrite's P2P demo (`dendrite-demo-pinecone` of github.com/matrix-org/dendrite v0.13.8), the real peer of
# the Dendrite interop tests (tests/interop/dendrite/), into a cache folder outside the repository, and prints the
# path of the binary.
#
# Why a throwaway module: the Go module proxy publishes no version list for matrix-org/dendrite, so a plain
# `go install …@v0.13.8` is refused; as a tool dependency of a module (`go get -tool …@v0.13.8`) it is served.
# Pinecone must stay at the commit Dendrite pins (ea4c337, as scripts/build-go-pinecone.sh), never the v0.11.0 tag;
# the script checks that the module graph resolved exactly that pseudo-version. quic-go is what Dendrite's go.mod
# resolves (v0.45.2); only if that fails to build with the local Go is v0.48.2 (Dendrite 0.15.x's) required instead.
# Nothing of Dendrite's source is written into this repository: it lands in the Go module cache only.
#
# Usage: scripts/build-dendrite.sh        -> prints …/dendrite-v0.13.8/bin/dendrite-demo-pinecone
# Cache: ${LARCH_TOOLS_CACHE:-${LARCH_TOOLS:-~/.cache/larch-tools}}/dendrite-v0.13.8/. Idempotent: a binary built by
# the same recipe is reused (a cold build takes ~2.5 min on 2 cores: ~20 s of module downloads, ~2 min compiling).
# Exit status: 0 and the path on stdout; non-zero when Go, the module proxy or the build fails. With CI=true that is
# reported as an error, elsewhere as a warning (callers then skip the interop tests).
set -euo pipefail

readonly DENDRITE_VERSION="v0.13.8"
readonly DENDRITE_PKG="github.com/matrix-org/dendrite/cmd/dendrite-demo-pinecone"
readonly PINECONE_VERSION="v0.11.1-0.20230810010612-ea4c33717fd7" # = commit ea4c33717fd74ef7d6f49490625a0fa10e3f5bbc
readonly QUIC_FALLBACK="v0.48.2"
readonly OUT="${LARCH_TOOLS_CACHE:-${LARCH_TOOLS:-$HOME/.cache/larch-tools}}/dendrite-$DENDRITE_VERSION"
readonly BIN="$OUT/bin/dendrite-demo-pinecone"
# Bump when the way the binary is made changes, so cached binaries of an older recipe are rebuilt.
readonly RECIPE="recipe=2 dendrite=$DENDRITE_VERSION pinecone=$PINECONE_VERSION"

fail() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "build-dendrite: ERROR: $*" >&2
  else
    echo "build-dendrite: WARNING: $* (the Dendrite interop tests will be skipped)" >&2
  fi
  exit 1
}

if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  else
    fail "no Go toolchain on PATH (Go 1.24 or later is needed for 'go get -tool')"
  fi
fi

export GOFLAGS=-mod=mod
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" # never download another toolchain behind our back
mkdir -p "$OUT/bin" "$OUT/module"

# One build at a time per cache folder (two test runs may start together).
exec 9>"$OUT/.lock"
flock 9

if [[ -x "$BIN" && -f "$OUT/bin/.recipe" && "$(head -n 1 "$OUT/bin/.recipe")" == "$RECIPE" ]]; then
  echo "$BIN"
  exit 0
fi

echo "build-dendrite: building dendrite-demo-pinecone $DENDRITE_VERSION into $OUT (first run: ~2.5 min)..." >&2
started=$SECONDS
cd "$OUT/module"
rm -f go.mod go.sum
# `go 1.24`: the first version with `tool` directives. This line also picks Go's GODEBUG defaults for the binary
# (e.g. TLS offers the X25519MLKEM768 key share, so quic-go's ClientHello spans two Initial packets); set GODEBUG
# at run time to change them.
cat >go.mod <<'EOF'
module larch.dev/dendrite-interop

go 1.24
EOF

go get -tool "$DENDRITE_PKG@$DENDRITE_VERSION" >&2 || fail "go get -tool $DENDRITE_PKG@$DENDRITE_VERSION failed"

resolved() { go list -m -f '{{.Version}}' "$1"; }
pinecone="$(resolved github.com/matrix-org/pinecone)" || fail "go list of github.com/matrix-org/pinecone failed"
[[ "$pinecone" == "$PINECONE_VERSION" ]] ||
  fail "Pinecone resolved to $pinecone, expected $PINECONE_VERSION (commit ea4c337)"

build() { go build -trimpath -o "$BIN.tmp" "$DENDRITE_PKG" >&2; }
if ! build; then
  echo "build-dendrite: the build failed with quic-go $(resolved github.com/quic-go/quic-go); trying $QUIC_FALLBACK" >&2
  go get "github.com/quic-go/quic-go@$QUIC_FALLBACK" >&2 || fail "go get quic-go@$QUIC_FALLBACK failed"
  [[ "$(resolved github.com/matrix-org/pinecone)" == "$PINECONE_VERSION" ]] ||
    fail "requiring quic-go $QUIC_FALLBACK moved Pinecone off $PINECONE_VERSION"
  build || fail "go build $DENDRITE_PKG failed (also with quic-go $QUIC_FALLBACK)"
fi
mv "$BIN.tmp" "$BIN"

quic="$(resolved github.com/quic-go/quic-go)"
{
  echo "$RECIPE"
  echo "quic-go=$quic go=$(go env GOVERSION) cgo=$(go env CGO_ENABLED) built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$OUT/bin/.recipe"
echo "build-dendrite: built in $((SECONDS - started)) s ($(du -h "$BIN" | cut -f1), quic-go $quic)" >&2
echo "$BIN"
