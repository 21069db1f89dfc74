#!/usr/bin/env bash
# Private throwaway PostgreSQL cluster for tests.
#
#   postgres.sh start   DIR   initdb + start on a free 127.0.0.1 port, create role/db
#                             calltrail/calltrail, write DIR/env (KEY=VALUE lines)
#   postgres.sh stop    DIR   fast shutdown (data kept)
#   postgres.sh restart DIR   start again with the same port and options
#   postgres.sh status  DIR   exit 0 if running, 3 if not
#   postgres.sh destroy DIR   immediate shutdown if running, then rm -rf DIR
#
# DIR must be an absolute path without spaces whose parent the postgres user can
# traverse (e.g. a mktemp -d under /tmp). Run as root (or as postgres).
set -euo pipefail

# Settings from the caller's environment must not redirect psql/pg_ctl elsewhere.
unset PGHOST PGHOSTADDR PGPORT PGDATA PGUSER PGDATABASE PGPASSWORD PGPASSFILE \
      PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE PGCONNECT_TIMEOUT PGAPPNAME PGTZ

SELF=$(readlink -f "${BASH_SOURCE[0]}")
MARKER=.calltrail-pg        # guards destroy against rm -rf of an unrelated directory
START_ATTEMPTS=5

die() { echo "postgres.sh: $*" >&2; exit 1; }
say() { echo "postgres.sh: $*"; }

usage() { die "usage: postgres.sh {start|stop|restart|status|destroy} DIR"; }

[ $# -eq 2 ] || usage
CMD=$1
DIR=$(readlink -m -- "$2")
case "$DIR" in
  /|/tmp|*[[:space:]]*|*[\'\"\$\`\\]*) die "refusing unsafe directory '$2'" ;;
esac
DATA=$DIR/data
SOCK=$DIR/sock
LOG=$DIR/server.log

# Newest installed server version; Debian keeps them side by side.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PGBIN" ] && [ -x "$PGBIN/pg_ctl" ] || die "no PostgreSQL server under /usr/lib/postgresql (install 'postgresql')"

# The server refuses to run as root, so drop to the postgres user when needed.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  elif [ "$(id -un)" = postgres ]; then
    "$@"
  else
    die "must run as root or postgres"
  fi
}

# Kernel-chosen free port; perl-base is always present on Debian, python3 may not be.
free_port() {
  if command -v perl >/dev/null 2>&1; then
    perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Proto => "tcp", Listen => 1) or die "$!\n"; print $s->sockport, "\n";'
  else
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  fi
}

server_opts() {
  echo "-p $1 -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
}

is_running() {
  [ -f "$DATA/PG_VERSION" ] || return 1
  as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

pg_start() {   # $1 = options; output goes to the server log, shown on failure
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 -o "$1" start >/dev/null 2>&1
}

show_log() {
  [ -f "$LOG" ] && { echo "--- $LOG (tail) ---" >&2; tail -n 20 "$LOG" >&2; }
  return 0
}

cmd_start() {
  if [ -e "$DIR" ]; then
    [ -d "$DIR" ] && [ -z "$(ls -A "$DIR")" ] || die "$DIR must be a fresh empty directory"
  else
    mkdir -p "$DIR"
  fi
  : >"$DIR/$MARKER"
  chown postgres:postgres "$DIR"
  chmod 700 "$DIR"
  cd "$DIR"
  # Unix socket paths are limited to ~107 bytes (".s.PGSQL.NNNNN" is appended).
  [ ${#SOCK} -le 90 ] || die "path too long for a unix socket: $SOCK"
  as_pg test -x "$DIR" || die "postgres user cannot reach $DIR (parent directories need o+x)"
  as_pg mkdir "$SOCK"

  as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }

  # Another process may grab the port between choosing and binding it; retry with a new one.
  local port opts attempt ok=
  for attempt in $(seq 1 "$START_ATTEMPTS"); do
    port=$(free_port)
    opts=$(server_opts "$port")
    if pg_start "$opts"; then ok=1; break; fi
    echo "postgres.sh: start on port $port failed (attempt $attempt/$START_ATTEMPTS)" >&2
  done
  [ -n "$ok" ] || { show_log; die "could not start server"; }
  echo "$port" >"$DIR/port"
  echo "$opts" >"$DIR/opts"

  # Admin work over the private socket, where postgres is trusted.
  "$PGBIN/psql" -h "$SOCK" -p "$port" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE calltrail LOGIN PASSWORD 'calltrail' CREATEDB;
CREATE DATABASE calltrail OWNER calltrail;
SQL

  cat >"$DIR/env" <<EOF
CALLTRAIL_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$port/calltrail
CALLTRAIL_TEST_PG_USER=calltrail
CALLTRAIL_TEST_PG_PASSWORD=calltrail
CALLTRAIL_TEST_PG_CTL=$SELF
CALLTRAIL_TEST_PG_DIR=$DIR
EOF
  chmod 644 "$DIR/env"
  say "started $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$port (dir $DIR)"
}

cmd_stop() {
  [ -f "$DATA/PG_VERSION" ] || die "no cluster in $DIR"
  if ! is_running; then say "not running"; return 0; fi
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null || { show_log; die "stop failed"; }
  say "stopped"
}

cmd_restart() {
  [ -f "$DATA/PG_VERSION" ] && [ -f "$DIR/opts" ] || die "no cluster in $DIR (run start first)"
  if is_running; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null || { show_log; die "stop failed"; }
  fi
  # Same port on purpose: clients keep their JDBC URL across a restart.
  pg_start "$(cat "$DIR/opts")" || { show_log; die "restart on port $(cat "$DIR/port") failed"; }
  say "running again on 127.0.0.1:$(cat "$DIR/port")"
}

cmd_status() {
  if is_running; then say "running on 127.0.0.1:$(cat "$DIR/port" 2>/dev/null || echo '?')"; return 0; fi
  say "not running"; return 3
}

cmd_destroy() {
  [ -e "$DIR" ] || { say "nothing to destroy at $DIR"; return 0; }
  [ -e "$DIR/$MARKER" ] || die "$DIR was not created by postgres.sh start; not deleting it"
  if is_running; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  cd /
  rm -rf -- "$DIR"
  say "destroyed $DIR"
}

# Run the tools from a directory postgres can read, to avoid "could not change directory".
if [ -d "$DIR" ]; then cd "$DIR" 2>/dev/null || cd /; else cd /; fi

case "$CMD" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  restart) cmd_restart ;;
  status)  cmd_status ;;
  destroy) cmd_destroy ;;
  *)       usage ;;
esac
