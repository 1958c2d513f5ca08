#!/usr/bin/env bash
# `make drill`: the failover drill and the soak (scripts/drill.py), on loopback, in a temporary directory.
# As root (PostgreSQL and Patroni then run as the postgres user, like scripts/with-postgres.sh); the Debian
# packages come from `scripts/system-packages.sh drill`, locust from the `drill` extra of pyproject.toml.
# SOAK_MINUTES (default 10) bounds the soak; SOAK_USERS (default 40) the simulated users.
# Every process the drill starts is in this script's process group: the trap ends them and removes the
# directory, whatever way the drill stops.
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
    # the drill stops its own processes; this is the backstop for a drill that was itself killed
    pkill -KILL -g $$ -f "$dir" 2>/dev/null || true
    for pidfile in "$dir"/*/data/postmaster.pid; do
        [ -f "$pidfile" ] && kill -9 "$(head -n 1 "$pidfile")" 2>/dev/null || true
    done
    rm -rf "$dir"
    exit $status
}
trap cleanup EXIT INT TERM

cd "$dir"
PYTHONPATH="$here/src${PYTHONPATH:+:$PYTHONPATH}" "$python" "$here/scripts/drill.py" --dir "$dir" \
    --minutes "${SOAK_MINUTES:-10}" --users "${SOAK_USERS:-40}"
