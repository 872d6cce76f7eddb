#!/bin/bash
# `make migrate-data`: copies the rows of hotel_agent's six tables from one
# database to another: from the extension (CREATE EXTENSION) to the pure-SQL
# build (sql/supabase/, e.g. on Supabase) and back, or between two installs of
# one build. Both ends are given as connection URLs in the environment:
#
#   SOURCE_DATABASE_URL=postgresql://... TARGET_DATABASE_URL=postgresql://... make migrate-data
#
# Why not the original guide's `pg_dump --data-only | psql` (README, "Moving
# data between the extension and Supabase"): it loads table by table, so a
# failure leaves half the data; it takes every table of the schema; pg_dump
# refuses a server newer than itself (Supabase runs 17); a superuser's
# --disable-triggers skips the identifier normaliser, and without it the
# password-history trigger prunes the copy. Instead:
#
# 1. both ends must have hotel_agent at the same version with the tables
#    validate() expects, and the target's six tables must be empty;
#    otherwise it stops before reading any row;
# 2. the source's rows are read with COPY in one REPEATABLE READ, READ ONLY
#    transaction (one snapshot: the foreign keys hold in the copy), with the
#    row count and checksum of each table and each sequence's next id;
# 3. the target loads them in one transaction, parents first, with every
#    trigger enabled: the identifiers are checked by the target's own
#    normaliser first (all the rows it would change, refuse or find to be one
#    guest are listed in one error), then inserted through the normalising
#    trigger. The password-history pruning is off for the load only
#    (hotel_agent.password_history_keep = 0 in this transaction): the history
#    is copied as it is, and the target prunes it on the next password
#    change or maintenance run. Nothing is updated, so the updated_at
#    trigger leaves the timestamps alone;
# 4. before committing, the target's counts and checksums are compared with
#    the source's; on any difference it rolls back. Then each sequence is
#    set to the source's next id (or past the highest id loaded), checked,
#    and the transaction commits. Exit status 0 only when all of it held.
#
# Secrets: the URLs are never printed and never put on a command line
# (where any local user could read them): the password is taken out of the
# URL and handed to psql in its environment (PGPASSWORD). The rows pass
# through a private temporary directory (mode 700), deleted on exit.
set -euo pipefail

die() {
	echo "migrate-data: $*" >&2
	exit 1
}

# The six tables in foreign-key order (parents first), with their canonical
# columns (test/data/schema.sql); columns added by hand are not copied.
TABLES=(tenants users tenant_user_identifiers user_sessions password_history lock_audit)
declare -A COLUMNS=(
	[tenants]='id, tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone, created_at, updated_at'
	[users]='id, username, email, hashed_password, full_name, is_active, is_superuser, tenant_id, password_last_changed, password_must_change, created_at, updated_at'
	[tenant_user_identifiers]='id, tenant_id, identifier, created_at'
	[user_sessions]='id, user_id, token_jti, expires_at, created_at, is_revoked, user_agent, ip_address'
	[password_history]='id, user_id, password_hash, created_at'
	[lock_audit]='id, lock_key, event_type, "timestamp", details'
)
# The tables whose id is a serial (the others' ids are the backend's strings).
SERIAL_TABLES=(tenants tenant_user_identifiers password_history lock_audit)

[ -n "${SOURCE_DATABASE_URL:-}" ] || die "SOURCE_DATABASE_URL is not set: export the connection URL of the database to copy from (postgresql://user:password@host:port/dbname)"
[ -n "${TARGET_DATABASE_URL:-}" ] || die "TARGET_DATABASE_URL is not set: export the connection URL of the database to copy into (postgresql://user:password@host:port/dbname)"

