#!/bin/bash
# Maintenance benchmark: password-history pruning, the batched clean-ups and
# the stats view.  Run by `make bench` inside a throwaway cluster: the PG*
# variables point at a server where the extension can be created.  The
# benchmark makes its own two databases and drops them at the end.
#
# Data (database hotel_agent_maintenance_bench): 100,000 users in 50
# tenants, 100,000 identifiers, 1,200,000 password_history rows (100,000
# users x 12, each user's rows spread over the whole table, loaded with the
# trigger off: a backlog), 1,000,000 sessions expired 8 to 38 days ago plus
# 10,000 live ones, 100,000 lock events over the last 28 hours.
#
# (a) The cost of one INSERT INTO password_history with the pruning trigger,
#     on the 1.2M-row table and on a 1,008-row table (84 users x 12) in a
#     second database.  The setting is 12 in both, so every insert prunes
#     exactly one row and the tables keep their size.  The same insert on
#     both sides: the same 84 users are written to (on the big table their
#     rows are spread over the whole table), and both databases hold the
#     same 100,000 users, so that only the size of password_history
#     differs; random users over all 100,000 (cold pages) are printed for
#     information.  pgbench -M prepared, one client, synchronous_commit=off
#     (so that the WAL flush does not hide the pruning), alternating rounds
#     of a fixed number of inserts (13 of 3,000: single rounds on this
#     shared machine range from 0.7x to 1.9x, so the median needs many),
#     each on a freshly vacuumed table, after one warm-up round, small and
#     big taking turns to go first; the ratio is the median of the
#     per-round ratios.
#     The same inserts with the trigger disabled are measured alongside, to
#     separate the pruning's own cost from what any write costs on a big
#     table (random heap and index pages, full-page images in the WAL).
#     Goal: big/small <= 1.2.
# (b) The original clean-up query (DELETE ... WHERE id NOT IN (SELECT ...
#     ROW_NUMBER() ...)) on the 1.2M backlog, with a statement timeout
#     (rolled back if it ever finishes), next to
#     hotel_agent.prune_all_password_history(10, NULL).
# (c) 1,000,000 expired sessions: one unbatched DELETE of them (rolled back)
#     next to CALL hotel_agent.run_maintenance(), while a pgbench client
#     probes hotel_agent.session_is_active() on live sessions the whole time.
#     Prints the longest single batch (transaction) against the unbatched
#     DELETE, and the probe's worst latency idle, during the DELETE and
#     during run_maintenance.
# The cost of SELECT * FROM hotel_agent.stats (EXPLAIN ANALYZE execution
# time, median of 5) is printed on the full data, after (b) and after (c).
#
# A missed goal prints "GOAL MISSED" and still exits 0; errors exit non-zero.
# Knobs: BENCH_MAINT_INSERTS (per pgbench round in (a), default 3000),
# BENCH_MAINT_ROUNDS (default 13), BENCH_MAINT_TIMEOUT (seconds allowed to
# the original query in (b), default 120), BENCH_MAINT_KEEP_DB (set: keep the
# databases for a look afterwards).

set -euo pipefail

