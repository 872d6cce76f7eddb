#!/bin/bash
# The speed of the pure-SQL build (sql/supabase/hotel_agent--<version>.sql).
# Run by `make bench` inside a throwaway cluster: the PG* variables point at
# a database where the extension hotel_agent exists (the C side of (1)).
# The benchmark installs the pure-SQL build into three databases of its own
# in the same cluster, measures there, and drops them at the end.
#
# (1) Phone normalisation: the same raw numbers (the e164 benchmark's
#     shapes, default region AR) through normalize_e164() of the pure-SQL
#     build, through the C function, and through python-phonenumbers
#     (Debian python3-phonenumbers: parse + format E.164, what the backend
#     pays when it normalises in Python), in alternating rounds; time per
#     number, median of the rounds.  Before timing, both builds must give
#     the same key for every input.
#     Goal: pure-SQL / python <= 1.0 (median of the per-round ratios).
#     Printed: pure-SQL / C, pure-SQL on the same inputs sorted (the
#     numbers of one calling code one after the other: what PostgreSQL's
#     cache of 32 compiled regular expressions per backend gains), and
#     pure-SQL in a session that sorted 200,000 rows first (what a
#     long-lived backend pays once glibc has raised its heap trim threshold;
#     the goal is judged on fresh sessions).
# (2) resolve_tenant() of the pure-SQL build on raw input against the bare
#     SQL join on normalised keys, on the tenant benchmark's data (2,000
#     tenants, 200,000 identifiers loaded raw through the pure-SQL
#     trigger) and scripts (phone and e-mail 9:1, the same random rows),
#     pgbench -c 2 -j 2 in alternating rounds, once with -M prepared and
#     once with -M simple (what a transaction pooler without prepared
#     statements gives the backend: every statement parsed and planned on
#     every call).  The ratio is the median of the per-round ratios.
#     Goals: prepared >= 0.5; simple >= 1.0.
# (3) One INSERT INTO password_history with the pure-SQL pruning trigger,
#     on 1,200,000 rows (100,000 users x 12) against 1,008 rows (84 users x
#     12), the same users table and the same 84 users written to on both
#     sides, the setting 12 (every insert prunes one row): the maintenance
#     benchmark's method, pgbench -M prepared, one client,
#     synchronous_commit=off, alternating rounds of a fixed number of
#     inserts, each on a freshly vacuumed table, after one warm-up round.
#     Goal: big / small <= 1.5 (median of the per-round ratios).
#
# Each goal prints "PASS" or "FAIL"; the benchmark exits non-zero when one
# fails (and on any error).
# Knobs: BENCH_SUPA_PHONES (inputs of (1), default 20000),
# BENCH_SUPA_ROUNDS (rounds of (1) and (2), default 5),
# BENCH_SUPA_SECONDS (per pgbench run of (2), default 5),
# BENCH_SUPA_INSERTS (per round of (3), default 2000), BENCH_SUPA_HIST_ROUNDS
# (default 13), BENCH_SUPA_PARTS (which of (1) (2) (3) to run, default
# "1 2 3"), BENCH_SUPA_KEEP_DB (set: keep the databases).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

