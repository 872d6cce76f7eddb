#!/bin/bash
# Runs some pg_regress tests and/or isolation specs in a throwaway cluster with
# a private output directory, so that several runs can go on side by side
# while a test is being written.
#
#   test/regress-one.sh 30_tenant 31_tenant_hours           # test/sql/NAME.sql vs expected/NAME.out
#   test/regress-one.sh --isolation tenant_identifier_race  # test/specs/NAME.spec vs expected/NAME.out
#
# The extension must be installed (make && make install). Results are left in
# build/regress-PID/results/ for copying into expected/ once they are right.
set -eu
cd "$(dirname "$0")/.."
# The expected outputs are UTF-8: never let an unset LANG make the
# throwaway cluster SQL_ASCII.
export LC_ALL=C.UTF-8
INITDB_OPTS="--encoding=UTF8 --locale=C.UTF-8"
PG_VERSION=${PG_VERSION:-15}
pgxs=$(dirname "$(/usr/lib/postgresql/$PG_VERSION/bin/pg_config --pgxs)")/..
kind=regress
if [ "${1:-}" = --isolation ]; then
	kind=isolation
	shift
fi
out=build/regress-$$
mkdir -p "$out"
ln -sfn "$PWD/expected" "$out/expected"
if [ $kind = regress ]; then
	runner="$pgxs/test/regress/pg_regress --dbname=contrib_regression"
else
	runner="$pgxs/test/isolation/pg_isolation_regress --dbname=isolation_regression"
fi
echo "output: $out"
exec pg_virtualenv -t -v "$PG_VERSION" -i "$INITDB_OPTS" \
	-o "shared_preload_libraries=pg_cron" \
	-o "cron.database_name=contrib_regression" \
	-o "TimeZone=UTC" \
	$runner --inputdir=test --outputdir="$out" --load-extension=hotel_agent \
	--bindir=/usr/lib/postgresql/$PG_VERSION/bin "$@"
