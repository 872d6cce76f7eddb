#!/bin/bash
# make test-sqlsmith: sqlsmith sends random queries to a populated database
# with hotel_agent installed: SQLSMITH_QUERIES (default 25,000) queries from
# seed SQLSMITH_SEED, within SQLSMITH_SECONDS (default 300). Fails on a
# crashed server, on any XX000, and on any error SQLSTATE not listed with its
# reason in test/sqlsmith/allowed_sqlstates.txt; prints the queries run, the
# calls each hotel_agent function got, and the errors by SQLSTATE.
#
# Aiming: sqlsmith picks its functions from an unqualified `pg_proc`. The
# role it connects as has search_path = sqlsmith_shadow, pg_catalog, and
# sqlsmith_shadow.pg_proc is a view of pg_catalog.pg_proc restricted to the
# functions of hotel_agent and a few dozen of PostgreSQL's, so most of the
# calls it generates are calls of the extension (operators, types and
# tables are PostgreSQL's own catalog, untouched).
#
# Its own server (initdb, pg_ctl) on a private socket; the extension as
# installed (make install). Runs as root (as postgres) or as the cluster's
# owner.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LC_ALL=C.UTF-8
# A fixed number of queries from a fixed seed, so that every run (CI's on
# another machine too) sends the same queries; the duration is only a cap.
MAX_QUERIES=${SQLSMITH_QUERIES:-25000}
DURATION=${SQLSMITH_SECONDS:-300}
# A fixed seed by default: a failure in CI can be replayed.
SEED=${SQLSMITH_SEED:-1}
PG_VERSION=${PG_VERSION:-15}
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_VERSION/bin/pg_config}
bindir=$("$PG_CONFIG" --bindir)
allow=test/sqlsmith/allowed_sqlstates.txt

if ! command -v sqlsmith >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends sqlsmith >/dev/null
	else
		echo "sqlsmith: not installed; run: sudo apt-get install sqlsmith" >&2
		exit 1
	fi
fi

run_as=()
owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
	run_as=(runuser -u postgres --)
	owner=postgres
fi
base=$(mktemp -d)
chmod 755 "$base"
data=$base/data
log=$base/server.log
port=$((30000 + $$ % 10000))
[ "$(id -u)" = 0 ] && chown postgres:postgres "$base"
cleanup() {
	"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
	mkdir -p build
	cp "$log" build/sqlsmith-server.log 2>/dev/null || true
	cp "$base/sqlsmith.out" build/sqlsmith.out 2>/dev/null || true
	rm -rf "$base"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$data" -A trust -U "$owner" --encoding=UTF8 --locale=C.UTF-8 -N >/dev/null
cat >>"$data/postgresql.conf" <<EOF
port = $port
listen_addresses = ''
unix_socket_directories = '$base'
TimeZone = 'UTC'
log_line_prefix = '%m [%p] sqlstate=%e '
track_functions = 'all'
max_stack_depth = '2MB'
EOF
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w start >/dev/null
psql() { command psql -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$port" -U "$owner" "$@"; }
psql -d postgres -c 'CREATE DATABASE smith'

psql -d smith >/dev/null <<'SQL'
CREATE EXTENSION hotel_agent;
-- A populated database: 50 tenants with 20 identifiers each, 200 users with
-- sessions (live, revoked, expired) and password history, lock events.
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end,
                            business_hours_timezone)
SELECT 'hotel-' || t, 'Hotel ' || t, CASE WHEN t % 10 = 0 THEN 'suspended' ELSE 'active' END,
       CASE WHEN t % 3 = 0 THEN NULL ELSE 8 END, CASE WHEN t % 3 = 0 THEN NULL ELSE 20 END,
       (ARRAY['America/New_York', 'Europe/Madrid', 'America/Argentina/Buenos_Aires', NULL])[1 + t % 4]
FROM generate_series(1, 50) t;
SELECT count(hotel_agent.add_tenant_identifier('hotel-' || (1 + i % 50),
             CASE i % 4 WHEN 0 THEN '+54 9 11 4' || lpad(i::text, 7, '0')
                        WHEN 1 THEN 'guest' || i || '@example.com'
                        WHEN 2 THEN '5215' || lpad(i::text, 9, '0') || '@s.whatsapp.net'
                        ELSE '+34 6' || lpad(i::text, 8, '0') END))
FROM generate_series(1, 1000) i;
INSERT INTO public.users (id, username, email, hashed_password, tenant_id)
SELECT 'u' || u, 'user' || u, 'user' || u || '@hotel.example', 'x', 'hotel-' || (1 + u % 50)
FROM generate_series(1, 200) u;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, is_revoked)
SELECT 's' || s, 'u' || (1 + s % 200), 'jti-' || s,
       (now() AT TIME ZONE 'UTC') + (s % 7 - 3) * interval '5 days', s % 5 = 0