started=$(now)
phones=${BENCH_SUPA_PHONES:-20000}
rounds=${BENCH_SUPA_ROUNDS:-5}
seconds=${BENCH_SUPA_SECONDS:-5}
inserts=${BENCH_SUPA_INSERTS:-2000}
hist_rounds=${BENCH_SUPA_HIST_ROUNDS:-13}
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$root/hotel_agent.control")
script="$root/sql/supabase/hotel_agent--$version.sql"
db=hotel_agent_supabase_bench
big=hotel_agent_supabase_bench_big
small=hotel_agent_supabase_bench_small
cdb=${PGDATABASE:-postgres}
# Debian's interpreter, whatever python3 comes first on the PATH: the
# library is Debian's python3-phonenumbers.
python=/usr/bin/python3
tmp=$(mktemp -d)
failed=0
cleanup() {
	rm -rf "$tmp"
	psql_q -d "$cdb" -c "DROP TABLE IF EXISTS bench_e164" >/dev/null 2>&1 || true
	[ -n "${BENCH_SUPA_KEEP_DB:-}" ] && return
	for d in "$db" "$big" "$small"; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT

# verdict NAME RATIO OP LIMIT: prints the goal line, PASS or FAIL.
verdict() {
	if awk -v r="$2" -v l="$4" -v op="$3" 'BEGIN { exit !(op == "<=" ? r <= l : r >= l) }'; then
		echo "PASS: $1 = $2 (goal $3 $4)"
	else
		echo "FAIL: $1 = $2 (goal $3 $4)"
		failed=1
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
stage_start=
stage() {
	stage_start=$(now)
	echo "-- $*"
}
stage_done() { echo "   ($(secs "$stage_start" "$(now)") s)"; }

echo "== pure-SQL build benchmark: $(basename "$script")"
if ! "$python" -c 'import phonenumbers' 2>/dev/null; then
	echo "ERROR: $python cannot import phonenumbers (apt-get install python3-phonenumbers; tools/install-deps.sh does)" >&2
	exit 1
fi

stage "installing the pure-SQL build into $db, $big and $small"
for d in "$db" "$big" "$small"; do
	psql_q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d"
	psql_q -d "$d" -f "$script" >/dev/null
	mode=$(psql_q -d "$d" -c "SELECT hotel_agent.install_mode()")
	[ "$mode" = script ] || { echo "ERROR: install_mode() is $mode in $d, expected script" >&2; exit 1; }
done
[ "$(psql_q -d "$cdb" -c "SELECT hotel_agent.install_mode()")" = extension ] ||
	{ echo "ERROR: the extension is not installed in $cdb" >&2; exit 1; }
stage_done

# ---------------------------------------------------------------- (1)
part1() {
	stage "(1) phone normalisation: $phones numbers, default region AR, $rounds rounds: pure-SQL vs C vs python-phonenumbers $(dpkg-query -W -f '${Version}' python3-phonenumbers 2>/dev/null || echo '?')"
	bench_e164_inputs "$db" "$phones"
	bench_e164_inputs "$cdb" "$phones"
	# The same keys from both builds, for every input (a twin that rejected or
	# mangled numbers would be timed on other work).
	sum_q="SELECT count(hotel_agent.try_normalize_e164(x, 'AR')) || ' ' || md5(string_agg(hotel_agent.try_normalize_e164(x, 'AR'), ',' ORDER BY x)) FROM bench_e164"
	sum_sql=$(psql_q -d "$db" -c "$sum_q")
	sum_c=$(psql_q -d "$cdb" -c "$sum_q")
	if [ "$sum_sql" != "$sum_c" ] || [ "${sum_c%% *}" != "$phones" ]; then
		echo "ERROR: the builds disagree on the inputs (accepted and md5 of the keys): pure-SQL $sum_sql, C $sum_c" >&2
		exit 1
	fi
	echo "   check: both builds accept all $phones inputs with the same keys (md5 ${sum_c#* })"
	psql_q -d "$db" -c "\\copy (SELECT x FROM bench_e164) TO '$tmp/phones.txt'"

	# per_number DB [ORDER [SORT_FIRST]]: one session; a warm-up over the
	# first rows (plans and compiled expressions of a long-lived connection),
	# then the timed query over the inputs in ORDER (default: as stored,
	# shapes mixed); prints microseconds per number (EXPLAIN ANALYZE execution
	# time / rows).  SORT_FIRST: the session sorts 200,000 integers before
	# the warm-up, as any long-lived backend that ran one large query has:
	# glibc raises its heap trim threshold when a large block is freed, and
	# the regex engine's and index scans' allocations of 20 to 30 kB then stop
	# growing and trimming the heap top on every call (doc/benchmarks.md).
	per_number() {
		psql_q -d "$1" <<-SQL | sed -nE 's/.*Execution Time: ([0-9.]+) ms.*/\1/p' |
	SET max_parallel_workers_per_gather = 0;
	SET jit = off;
	${3:+SELECT count(*) FROM (SELECT g FROM generate_series(1, 200000) g ORDER BY g DESC OFFSET 0) s;}
	SELECT count(hotel_agent.normalize_e164(x, 'AR')) FROM (SELECT x FROM bench_e164 LIMIT 500) w;
	EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) SELECT count(hotel_agent.normalize_e164(x, 'AR')) FROM (SELECT x FROM bench_e164 ${2:+ORDER BY $2}) s;
	SQL
			awk -v n="$phones" '{ printf "%.3f\n", $1 * 1000 / n }'
	}
	: >"$tmp/us_sql"
	: >"$tmp/us_c"
	: >"$tmp/us_py"
	: >"$tmp/us_sorted"
	: >"$tmp/us_warm"
	: >"$tmp/ratio_py"
	for r in $(seq "$rounds"); do
		s=$(per_number "$db")
		# For information, the regex cache (32 compiled expressions per
		# backend): the same inputs sorted, so that the numbers of one shape,
		# and of one calling code, come one after the other.
		o=$(per_number "$db" x)
		w=$(per_number "$db" "" sort-first)
		c=$(per_number "$cdb")
		p=$("$python" "$here/phonenumbers_bench.py" "$tmp/phones.txt" AR 1)
		case "$p" in
		*"accepted=$phones of=$phones") ;;
		*) echo "ERROR: python-phonenumbers did not accept every input: $p" >&2; exit 1 ;;
		esac
		p=$(echo "$p" | sed -nE 's/^us_per_number=([0-9.]+).*/\1/p')
		[ -n "$s" ] && [ -n "$o" ] && [ -n "$w" ] && [ -n "$c" ] && [ -n "$p" ] || { echo "ERROR: a round of (1) printed no time" >&2; exit 1; }
		echo "$s" >>"$tmp/us_sql"
		echo "$o" >>"$tmp/us_sorted"
		echo "$w" >>"$tmp/us_warm"
		echo "$c" >>"$tmp/us_c"
		echo "$p" >>"$tmp/us_py"
		ratio "$s" "$p" >>"$tmp/ratio_py"
		echo >>"$tmp/ratio_py"
		echo "   round $r: pure-SQL $s us (inputs sorted: $o us; after a large sort: $w us), C $c us, python-phonenumbers $p us per number; pure-SQL/python $(ratio "$s" "$p")"
	done
	us_sql=$(median <"$tmp/us_sql")
	us_c=$(median <"$tmp/us_c")
	us_py=$(median <"$tmp/us_py")
	echo "(1) per number (medians of $rounds rounds): pure-SQL $us_sql us, C $us_c us, python-phonenumbers $us_py us"
	echo "(1) for information, pure-SQL on the inputs sorted (one shape after the other): $(median <"$tmp/us_sorted") us per number"
	echo "(1) for information, pure-SQL in a session that first sorted 200,000 rows (glibc's heap trim threshold raised): $(median <"$tmp/us_warm") us per number, $(ratio "$(median <"$tmp/us_warm")" "$us_py")x python-phonenumbers"
	echo "(1) ratio pure-SQL/C = $(ratio "$us_sql" "$us_c")"
	verdict "(1) ratio pure-SQL/python-phonenumbers (median of the per-round ratios)" "$(median <"$tmp/ratio_py" | awk '{ printf "%.3f", $1 }')" "<=" 1.0
	psql_q -d "$cdb" -c "DROP TABLE bench_e164"
	stage_done
}

