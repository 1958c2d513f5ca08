#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL server binaries, pgbouncer, Chromium, CJK fonts, Pango.
# `scripts/system-packages.sh drill`: those of the failover drill and the soak instead (`make drill`):
# PostgreSQL server binaries, Patroni, etcd and pgbouncer.
# Installs what is missing when run as root; otherwise says exactly what to install.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# pgbouncer: the cluster pass serves fenji through it in transaction mode (tests/test_pgbouncer.py); the drill too
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
if [ "${1:-}" = drill ]; then
    what="make drill"
    [ -x /usr/bin/patroni ] || missing+=(patroni)
    [ -x /usr/bin/etcd ] || missing+=(etcd-server)
else
    what="make test"
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    # WeasyPrint (the PDF forms) renders through Pango.
    ldconfig -p | grep -q libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "$what needs these Debian packages: ${missing[*]}" >&2
    echo "Install them as root:  apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
