#!/usr/bin/env bash
# Interop test: Larch (`./larch run`) peered with a real Dendrite P2P node (dendrite-demo-pinecone v0.13.8).
# See README.md next to this file for what it checks and what was observed.
#
#   tests/interop/dendrite/run.sh                     peering checks (interop_test.py; below)
#   tests/interop/dendrite/run.sh larch-dendrite      federation over Pinecone, matrix-nio on both sides
#                                                     (federation/test_federation.py; extra arguments go to pytest)
#   tests/interop/dendrite/run.sh dendrite-dendrite   the same scenario between two Dendrite nodes: validates it
#
# The federation modes share tests/interop/p2p's venv and the interop suites' node classes, nio helpers and runner
# functions (../lib); they print "dendrite-interop: N passed, N failed, N skipped" last. The peering checks:
# 1. Builds (or reuses) the Dendrite binary with scripts/build-dendrite.sh and the Larch jars (`larch run --help`),
#    both outside the namespace, since they may need the package registries.
# 2. Runs interop_test.py in a fresh network namespace whose only interface is `lo` (dendrite.sh netns: `unshare -n`
#    as root, `unshare -rn` otherwise), so Dendrite's multicast finds nobody and nothing leaves the machine.
# Prints "dendrite-interop: N passed, N failed, 0 skipped" last. Without Go, the Go module proxy or unshare the test
# fails when CI=true and is skipped with a banner elsewhere (all modes).
# Environment: LARCH_RUN (how to start Larch; default "<repo>/larch run"), DENDRITE_BIN (use this binary instead of
# building), DENDRITE_INTEROP_OUT (keep logs, tap-events.jsonl and observations.md in this folder).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TAG=dendrite-interop
# shellcheck source=SCRIPTDIR/../lib/runner.sh
source "$ROOT/tests/interop/lib/runner.sh"

MODE="$(mode_of "${1:-}" peering larch-dendrite dendrite-dendrite)" || exit 2
[[ $# -gt 0 ]] && shift

require_namespace_tools
need_dendrite
if [[ "$MODE" == peering ]]; then
  export LARCH_RUN="${LARCH_RUN:-$ROOT/larch run}"
  larch_builds "$LARCH_RUN" || { say "FAIL: '$LARCH_RUN --help' failed (Larch does not build?)"; finish 0 1 0; }
  # interop_test.py prints the closing line itself; nothing of OUT is needed past here.
  rm -rf "$OUT"
  trap - EXIT
  # shellcheck disable=SC2086 # a command line
  exec $IN_P2P_NAMESPACE python3 "$HERE/interop_test.py"
fi
[[ "$MODE" == larch-dendrite ]] && need_larch
# The federation modes share tests/interop/p2p's venv (matrix-nio and pytest with tests/e2e/python's pins).
install_venv "$ROOT/tests/interop/p2p/.venv" "$ROOT/tests/e2e/python/requirements.txt" || finish 0 1 0
export FED_MODE="$MODE"
IN_NAMESPACE="$IN_P2P_NAMESPACE" run_pytest "$HERE/federation" "$ROOT/tests/interop/p2p/.venv/bin/python" "$@"
