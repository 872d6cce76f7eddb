#!/bin/bash
# `make bench`: runs every benchmark (test/bench/*_bench.sh) in one throwaway
# cluster, one after the other. Each benchmark prints ratios measured side by
# side in the same run (the machines are shared and noisy, so absolute times
# mean little) and the time it took.
set -u
cd "$(dirname "$0")/../.."
# The expected outputs are UTF-8: never let an unset LANG make the
# throwaway cluster SQL_ASCII.
export LC_ALL=C.UTF-8
INITDB_OPTS="--encoding=UTF8 --locale=C.UTF-8"
PG_VERSION=${PG_VERSION:-15}
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_VERSION/bin/pg_config}

# Only some benchmarks? BENCH="e164 tenant" make bench
selected=${BENCH:-}

run_benchmarks() {
	local rc=0
	psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION hotel_agent' || return 1
	for script in test/bench/*_bench.sh; do
		local name
		name=$(basename "$script" _bench.sh)
		if [ -n "$selected" ] && ! [[ " $selected " == *" $name "* ]]; then
			continue
		fi
		local start=$SECONDS
		echo "=== $name"
		bash "$script" || { echo "=== $name: FAILED"; rc=1; }
		echo "=== $name: $((SECONDS - start))s"
		echo
	done
	return $rc
}
export -f run_benchmarks
export selected

start=$SECONDS
pg_virtualenv -t -v "$PG_VERSION" -i "$INITDB_OPTS" \
	-o "TimeZone=UTC" \
	-o "shared_buffers=1GB" \
	-o "max_wal_size=4GB" \
	-o "checkpoint_timeout=30min" \
	bash -c run_benchmarks
rc=$?
echo "bench: all benchmarks took $((SECONDS - start))s"
exit $rc