# ---------------------------------------------------------------- (2)
part2() {
	stage "(2) resolve_tenant (pure-SQL, raw input) vs the bare join (normalised key): $rounds rounds of ${seconds}s per query and mode, pgbench -c 2 -j 2"
	t0=$(now)
	tenant_load "$db"
	echo "   load: 200000 raw identifiers normalised by the pure-SQL trigger and inserted in $(secs "$t0" "$(now)") s"
	tenant_check "$db" | sed 's/^/   /'
	tenant_scripts "$tmp"

	# run MODE NAME SECONDS: one pgbench run of the NAME scripts; prints its TPS.
	run() {
		local out="$tmp/pgbench.$1.$2.out"
		if ! pgbench -n -M "$1" -c 2 -j 2 -T "$3" \
			-f "$tmp/$2_phone.sql@9" -f "$tmp/$2_email.sql@1" "$db" >"$out" 2>&1; then
			echo "ERROR: pgbench -M $1 ($2) failed:" >&2
			cat "$out" >&2
			exit 1
		fi
		if grep -q 'aborted\|ERROR' "$out"; then
			echo "ERROR: pgbench -M $1 ($2) reported errors:" >&2
			cat "$out" >&2
			exit 1
		fi
		sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out" | head -n 1
	}
	for mode in prepared simple; do
		run "$mode" join 2 >/dev/null
		run "$mode" resolve 2 >/dev/null
		: >"$tmp/$mode.join"
		: >"$tmp/$mode.resolve"
		: >"$tmp/$mode.ratio"
	done
	for r in $(seq "$rounds"); do
		for mode in prepared simple; do
			# which side goes first alternates
			if [ $((r % 2)) = 1 ]; then
				j=$(run "$mode" join "$seconds")
				v=$(run "$mode" resolve "$seconds")
			else
				v=$(run "$mode" resolve "$seconds")
				j=$(run "$mode" join "$seconds")
			fi
			[ -n "$j" ] && [ -n "$v" ] || { echo "ERROR: no tps in the pgbench output" >&2; exit 1; }
			echo "$j" >>"$tmp/$mode.join"
			echo "$v" >>"$tmp/$mode.resolve"
			ratio "$v" "$j" >>"$tmp/$mode.ratio"
			echo >>"$tmp/$mode.ratio"
			printf '   round %d -M %-8s join %.0f tps, resolve_tenant %.0f tps, ratio %s\n' "$r" "$mode" "$j" "$v" "$(ratio "$v" "$j")"
		done
	done
	for mode in prepared simple; do
		printf '(2) -M %s: join %.0f tps, resolve_tenant %.0f tps (medians of %d rounds)\n' "$mode" \
			"$(median <"$tmp/$mode.join")" "$(median <"$tmp/$mode.resolve")" "$rounds"
	done
	verdict "(2) -M prepared: ratio resolve_tenant/join" "$(median <"$tmp/prepared.ratio" | awk '{ printf "%.3f", $1 }')" ">=" 0.5
	verdict "(2) -M simple: ratio resolve_tenant/join" "$(median <"$tmp/simple.ratio" | awk '{ printf "%.3f", $1 }')" ">=" 1.0
	stage_done
}

