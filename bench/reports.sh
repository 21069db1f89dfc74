#!/usr/bin/env bash
# Report benchmark: generates one property's 90 days (SESSIONS sessions, default 1,000,000; CALLS calls, default
# 100,000) and times the overview and the by-campaign report, from the facts alone and with the daily rollups, on
# embedded H2 and on a private PostgreSQL (needs root, like .ci/run).
# Settings: SESSIONS=1000000 CALLS=100000 DATABASES="h2 postgresql"
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAR="$ROOT/target/calltrail.jar"
SESSIONS=${SESSIONS:-1000000}
CALLS=${CALLS:-100000}
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B -DskipTests package)
WORK=$(mktemp -d /tmp/calltrail-reports.XXXXXX)
chmod o+x "$WORK" # the postgres user must reach the cluster folder inside it
PG="$WORK/pg"
cleanup() {
  bash "$ROOT/.ci/postgres.sh" destroy "$PG" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
run() { java -Xmx2g -cp "$JAR" "$HERE/ReportBench.java" "$@" "$SESSIONS" "$CALLS" 2>&1 | grep -v ' INFO \| DEBUG '; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for database in ${DATABASES:-h2 postgresql}; do
  case $database in
    h2) run "jdbc:h2:file:$WORK/h2/calltrail;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" sa "" ;;
    postgresql)
      bash "$ROOT/.ci/postgres.sh" start "$PG" >/dev/null
      set -a; . "$PG/env"; set +a
      run "$CALLTRAIL_TEST_PG_URL" "$CALLTRAIL_TEST_PG_USER" "$CALLTRAIL_TEST_PG_PASSWORD" ;;
    *) echo "unknown database $database" >&2; exit 2 ;;
  esac
  echo "load average after $database: $(cut -d' ' -f1-3 /proc/loadavg)"
done