started=$(date +%s.%N)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
inserts=${BENCH_MAINT_INSERTS:-3000}
rounds=${BENCH_MAINT_ROUNDS:-13}
orig_timeout=${BENCH_MAINT_TIMEOUT:-120}
db=hotel_agent_maintenance_bench
small=hotel_agent_maintenance_bench_small
tmp=$(mktemp -d)
probe_pid=
cleanup() {
	[ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null || true
	rm -rf "$tmp"
	[ -n "${BENCH_MAINT_KEEP_DB:-}" ] && return
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $small" >/dev/null 2>&1 || true
}
trap cleanup EXIT

stage_start=
stage() {
	stage_start=$(now)
	echo "-- $*"
}
stage_done() {
	echo "   ($(secs "$stage_start" "$(now)") s)"
}

# stats_cost LABEL: median EXPLAIN ANALYZE execution time of the stats view.
stats_cost() {
	local t
	for _ in 1 2 3 4 5; do
		psql_q -d "$db" -c "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM hotel_agent.stats" |
			sed -nE 's/.*"Execution Time": ([0-9.]+).*/\1/p'
	done | median >"$tmp/stats_ms"
	t=$(cat "$tmp/stats_ms")
	echo "stats view cost ($1): $t ms per SELECT * FROM hotel_agent.stats (EXPLAIN ANALYZE execution time, median of 5)"
	echo "   not in the view, taken by run_maintenance() once per run: count_backlog() $(part_cost "SELECT * FROM hotel_agent.count_backlog()") ms"
}
# part_cost SQL: median EXPLAIN ANALYZE execution time (ms) of one query.
part_cost() {
	for _ in 1 2 3; do
		psql_q -d "$db" -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" |
			sed -nE 's/.*"Execution Time": ([0-9.]+).*/\1/p'
	done | median
}

echo "== maintenance benchmark: 1.2M password_history rows (100000 users x 12), 1M expired sessions"

psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $small" \
	-c "CREATE DATABASE $db" -c "CREATE DATABASE $small"
psql_q -d "$db" -c "CREATE EXTENSION hotel_agent"
psql_q -d "$small" -c "CREATE EXTENSION hotel_agent"

stage "loading data (triggers and foreign-key checks off while loading)"
# The same 50 tenants and 100,000 users in both databases (lib.sh).
history_users "$db"
history_users "$small"
history_big "$db"
psql_q -d "$db" <<'SQL'
SET session_replication_role = replica;
SET TimeZone = 'UTC';
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT g % 50 + 1, '+5491140' || lpad(g::text, 6, '0') FROM generate_series(1, 100000) g;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
SELECT 'old' || g, 'u' || (g % 100000 + 1), 'old-' || g,
	   (now() AT TIME ZONE 'UTC') - interval '8 days' - (g % 2592000) * interval '1 second'
FROM generate_series(1, 1000000) g;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
SELECT 'live' || g, 'u' || (g % 100000 + 1), 'live-' || g, (now() AT TIME ZONE 'UTC') + interval '1 day'
FROM generate_series(1, 10000) g;
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp")
SELECT 'reservation:guest' || (g % 5000), (ARRAY['acquired', 'extended', 'released', 'expired'])[g % 4 + 1],
	   (now() AT TIME ZONE 'UTC') - g * interval '1 second'
FROM generate_series(1, 100000) g;
SQL
psql_q -d "$db" -c "VACUUM ANALYZE"
# The 84 users that (a) writes to, u1, u1191, u2381, ..., 12 rows each.
history_small "$small"
psql_q -d "$small" -c "VACUUM ANALYZE"
echo "   password_history: $(psql_q -d "$db" -c 'SELECT count(*) FROM public.password_history') rows (big), $(psql_q -d "$small" -c 'SELECT count(*) FROM public.password_history') rows (small)"
stage_done

stats_cost "full data: 1.2M history rows, 1.01M sessions, 100k lock events"

# ---------------------------------------------------------------- (a)
stage "(a) one INSERT INTO password_history with the pruning trigger: 1.2M-row table vs 1,008-row table"
# The same insert on both sides: the same 84 users written to, each with
# 12 rows, and the same 100,000 users and 50 tenants in both databases, so
# that only the size of password_history differs.  On the big table the 84
# users' rows are spread over the whole table (u1, u1191, u2381, ...).
history_insert_script "$tmp/insert_big.sql"
# For information: random users over all 100,000, i.e. cold pages.
cat >"$tmp/insert_bigrandom.sql" <<'EOF'
\set u random(1, 100000)
INSERT INTO public.password_history (user_id, password_hash) VALUES ('u' || :u, '$2b$12$new');
EOF
cp "$tmp/insert_big.sql" "$tmp/insert_small.sql"
: >"$tmp/lat_big"
: >"$tmp/lat_small"
: >"$tmp/lat_big_off"
: >"$tmp/lat_small_off"
: >"$tmp/lat_bigrandom"
: >"$tmp/lat_bigrandom_off"
# run_inserts SIDE TRIGGER: one round; appends the latency (us) to its file.
run_inserts() {
	local side=$1 trig=$2 d=$db out
	[ "$side" = small ] && d=$small
	out="$tmp/lat_$side"
	[ "$trig" = off ] && out="$tmp/lat_${side}_off"
	# Each round starts from a vacuumed table: on 84 users, thousands of
	# inserts would otherwise leave every user dozens of dead rows that the
	# big table (100,000 users) never has.
	psql_q -d "$d" -c "VACUUM public.password_history"
	[ "$trig" = off ] && psql_q -d "$d" -c "ALTER TABLE public.password_history DISABLE TRIGGER password_history_prune"
	PGOPTIONS="-c hotel_agent.password_history_keep=12 -c synchronous_commit=off" \
		pgbench -n -M prepared -c 1 -j 1 -t "$inserts" -f "$tmp/insert_$side.sql" "$d" >"$tmp/pgb.out" 2>&1 ||
		{ cat "$tmp/pgb.out"; exit 1; }
	if [ "$trig" = off ]; then
		psql_q -d "$d" -c "ALTER TABLE public.password_history ENABLE TRIGGER password_history_prune"
		# Put the table back to 12 rows per user.
		psql_q -d "$d" -c "SELECT hotel_agent.prune_all_password_history(12, NULL)" >/dev/null
	fi
	lat=$(sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' "$tmp/pgb.out" | head -n 1)
	awk -v l="$lat" 'BEGIN { printf "%.1f\n", l * 1000 }' >>"$out"
	echo "   round $r $side, trigger $trig: $(tail -n 1 "$out") us per insert"
}
# Round 0 warms both sides up and is not counted: right after loading, the
# first round on the big table runs 1.4x to 1.5x slower than the later ones
# (seen in every run), which is the load's after-effect, not the insert's.
for r in $(seq 0 "$rounds"); do
	# Small first in even rounds, big first in odd ones: a drift of the
	# machine within a round then favours neither side.
	first=small second=big
	[ $((r % 2)) = 1 ] && first=big second=small
	for trig in on off; do
		run_inserts $first $trig
		run_inserts $second $trig
	done
	run_inserts bigrandom on
	run_inserts bigrandom off
	if [ "$r" = 0 ]; then
		echo "   (round 0 was the warm-up: not counted)"
		for f in "$tmp"/lat_*; do : >"$f"; done
	fi
done
us_big=$(median <"$tmp/lat_big")
us_small=$(median <"$tmp/lat_small")
us_big_off=$(median <"$tmp/lat_big_off")
us_small_off=$(median <"$tmp/lat_small_off")
# The ratio: the median of the per-round ratios (each round's big and small
# run back to back, so a slow spell of the shared machine hits both).
paired_ratio() {
	paste "$1" "$2" | awk '{ printf "%.4f\n", $1 / $2 }' | median | awk '{ printf "%.3f", $1 }'
}
ratio_a=$(paired_ratio "$tmp/lat_big" "$tmp/lat_small")
ratio_off=$(paired_ratio "$tmp/lat_big_off" "$tmp/lat_small_off")
prune_big=$(awk -v a="$us_big" -v b="$us_big_off" 'BEGIN { printf "%.1f", a - b }')
prune_small=$(awk -v a="$us_small" -v b="$us_small_off" 'BEGIN { printf "%.1f", a - b }')
echo "   sizes after: $(psql_q -d "$db" -c 'SELECT count(*) FROM public.password_history') and $(psql_q -d "$small" -c 'SELECT count(*) FROM public.password_history') rows; most rows of one user: $(psql_q -d "$db" -c 'SELECT max(n) FROM (SELECT count(*) n FROM public.password_history GROUP BY user_id) c') and $(psql_q -d "$small" -c 'SELECT max(n) FROM (SELECT count(*) n FROM public.password_history GROUP BY user_id) c')"
us_bigrandom=$(median <"$tmp/lat_bigrandom")
us_bigrandom_off=$(median <"$tmp/lat_bigrandom_off")
echo "(a) insert with pruning: $us_big us on 1.2M rows, $us_small us on 1,008 rows (median of $rounds rounds of $inserts inserts, 84 users written to on each side)"
echo "(a) per-round ratios big/small with the trigger: $(paste "$tmp/lat_big" "$tmp/lat_small" | awk '{ printf "%.2f ", $1 / $2 }')"
echo "(a) the same insert without the trigger: $us_big_off us on 1.2M rows, $us_small_off us on 1,008 rows, ratio big/small = $ratio_off"
echo "(a) the pruning's own cost (with minus without trigger): $prune_big us on 1.2M rows, $prune_small us on 1,008 rows"
echo "(a) for information, random users over all 100,000 of the big table (cold pages): $us_bigrandom us with the trigger, $us_bigrandom_off us without"
echo "(a) ratio big/small = $ratio_a (goal <= 1.2; median of the per-round ratios)"
awk -v r="$ratio_a" 'BEGIN { exit !(r > 1.2) }' && echo "GOAL MISSED: (a) insert on 1.2M rows costs ${ratio_a}x the insert on 1,008 rows (goal <= 1.2)"
stage_done

# ---------------------------------------------------------------- (b)
stage "(b) the 1.2M-row backlog: original query (timeout ${orig_timeout}s, rolled back) vs prune_all_password_history(10, NULL)"
psql_q -d "$db" -c "SELECT count(*) || ' rows, ' || count(DISTINCT user_id) || ' users' FROM public.password_history" | sed 's/^/   /'
t0=$(now)
set +e
timeout $((orig_timeout + 60)) psql -X -q -v ON_ERROR_STOP=1 -d "$db" >"$tmp/orig.out" 2>&1 <<SQL
BEGIN;
SET LOCAL statement_timeout = '${orig_timeout}s';
DELETE FROM public.password_history
WHERE id NOT IN (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at DESC) AS rn
        FROM public.password_history
    ) sub WHERE rn <= 10
);
ROLLBACK;
SQL
orig_rc=$?
set -e
t1=$(now)
if [ $orig_rc = 0 ]; then
	orig_result="$(secs "$t0" "$t1") s"
