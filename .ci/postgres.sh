# A throw-away PostgreSQL + PostGIS cluster for the tests, from Debian's packages.
#
#   . .ci/postgres.sh
#   pg_install            # apt-get install postgresql postgis when missing
#   pg_start              # initdb in a temp dir, start on a free 127.0.0.1 port,
#                         # CREATE EXTENSION postgis; exports AIRWORK_TEST_PG_URL
#   pg_stop               # stop the server and remove its folder (use in a trap)

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_install() {
    local bin
    bin="$(pg_bindir)"
    if [ -z "$bin" ] || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
        echo "installing PostgreSQL and PostGIS (Debian packages)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null
    fi
}

_pg_as() {  # run as the postgres user when we are root (postgres refuses root)
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    local bin port
    bin="$(pg_bindir)"
    PG_BIN="$bin"
    PG_TMP="$(mktemp -d /tmp/airwork-pg.XXXXXX)"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_TMP"
    port="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    _pg_as "$bin/initdb" -D "$PG_TMP/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
    _pg_as "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 start \
        -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null
    "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE DATABASE airwork_test" >/dev/null
    "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d airwork_test \
        -c "CREATE EXTENSION postgis" >/dev/null
    export AIRWORK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/airwork_test"
    echo "PostgreSQL + PostGIS on 127.0.0.1:$port ($PG_TMP)"
}

pg_stop() {
    if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
        _pg_as "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
        PG_TMP=""
    fi
}
