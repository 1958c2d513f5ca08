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

echo "== SQLite =="
.venv/bin/pytest "$@"

echo "== PostgreSQL =="
scripts/with-postgres.sh .venv/bin/pytest "$@"
