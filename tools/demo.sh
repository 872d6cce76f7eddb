#!/bin/sh
# `make demo`: runs tools/demo.sql against a throwaway cluster. Nothing outside
# that cluster is touched; it is dropped when the demo ends.
set -e
cd "$(dirname "$0")/.."
# The expected outputs are UTF-8: never let an unset LANG make the
# throwaway cluster SQL_ASCII.
export LC_ALL=C.UTF-8
INITDB_OPTS="--encoding=UTF8 --locale=C.UTF-8"
exec pg_virtualenv -t -v "${PG_VERSION:-15}" -i "$INITDB_OPTS" -o TimeZone=UTC \
	psql -X -v ON_ERROR_STOP=1 -f tools/demo.sql
