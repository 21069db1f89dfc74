#!/usr/bin/env bash
# Conversion-rule evaluation benchmark: generates CALLS completed calls (default 1,000,000) and times evaluating
# the rules over all of them, on embedded H2 and on a private PostgreSQL (needs root, like .ci/run).
# Settings: CALLS=1000000 DATABASES="h2 postgresql"
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAR="$ROOT/target/calltrail.jar"
CALLS=${CALLS:-1000000}
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B -DskipTests package)
WORK=$(mktemp -d /tmp/calltrail-conversions.XXXXXX)
chmod o+x "$WORK" # the postgres user must reach the cluster folder inside it
PG="$WORK/pg"
cleanup() {
  bash "$ROOT/.ci/postgres.sh" destroy "$PG" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
run() { java -Xmx4g -cp "$JAR" "$HERE/ConversionBench.java" "$@" "$CALLS" 2>&1 | grep -v ' INFO \| DEBUG '; }
for database in ${DATABASES:-h2 postgresql}; do
  case $database in
    h2) run "jdbc:h2:file:$WORK/h2/calltrail;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE" sa "" ;;
    postgresql)
      bash "$ROOT/.ci/postgres.sh" start "$PG" >/dev/null
      set -a; . "$PG/env"; set +a
      run "$CALLTRAIL_TEST_PG_URL" "$CALLTRAIL_TEST_PG_USER" "$CALLTRAIL_TEST_PG_PASSWORD" ;;
    *) echo "unknown database $database" >&2; exit 2 ;;
  esac
done
