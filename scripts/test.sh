#!/usr/bin/env bash
# The whole suite, twice: on SQLite and on a throwaway PostgreSQL. Browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

export FENJI_VAR_DIR
FENJI_VAR_DIR=$(mktemp -d /tmp/fenji-test-var.XXXXXX)
trap 'rm -rf "$FENJI_VAR_DIR"' EXIT
# Bytecode is cached even where the environment asks Python not to write it: every pytest worker and every
# `fenji` subprocess a test starts would otherwise compile the sources, and pytest rewrite every test module's
# assertions, again (measured: collecting the suite 20 s → 10 s per process, a `fenji` command 0.9 s faster).
unset PYTHONDONTWRITEBYTECODE

echo "== checks: migrations, deploy settings =="
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "A model change has no migration: run 'manage.py makemigrations'" >&2; exit 1; }
# The test settings add the local OpenID Connect provider, whose tables tests/idp/provider_migrations makes in one
# step: it must still match the installed django-oauth-toolkit's models.
DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python -m django makemigrations --check --dry-run >/dev/null || {
    echo "tests/idp/provider_migrations no longer matches django-oauth-toolkit: regenerate it (tests/settings.py)" >&2
    exit 1; }

# SQLite in parallel: one pytest worker per CPU (FENJI_TEST_WORKERS=N to choose, 1 for a single process), each
# test file whole on one worker (--dist loadfile: a module's fixtures are built once). Each worker has its
# own test database (pytest-django suffixes its name: test_fenji_gw0, ...) and its own FENJI_VAR_DIR
# (keys, uploads, backups, the demo password), set in the worker's environment before it loads settings.
workers=${FENJI_TEST_WORKERS:-$(nproc)}

parallel() {  # the xdist arguments for one run: a var directory per worker, under "$1"
    local run=$1 i
    if [ "$workers" -gt 1 ]; then
        printf '%s\n' --dist loadfile --no-loadscope-reorder  # longest files first: conftest.py
        for ((i = 0; i < workers; i++)); do
            mkdir -m 700 "$FENJI_VAR_DIR/$run$i"
            printf '%s\n' --tx "popen//env:FENJI_VAR_DIR=$FENJI_VAR_DIR/$run$i"
        done
    fi
}

echo "== SQLite =="
mapfile -t sqlite_workers < <(parallel sqlite)
.venv/bin/pytest "${sqlite_workers[@]}" "$@"

echo "== PostgreSQL =="
# As many workers as on SQLite, each with its own test database (test_fenji_gw0, …): measured on this
# 2-CPU machine (2,573 tests), 9 min 47 s on two workers against 15 min 49 s in one process.
# The cluster is thrown away afterwards: no fsync, no waiting for the WAL at commit.
mapfile -t pg_workers < <(parallel pg)
# Then the tests that restart the server or stream from it (marker `cluster`, fenji.testing.pgcluster), in one
# process with the cluster to itself. It reuses the first worker's test database (--reuse-db: same name,
# test_fenji_gw0 or test_fenji), so the migrations are not run a second time.
cluster_worker=()
if [ "$workers" -gt 1 ]; then
    mkdir -m 700 "$FENJI_VAR_DIR/cluster"
    cluster_worker=(--dist loadfile --tx "popen//env:FENJI_VAR_DIR=$FENJI_VAR_DIR/cluster")
fi
FENJI_PG_SETTINGS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off ${FENJI_PG_SETTINGS:-}" \
    scripts/with-postgres.sh scripts/test-postgres.sh "${#pg_workers[@]}" "${pg_workers[@]}" \
    "${#cluster_worker[@]}" "${cluster_worker[@]}" "$@"
