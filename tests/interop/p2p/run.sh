#!/usr/bin/env bash
# The P2P proof of issue 8: three nodes in a line A–B–C on loopback (A and C not peered; B routes), driven by
# matrix-nio clients (test_line.py; then test_relay.py: B as a store-and-forward relay). See README.md next to this file.
#
#   tests/interop/p2p/run.sh                 larch: three `./larch run` P2P nodes (the default)
#   tests/interop/p2p/run.sh dendrite        three dendrite-demo-pinecone nodes: validates the scenario itself
#   tests/interop/p2p/run.sh MODE -k media   extra arguments go to pytest
#
# Installs what is missing first, outside the namespace (matrix-nio + pytest into .venv here; the Dendrite binary
# via scripts/build-dendrite.sh in dendrite mode; the Larch jars in larch mode), then runs the steps in a fresh
# loopback-only network namespace. Prints "p2p: N passed, N failed, N skipped" last; exits non-zero when anything
# failed or nothing ran. Dendrite or namespace tools unavailable: a failure with CI=true, a loud skip elsewhere.
# Environment: LARCH_TARGET / LARCH_RUN (which Larch), DENDRITE_BIN, P2P_KEEP=1, P2P_*_S timeouts (README.md).
set -uo pipefail

P2P_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$P2P_DIR/../../.." && pwd)"
TAG=p2p
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export PYTHONDONTWRITEBYTECODE=1
started=$SECONDS
# shellcheck source=lib.sh
source "$P2P_DIR/lib.sh"

MODE="${1:-larch}"
[[ $# -gt 0 ]] && shift
case "$MODE" in
  larch | dendrite) ;;
  *) echo "usage: $0 [larch|dendrite] [pytest args...]" >&2; exit 2 ;;
esac

require_namespace_tools
if [[ "$MODE" == dendrite ]]; then need_dendrite; else need_larch; fi
install_driver
export P2P_MODE="$MODE"
run_pytest_in_namespace "$P2P_DIR" "$@"
