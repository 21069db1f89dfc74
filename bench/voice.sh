#!/usr/bin/env bash
# Voice webhook benchmark: signed requests at a fixed rate against the packaged server on PostgreSQL,
# first with the database up, then with it stopped (fail-open forwarding), then checks that every call
# reached the database after the restart. Needs root (it runs a private PostgreSQL like .ci/run).
# Settings: RATE=200 SECONDS=20
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAR="$ROOT/target/calltrail.jar"
RATE=${RATE:-200}
SECONDS_EACH=${SECONDS:-20}
TOKEN=bench-auth-token-0123456789
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B -DskipTests package)
WORK=$(mktemp -d /tmp/calltrail-voice.XXXXXX)
chmod o+x "$WORK" # the postgres user must reach the cluster folder inside it
PG="$WORK/pg"
cp "$JAR" "$WORK/calltrail.jar"
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null || true
  bash "$ROOT/.ci/postgres.sh" destroy "$PG" >/dev/null 2>&1 || true
  echo "logs in $WORK"
}
trap cleanup EXIT
bash "$ROOT/.ci/postgres.sh" start "$PG" >/dev/null
set -a; . "$PG/env"; set +a
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')
# The JVM options ./calltrail starts the server with.
SERVER_JAVA_OPTS=$(sed -n 's/^server_java_opts="\(.*\)"$/\1/p' "$ROOT/calltrail")
CALLTRAIL_DEMO_AUTH_TOKEN=$TOKEN java $SERVER_JAVA_OPTS -jar "$WORK/calltrail.jar" serve --demo --port "$PORT" --data "$WORK/data" \
  --db-url "$CALLTRAIL_TEST_PG_URL" --db-user "$CALLTRAIL_TEST_PG_USER" --db-password "$CALLTRAIL_TEST_PG_PASSWORD" \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
BASE="http://127.0.0.1:$PORT"
bench() { java -cp "$WORK/calltrail.jar" "$HERE/VoiceBench.java" "$BASE" +15125550110 "$TOKEN" "$RATE" "$1" "$2"; }
# wrk paced at about RATE: 4 connections, each waiting 4000/RATE - 1 ms between requests (plus the answer time)
for phase in database-up database-down; do
  java -cp "$WORK/calltrail.jar" "$HERE/VoiceBench.java" --write-requests "$WORK/requests-$phase.tsv" "$BASE" +15125550110 \
    "$TOKEN" $(( RATE * (SECONDS_EACH + 5) ))
done
paced() {
  VOICE_REQUESTS="$WORK/requests-$1.tsv" DELAY_MS=$(( 4000 / RATE - 1 )) wrk -t2 -c4 -d"${SECONDS_EACH}s" --latency \
    -s "$HERE/voice.lua" "$BASE" > "$WORK/wrk-$1.txt"
  printf '%-14s wrk: %s req/s, p50 %s, p99 %s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$1.txt")" \
    "$(awk '$1 == "50%" {print $2}' "$WORK/wrk-$1.txt")" "$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$1.txt")"
  if grep -q "Non-2xx" "$WORK/wrk-$1.txt"; then echo "non-2xx answers:"; grep "Non-2xx" "$WORK/wrk-$1.txt"; exit 1; fi
}
bench "${WARMUP:-15}" warm-up >/dev/null
bench "$SECONDS_EACH" database-up
paced database-up
bash "$ROOT/.ci/postgres.sh" stop "$PG" >/dev/null
bench "$SECONDS_EACH" database-down
paced database-down
bash "$ROOT/.ci/postgres.sh" restart "$PG" >/dev/null
expected=$(( RATE * (${WARMUP:-15} + 2 * SECONDS_EACH) + $(awk '/requests in/ {s += $1} END {print s}' "$WORK"/wrk-*.txt) ))
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql
for _ in $(seq 1 60); do
  stored=$(PGPASSWORD=$CALLTRAIL_TEST_PG_PASSWORD "$psql_bin" "host=127.0.0.1 port=$(cat "$PG/port") user=calltrail dbname=calltrail" -qAt \
    -c "SELECT COUNT(*) FROM phone_call WHERE provider_call_id LIKE 'CAbench%' OR provider_call_id LIKE 'CAwrk%'")
  [[ $stored -ge $expected ]] && break
  sleep 1
done
echo "calls in the database after the restart: $stored of $expected"
[[ $stored -ge $expected ]]
