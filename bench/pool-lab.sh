#!/usr/bin/env bash
# Pool lab benchmark: one simulated week at SESSIONS a day (default 100,000) through Calltrail's lease and attribution
# rules, timed end to end (JVM start included), RUNS times. Prints each run's wall time and the run's main figures.
# Settings: SESSIONS=100000 SIZE=10000 DAYS=7 RUNS=3
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAR="$ROOT/target/calltrail.jar"
SESSIONS=${SESSIONS:-100000}
SIZE=${SIZE:-10000}
DAYS=${DAYS:-7}
RUNS=${RUNS:-3}
[[ -f $JAR ]] || (cd "$ROOT" && mvn -q -B -DskipTests package)
OUT=$(mktemp /tmp/calltrail-pool-lab.XXXXXX)
trap 'rm -f "$OUT"' EXIT
echo "pool-lab --sessions-per-day $SESSIONS --days $DAYS --size $SIZE ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  java -jar "$JAR" pool-lab --sessions-per-day "$SESSIONS" --days "$DAYS" --size "$SIZE" >"$OUT"
  end=$(date +%s%N)
  awk -v run="$run" -v ns=$((end - start)) 'BEGIN { printf "run %d: %.1f s\n", run, ns / 1e9 }'
done
grep -E '^(Sessions|Calls|Numbers in use|High confidence)' "$OUT"
