#!/usr/bin/env bash
# wrk benchmark of GET /health/live (ceiling), POST /v1/sessions and POST /v1/events
# against a throwaway server (embedded H2 in a temp dir, demo data, no rate limit).
#
# Settings (environment):
#   THREADS=2 CONNECTIONS=32 DURATION=20s   main load
#   WARMUP=30s                              all endpoints at once, before any measurement: on 2 cores the JIT
#                                           compiler is still busy after 10 s and takes CPU from the run
#   LIGHT_CONNECTIONS=4 LIGHT_DURATION=10s  lighter load, to show latency when not saturated
#   SEED_SESSIONS=32                        sessions created with curl for events/resumes
#   MAX_ERROR_PCT=1                         fail when more responses than this are not 2xx
#   PORT=0                                  0 = let the server pick a free port
#   BENCH_JAVA_OPTS=                        extra JVM options for the server (after those ./calltrail uses)
#   BENCH_SERVER_ARGS=                      extra arguments for "serve", e.g. "--set db.poolSize=4"
#   KEEP_DATA=0                             1 keeps the H2 database and jar copy afterwards
#   ENDPOINTS="health sessions events"     which to run (health is the ceiling the others are compared with)
#   SETTLE=2                                seconds after each run for the server to finish its work
#                                           (spool loading); its CPU time then counts per request
#   THREAD_CPU=0                            1 prints, per run, where the server's CPU went by thread group
#   PACED=1                                 1 also runs each endpoint paced at half the ceiling's rate (needs
#   PACED_CONNECTIONS=64                    health in ENDPOINTS): latency when the server is not saturated
#   PACED_CALIBRATION=5s                    two short paced runs first measure the latency at that rate
#
# cpu_us/req is the server's CPU time (user + system, all threads, including what each request leaves
# to background loaders) per request: a figure that other load on the machine does not distort.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
JAR="$BENCH_DIR/../target/calltrail.jar"

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-30s}
LIGHT_CONNECTIONS=${LIGHT_CONNECTIONS:-4}
LIGHT_DURATION=${LIGHT_DURATION:-10s}
SEED_SESSIONS=${SEED_SESSIONS:-32}
MAX_ERROR_PCT=${MAX_ERROR_PCT:-1}
PORT=${PORT:-0}
KEEP_DATA=${KEEP_DATA:-0}
SETTLE=${SETTLE:-2}
ENDPOINTS=${ENDPOINTS:-health sessions events}
PACED=${PACED:-1}
PACED_CONNECTIONS=${PACED_CONNECTIONS:-64}
PACED_CALIBRATION=${PACED_CALIBRATION:-5s}
UA="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 2; }
for tool in curl java; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 2; }
done

if [[ ! -f $JAR ]]; then
  echo "building $JAR"
  (cd "$BENCH_DIR/.." && mvn -q -B -DskipTests package)
fi

WORK=$(mktemp -d -t calltrail-bench.XXXXXX)
# A private copy: a concurrent rebuild must not replace the jar under the running JVM.
cp "$JAR" "$WORK/calltrail.jar"
SERVER_LOG="$WORK/server.log"
SESSIONS_FILE="$WORK/sessions.txt"
SERVER_PID=
MAIN_PID=$BASHPID

cleanup() {
  [[ $BASHPID == "$MAIN_PID" ]] || return 0 # only the script itself, never a subshell
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $KEEP_DATA != 1 ]]; then rm -rf "$WORK/data" "$WORK/calltrail.jar"; fi
  echo "logs kept in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_errors() {
  local n
  n=$(grep -cE ' ERROR |Exception|^\s+at ' "$SERVER_LOG" || true)
  echo "server log: $n ERROR/exception line(s)"
  if (( n > 0 )); then grep -E ' ERROR |Exception|^\s+at ' "$SERVER_LOG" | head -30; fi
}

die() {
  echo "FAIL: $*" >&2
  [[ -f $SERVER_LOG ]] && { tail -20 "$SERVER_LOG" >&2; server_errors >&2; }
  exit 1
}

