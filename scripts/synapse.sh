#!/usr/bin/env bash
# Synapse 1.98.0 as a federation peer for the interop tests (tests/interop/synapse), in a venv outside the repository.
#
# 1.98.0 is the last Apache-2.0 release of Synapse: never a later one. Its own dependency ranges are open-ended and
# today's releases of some no longer import with it, so tests/interop/synapse/requirements.txt pins every package.
# Nothing of Synapse's source is written into this repository: it lands in the venv only.
#
# Usage: scripts/synapse.sh install        -> installs if missing or stale; prints the venv's python last
#        scripts/synapse.sh python         -> prints the venv's python if installed (exit 1 if not)
#        scripts/synapse.sh start DIR      -> config, TLS cert and keys in DIR (first time), starts a Synapse on
#                                             127.0.0.1 detached, prints SYNAPSE_CLIENT_URL=... etc. (for poking by hand)
#        scripts/synapse.sh stop DIR       -> SIGTERM, then SIGKILL, the Synapse started in DIR
# Idempotent and fast when installed: a stamp holds the sha256 of the requirements and the Python version.
# Environment: LARCH_TOOLS_CACHE (default ~/.cache/larch-tools), LARCH_SYNAPSE_PYTHON (the Python to build the venv
# with; default python3, 3.8 or later).
set -euo pipefail

readonly VERSION="1.98.0"
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly HARNESS="$REPO_ROOT/tests/interop/synapse"
readonly REQUIREMENTS="$HARNESS/requirements.txt"
readonly VENV="${LARCH_TOOLS_CACHE:-$HOME/.cache/larch-tools}/synapse-$VERSION"
readonly PY="$VENV/bin/python"
readonly STAMP="$VENV/.larch-install-stamp"

say() { echo "synapse.sh: $*" >&2; }

want_stamp() {
  local base="${LARCH_SYNAPSE_PYTHON:-python3}"
  echo "$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1) $("$base" -c 'import sys; print(sys.version.split()[0])')"
}

installed() {
  [[ -x "$PY" && -f "$STAMP" && "$(cat "$STAMP")" == "$(want_stamp)" ]]
}

install() {
  local base="${LARCH_SYNAPSE_PYTHON:-python3}"
  command -v "$base" >/dev/null || { say "$base is not installed"; exit 3; }
  "$base" -c 'import sys; sys.exit(sys.version_info < (3, 8))' || { say "Synapse $VERSION needs Python 3.8 or later"; exit 3; }
  if installed; then
    echo "$PY"
    return
  fi
  say "installing matrix-synapse==$VERSION into $VENV (pip)..."
  local log
  log="$(mktemp)"
  # A fresh venv each time the pins change: pip would otherwise leave packages that the new pins dropped.
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! { "$base" -m venv "$VENV" &&
    "$PY" -m pip install -q --disable-pip-version-check --no-input -r "$REQUIREMENTS" &&
    "$PY" -m pip check &&
    "$PY" -c 'import synapse.app.homeserver, synapse; assert synapse.__version__ == "'"$VERSION"'", synapse.__version__'
  } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    say "installing Synapse $VERSION failed"
    exit 1
  fi
  rm -f "$log"
  want_stamp >"$STAMP"
  echo "$PY"
}

case "${1:-}" in
  install) install ;;
  python)
    installed || { say "not installed; run: $0 install"; exit 1; }
    echo "$PY"
    ;;
  start)
    [[ $# == 2 ]] || { say "usage: $0 start DIR"; exit 2; }
    py="$(install)"
    python3 "$HARNESS/nodes.py" start-synapse "$2" "$py"
    ;;
  stop)
    [[ $# == 2 ]] || { say "usage: $0 stop DIR"; exit 2; }
    python3 "$HARNESS/nodes.py" stop-synapse "$2"
    ;;
  *)
    sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