elif grep -q 'statement timeout' "$tmp/orig.out" || [ $orig_rc = 124 ]; then
	orig_result="did not finish in ${orig_timeout} s"
else
	cat "$tmp/orig.out"
	exit 1
fi
t0=$(now)
pruned=$(psql_q -d "$db" -c "SELECT hotel_agent.prune_all_password_history(10, NULL)")
t1=$(now)
prune_s=$(secs "$t0" "$t1")
check=$(psql_q -d "$db" -c "SELECT count(*) || ' rows left, at most ' || max(n) || ' per user' FROM (SELECT count(*) n FROM public.password_history GROUP BY user_id) c")
echo "   prune_all_password_history deleted $pruned rows; $check"
[ "$check" = "100000 rows left, at most 10 per user" ] || { echo "unexpected result of (b): $check" >&2; exit 1; }
echo "(b) original NOT IN query: $orig_result; prune_all_password_history(10, NULL): $prune_s s"
if [ $orig_rc = 0 ]; then
	echo "(b) ratio original/prune_all = $(awk -v a="$(secs "$t0" "$t1")" -v o="${orig_result% s}" 'BEGIN { printf "%.1f", o / a }')"
else
	echo "(b) ratio original/prune_all > $(awk -v a="$prune_s" -v o="$orig_timeout" 'BEGIN { printf "%.0f", o / a }')"
