# shellcheck shell=bash
# Shell functions shared by the test suites' runners (tests/interop/*/run.sh, tests/e2e/run.sh). Sourced, never run.
# The caller sets TAG (the prefix of its output lines) and ROOT (the repository) first; those that end with finish()
# also set MODE (mode_of). Sourcing starts the clock and makes OUT, a temp dir for logs removed at exit.

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export PYTHONDONTWRITEBYTECODE=1
started=$SECONDS

say() { echo "$TAG: $*" >&2; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# The mode the first argument names, the first of MODES when it names none; a usage message and status 2 for
# anything else. Use: MODE="$(mode_of "${1:-}" a b)" || exit 2; [[ $# -gt 0 ]] && shift
mode_of() { # first-argument mode...
  local arg="$1" m
  shift
  for m in "$@"; do [[ "$arg" == "$m" ]] && { echo "$m"; return 0; }; done
  [[ -z "$arg" ]] && { echo "$1"; return 0; }
  local IFS="|"
  echo "usage: $0 [$*] [pytest args...]" >&2
  return 2
}

# The closing line, in its one format whatever happened; exit status 1 when anything failed.
finish() { # passed failed skipped
  say "$MODE: $((SECONDS - started)) s"
  echo "$TAG: $1 passed, $2 failed, $3 skipped"
  ((${2} == 0))
  exit
}

# A peer (Synapse, Dendrite) or a tool that cannot be had: a failure under CI=true, elsewhere a loud skip.
skip_or_fail() { # reason
  if [[ "${CI:-}" == "true" ]]; then
    say "FAIL: $1 (CI=true: a peer or tool that cannot be had fails the run)"
    finish 0 1 0
  fi
  say "################################################################################"
  say "SKIP: $1"
  say "SKIP: $TAG $MODE did NOT run (CI=true would fail here)"
  say "################################################################################"
  finish 0 0 1
}

# A venv at VENV with REQUIREMENTS installed (pip), skipped while the requirements file is unchanged. On failure
# shows pip's output and returns 1.
install_venv() { # venv requirements
  local venv="$1" req="$2" stamp="$1/.requirements-sha256"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$(sha "$req")" ]]; then return 0; fi
  say "installing $req into $venv (pip)..."
  { [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"; } >"$OUT/pip.log" 2>&1 &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$req" >>"$OUT/pip.log" 2>&1 || {
    cat "$OUT/pip.log" >&2
    say "creating the venv or pip install failed"
    return 1
  }
  sha "$req" >"$stamp"
}

# Builds the server jars if sources changed (`larch run --help` does), so that the tests' startup waits do not
# include a build. On failure shows the build's last lines and returns 1.
larch_builds() { # [larch run command line; default: ROOT/larch run]
  local run="${1:-$ROOT/larch run}"
  # shellcheck disable=SC2086 # a command line
  $run --help >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; return 1; }
}

# "passed failed skipped" of a pytest run from its junit file and exit code. No test at all, or a non-zero exit
# without a failure, counts as one failure.
pytest_counts() { # junit.xml exit-code
  local counts p f s
  counts="$(python3 - "$1" <<'PY' 2>/dev/null
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
k = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - k, f, k)
PY
)"
  read -r p f s <<<"${counts:-0 0 0}"
  if ((p + f + s == 0)); then
    say "pytest ran no test (exit code $2)"
    f=1
  elif (($2 != 0 && f == 0)); then
    say "pytest exit code $2 although no test failed; counting it as a failure"
    f=1
  fi
  echo "$p $f $s"
}

# Runs PYTHON -m pytest in DIR (prefixed by the command line IN_NAMESPACE when set), then finishes with its counts.
run_pytest() { # dir python [pytest args...]
  local dir="$1" py="$2" rc=0
  shift 2
  # shellcheck disable=SC2086 # IN_NAMESPACE is a command line
  (cd "$dir" && ${IN_NAMESPACE:-} "$py" -m pytest -q -rfEs --tb=short --durations=0 --junitxml="$OUT/junit.xml" \
    -o junit_family=xunit2 "$@") || rc=$?
  # shellcheck disable=SC2046 # three numbers
  finish $(pytest_counts "$OUT/junit.xml" "$rc")
}

# ---- the P2P scenarios (tests/interop/p2p, tests/interop/dendrite): nodes on loopback in a network namespace ----

# Runs a command line in a fresh loopback-only network namespace.
# shellcheck disable=SC2034 # for the runners
IN_P2P_NAMESPACE="$ROOT/tests/interop/dendrite/dendrite.sh netns"

require_namespace_tools() {
  command -v unshare >/dev/null || skip_or_fail "unshare (util-linux) is not installed"
  command -v ip >/dev/null || skip_or_fail "ip (iproute2) is not installed"
  command -v curl >/dev/null || skip_or_fail "curl is not installed"
  command -v python3 >/dev/null || skip_or_fail "python3 is not installed"
  unshare -rn true 2>/dev/null || unshare -n true 2>/dev/null || skip_or_fail "cannot create a network namespace here"
}

# DENDRITE_BIN, built (or reused) outside the namespace: the build needs the Go module proxy.
need_dendrite() {
  if [[ -z "${DENDRITE_BIN:-}" ]]; then
    DENDRITE_BIN="$("$ROOT/scripts/build-dendrite.sh")" || skip_or_fail "building dendrite-demo-pinecone failed"
  fi
  export DENDRITE_BIN
}

# LARCH_RUN, the command line that starts Larch. LARCH_TARGET=target-xx builds the server into that Maven target
# dir (-Dlarch.target) and runs it from there, so that a run never races other builds of server/target; without
# it, ./larch run (which builds server/target when sources changed). A Larch that does not build is a failure.
need_larch() {
  if [[ -n "${LARCH_RUN:-}" ]]; then
    :
  elif [[ -n "${LARCH_TARGET:-}" ]]; then
    say "building the server into server/$LARCH_TARGET (mvn -Dlarch.target=$LARCH_TARGET package)..."
    # shellcheck disable=SC2086 # LARCH_MVN_FLAGS is a list of flags
    if ! (cd "$ROOT" && mvn -B -q ${LARCH_MVN_FLAGS:-} -Dlarch.target="$LARCH_TARGET" -Dmaven.test.skip=true \
      -pl server -am package) >"$OUT/build.log" 2>&1; then
      tail -n 30 "$OUT/build.log" >&2
      say "FAIL: building the server into server/$LARCH_TARGET failed"
      finish 0 1 0
    fi
    LARCH_RUN="$ROOT/tests/interop/lib/larch-in-target.sh $LARCH_TARGET run"
  else
    LARCH_RUN="$ROOT/larch run"
  fi
  export LARCH_RUN
  larch_builds "$LARCH_RUN" || { say "FAIL: '$LARCH_RUN --help' failed (Larch does not build?)"; finish 0 1 0; }
}
