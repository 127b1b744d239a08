#!/usr/bin/env bash
# test-postgres.sh: a throwaway PostgreSQL cluster for the store's tests.
#
#   eval "$(bash scripts/test-postgres.sh start)"   # prints the exports below
#   go test ./internal/store/...
#   bash scripts/test-postgres.sh stop "$KEEPNET_FLOW_TEST_POSTGRES_DIR"
#
# start installs Debian's postgresql when no server binaries are found
# (apt-get, as root), creates a cluster in a new temporary directory and
# starts it listening on a unix socket in that directory only: no port to
# collide with another cluster, nothing reachable from outside. Logins need
# a password (scram-sha-256), so the tests meet the authentication a real
# server asks for. The server refuses to run as root: as root, the cluster
# belongs to the postgres user the package creates.
#
# It prints, for eval:
#   KEEPNET_FLOW_TEST_POSTGRES      the cluster's URL, password included
#   KEEPNET_FLOW_TEST_POSTGRES_DIR  the directory to hand to stop
# Durability is off (fsync, synchronous_commit): the cluster lives for one
# test run, and CI's time is better spent on tests.
set -euo pipefail

die() { echo "test-postgres.sh: $*" >&2; exit 1; }

# bindir finds the newest installed server's binaries.
bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

# as runs a command as the cluster's owner.
as() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  if ! bin=$(bindir); then
    [ "$(id -u)" = 0 ] || die "no PostgreSQL server installed; install Debian's postgresql package (apt-get install postgresql) and run again"
    echo "installing: postgresql" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(bindir) || die "postgresql installed, but no initdb/pg_ctl found under /usr/lib/postgresql"
  fi
  local dir
  dir=$(mktemp -d /tmp/keepnet-pg.XXXXXX)
  chmod 700 "$dir"
  local pw
  pw=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" > "$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root, and there is no postgres user to own the cluster (Debian's postgresql package creates it)"
    chown -R postgres: "$dir"
  fi
  as "$bin/initdb" -D "$dir/data" -U keepnet --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"
  as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
    start >/dev/null || { cat "$dir/server.log" >&2; die "the server did not start"; }
  PGPASSWORD="$pw" as "$bin/psql" -X -q -h "$dir" -U keepnet -d postgres -c 'CREATE DATABASE keepnet' >/dev/null \
    || die "could not create the test database"
  echo "export KEEPNET_FLOW_TEST_POSTGRES='postgres://keepnet:$pw@/keepnet?host=$dir&sslmode=disable'"
  echo "export KEEPNET_FLOW_TEST_POSTGRES_DIR='$dir'"
}

stop() {
  local dir=${1:-}
  [ -n "$dir" ] && [ -d "$dir/data" ] || die "stop: pass the directory start printed (KEEPNET_FLOW_TEST_POSTGRES_DIR)"
  local bin
  bin=$(bindir) || die "no pg_ctl found"
  as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) die "usage: test-postgres.sh start | stop DIR" ;;
esac
