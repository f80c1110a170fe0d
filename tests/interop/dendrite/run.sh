#!/usr/bin/env bash
# Interop test: Larch (`./larch run`) peered with a real Dendrite P2P node (dendrite-demo-pinecone v0.13.8).
# See README.md next to this file for what it checks and what was observed.
#
#   tests/interop/dendrite/run.sh                     peering checks (interop_test.py; below)
#   tests/interop/dendrite/run.sh larch-dendrite      federation over Pinecone, matrix-nio on both sides
#                                                     (federation/test_federation.py; extra arguments go to pytest)
#   tests/interop/dendrite/run.sh dendrite-dendrite   the same scenario between two Dendrite nodes: validates it
#
# The federation modes share tests/interop/p2p's node classes, nio helpers and runner functions (p2p/lib.sh); they
# print "dendrite-interop: N passed, N failed, N skipped" last. The peering checks:
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
export PYTHONDONTWRITEBYTECODE=1

case "${1:-}" in
  larch-dendrite | dendrite-dendrite)
    MODE="$1"
    shift
    P2P_DIR="$ROOT/tests/interop/p2p"
    TAG=dendrite-interop
    OUT="$(mktemp -d)"
    trap 'rm -rf "$OUT"' EXIT
    started=$SECONDS
    # shellcheck source=../p2p/lib.sh
    source "$P2P_DIR/lib.sh"
    require_namespace_tools
    need_dendrite
    [[ "$MODE" == larch-dendrite ]] && need_larch
    install_driver
    export FED_MODE="$MODE"
    run_pytest_in_namespace "$HERE/federation" "$@"
    ;;
  "" | peering) ;;
  *) echo "usage: $0 [peering|larch-dendrite|dendrite-dendrite] [pytest args...]" >&2; exit 2 ;;
esac

export LARCH_RUN="${LARCH_RUN:-$ROOT/larch run}"

unavailable() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "dendrite-interop: FAIL: $*" >&2
    echo "dendrite-interop: 0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  echo "dendrite-interop: ************************************************************" >&2
  echo "dendrite-interop: SKIPPED: $*" >&2
  echo "dendrite-interop: ************************************************************" >&2
  echo "dendrite-interop: 0 passed, 0 failed, 1 skipped"
  exit 0
}

command -v unshare >/dev/null || unavailable "unshare (util-linux) is not installed"
command -v ip >/dev/null || unavailable "ip (iproute2) is not installed"
command -v curl >/dev/null || unavailable "curl is not installed"
command -v python3 >/dev/null || unavailable "python3 is not installed"
unshare -rn true 2>/dev/null || unshare -n true 2>/dev/null || unavailable "cannot create a network namespace here"

if [[ -z "${DENDRITE_BIN:-}" ]]; then
  DENDRITE_BIN="$("$ROOT/scripts/build-dendrite.sh")" || unavailable "building dendrite-demo-pinecone failed"
fi
export DENDRITE_BIN

# shellcheck disable=SC2086 # LARCH_RUN is a command line
$LARCH_RUN --help >/dev/null || {
  echo "dendrite-interop: FAIL: '$LARCH_RUN --help' failed (Larch does not build?)" >&2
  echo "dendrite-interop: 0 passed, 1 failed, 0 skipped"
  exit 1
}

exec "$HERE/dendrite.sh" netns python3 "$HERE/interop_test.py"