# split_url SIDE URL: stores in URL[SIDE] the URL without its password and
# in PASSWORD[SIDE] the password (percent-decoded; empty when the URL has
# none, and then libpq's PGPASSWORD or ~/.pgpass apply as usual).
declare -A URL PASSWORD
split_url() {
	local side=$1 u=$2 rest authority tail userinfo hosts path query param pw=
	local -a params kept=()
	case $u in
	postgresql://* | postgres://*) ;;
	*) die "${side^^}_DATABASE_URL must be a URL starting with postgresql:// (e.g. postgresql://postgres:password@db.example.com:5432/postgres?sslmode=require)" ;;
	esac
	rest=${u#*://}
	authority=${rest%%[/?]*}
	tail=${rest:${#authority}}
	if [[ $authority == *@* ]]; then
		userinfo=${authority%@*}
		hosts=${authority##*@}
		if [[ $userinfo == *:* ]]; then
			pw=${userinfo#*:}
			userinfo=${userinfo%%:*}
		fi
		authority=$userinfo@$hosts
	fi
	if [[ $tail == *\?* ]]; then
		path=${tail%%\?*}
		query=${tail#*\?}
		IFS='&' read -ra params <<<"$query"
		for param in "${params[@]}"; do
			if [[ $param == password=* ]]; then
				pw=${param#password=}
			else
				kept+=("$param")
			fi
		done
		tail=$path
		if [ ${#kept[@]} -gt 0 ]; then
			tail+="?$(IFS='&' && echo "${kept[*]}")"
		fi
	fi
	URL[$side]=${u%%://*}://$authority$tail
	# %XX escapes as libpq decodes them (a '+' stays a '+')
	pw=${pw//\\/\\\\}
	printf -v "PASSWORD[$side]" '%b' "${pw//%/\\x}"
}
split_url source "$SOURCE_DATABASE_URL"
split_url target "$TARGET_DATABASE_URL"

export PGCLIENTENCODING=UTF8
export PGAPPNAME=hotel_agent_migrate_data
# on_side SIDE PSQL-ARGS...: runs psql against one end, stopping at the
# first error.
on_side() {
	local side=$1
	shift
	if [ -n "${PASSWORD[$side]}" ]; then
		PGPASSWORD=${PASSWORD[$side]} psql -X -q -v ON_ERROR_STOP=1 -d "${URL[$side]}" "$@"
	else
		psql -X -q -v ON_ERROR_STOP=1 -d "${URL[$side]}" "$@"
	fi
}
# value SIDE SQL: one query's result, unaligned.
value() {
	on_side "$1" -At -F '|' -c "$2"
}

umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hotel_agent_migrate.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[[ $WORK != *"'"* ]] || die "the temporary directory $WORK has a quote in its name: set TMPDIR to another directory"

# --- 1. What each end is ---------------------------------------------------
declare -A VERSION MODE SCHEMA
for side in source target; do
	info=$(value $side "SELECT current_database(), current_user, current_setting('server_version'),
		coalesce((SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'hotel_agent'), ''),
		pg_catalog.to_regprocedure('hotel_agent.version()') IS NOT NULL,
		pg_catalog.to_regprocedure('hotel_agent.install_mode()') IS NOT NULL") ||
		die "cannot connect to the $side database (${side^^}_DATABASE_URL)"
	IFS='|' read -r db user server extversion has_version has_mode <<<"$info"
	[ "$has_version" = t ] || die "the $side database $db has no hotel_agent: install it first (CREATE EXTENSION hotel_agent, or psql -f sql/supabase/hotel_agent--<version>.sql), then run this again"
	if [ "$has_mode" != t ]; then
		die "the $side database $db has hotel_agent ${extversion:-of a version} older than 1.1.0, which this migration does not read: run ALTER EXTENSION hotel_agent UPDATE there first"
	fi
	IFS='|' read -r VERSION[$side] MODE[$side] SCHEMA[$side] <<<"$(value $side "SELECT
		coalesce((SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'hotel_agent'), hotel_agent.version()),
		hotel_agent.install_mode(),
		coalesce((SELECT e.extnamespace::regnamespace::text FROM pg_catalog.pg_extension e WHERE e.extname = 'hotel_agent'), 'public')")"
	echo "$side: database $db as $user (PostgreSQL $server), hotel_agent ${VERSION[$side]} (${MODE[$side]}), tables in ${SCHEMA[$side]}"
done
if [ "${VERSION[source]}" != "${VERSION[target]}" ]; then
	die "the source has hotel_agent ${VERSION[source]} (${MODE[source]}) and the target ${VERSION[target]} (${MODE[target]}): both ends must run the same version; update the older one first (ALTER EXTENSION hotel_agent UPDATE, or the newer pure-SQL script), nothing was copied"
fi

# The table checks of validate() (README, "validate()"): on the source what
# is read, on the target everything the load relies on (constraints,
# foreign keys, indexes and enabled triggers).
checks() {
	local side=$1 names=$2 failed
	failed=$(value "$side" "SELECT string_agg(check_name || ': ' || detail, E'\n' ORDER BY check_name)
		FROM hotel_agent.validate() WHERE NOT ok AND check_name IN ($names)")
	[ -z "$failed" ] || die "hotel_agent.validate() finds the $side database not ready, nothing was copied:
$failed"
}
checks source "'extension_version', 'tables', 'columns'"
checks target "'extension_version', 'tables', 'columns', 'constraints', 'foreign_keys', 'indexes', 'triggers'"

# union_all: the queries on stdin, one a line, as one query.
union_all() {
	sed '1!s/^/UNION ALL /' | tr '\n' ' '
}

# counts SIDE: the six tables' row counts, "table rows" per line.
counts() {
	local side=$1 schema=${SCHEMA[$1]} t
	value "$side" "$(for t in "${TABLES[@]}"; do echo "SELECT '$t', count(*) FROM $schema.$t"; done | union_all)" | tr '|' ' '
}
not_empty=$(counts target | awk '$2 != 0 { printf "%s%s: %s rows", sep, $1, $2; sep = ", " }')
[ -z "$not_empty" ] || die "the target's tables are not empty ($not_empty): this migration loads into an empty install only and merges nothing; use a new database, nothing was copied"

# sums_sql SIDE: per table its row count and a checksum of its rows, and
# the next id of its sequence, computed by the same query on both ends.
# The checksum sums two 64-bit halves of each row's md5 (of the row's text in
# UTF-8, with DateStyle ISO): it does not depend on row order or collation
# and needs constant memory, whatever the table's size.
sums_sql() {
	local side=$1 schema=${SCHEMA[$1]} t i=0 next
	for t in "${TABLES[@]}"; do
		i=$((i + 1))
		next="NULL::bigint"
		if [ -n "${SEQUENCE[$side.$t]:-}" ]; then
			next="(SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END FROM ${SEQUENCE[$side.$t]} s)"
		fi
		echo "SELECT $i AS ord, '$t'::text AS table_name, count(*) AS n, pg_catalog.md5(coalesce(sum(('x' || substr(r.h, 1, 16))::bit(64)::bigint), 0)::text || '/' || coalesce(sum(('x' || substr(r.h, 17, 16))::bit(64)::bigint), 0)::text) AS checksum, $next AS next_id FROM (SELECT pg_catalog.md5(pg_catalog.convert_to(ROW(${COLUMNS[$t]})::text, 'UTF8')) AS h FROM $schema.$t) r"
	done | union_all
}
declare -A SEQUENCE
for side in source target; do
	schema=${SCHEMA[$side]}
	for t in "${SERIAL_TABLES[@]}"; do
		SEQUENCE[$side.$t]=$(value $side "SELECT pg_catalog.pg_get_serial_sequence('${schema//\'/\'\'}.$t', 'id')")
		[ -n "${SEQUENCE[$side.$t]}" ] || die "the $side's $schema.$t.id has no sequence"
	done
done

# Settings of both transactions: ISO dates both ways; an error rather than
# rows silently hidden by row level security (a role that is not the
# tables' owner on a Supabase install); no statement timeout of the role's.
SETTINGS="SET LOCAL search_path = pg_catalog, pg_temp;
SET LOCAL DateStyle = 'ISO, YMD';
SET LOCAL row_security = off;
SET LOCAL statement_timeout = 0;"

# --- 2. Read the source in one snapshot ------------------------------------
start=$SECONDS
schema=${SCHEMA[source]}
{
	echo "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
	echo "$SETTINGS"
	for t in "${TABLES[@]}"; do
		echo "\\copy (SELECT ${COLUMNS[$t]} FROM $schema.$t ORDER BY id) TO '$WORK/$t.copy'"
	done
	echo "\\copy ($(sums_sql source)) TO '$WORK/source.sums'"
	echo "COMMIT;"
} >"$WORK/read.sql"
on_side source -f "$WORK/read.sql" || die "reading the source failed (above); nothing was loaded"
echo "read the source in one snapshot: $(wc -l <"$WORK/source.sums") tables in $((SECONDS - start))s"

# --- 3. Load the target in one transaction ---------------------------------
start=$SECONDS
schema=${SCHEMA[target]}
tables=""
for t in "${TABLES[@]}"; do
	tables+="${tables:+, }$schema.$t"
done
{
	cat <<SQL
BEGIN;
$SETTINGS
-- the pruning trigger keeps every hash while the history is copied
SET LOCAL hotel_agent.password_history_keep = 0;
-- no writer can slip in between the check that the tables are empty and
-- the commit (readers are not blocked)
SET LOCAL lock_timeout = '30s';
LOCK TABLE $tables IN SHARE ROW EXCLUSIVE MODE;
CREATE TEMP TABLE migrate_target_rows ON COMMIT DROP AS
$(for t in "${TABLES[@]}"; do echo "SELECT '$t'::text AS table_name, count(*) AS n FROM $schema.$t"; done | union_all);
DO \$migrate\$
BEGIN
    IF EXISTS (SELECT FROM pg_temp.migrate_target_rows WHERE n > 0) THEN
        RAISE EXCEPTION USING ERRCODE = '55000',
            MESSAGE = 'the target''s tables are not empty',
            DETAIL = (SELECT string_agg(format('%s: %s rows', table_name, n), ', ') FROM pg_temp.migrate_target_rows WHERE n > 0),
            HINT = 'Rows were written after the first check. Nothing was loaded.';
    END IF;
END
\$migrate\$;
CREATE TEMP TABLE migrate_source_sums (ord int, table_name text, n bigint, checksum text, next_id bigint) ON COMMIT DROP;
\\copy pg_temp.migrate_source_sums FROM '$WORK/source.sums'
\\copy $schema.tenants (${COLUMNS[tenants]}) FROM '$WORK/tenants.copy'
\\copy $schema.users (${COLUMNS[users]}) FROM '$WORK/users.copy'
-- Identifiers: every row the target's normaliser would rewrite or refuse,
-- and every pair it would find to be one guest (phone_match_keys), listed
-- in one error before any is inserted.
CREATE TEMP TABLE migrate_identifiers (id integer, tenant_id integer, identifier text, created_at timestamp) ON COMMIT DROP;
\\copy pg_temp.migrate_identifiers FROM '$WORK/tenant_user_identifiers.copy'
CREATE TEMP TABLE migrate_identifier_keys ON COMMIT DROP AS
SELECT i.id, i.identifier, hotel_agent.try_normalize_identifier(i.identifier) AS key, t.tenant_id AS tenant
FROM pg_temp.migrate_identifiers i LEFT JOIN $schema.tenants t ON t.id = i.tenant_id;
CREATE TEMP TABLE migrate_identifier_problems ON COMMIT DROP AS
SELECT i.id, format('id %s (tenant %s): %s', i.id, i.tenant,
           CASE WHEN i.key IS NULL THEN format('"%s" is refused by the target''s normaliser', i.identifier)
                ELSE format('"%s" would be stored as "%s"', i.identifier, i.key) END) AS problem
FROM pg_temp.migrate_identifier_keys i
WHERE i.key IS DISTINCT FROM i.identifier
UNION ALL
SELECT x.id, format('id %s (tenant %s): "%s" is the same guest as "%s" (id %s, tenant %s)',
                    x.id, x.tenant, x.identifier, y.identifier, y.id, y.tenant)
FROM (SELECT DISTINCT least(i.id, o.id) AS a, greatest(i.id, o.id) AS b
      FROM pg_temp.migrate_identifier_keys i
      CROSS JOIN LATERAL unnest(CASE WHEN left(i.key, 1) = '+' AND i.key = i.identifier
                                     THEN hotel_agent.phone_match_keys(i.key) END) AS k(key)
      JOIN pg_temp.migrate_identifier_keys o ON o.identifier = k.key AND o.id <> i.id) pair
JOIN pg_temp.migrate_identifier_keys x ON x.id = pair.a
JOIN pg_temp.migrate_identifier_keys y ON y.id = pair.b;
DO \$migrate\$
DECLARE
    n bigint := (SELECT count(*) FROM pg_temp.migrate_identifier_problems);
BEGIN
    IF n > 0 THEN
        RAISE EXCEPTION USING ERRCODE = '23514',
            MESSAGE = format('%s identifier row(s) of the source cannot be loaded as they are: the target''s normaliser would rewrite or refuse them, or finds two of them to be one guest', n),
            DETAIL = (SELECT string_agg(p.problem, E'\n' ORDER BY p.id) FROM (SELECT * FROM pg_temp.migrate_identifier_problems ORDER BY id LIMIT 50) p),
            HINT = 'Fix these rows in the source (the first 50 are listed; SELECT * FROM hotel_agent.identifier_conflicts() lists the pairs there, hotel_agent.remove_tenant_identifier() removes one), then run the migration again. Nothing was loaded.';
    END IF;
END
\$migrate\$;
-- through the normalising trigger, which checks each key once more
INSERT INTO $schema.tenant_user_identifiers (${COLUMNS[tenant_user_identifiers]})
SELECT id, tenant_id, identifier, created_at FROM pg_temp.migrate_identifiers ORDER BY id;
\\copy $schema.user_sessions (${COLUMNS[user_sessions]}) FROM '$WORK/user_sessions.copy'
\\copy $schema.password_history (${COLUMNS[password_history]}) FROM '$WORK/password_history.copy'
\\copy $schema.lock_audit (${COLUMNS[lock_audit]}) FROM '$WORK/lock_audit.copy'
-- The rows loaded against the rows read; any difference rolls back.
CREATE TEMP TABLE migrate_target_sums ON COMMIT DROP AS $(sums_sql target);
CREATE TEMP TABLE migrate_report ON COMMIT DROP AS
SELECT s.ord, s.table_name AS "table", s.n AS source_rows, t.n AS target_rows,
       s.checksum AS source_checksum, t.checksum AS target_checksum,
       CASE WHEN s.n = t.n AND s.checksum = t.checksum THEN 'ok' ELSE 'MISMATCH' END AS status
FROM pg_temp.migrate_source_sums s JOIN pg_temp.migrate_target_sums t ON t.table_name = s.table_name;
\\pset footer off
SELECT "table", source_rows, target_rows, source_checksum, target_checksum, status FROM pg_temp.migrate_report ORDER BY ord;
DO \$migrate\$
BEGIN
    IF (SELECT count(*) FROM pg_temp.migrate_report WHERE status = 'ok') <> $((${#TABLES[@]})) THEN
        RAISE EXCEPTION USING ERRCODE = '55000',
            MESSAGE = 'the rows loaded differ from the rows read',
            DETAIL = (SELECT string_agg(format('%s: %s rows read, %s loaded, checksums %s and %s', "table", source_rows, target_rows, source_checksum, target_checksum), ', ' ORDER BY ord)
                      FROM pg_temp.migrate_report WHERE status <> 'ok'),
            HINT = 'A trigger or rule of the target''s own changed them, or the source changed its definition. Nothing was loaded.';
    END IF;
END
\$migrate\$;
-- Each sequence continues where the source's would have (or past the
-- highest id loaded, if the source's was behind it). setval is not undone
-- by a rollback: it runs only once the rows are known to be right.
SELECT $(for t in "${SERIAL_TABLES[@]}"; do
		printf "pg_catalog.setval('%s', greatest((SELECT next_id FROM pg_temp.migrate_source_sums WHERE table_name = '%s'), (SELECT coalesce(max(id), 0) + 1 FROM %s.%s)), false), " \
			"${SEQUENCE[target.$t]//\'/\'\'}" "$t" "$schema" "$t"
	done) NULL \\g /dev/null
CREATE TEMP TABLE migrate_sequences ON COMMIT DROP AS
$(i=0; for t in "${SERIAL_TABLES[@]}"; do
		i=$((i + 1))
		echo "SELECT $i AS ord, '$t.id'::text AS id, (SELECT next_id FROM pg_temp.migrate_source_sums WHERE table_name = '$t') AS source_next_id, (SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END FROM ${SEQUENCE[target.$t]} s) AS target_next_id, (SELECT coalesce(max(id), 0) FROM $schema.$t) AS max_id"
	done | union_all);
SELECT id AS sequence, max_id AS highest_id_loaded, source_next_id, target_next_id,
       CASE WHEN target_next_id > max_id AND target_next_id >= source_next_id THEN 'ok' ELSE 'MISMATCH' END AS status
FROM pg_temp.migrate_sequences ORDER BY ord;
DO \$migrate\$
BEGIN
    IF EXISTS (SELECT FROM pg_temp.migrate_sequences WHERE NOT (target_next_id > max_id AND target_next_id >= source_next_id)) THEN
        RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'a sequence of the target is not past the ids loaded',
            HINT = 'Nothing was loaded.';
    END IF;
END
\$migrate\$;
COMMIT;
SQL
} >"$WORK/load.sql"
on_side target -f "$WORK/load.sql" || die "loading the target failed (above): it was rolled back, nothing was loaded"
echo "loaded the target in one transaction in $((SECONDS - start))s: $(awk -F '\t' '{ n += $3 } END { print n }' "$WORK/source.sums") rows, counts and checksums equal"
