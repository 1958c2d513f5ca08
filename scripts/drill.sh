#!/usr/bin/env bash
# `make drill`: the failover drill and the soak (scripts/drill.py), on loopback, in a temporary directory.
# As root (PostgreSQL and Patroni then run as the postgres user, like scripts/with-postgres.sh); the Debian
# packages come from `scripts/system-packages.sh drill`, locust from the `drill` extra of pyproject.toml.
# SOAK_MINUTES (default 10) bounds the soak; SOAK_USERS (default 40) the simulated users.
# The drill stops what it started; should the drill itself be killed, the trap ends every process it noted
# (by pid, in $dir/pids) and the PostgreSQL servers (by their postmaster.pid), then removes the directory.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
    echo "make drill runs as root (it starts PostgreSQL and Patroni as the postgres user)" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")/.." && pwd)
python="${DRILL_PYTHON:-$here/.venv/bin/python}"
dir=$(mktemp -d /tmp/fenji-drill.XXXXXX)
chmod 755 "$dir"

cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ -n "${drill:-}" ]; then kill -TERM "$drill" 2>/dev/null && wait "$drill" 2>/dev/null || true; fi
    if [ -f "$dir/pids" ]; then
        # only a process still working in the drill's directory: a pid is never taken for another's
        while read -r pid; do
            [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$dir" ] && kill -KILL "$pid" 2>/dev/null || true
        done < "$dir/pids"
    fi
    for pidfile in "$dir"/*/data/postmaster.pid; do
        [ -f "$pidfile" ] && kill -9 "$(head -n 1 "$pidfile")" 2>/dev/null || true
    done
    rm -rf "$dir"
    exit $status
}
trap cleanup EXIT INT TERM

cd "$dir"
PYTHONPATH="$here/src${PYTHONPATH:+:$PYTHONPATH}" "$python" "$here/scripts/drill.py" --dir "$dir" \
    --minutes "${SOAK_MINUTES:-10}" --users "${SOAK_USERS:-40}" &
drill=$!
wait "$drill"