# --- server --------------------------------------------------------------------------------
: >"$SERVER_LOG" # exists before the background job opens it, so the startup poll cannot race it
# The JVM options ./calltrail starts the server with, then the benchmark's own.
SERVER_JAVA_OPTS=$(sed -n 's/^server_java_opts="\(.*\)"$/\1/p' "$BENCH_DIR/../calltrail")
(cd "$WORK" && exec java $SERVER_JAVA_OPTS ${BENCH_JAVA_OPTS:-} -jar calltrail.jar serve --demo --port "$PORT" \
  --data "$WORK/data" --set tracking.rateLimitPerMinute=0 ${BENCH_SERVER_ARGS:-}) >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# With --port 0 the real port is only known from the startup line.
port=
for _ in $(seq 1 120); do
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited during startup"
  port=$(sed -n 's|.*is listening on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$SERVER_LOG" | head -1)
  [[ -n $port ]] && curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && break
  sleep 0.5
done
[[ -n $port ]] && curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" || die "server not ready after 60 s"
BASE="http://127.0.0.1:$port"
echo "server pid $SERVER_PID on $BASE ($(nproc) CPUs shared with wrk); work dir $WORK"
# Other work on the machine skews the figures; the load average makes that visible.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Events are refused (422) for sessions the server does not know, so create some first.
: >"$SESSIONS_FILE"
for i in $(seq 1 "$SEED_SESSIONS"); do
  curl -fsS -A "$UA" -H 'Content-Type: application/json' -H 'Origin: http://localhost' \
    -d '{"property":"demo","session":null,"url":"http://localhost/demo/?gclid=seed-'"$i"'","referrer":"https://www.google.com/","consent":{"ad_storage":"granted","analytics_storage":"granted"}}' \
    "$BASE/v1/sessions" | grep -o '"session":"[^"]*"' | cut -d'"' -f4 >>"$SESSIONS_FILE" || true
done
(( $(wc -l <"$SESSIONS_FILE") == SEED_SESSIONS )) || die "could not create $SEED_SESSIONS sessions ($(wc -l <"$SESSIONS_FILE") ids)"
export BENCH_SESSIONS_FILE=$SESSIONS_FILE

# --- load --------------------------------------------------------------------------------
declare -A ENDPOINT=([health]="GET /health/live" [sessions]="POST /v1/sessions" [events]="POST /v1/events")
declare -A URLPATH=([health]=/health/live [sessions]=/v1/sessions [events]=/v1/events)
declare -A R # R[label,field] from each run's RESULT line
ROWS=()
FAILURES=()

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# run_wrk LABEL NAME CONNECTIONS DURATION
CLK_TCK=$(getconf CLK_TCK)
# CPU time the server has used so far (user + system), in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
# Per-thread CPU ticks as "group ticks" lines; a group is the thread name without its trailing number.
thread_ticks() {
  local task
  for task in /proc/"$SERVER_PID"/task/*; do
    # comm may hold spaces, so take the fields after the closing parenthesis.
    sed -E 's/^[0-9]+ \((.*)\) (.*)$/\1\t\2/' "$task/stat" 2>/dev/null \
      | awk -F'\t' '{ split($2, f, " "); name = $1; sub(/[-#]?[0-9]+$/, "", name); print name "\t" f[12] + f[13] }'
  done | awk -F'\t' '{ t[$1] += $2 } END { for (n in t) print n "\t" t[n] }'
}

run_wrk() {
  local label=$1 name=$2 conns=$3 dur=$4 out="$WORK/wrk-$1.txt" line
  local ticks_before threads_before
  ticks_before=$(server_ticks)
  [[ ${THREAD_CPU:-0} == 1 ]] && threads_before=$(thread_ticks)
  wrk -t"$THREADS" -c"$conns" -d"$dur" --latency -s "$BENCH_DIR/$name.lua" "$BASE${URLPATH[$name]}" >"$out" 2>&1 \
    || { cat "$out"; die "wrk failed for $label"; }
  # Work a request leaves behind (events and calls loaded into the database from their spools) counts too:
  # wait until it is done, then charge the server's CPU time to the requests served.
  sleep "$SETTLE"
  R[$label,ticks]=$(( $(server_ticks) - ticks_before ))
  if [[ ${THREAD_CPU:-0} == 1 ]]; then
    # Threads that ended during the run are missing from the second list; their share shows as "(ended)".
    awk -F'\t' -v total="${R[$label,ticks]}" -v hz="$CLK_TCK" '
      NR == FNR { before[$1] = $2; next }
      { d = $2 - before[$1]; if (d > 0) { used[$1] = d; seen += d } }
      END {
        if (total > seen) used["(ended)"] = total - seen
        for (n in used) printf "    %6.1f%%  %6.2f s  %s\n", used[n] * 100 / total, used[n] / hz, n
      }' <(echo "$threads_before") <(thread_ticks) | sort -rn | head -12
  fi
  line=$(grep '^RESULT ' "$out") || { cat "$out"; die "no RESULT line from wrk for $label"; }
  local f
  for f in requests rps p50_ms p99_ms ok non2xx connect read write timeout statuses notes; do
    R[$label,$f]=$(field "$line" "$f")
  done
  # wrk's own count of status >= 400, as a cross-check of the Lua counters.
  R[$label,wrk_non2xx]=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out")
  R[$label,wrk_non2xx]=${R[$label,wrk_non2xx]:-0}
  local socket=$(( ${R[$label,connect]} + ${R[$label,read]} + ${R[$label,write]} + ${R[$label,timeout]} ))
  R[$label,socket]=$socket
  R[$label,cpu_us]=$(awk -v t="${R[$label,ticks]}" -v hz="$CLK_TCK" -v n="${R[$label,requests]}" \
    'BEGIN { printf "%.0f", (n > 0 ? t * 1000000 / hz / n : 0) }')
  local total=$(( ${R[$label,requests]} + socket )) bad=$(( ${R[$label,non2xx]} + socket ))
  printf '  %-22s c=%-3s %10s req/s  p50 %8s ms  p99 %8s ms  statuses %s  socket errors %s  notes %s\n' \
    "$label" "$conns" "${R[$label,rps]}" "${R[$label,p50_ms]}" "${R[$label,p99_ms]}" "${R[$label,statuses]}" "$socket" "${R[$label,notes]}"
  if (( total == 0 )); then
    FAILURES+=("$label: no responses at all")
  elif awk -v b="$bad" -v t="$total" -v m="$MAX_ERROR_PCT" 'BEGIN { exit !(b * 100 / t > m) }'; then
    FAILURES+=("$label: $bad of $total requests not 2xx or failed (statuses ${R[$label,statuses]}, socket errors $socket)")
    echo "  !!! $label: more than $MAX_ERROR_PCT% of requests failed - see $out" >&2
  fi
  local counted=$(( ${R[$label,ok]} + ${R[$label,non2xx]} ))
  if (( counted != ${R[$label,requests]} )); then
    FAILURES+=("$label: Lua counted $counted responses, wrk ${R[$label,requests]}")
  fi
}

# All endpoints at once, as a live server sees them: warmed up one after another, the JIT compiles each endpoint's
# code for it alone, then throws that away and compiles again when the next one starts (seen: C2 busy through every
# measured run).
echo "warm-up: $WARMUP, all endpoints at once, $CONNECTIONS connections each"
warm_pids=()
for name in $ENDPOINTS; do
  wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH_DIR/$name.lua" "$BASE${URLPATH[$name]}" >"$WORK/wrk-warmup-$name.txt" 2>&1 &
  warm_pids+=($!)
done
for pid in "${warm_pids[@]}"; do wait "$pid" || die "wrk failed during the warm-up"; done
for name in $ENDPOINTS; do
  line=$(grep '^RESULT ' "$WORK/wrk-warmup-$name.txt") || { cat "$WORK/wrk-warmup-$name.txt"; die "no RESULT line from the $name warm-up"; }
  printf '  warm-up %-9s %10s req/s  statuses %s\n' "$name" "$(field "$line" rps)" "$(field "$line" statuses)"
done
sleep "$SETTLE"

echo "measure: $DURATION per endpoint, $THREADS threads, $CONNECTIONS connections"
for name in $ENDPOINTS; do run_wrk "$name-c$CONNECTIONS" "$name" "$CONNECTIONS" "$DURATION"; ROWS+=("$name $CONNECTIONS"); done

if [[ $LIGHT_CONNECTIONS != 0 ]]; then
  echo "lighter load: $LIGHT_DURATION per endpoint, $LIGHT_CONNECTIONS connections"
  for name in $ENDPOINTS; do run_wrk "$name-c$LIGHT_CONNECTIONS" "$name" "$LIGHT_CONNECTIONS" "$LIGHT_DURATION"; ROWS+=("$name $LIGHT_CONNECTIONS"); done
fi

# Each connection waits BENCH_DELAY_MS after every answer, so rate = connections / (delay + latency): a short run
# measures the latency at about the target rate, then the delay is set to hit it. An endpoint that cannot reach
# the rate runs without delay and shows how far it got.
PACED_ROWS=()
ceiling=${R[health-c$CONNECTIONS,rps]:-}
if [[ $PACED == 1 && -n $ceiling ]]; then
  target=$(awk -v r="$ceiling" 'BEGIN { printf "%.0f", r / 2 }')
  echo "paced: $target req/s (half the ceiling), $PACED_CONNECTIONS connections, $DURATION per endpoint"
  for name in $ENDPOINTS; do
    export BENCH_DELAY_MS
    BENCH_DELAY_MS=$(awk -v c="$PACED_CONNECTIONS" -v t="$target" 'BEGIN { printf "%.3f", c * 1000 / t }')
    # Latency grows with the rate, so the delay is corrected twice.
    for round in 1 2; do
      run_wrk "calibrate-$name" "$name" "$PACED_CONNECTIONS" "$PACED_CALIBRATION" >/dev/null
      BENCH_DELAY_MS=$(awk -v c="$PACED_CONNECTIONS" -v t="$target" -v d="$BENCH_DELAY_MS" -v r="${R[calibrate-$name,rps]}" \
        'BEGIN { latency = c * 1000 / r - d; delay = c * 1000 / t - latency; printf "%.3f", (delay > 0 ? delay : 0) }')
    done
    run_wrk "$name-paced" "$name" "$PACED_CONNECTIONS" "$DURATION"
    R[$name-paced,delay]=$BENCH_DELAY_MS
    PACED_ROWS+=("$name")
  done
  unset BENCH_DELAY_MS
fi

kill -0 "$SERVER_PID" 2>/dev/null || FAILURES+=("the server died during the benchmark")

# --- summary ----------------------------------------------------------------------------
echo
echo "summary (share of ceiling = req/s / GET /health/live req/s at the same connection count)"
printf '%-18s %5s %11s %9s %9s %9s %10s %8s %8s %8s\n' endpoint conns req/s p50_ms p99_ms ceiling% cpu_us/req non-2xx 'wrk>=400' sock-err
for row in "${ROWS[@]}"; do
  read -r name conns <<<"$row"
  l="$name-c$conns"
  share=$(awk -v r="${R[$l,rps]}" -v c="${R[health-c$conns,rps]:-0}" 'BEGIN { printf "%.1f", (c > 0 ? r * 100 / c : 0) }')
  printf '%-18s %5s %11s %9s %9s %9s %10s %8s %8s %8s\n' "${ENDPOINT[$name]}" "$conns" "${R[$l,rps]}" \
    "${R[$l,p50_ms]}" "${R[$l,p99_ms]}" "$share" "${R[$l,cpu_us]}" "${R[$l,non2xx]}" "${R[$l,wrk_non2xx]}" "${R[$l,socket]}"
done
if (( ${#PACED_ROWS[@]} > 0 )); then
  echo
  echo "paced at half the ceiling's rate ($target req/s; reached = served at least 97 % of it)"
  printf '%-18s %5s %9s %11s %9s %9s %10s %8s\n' endpoint conns delay_ms req/s p50_ms p99_ms cpu_us/req reached
  for name in "${PACED_ROWS[@]}"; do
    l="$name-paced"
    reached=$(awk -v r="${R[$l,rps]}" -v t="$target" 'BEGIN { print (r >= 0.97 * t ? "yes" : "no") }')
    printf '%-18s %5s %9s %11s %9s %9s %10s %8s\n' "${ENDPOINT[$name]}" "$PACED_CONNECTIONS" "${R[$l,delay]}" "${R[$l,rps]}" \
      "${R[$l,p50_ms]}" "${R[$l,p99_ms]}" "${R[$l,cpu_us]}" "$reached"
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
server_errors
echo "wrk output: $WORK/wrk-*.txt; server log: $SERVER_LOG"

if (( ${#FAILURES[@]} > 0 )); then
  echo >&2
  echo "BENCHMARK FAILED - these figures are not trustworthy:" >&2
  printf '  %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
