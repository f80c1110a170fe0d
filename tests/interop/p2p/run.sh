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
# shellcheck source=SCRIPTDIR/../lib/runner.sh
source "$ROOT/tests/interop/lib/runner.sh"

MODE="$(mode_of "${1:-}" larch dendrite)" || exit 2
[[ $# -gt 0 ]] && shift

require_namespace_tools
if [[ "$MODE" == dendrite ]]; then need_dendrite; else need_larch; fi
# matrix-nio and pytest with tests/e2e/python's pins; installed outside the namespace (pip).
install_venv "$P2P_DIR/.venv" "$ROOT/tests/e2e/python/requirements.txt" || finish 0 1 0
export P2P_MODE="$MODE"
IN_NAMESPACE="$IN_P2P_NAMESPACE" run_pytest "$P2P_DIR" "$P2P_DIR/.venv/bin/python" "$@"
