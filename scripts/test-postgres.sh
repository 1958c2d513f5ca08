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
status=0
cluster_args=("$@")
if [ $# -eq 0 ]; then  # the whole suite: collect only the files that hold such tests, not all of it again
    mapfile -t cluster_args < <(grep -rl --include='test_*.py' 'mark\.cluster' src tests | sort)
fi
FENJI_TEST_CLUSTER=1 .venv/bin/pytest --reuse-db "${cluster_worker[@]}" -m cluster "${cluster_args[@]}" || status=$?
# 5: none of the tests asked for (a run of chosen files) is marked cluster
[ "$status" = 0 ] || [ "$status" = 5 ]
