# Shell functions shared by the P2P scenario runners (tests/interop/p2p/run.sh, tests/interop/dendrite/run.sh's
# federation modes). Sourced, never run. The caller sets TAG (the prefix of its output lines), MODE, OUT (a temp
# dir), ROOT and P2P_DIR (this folder) and records `started=$SECONDS`.

say() { echo "$TAG: $*" >&2; }

# The closing line, in its one format whatever happened; exit status 1 when anything failed.
finish() { # passed failed skipped
  say "$MODE: $((SECONDS - started)) s"
  echo "$TAG: $1 passed, $2 failed, $3 skipped"
  ((${2} == 0))
  exit
}

# A peer (Dendrite) or a tool that cannot be had: a failure under CI=true, elsewhere a loud skip.
skip_or_fail() { # reason
  if [[ "${CI:-}" == "true" ]]; then
    say "FAIL: $1 (CI=true: a peer that cannot be built fails the run)"
    finish 0 1 0
  fi
  say "################################################################################"
  say "SKIP: $1"
  say "SKIP: the $MODE scenario did NOT run (CI=true would fail here)"
  say "################################################################################"
  finish 0 0 1
}

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
    LARCH_RUN="$P2P_DIR/larch-in-target.sh $LARCH_TARGET run"
  else
    LARCH_RUN="$ROOT/larch run"
  fi
  export LARCH_RUN
  # shellcheck disable=SC2086 # LARCH_RUN is a command line
  if ! $LARCH_RUN --help >"$OUT/build.log" 2>&1; then
    tail -n 30 "$OUT/build.log" >&2
    say "FAIL: '$LARCH_RUN --help' failed (Larch does not build?)"
    finish 0 1 0
  fi
}

# matrix-nio and pytest in P2P_DIR/.venv, with tests/e2e/python's pins; installed outside the namespace (pip).
install_driver() {
  local venv="$P2P_DIR/.venv" req="$ROOT/tests/e2e/python/requirements.txt"
  local stamp="$venv/.p2p-requirements-sha256" sum
  sum="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then return 0; fi
  say "installing matrix-nio and pytest into $venv (pip)..."
  { [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"; } >"$OUT/pip.log" 2>&1 &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$req" >>"$OUT/pip.log" 2>&1 || {
    cat "$OUT/pip.log" >&2
    say "FAIL: creating the driver venv or pip install failed"
    finish 0 1 0
  }
  echo "$sum" >"$stamp"
}

# Runs pytest in DIR inside a fresh loopback-only network namespace, then finishes with the junit counts.
run_pytest_in_namespace() { # dir [pytest args...]
  local dir="$1"
  shift
  local rc=0
  (cd "$dir" && "$ROOT/tests/interop/dendrite/dendrite.sh" netns "$P2P_DIR/.venv/bin/python" -m pytest -q -rfEs \
    --tb=short --durations=0 --junitxml="$OUT/junit.xml" -o junit_family=xunit2 "$@") || rc=$?
  local counts p f s
  counts="$("$P2P_DIR/.venv/bin/python" - "$OUT/junit.xml" <<'EOF' 2>/dev/null
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
}
