#!/bin/sh
# `make demo`: runs tools/demo.sql against a throwaway cluster. Nothing outside
# that cluster is touched; it is dropped when the demo ends.
set -e
cd "$(dirname "$0")/.."
exec pg_virtualenv -t -v "${PG_VERSION:-15}" -o TimeZone=UTC \
	psql -X -v ON_ERROR_STOP=1 -f tools/demo.sql
