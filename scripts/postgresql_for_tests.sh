#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests on both back ends (tests/backends.py): Debian's
# postgresql package, a new cluster on a local socket only (no TCP port), fsync off (test data).
# Prints the line that points the tests at it:
#
#     eval "$(scripts/postgresql_for_tests.sh)" && pytest tests/store
#
# Stop it with: pg_ctl -D "$dir/data" stop (the folder is named in the printed URL).
set -euo pipefail

newest_bin() { find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1; }

bin=$(newest_bin)
if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "no PostgreSQL server installed (Debian: sudo apt-get install postgresql)" >&2
        exit 1
    fi
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(newest_bin)
fi

dir=$(mktemp -d /tmp/changelog-tracker-pg.XXXXXX)
as_server() {  # initdb refuses to run as root: the package's postgres user runs the server
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
as_server "'$bin/initdb' -D '$dir/data' -A trust -U tracker" >/dev/null
as_server "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o '-k $dir -c listen_addresses= -c fsync=off' start" >/dev/null
as_server "'$bin/createdb' -h '$dir' -U tracker tracker_test"
echo "export CHANGELOG_TRACKER_TEST_POSTGRESQL='postgresql://tracker@/tracker_test?host=$dir'"
