#!/usr/bin/env bash
# The whole suite, twice: on SQLite and on a throwaway PostgreSQL. Browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

export FENJI_VAR_DIR
FENJI_VAR_DIR=$(mktemp -d /tmp/fenji-test-var.XXXXXX)
trap 'rm -rf "$FENJI_VAR_DIR"' EXIT

echo "== checks: migrations, deploy settings =="
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "A model change has no migration: run 'manage.py makemigrations'" >&2; exit 1; }

# SQLite in parallel: one pytest worker per CPU (FENJI_TEST_WORKERS=N to choose, 1 for a single process), each
# test file whole on one worker (--dist loadfile: a module's fixtures are built once). Each worker has its
# own test database (pytest-django suffixes its name: test_fenji_gw0, ...) and its own FENJI_VAR_DIR
# (keys, uploads, backups, the demo password), set in the worker's environment before it loads settings.
workers=${FENJI_TEST_WORKERS:-$(nproc)}
parallel=()
if [ "$workers" -gt 1 ]; then
    parallel=(--dist loadfile)
    for ((i = 0; i < workers; i++)); do
        mkdir -m 700 "$FENJI_VAR_DIR/worker$i"
        parallel+=(--tx "popen//env:FENJI_VAR_DIR=$FENJI_VAR_DIR/worker$i")
    done
fi

echo "== SQLite =="
.venv/bin/pytest "${parallel[@]}" "$@"

echo "== PostgreSQL =="
# In one process: with the server's backends on the same two CPUs, two workers measured slower here.
# The cluster is thrown away afterwards: no fsync, no waiting for the WAL at commit.
FENJI_PG_SETTINGS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off ${FENJI_PG_SETTINGS:-}" \
    scripts/with-postgres.sh .venv/bin/pytest "$@"