FROM generate_series(1, 2000) s;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u' || (1 + h % 200), 'hash-' || h, timestamp '2025-01-01' + h * interval '1 hour'
FROM generate_series(1, 4000) h;
INSERT INTO public.lock_audit (lock_key, event_type, timestamp, details)
SELECT 'room:' || l, (ARRAY['acquired', 'released', 'extended', 'expired'])[1 + l % 4],
       (now() AT TIME ZONE 'UTC') - l * interval '1 hour', jsonb_build_object('worker', l % 7)
FROM generate_series(1, 2000) l;

-- The role sqlsmith connects as: everything of the extension, nothing else.
CREATE ROLE smith LOGIN;
GRANT ALL ON ALL TABLES IN SCHEMA public TO smith;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO smith;
GRANT SELECT ON ALL TABLES IN SCHEMA hotel_agent TO smith;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hotel_agent TO smith;
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA hotel_agent TO smith;
CREATE SCHEMA sqlsmith_shadow;
GRANT USAGE ON SCHEMA sqlsmith_shadow TO smith;
CREATE VIEW sqlsmith_shadow.pg_proc AS
SELECT * FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'hotel_agent'::regnamespace
   OR (p.pronamespace = 'pg_catalog'::regnamespace
       AND p.proname IN ('lower', 'upper', 'btrim', 'concat', 'repeat', 'left', 'right', 'substr',
                         'replace', 'length', 'md5', 'chr', 'lpad', 'convert_from', 'now',
                         'timezone', 'make_interval', 'int4', 'int8', 'text', 'abs',
                         'count', 'min', 'max', 'string_agg', 'bool_and', 'row_number', 'rank')
       -- no polymorphic ones: their errors (42804) would drown the rest
       AND p.prorettype NOT IN (SELECT oid FROM pg_catalog.pg_type WHERE typtype = 'p')
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(p.proargtypes) a(t)
                       JOIN pg_catalog.pg_type y ON y.oid = a.t WHERE y.typtype = 'p'));
GRANT SELECT ON sqlsmith_shadow.pg_proc TO smith;
ALTER ROLE smith SET search_path = sqlsmith_shadow, pg_catalog, public;
ALTER ROLE smith SET statement_timeout = '2s';
SQL

queries_done() {
	psql -d smith -At -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'smith'"
}
# Count only sqlsmith's calls, not the set-up's.
psql -d smith -c 'SELECT pg_stat_reset()' >/dev/null
before=$(queries_done)
lines_before=$(wc -l <"$log")
echo "sqlsmith: $MAX_QUERIES queries at most ${DURATION}s, seed $SEED"
set +e
timeout -s INT "$DURATION" sqlsmith --target="host=$base port=$port dbname=smith user=smith" \
	--exclude-catalog --seed="$SEED" --max-queries="$MAX_QUERIES" --verbose >"$base/sqlsmith.out" 2>&1
smith_rc=$?
set -e
# 0: the queries were sent; 124: the time cap ended it first; anything
# else: it stopped by itself.
rc=0
if [ $smith_rc != 124 ] && [ $smith_rc != 0 ]; then
	echo "sqlsmith stopped by itself (exit $smith_rc):"
	tail -n 20 "$base/sqlsmith.out"
	rc=1
fi
sleep 1
after=$(queries_done || echo "$before")
echo "sqlsmith: $((after - before)) queries"

psql -d smith -At -F ' ' -c "SELECT funcname, calls FROM pg_stat_user_functions
	WHERE schemaname = 'hotel_agent' ORDER BY calls DESC, funcname" >"$base/calls"
echo "hotel_agent calls: $(awk '{s += $2} END {print s + 0}' "$base/calls") to $(wc -l <"$base/calls") functions:" \
	"$(awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}' "$base/calls")"

new_log=$(tail -n +"$lines_before" "$log")
if grep -qE 'terminated by signal|was terminated by|PANIC:|server process .* exited with exit code [1-9]' <<<"$new_log"; then
	echo "sqlsmith: the server crashed:"
	grep -E -B2 -A5 'terminated by signal|PANIC:|exited with exit code' <<<"$new_log" | head -n 40
	rc=1
fi
psql -d smith -At -c 'SELECT 1' >/dev/null || { echo "sqlsmith: the server is not answering"; rc=1; }

# Errors by SQLSTATE, each against the allow-list.
codes=$(grep -oE 'sqlstate=[0-9A-Z]{5} ERROR:' <<<"$new_log" | cut -c10-14 | sort | uniq -c | sort -rn || true)
echo "errors by SQLSTATE:"
echo "${codes:-  (none)}"
while read -r n code; do
	[ -z "$code" ] && continue
	if [ "$code" = XX000 ] || ! grep -q "^$code " "$allow"; then
		echo "sqlsmith: SQLSTATE $code ($n times) is not allowed; first of them:"
		grep -E -A3 "sqlstate=$code ERROR:" <<<"$new_log" | head -n 8
		rc=1
	fi
done <<<"$codes"
[ $rc = 0 ] && echo "sqlsmith: ok" || echo "sqlsmith: FAILED (logs: build/sqlsmith-server.log, build/sqlsmith.out)"
exit $rc
