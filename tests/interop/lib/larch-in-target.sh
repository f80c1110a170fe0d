#!/usr/bin/env bash
# Runs Larch from a server build in another Maven target dir (mvn -Dlarch.target=TARGET), as ./larch does from
# server/target, so that a test run never races other builds of server/target. It never builds: the runners build
# first (tests/interop/lib/runner.sh need_larch).
#
#   larch-in-target.sh TARGET run [flags]      e.g. larch-in-target.sh target-k run --help
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
(($# >= 1)) || { sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
TARGET="$ROOT/server/$1"
shift
[[ -f "$TARGET/larch-server.jar" && -d "$TARGET/lib" ]] || {
  echo "larch-in-target.sh: no server build in $TARGET" \
    "(mvn -Dlarch.target=$(basename "$TARGET") -Dmaven.test.skip=true -pl server -am package)" >&2
  exit 1
}
# The launcher's defaults, read from ./larch so the two never drift apart; JAVA_OPTS replaces them.
DEFAULT_JAVA_OPTS="$(sed -n 's/^DEFAULT_JAVA_OPTS="\(.*\)"$/\1/p' "$ROOT/larch")"
[[ -n "$DEFAULT_JAVA_OPTS" ]] || { echo "larch-in-target.sh: no DEFAULT_JAVA_OPTS in $ROOT/larch" >&2; exit 1; }
# As ./larch: logging set up in code unless there is a conf/logback.xml.
LOGBACK_XML=""
[[ -f "$ROOT/conf/logback.xml" ]] && LOGBACK_XML="$ROOT/conf/logback.xml"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} \
  -Dlarch.home="$ROOT" \
  ${LOGBACK_XML:+-Dlogback.configurationFile="$LOGBACK_XML"} \
  -cp "$TARGET/larch-server.jar:$TARGET/lib/*" \
  dev.larch.server.LarchMain "$@"
