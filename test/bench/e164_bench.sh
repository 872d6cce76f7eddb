#!/bin/bash
# E.164 benchmark.  Run by `make bench` inside a throwaway cluster: the PG*
# variables point at a database where the extension hotel_agent exists.
#
# Prints, measured side by side in one run:
#   - normalize_e164(x, 'AR') against lower(x) over the same rows (goal <= 3x)
#   - our time per number against C++ libphonenumber's Parse + Format(E164)
#     on the same inputs (goal >= 20x faster)
#   - the core's own time per number, when test/unit/bench_e164.bin is built
# A missed goal prints "GOAL MISSED" and still exits 0; a failing query or
# an input the function rejects exits non-zero.
#
# Knobs: BENCH_E164_ROWS (default 1000000), BENCH_E164_ROUNDS (default 5).

set -euo pipefail

started=$(date +%s.%N)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
rows=${BENCH_E164_ROWS:-1000000}
rounds=${BENCH_E164_ROUNDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One plan shape for both queries: no parallel workers, no JIT (its compile
# time would be noise of the same order as what is measured).
export PGOPTIONS="${PGOPTIONS:-} -c max_parallel_workers_per_gather=0 -c jit=off -c client_min_messages=warning"

echo "== E.164 benchmark: $rows inputs, $rounds rounds"

# Inputs: the shared set of raw numbers (lib.sh), all possible for AR.
bench_e164_inputs "${PGDATABASE:-postgres}" "$rows"

# Every input must normalise; otherwise the timed query would raise.
if [ "$(psql_q -c "SELECT to_regprocedure('hotel_agent.try_normalize_e164(text,text)') IS NOT NULL")" = t ]; then
	rejected=$(psql_q -c "SELECT count(*) - count(hotel_agent.try_normalize_e164(x, 'AR')) FROM bench_e164")
	if [ "$rejected" != 0 ]; then
		echo "ERROR: try_normalize_e164(x, 'AR') returned NULL for $rejected bench inputs, e.g.:" >&2
		psql_q -c "SELECT x FROM bench_e164 WHERE hotel_agent.try_normalize_e164(x, 'AR') IS NULL LIMIT 10" >&2
		exit 1
	fi
	echo "inputs: all $rows accepted by try_normalize_e164(x, 'AR')"
fi

# One session: warm up both queries, then alternate them so that a noisy
# neighbour hits both alike.  The median of the rounds is reported.
q_lower="SELECT count(lower(x)) FROM bench_e164"
q_norm="SELECT count(hotel_agent.normalize_e164(x, 'AR')) FROM bench_e164"
{
	echo "$q_lower;"
	echo "$q_norm;"
	for _ in $(seq "$rounds"); do
		echo "\\echo @lower"
		echo "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $q_lower;"
		echo "\\echo @normalize_e164"
		echo "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $q_norm;"
	done
} > "$tmp/rounds.sql"
psql_q -f "$tmp/rounds.sql" > "$tmp/rounds.out"

times_of() {
	awk -v want="@$1" '
		/^@/ { cur = $0; next }
		cur == want && /Execution Time:/ { sub(/.*Execution Time: /, ""); sub(/ ms.*/, ""); print }
	' "$tmp/rounds.out"
}
t_lower=$(times_of lower | median)
t_norm=$(times_of normalize_e164 | median)
if [ -z "$t_lower" ] || [ -z "$t_norm" ]; then
	echo "ERROR: no Execution Time in the EXPLAIN output:" >&2
	cat "$tmp/rounds.out" >&2
	exit 1
fi

ratio=$(awk -v a="$t_norm" -v b="$t_lower" 'BEGIN { printf "%.2f", a / b }')
ours_ns=$(awk -v t="$t_norm" -v n="$rows" 'BEGIN { printf "%.1f", t * 1e6 / n }')
echo "lower: $t_lower ms"
echo "normalize_e164: $t_norm ms"
echo "ratio normalize_e164/lower = $ratio (goal <= 3.0)"
if awk -v r="$ratio" 'BEGIN { exit !(r > 3.0) }'; then
	echo "GOAL MISSED: normalize_e164 costs $ratio x lower(), goal <= 3.0"
fi
echo "ours per number: $ours_ns ns (whole query time / rows)"

psql_q -c "\\copy (SELECT x FROM bench_e164) TO '$tmp/inputs.txt'"

# Baseline: Google's C++ libphonenumber on the same inputs.
bin="$here/libphonenumber_bench.bin"
if [ ! -x "$bin" ] || [ "$here/libphonenumber_bench.cc" -nt "$bin" ]; then
	if ! g++ -O2 -o "$bin" "$here/libphonenumber_bench.cc" -lphonenumber 2> "$tmp/gxx.err"; then
		echo "libphonenumber baseline: NOT MEASURED (build failed; needs g++ and libphonenumber-dev):"
		sed 's/^/  /' "$tmp/gxx.err" | head -5
		bin=
	fi
fi
if [ -n "$bin" ]; then
	line=$("$bin" "$tmp/inputs.txt" AR 3 2> /dev/null)
	lib_ns=$(echo "$line" | sed -n 's/.*libphonenumber_ns_per_number=\([0-9.]*\).*/\1/p')
	lib_ver=$(dpkg-query -W -f '${Version}' libphonenumber-dev 2> /dev/null || echo unknown)
	echo "libphonenumber per number: $lib_ns ns (C++ libphonenumber $lib_ver, Parse + Format(E164), best of 3 passes; $line)"
	speedup=$(awk -v l="$lib_ns" -v o="$ours_ns" 'BEGIN { printf "%.1f", l / o }')
	echo "speedup vs libphonenumber = $speedup x (goal >= 20)"
	if awk -v s="$speedup" 'BEGIN { exit !(s < 20) }'; then
		echo "GOAL MISSED: only $speedup x faster than libphonenumber, goal >= 20"
	fi
fi

# The pure-C core alone, without the executor around it.
core="$root/test/unit/bench_e164.bin"
if [ -x "$core" ]; then
	echo "core only: $("$core" "$tmp/inputs.txt" AR)"
else
	echo "core only: not measured ($core not built; make bench-core)"
fi

psql_q -c "DROP TABLE bench_e164"
awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "e164 bench took %.1f s\n", e - s }'