fi
stage_done

psql_q -d "$db" -c "VACUUM ANALYZE public.password_history"
stats_cost "after (b): 1M history rows, 1.01M sessions"

# ---------------------------------------------------------------- (c)
stage "(c) 1,000,000 expired sessions: one unbatched DELETE (rolled back) vs CALL hotel_agent.run_maintenance()"
cat >"$tmp/probe.sql" <<'EOF'
\set n random(1, 10000)
SELECT hotel_agent.session_is_active('live-' || :n);
EOF
# The probe: back-to-back 1-second pgbench runs until told to stop, each
# logging every transaction (epoch of completion and latency).
probe() {
	local i=0
	while [ ! -e "$tmp/probe.stop" ]; do
		i=$((i + 1))
		pgbench -n -M prepared -c 1 -j 1 -T 1 -l --log-prefix="$tmp/probe-logs/p$i" -f "$tmp/probe.sql" "$db" >/dev/null 2>&1 || return 1
	done
}
# worst START END: the worst probe latency (ms) of the transactions that
# completed between START and END, and how many there were.
worst() {
	cat "$tmp"/probe-logs/* 2>/dev/null |
		awk -v a="$1" -v b="$2" '{ t = $5 + $6 / 1e6; if (t >= a && t <= b) { n++; if ($3 > m) m = $3 } }
			END { printf "%.2f ms over %d probes", m / 1000, n }'
}
mkdir "$tmp/probe-logs"
probe &
probe_pid=$!
sleep 3
idle_end=$(now)
idle_start=$(awk -v e="$idle_end" 'BEGIN { printf "%.3f", e - 2 }')

t0=$(now)
psql_q -d "$db" -c "BEGIN" -c "DELETE FROM public.user_sessions WHERE expires_at < (now() AT TIME ZONE 'UTC') - interval '7 days'" -c "ROLLBACK"
t1=$(now)
unbatched_s=$(secs "$t0" "$t1")
worst_unbatched=$(worst "$t0" "$t1")
psql_q -d "$db" -c "VACUUM public.user_sessions"

t0=$(now)
psql_q -d "$db" -c "CALL hotel_agent.run_maintenance()"
t1=$(now)
maint_s=$(secs "$t0" "$t1")
worst_maint=$(worst "$t0" "$t1")
sleep 1.2
touch "$tmp/probe.stop"
wait "$probe_pid" || { echo "the probe failed" >&2; exit 1; }
probe_pid=
worst_idle=$(worst "$idle_start" "$idle_end")

psql_q -d "$db" -c "SELECT task, rows, batches, round(extract(epoch FROM elapsed)::numeric, 3), round(extract(epoch FROM longest_batch)::numeric, 3)
	FROM hotel_agent.maintenance_log ORDER BY id" |
	awk -F'|' '{ printf "   run_maintenance %-16s %8d rows in %4d batches, %7.3f s, longest batch %.3f s\n", $1, $2, $3, $4, $5 }'
longest=$(psql_q -d "$db" -c "SELECT round(extract(epoch FROM longest_batch)::numeric, 3) FROM hotel_agent.maintenance_log WHERE task = 'user_sessions' ORDER BY id DESC LIMIT 1")
deleted=$(psql_q -d "$db" -c "SELECT rows FROM hotel_agent.maintenance_log WHERE task = 'user_sessions' ORDER BY id DESC LIMIT 1")
[ "$deleted" = 1000000 ] || { echo "run_maintenance deleted $deleted sessions, expected 1000000" >&2; exit 1; }
echo "(c) unbatched DELETE of 1,000,000 sessions: one transaction of $unbatched_s s"
echo "(c) run_maintenance: $maint_s s in all; longest single batch (transaction) $longest s; ratio longest batch/unbatched DELETE = $(awk -v l="$longest" -v u="$unbatched_s" 'BEGIN { printf "%.3f", l / u }')"
echo "(c) session_is_active probe, worst latency: idle $worst_idle; during the unbatched DELETE $worst_unbatched; during run_maintenance $worst_maint"
stage_done

psql_q -d "$db" -c "VACUUM ANALYZE"
stats_cost "after (c): 1M history rows, 10k sessions"
psql_q -d "$db" -c "SELECT sessions_active, sessions_expired, sessions_revoked, password_history_users_over_limit, lock_events_last_hour FROM hotel_agent.stats" | sed 's/^/   stats: /'

echo "maintenance benchmark: $(secs "$started" "$(now)") s"
