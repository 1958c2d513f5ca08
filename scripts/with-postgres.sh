#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp dir, start on a free
# loopback port, export FENJI_DATABASE_URL, run "$@", then stop the cluster and remove it.
# initdb and pg_ctl refuse to run as root, so as root the cluster belongs to the postgres user.
# FENJI_PG_SETTINGS adds server settings ("-c name=value …"), e.g. the benchmarks' memory and WAL sizes.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/fenji-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    as_pg=(runuser -u postgres --)
fi

cleanup() {
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=100 ${FENJI_PG_SETTINGS:-}" start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres fenji

export FENJI_DATABASE_URL="postgres://postgres@127.0.0.1:$port/fenji"
# Where the cluster is, for the tests that restart or replicate it (fenji.testing.pgcluster).
export FENJI_TEST_PG_DATA="$dir/data" FENJI_TEST_PG_BIN="$pgbin" FENJI_TEST_PG_PORT="$port"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway)"
"$@"
