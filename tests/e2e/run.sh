#!/usr/bin/env bash
# End-to-end tests with real Matrix clients against a real `./larch run` on loopback:
#   js      matrix-js-sdk (npm, pinned in js/package-lock.json) drives alice and bob through the whole chat flow
#   python  matrix-nio (pip, pinned in python/requirements.txt): register, login, room, send, incremental sync
#
#   tests/e2e/run.sh            both suites
#   tests/e2e/run.sh js         one of them (js | python)
#
# Installs what is missing first (npm ci into js/node_modules, a venv in python/.venv; quiet, and skipped when the
# lock files have not changed), makes sure the server jars are built, then runs the suites. Each suite starts its own
# server on a free loopback port in a temp data dir and stops it. Prints "e2e: N passed, N failed, N skipped" last;
# exits non-zero when anything failed, was cancelled or did not run.
# Environment: LARCH_E2E_BASE_URL (run against a server already up), E2E_SDK_LOG=1 (matrix-js-sdk's own logging).
set -uo pipefail

E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E/../.." && pwd)"
TAG=e2e
# shellcheck source=SCRIPTDIR/../interop/lib/runner.sh
source "$ROOT/tests/interop/lib/runner.sh"

suites=("${@:-js python}")
read -r -a suites <<<"${suites[*]}"

passed=0 failed=0 skipped=0

install_js() {
  command -v node >/dev/null || { say "node is not installed (Node 20 or later is needed)"; return 1; }
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  ((major >= 20)) || { say "Node $major is too old; matrix-js-sdk 37 needs Node 20 or later"; return 1; }
  local stamp="$E2E/js/node_modules/.e2e-lock-sha256"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$(sha "$E2E/js/package-lock.json")" ]]; then return 0; fi
  say "installing matrix-js-sdk (npm ci)..."
  (cd "$E2E/js" && npm ci --no-audit --no-fund --loglevel=error >"$OUT/npm.log" 2>&1) || {
    cat "$OUT/npm.log" >&2
    say "npm ci failed"
    return 1
  }
  sha "$E2E/js/package-lock.json" >"$stamp"
}

install_python() {
  command -v python3 >/dev/null || { say "python3 is not installed"; return 1; }
  install_venv "$E2E/python/.venv" "$E2E/python/requirements.txt"
}

# Adds a suite's counts to the totals. A suite that reported nothing counts as one failure.
count() { # name pass fail skip rc
  local name="$1" p="${2:-0}" f="${3:-0}" s="${4:-0}" rc="$5"
  if ((p + f + s == 0)); then
    say "$name: ran no test (exit code $rc)"
    f=1
  elif ((rc != 0 && f == 0)); then
    say "$name: exit code $rc although no test failed; counting it as a failure"
    f=1
  fi
  say "$name: $p passed, $f failed, $s skipped"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

run_js() {
  install_js || { count js 0 1 0 1; return; }
  local rc=0
  (cd "$E2E/js" && node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$OUT/js.tap" \
    test/*.test.mjs) || rc=$?
  tap() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$OUT/js.tap" 2>/dev/null | tail -n 1; }
  local p f c s
  p="$(tap pass)" f="$(tap fail)" c="$(tap cancelled)" s="$(tap skipped)"
  count js "${p:-0}" $((${f:-0} + ${c:-0})) "${s:-0}" "$rc"
}

run_python() {
  install_python || { count python 0 1 0 1; return; }
  local rc=0
  (cd "$E2E/python" && .venv/bin/python -m pytest -q -rfEs --junitxml="$OUT/py.xml" -o junit_family=xunit2) || rc=$?
  [[ "$rc" == 5 ]] && say "python: pytest collected no tests (exit 5)"
  # shellcheck disable=SC2046 # three numbers
  count python $(pytest_counts "$OUT/py.xml" "$rc") "$rc"
}

# The suites start ./larch run themselves; build first so that their startup waits do not include a build.
build_ok=1
if [[ -z "${LARCH_E2E_BASE_URL:-}" ]]; then
  larch_builds || { say "building the server failed"; build_ok=0; }
fi

for suite in "${suites[@]}"; do
  case "$suite" in
    js | python)
      if ((build_ok)); then "run_$suite"; else count "$suite" 0 1 0 1; fi
      ;;
    *)
      say "unknown suite '$suite' (js | python)"
      exit 2
      ;;
  esac
done

echo "e2e: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
