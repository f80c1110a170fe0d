#!/usr/bin/env bash
# Federation interop with a real Synapse 1.98.0, driven by matrix-nio clients on both sides (test_federation.py).
#
#   tests/interop/synapse/run.sh                    larch-synapse: `./larch run` (local) <-> Synapse (peer)
#   tests/interop/synapse/run.sh synapse-synapse    two Synapses: validates the harness and the scenario itself
#   tests/interop/synapse/run.sh MODE -k leave      extra arguments go to pytest
#
# Installs what is missing first (Synapse: scripts/synapse.sh install; matrix-nio + pytest: a venv in .venv with
# tests/e2e/python's pins), builds the server jars in larch-synapse mode, then runs the steps. Prints
# "interop: N passed, N failed, N skipped" last; exits non-zero when anything failed or did not run.
# When Synapse cannot be installed: with CI=true that is a failure; elsewhere a loud SKIP and exit 0.
# Environment: see README.md (INTEROP_KEEP=1 keeps data dirs and logs, INTEROP_SYNAPSE_LOG_LEVEL=DEBUG, ...).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TAG=interop
# shellcheck source=SCRIPTDIR/../lib/runner.sh
source "$ROOT/tests/interop/lib/runner.sh"

MODE="$(mode_of "${1:-}" larch-synapse synapse-synapse)" || exit 2
[[ $# -gt 0 ]] && shift

synapse_py="$("$ROOT/scripts/synapse.sh" install)" || skip_or_fail "Synapse 1.98.0 could not be installed (scripts/synapse.sh install)"
synapse_py="$(tail -n 1 <<<"$synapse_py")"
# matrix-nio and pytest with tests/e2e/python's pins.
install_venv "$HERE/.venv" "$ROOT/tests/e2e/python/requirements.txt" || finish 0 1 0

if [[ "$MODE" == larch-synapse && -z "${INTEROP_LOCAL_URL:-}" ]]; then
  # The fixture starts ./larch run itself; build first so that its startup wait does not include a build.
  larch_builds || { say "building the server failed"; finish 0 1 0; }
fi

export INTEROP_MODE="$MODE" INTEROP_SYNAPSE_PYTHON="$synapse_py"
run_pytest "$HERE" "$HERE/.venv/bin/python" "$@"
