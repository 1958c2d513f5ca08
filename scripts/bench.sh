#!/usr/bin/env bash
# make bench DATASET=peer|province [DB=postgresql|sqlite]: the benchmarks on a fresh database —
# PostgreSQL started the same way as the tests (scripts/with-postgres.sh), or an empty SQLite file —
# with their own key file, then the results written into docs/benchmarks.md and docs/benchmarks/.
set -euo pipefail
dataset=${1:?usage: scripts/bench.sh peer|province [postgresql|sqlite]}
db=${2:-postgresql}
var=$(mktemp -d /tmp/fenji-bench.XXXXXX)
trap 'rm -rf "$var"' EXIT
export FENJI_VAR_DIR="$var"
# Sized as a production server of this kind would be (23 GB RAM): the 5 M-row hash indexes stay in
# shared buffers while loading, and a bulk load does not checkpoint every gigabyte of WAL.
export FENJI_PG_SETTINGS="${FENJI_PG_SETTINGS:--c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=30min}"
run='.venv/bin/fenji migrate --noinput -v0 && .venv/bin/fenji bench --dataset "$0"'
case "$db" in
    postgresql) scripts/with-postgres.sh bash -c "$run" "$dataset" ;;
    sqlite) env -u FENJI_DATABASE_URL bash -c "$run" "$dataset" ;;
    *) echo "DB must be postgresql or sqlite" >&2; exit 2 ;;
esac
