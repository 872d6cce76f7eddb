#!/bin/bash
# Tenant resolution benchmark.  Run by `make bench` inside a throwaway
# cluster: the PG* variables point at a server where the extension can be
# created.  The benchmark makes its own database and drops it at the end.
#
# 2,000 tenants (1 in 20 suspended) and 200,000 identifiers (180,000 phone
# numbers, 20,000 e-mails), loaded through the normalising trigger.  Then
# pgbench -M prepared with 2 clients compares, in alternating rounds:
#
#   join:    the bare SQL join on an already-normalised key
#            SELECT t.tenant_id FROM tenant_user_identifiers i JOIN tenants t
#            ON t.id = i.tenant_id WHERE i.identifier = <key> AND t.status = 'active'
#   resolve: SELECT hotel_agent.resolve_tenant(<raw spelling of the same key>)
#
# Fairness.  Both scripts draw the same random row number n and build their
# input from it in SQL with the same kind of work (two or three text
# concatenations and one lpad): the join gets the stored key
# ('+5491140001234', 'guest42@example.com'), resolve_tenant() gets a raw
# spelling that it must normalise first ('+54 9 11 4000-1234',
# 'Guest42@Example.COM').  There is no lookup table or subquery: a common
# extra cost would be added to both sides and push the ratio towards 1.
# Both are one prepared statement and one round trip per transaction and
# both return the slug (or NULL for a suspended tenant, in both alike).
# Before timing, both are run over the same sample of rows and must give
# the same answers.
#
# Prints both TPS (median of the rounds) and
#   ratio resolve_tenant/join = R (goal >= 0.9)
# where R is the median of the per-round ratios: each round runs the two
# side by side, so a neighbour's load that comes and goes hits a round's
# pair alike, and the median drops the odd round it did not.
# A missed goal prints "GOAL MISSED" and still exits 0; errors exit non-zero.
#
# Knobs: BENCH_TENANT_SECONDS (per run, default 5), BENCH_TENANT_ROUNDS
# (default 7).

set -euo pipefail

started=$(date +%s.%N)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
seconds=${BENCH_TENANT_SECONDS:-5}
rounds=${BENCH_TENANT_ROUNDS:-7}
db=hotel_agent_tenant_bench
tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== tenant resolution benchmark: 2000 tenants, 200000 identifiers, $rounds rounds of ${seconds}s per query, pgbench -M prepared -c 2 -j 2"

psql_q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql_q -d "$db" -c "CREATE EXTENSION hotel_agent"

# The data set of lib.sh (tenant_load): raw spellings through the trigger.
load_start=$(date +%s.%N)
tenant_load "$db"
load_s=$(awk -v s="$load_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
echo "load: 200000 raw identifiers normalised by the trigger and inserted in $load_s s (with VACUUM ANALYZE)"

# The pgbench scripts (lib.sh); the phone and e-mail scripts run 9:1.
tenant_scripts "$tmp"

# Both sides must answer alike (lib.sh: tenant_check).
tenant_check "$db"

# run NAME SECONDS: one pgbench run of the NAME scripts; prints its TPS.
run() {
	local out="$tmp/pgbench.$1.out"
	if ! pgbench -n -M prepared -c 2 -j 2 -T "$2" \
		-f "$tmp/$1_phone.sql@9" -f "$tmp/$1_email.sql@1" "$db" >"$out" 2>&1; then
		echo "ERROR: pgbench ($1) failed:" >&2
		cat "$out" >&2
		exit 1
	fi
	if grep -q 'aborted\|ERROR' "$out"; then
		echo "ERROR: pgbench ($1) reported errors:" >&2
		cat "$out" >&2
		exit 1
	fi
	sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out" | head -n 1
}

# Warm-up (caches, plans), then alternate so that a noisy neighbour hits
# both sides alike.
run join 3 >/dev/null
run resolve 3 >/dev/null
: >"$tmp/join.tps"
: >"$tmp/resolve.tps"
: >"$tmp/ratio"
for r in $(seq "$rounds"); do
	# which side goes first alternates too
	if [ $((r % 2)) = 1 ]; then
		j=$(run join "$seconds")
		v=$(run resolve "$seconds")
	else
		v=$(run resolve "$seconds")
		j=$(run join "$seconds")
	fi
	if [ -z "$j" ] || [ -z "$v" ]; then
		echo "ERROR: no tps in the pgbench output" >&2
		exit 1
	fi
	printf 'round %d: join %.0f tps, resolve_tenant %.0f tps, ratio %.2f\n' "$r" "$j" "$v" \
		"$(awk -v a="$v" -v b="$j" 'BEGIN { print a / b }')"
	echo "$j" >>"$tmp/join.tps"
	echo "$v" >>"$tmp/resolve.tps"
	awk -v a="$v" -v b="$j" 'BEGIN { print a / b }' >>"$tmp/ratio"
done
tps_join=$(median <"$tmp/join.tps")
tps_resolve=$(median <"$tmp/resolve.tps")
ratio=$(median <"$tmp/ratio" | awk '{ printf "%.2f", $1 }')

printf 'join (bare SQL, normalised key): %.0f tps (median of %d rounds)\n' "$tps_join" "$rounds"
printf 'resolve_tenant (raw input): %.0f tps (median of %d rounds)\n' "$tps_resolve" "$rounds"
echo "ratio resolve_tenant/join = $ratio (goal >= 0.9; median of the per-round ratios)"
if awk -v r="$ratio" 'BEGIN { exit !(r < 0.9) }'; then
	echo "GOAL MISSED: resolve_tenant reaches $ratio x the bare join's TPS, goal >= 0.9"
fi
awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "tenant bench took %.1f s\n", e - s }'