# ---------------------------------------------------------------- (3)
part3() {
	stage "(3) one INSERT INTO password_history with the pure-SQL pruning trigger: 1.2M-row table vs 1,008-row table, $hist_rounds rounds of $inserts inserts"
	history_users "$big"
	history_big "$big"
	history_users "$small"
	history_small "$small"
	psql_q -d "$big" -c "VACUUM ANALYZE"
	psql_q -d "$small" -c "VACUUM ANALYZE"
	echo "   password_history: $(psql_q -d "$big" -c 'SELECT count(*) FROM public.password_history') rows (big), $(psql_q -d "$small" -c 'SELECT count(*) FROM public.password_history') rows (small)"
	history_insert_script "$tmp/insert.sql"
	: >"$tmp/lat_big"
	: >"$tmp/lat_small"
	# run_inserts SIDE: one round; appends the latency (us) to its file.
	run_inserts() {
		local d=$big lat
		[ "$1" = small ] && d=$small
		# Each round starts from a vacuumed table: on 84 users, thousands of
		# inserts would otherwise leave every user dozens of dead rows that the
		# big table (100,000 users) never has.
		psql_q -d "$d" -c "VACUUM public.password_history"
		PGOPTIONS="-c hotel_agent.password_history_keep=12 -c synchronous_commit=off" \
			pgbench -n -M prepared -c 1 -j 1 -t "$inserts" -f "$tmp/insert.sql" "$d" >"$tmp/pgb.out" 2>&1 ||
			{ cat "$tmp/pgb.out" >&2; exit 1; }
		lat=$(sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' "$tmp/pgb.out" | head -n 1)
		[ -n "$lat" ] || { cat "$tmp/pgb.out" >&2; exit 1; }
		awk -v l="$lat" 'BEGIN { printf "%.1f\n", l * 1000 }' >>"$tmp/lat_$1"
	}
	# Round 0 warms both sides up and is not counted.
	for r in $(seq 0 "$hist_rounds"); do
		# small first in even rounds, big first in odd ones
		if [ $((r % 2)) = 1 ]; then
			run_inserts big
			run_inserts small
		else
			run_inserts small
			run_inserts big
		fi
		if [ "$r" = 0 ]; then
			: >"$tmp/lat_big"
			: >"$tmp/lat_small"
		fi
	done
	check=$(psql_q -d "$big" -c "SELECT sum(n) || ' rows, ' || count(*) || ' users, at most ' || max(n) || ' per user' FROM (SELECT count(*) n FROM public.password_history GROUP BY user_id) c")
	check_small=$(psql_q -d "$small" -c "SELECT sum(n) || ' rows, ' || count(*) || ' users, at most ' || max(n) || ' per user' FROM (SELECT count(*) n FROM public.password_history GROUP BY user_id) c")
	echo "   after: $check (big); $check_small (small)"
	if [ "$check" != "1200000 rows, 100000 users, at most 12 per user" ] ||
		[ "$check_small" != "1008 rows, 84 users, at most 12 per user" ]; then
		echo "ERROR: the trigger did not keep 12 rows per user" >&2
		exit 1
	fi
	echo "(3) per-round ratios big/small: $(paste "$tmp/lat_big" "$tmp/lat_small" | awk '{ printf "%.2f ", $1 / $2 }')"
	echo "(3) insert with pruning: $(median <"$tmp/lat_big") us on 1.2M rows, $(median <"$tmp/lat_small") us on 1,008 rows (medians of $hist_rounds rounds of $inserts inserts)"
	verdict "(3) ratio big/small" "$(paste "$tmp/lat_big" "$tmp/lat_small" | awk '{ printf "%.4f\n", $1 / $2 }' | median | awk '{ printf "%.3f", $1 }')" "<=" 1.5
	stage_done
}

for part in ${BENCH_SUPA_PARTS:-1 2 3}; do
	"part$part"
done

echo "supabase benchmark: $(secs "$started" "$(now)") s"
exit $failed
