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
rows=${BENCH_E164_ROWS:-1000000}
rounds=${BENCH_E164_ROUNDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One plan shape for both queries: no parallel workers, no JIT (its compile
# time would be noise of the same order as what is measured).
export PGOPTIONS="${PGOPTIONS:-} -c max_parallel_workers_per_gather=0 -c jit=off -c client_min_messages=warning"
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "== E.164 benchmark: $rows inputs, $rounds rounds"

# Inputs: deterministic, varied, and every one of them a possible number for
# default region AR according to libphonenumber-js (checked when the shapes
# were chosen), so normalize_e164() must accept all of them.  Mostly the
# shapes an Argentine hotel sees: +54 9 ..., WhatsApp ids (549...), national
# 0AREA 15-..., plus foreign numbers with "+" or an IDD, and some noise.
psql_q -v n="$rows" <<'SQL'
DROP TABLE IF EXISTS bench_e164;
CREATE TABLE bench_e164 AS
SELECT CASE shape
	WHEN 0 THEN '+54 9 11 ' || a || '-' || b
	WHEN 1 THEN '+54 9 11 ' || a || ' ' || b
	WHEN 2 THEN '54911' || a || b
	WHEN 3 THEN '549' || area || c || b
	WHEN 4 THEN '011 15-' || a || '-' || b
	WHEN 5 THEN '(011) 15 ' || a || ' ' || b
	WHEN 6 THEN '11 15 ' || a || b
	WHEN 7 THEN '+54 11 ' || a || '-' || b
	WHEN 8 THEN '+54911' || a || b
	WHEN 9 THEN '0' || area || ' 15-' || c || '-' || b
	WHEN 10 THEN '+54 9 ' || area || ' ' || c || '-' || b
	WHEN 11 THEN '(0' || area || ') 15 ' || c || ' ' || b
	WHEN 12 THEN ' tel:+54-9-11-' || a || '-' || b
	WHEN 13 THEN '+54.9.11.' || a || '.' || b || ' '
	WHEN 14 THEN '+1 650 ' || c || ' ' || b
	WHEN 15 THEN '+44 20 7' || c || ' ' || b
	WHEN 16 THEN '+55 11 9' || a || '-' || b
	WHEN 17 THEN '+34 6' || substr(h, 20, 2) || ' ' || c || ' ' || substr(h, 22, 3)
	WHEN 18 THEN '+52 55 ' || a || ' ' || b
	ELSE '00 39 06 ' || a || ' ' || b
	END AS x
FROM (SELECT h,
			 substr(h, 1, 2)::int % 20 AS shape,
			 (2 + substr(h, 3, 1)::int % 8)::text || substr(h, 4, 3) AS a,
			 substr(h, 7, 4) AS b,
			 (2 + substr(h, 11, 1)::int % 8)::text || substr(h, 12, 2) AS c,
			 (ARRAY['221', '223', '261', '341', '351', '381', '387', '291'])[1 + substr(h, 14, 1)::int % 8] AS area
	  FROM (SELECT translate(md5(i::text), 'abcdef', '012345') AS h
			FROM generate_series(1, :n) AS i) AS g) AS s;
VACUUM ANALYZE bench_e164;
SQL

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
