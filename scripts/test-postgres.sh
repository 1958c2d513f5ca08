#!/usr/bin/env bash
# The PostgreSQL passes of scripts/test.sh, inside the throwaway cluster of scripts/with-postgres.sh:
#   test-postgres.sh <n> <the suite's worker arguments…> <m> <the cluster pass's worker arguments…> <pytest arguments…>
# First the suite; then, alone in one process, the tests marked `cluster` (they restart or replicate the server).
set -euo pipefail
cd "$(dirname "$0")/.."

suite_workers=("${@:2:$1}"); shift $(($1 + 1))
cluster_worker=("${@:2:$1}"); shift $(($1 + 1))

.venv/bin/pytest --reuse-db "${suite_workers[@]}" "$@"

echo "== PostgreSQL: the cluster to itself =="
# Of the whole suite, only the files that hold a test marked cluster (collecting the others costs ~10 s);
# when tests were chosen on the command line, those.
cluster_files=()
if [ $# -eq 0 ]; then
    mapfile -t cluster_files < <(grep -rlE --include='test_*.py' 'mark\.cluster' src tests | sort)
fi
status=0
FENJI_TEST_CLUSTER=1 .venv/bin/pytest --reuse-db "${cluster_worker[@]}" -m cluster "${cluster_files[@]}" "$@" || status=$?
# 5: none of the tests asked for (a run of chosen files) is marked cluster
[ "$status" = 0 ] || [ "$status" = 5 ]
