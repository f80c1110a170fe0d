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
REQUIREMENTS="$ROOT/tests/e2e/python/requirements.txt"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export PYTHONDONTWRITEBYTECODE=1

MODE="${1:-larch-synapse}"
[[ $# -gt 0 ]] && shift
case "$MODE" in
  larch-synapse | synapse-synapse) ;;
  *) echo "usage: $0 [larch-synapse|synapse-synapse] [pytest args...]" >&2; exit 2 ;;
esac

say() { echo "interop: $*" >&2; }
started=$SECONDS

# The closing line: its one format, whatever happened.
finish() { # passed failed skipped
  say "$MODE: $((SECONDS - started)) s"
  echo "interop: $1 passed, $2 failed, $3 skipped"
  ((${2} == 0))
  exit
}

skip_or_fail() { # reason
  if [[ "${CI:-}" == "true" ]]; then
    say "FAIL: $1 (CI=true: a peer that cannot be installed fails the run)"
    finish 0 1 0
  fi
  say "################################################################################"
  say "SKIP: $1"
  say "SKIP: the Synapse federation interop tests did NOT run (CI=true would fail here)"
  say "################################################################################"
  finish 0 0 1
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

install_driver() {
  local venv="$HERE/.venv" stamp="$HERE/.venv/.interop-requirements-sha256"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$(sha "$REQUIREMENTS")" ]]; then return 0; fi
  say "installing matrix-nio and pytest into $venv (pip)..."
  { [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"; } >"$OUT/pip.log" 2>&1 &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$REQUIREMENTS" >>"$OUT/pip.log" 2>&1 || {
    cat "$OUT/pip.log" >&2
    say "creating the driver venv or pip install failed"
    return 1
  }
  sha "$REQUIREMENTS" >"$stamp"
}

synapse_py="$("$ROOT/scripts/synapse.sh" install)" || skip_or_fail "Synapse 1.98.0 could not be installed (scripts/synapse.sh install)"
synapse_py="$(tail -n 1 <<<"$synapse_py")"
install_driver || finish 0 1 0

if [[ "$MODE" == larch-synapse && -z "${INTEROP_LOCAL_URL:-}" ]]; then
  # The fixture starts ./larch run itself; build first so that its startup wait does not include a build.
  if ! "$ROOT/larch" run --help >"$OUT/build.log" 2>&1; then
    tail -n 30 "$OUT/build.log" >&2
    say "building the server failed"
    finish 0 1 0
  fi
fi

rc=0
(cd "$HERE" && INTEROP_MODE="$MODE" INTEROP_SYNAPSE_PYTHON="$synapse_py" \
  .venv/bin/python -m pytest -q -rfEs --tb=short --durations=0 --junitxml="$OUT/junit.xml" -o junit_family=xunit2 "$@") || rc=$?
counts="$("$HERE/.venv/bin/python" - "$OUT/junit.xml" <<'EOF' 2>/dev/null
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
k = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - k, f, k)
EOF
)"
read -r p f s <<<"${counts:-0 0 0}"
if ((p + f + s == 0)); then
  say "pytest ran no test (exit code $rc)"
  f=1
elif ((rc != 0 && f == 0)); then
  say "pytest exit code $rc although no test failed; counting it as a failure"
  f=1
fi
finish "$p" "$f" "$s"
