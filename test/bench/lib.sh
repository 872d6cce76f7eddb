# Shared by the benchmarks (sourced, not run): the helpers and the data
# sets that more than one of them measures, so that the C functions and the
# pure-SQL build are timed on the same rows.

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
# secs START END: elapsed seconds, 3 decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_e164_inputs DB ROWS: the table bench_e164(x) of ROWS raw phone
# numbers.  Deterministic, varied, and every one of them a possible number
# for default region AR according to libphonenumber-js (checked when the
# shapes were chosen), so normalize_e164() must accept all of them.  Mostly
# the shapes an Argentine hotel sees: +54 9 ..., WhatsApp ids (549...),
# national 0AREA 15-..., plus foreign numbers with "+" or an IDD, and some
# noise.
bench_e164_inputs() {
	psql_q -d "$1" -v n="$2" <<'SQL'
SET client_min_messages = warning;
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
}

# tenant_load DB: 2,000 tenants (1 in 20 suspended) and 200,000 identifiers
# (180,000 phone numbers, 20,000 e-mails), written raw: the normalising
# trigger stores the keys.  Row n of the phone numbers is +54 9 11
# AAAA-BBBB with AAAA = 4000 + n / 10000 and BBBB = n % 10000 (n = 1..180000,
# all distinct); row n of the e-mails is guest<n>@example.com.  Identifier n
# belongs to tenant 1 + n % 2000.  Fails unless every key is as expected.
tenant_load() {
	local stored
	psql_q -d "$1" <<'SQL'
SET TimeZone = 'UTC';
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone)
SELECT 'hotel-' || g, 'Hotel ' || g, CASE WHEN g % 20 = 0 THEN 'suspended' ELSE 'active' END,
       8, 22, 'America/Argentina/Buenos_Aires'
FROM generate_series(1, 2000) AS g;
-- Raw spellings: the trigger stores the normalised keys.
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT t.id, '+54 9 11 ' || (4000 + n / 10000) || '-' || lpad((n % 10000)::text, 4, '0')
FROM generate_series(1, 180000) AS n
JOIN public.tenants t ON t.tenant_id = 'hotel-' || (1 + n % 2000);
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT t.id, 'Guest' || n || '@Example.COM'
FROM generate_series(1, 20000) AS n
JOIN public.tenants t ON t.tenant_id = 'hotel-' || (1 + n % 2000);
SQL
	psql_q -d "$1" -c "VACUUM ANALYZE public.tenants, public.tenant_user_identifiers" -c "CHECKPOINT"
	stored=$(psql_q -d "$1" -c "SELECT count(*) FILTER (WHERE identifier ~ '^\+549114[0-9]{7}\$'), count(*) FILTER (WHERE identifier ~ '^guest[0-9]+@example\.com\$'), count(*) FROM public.tenant_user_identifiers")
	if [ "$stored" != "180000|20000|200000" ]; then
		echo "ERROR: expected 180000 normalised phones and 20000 e-mails, got (phones|e-mails|all) $stored" >&2
		return 1
	fi
}

# tenant_scripts DIR: the pgbench scripts of the tenant benchmarks, phone
# and e-mail scripts meant to run 9:1.  Both sides draw the same random row
# number n and build their input from it in SQL with the same kind of work
# (two or three text concatenations and one lpad): the join gets the stored
# key ('+5491140001234', 'guest42@example.com'), resolve_tenant() gets a
# raw spelling that it must normalise first ('+54 9 11 4000-1234',
# 'Guest42@Example.COM').  There is no lookup table or subquery: a common
# extra cost would be added to both sides and push the ratio towards 1.
tenant_scripts() {
	cat >"$1/join_phone.sql" <<'EOF'
\set n random(1, 180000)
\set a 4000 + :n / 10000
\set b :n % 10000
SELECT t.tenant_id FROM public.tenant_user_identifiers i JOIN public.tenants t ON t.id = i.tenant_id WHERE i.identifier = '+54911' || :a::text || lpad(:b::text, 4, '0') AND t.status = 'active';
EOF
	cat >"$1/join_email.sql" <<'EOF'
\set n random(1, 20000)
SELECT t.tenant_id FROM public.tenant_user_identifiers i JOIN public.tenants t ON t.id = i.tenant_id WHERE i.identifier = 'guest' || :n::text || '@example.com' AND t.status = 'active';
EOF
	cat >"$1/resolve_phone.sql" <<'EOF'
\set n random(1, 180000)
\set a 4000 + :n / 10000
\set b :n % 10000
SELECT hotel_agent.resolve_tenant('+54 9 11 ' || :a::text || '-' || lpad(:b::text, 4, '0'));
EOF
	cat >"$1/resolve_email.sql" <<'EOF'
\set n random(1, 20000)
SELECT hotel_agent.resolve_tenant('Guest' || :n::text || '@Example.COM');
EOF
}

# tenant_check DB: resolve_tenant(raw) and the join on the key must answer
# alike (a resolve_tenant() that returned NULL for everything would be fast
# and wrong), on every 37th row of each kind.  Prints the agreement, or
# fails.
tenant_check() {
	local mismatches
	mismatches=$(psql_q -d "$1" <<'SQL'
WITH phones AS (
	SELECT '+54911' || (4000 + n / 10000)::text || lpad((n % 10000)::text, 4, '0') AS key,
		   '+54 9 11 ' || (4000 + n / 10000)::text || '-' || lpad((n % 10000)::text, 4, '0') AS raw
	FROM generate_series(1, 180000, 37) AS n
), emails AS (
	SELECT 'guest' || n || '@example.com' AS key, 'Guest' || n || '@Example.COM' AS raw
	FROM generate_series(1, 20000, 37) AS n
), sample AS (
	SELECT * FROM phones UNION ALL SELECT * FROM emails
)
SELECT count(*) FILTER (WHERE hotel_agent.resolve_tenant(s.raw) IS DISTINCT FROM
							  (SELECT t.tenant_id FROM public.tenant_user_identifiers i
							   JOIN public.tenants t ON t.id = i.tenant_id
							   WHERE i.identifier = s.key AND t.status = 'active'))
	   || ' of ' || count(*) || ', ' || count(hotel_agent.resolve_tenant(s.raw)) || ' resolved'
FROM sample s;
SQL
	)
	case "$mismatches" in
	0\ of\ *) echo "check: resolve_tenant(raw) = join(key) for every sampled row ($mismatches)" ;;
	*)
		echo "ERROR: resolve_tenant(raw) and the join disagree on $mismatches sampled rows" >&2
		return 1
		;;
	esac
}

# history_users DB: 50 tenants and 100,000 users (u1 .. u100000), loaded
# with triggers and foreign-key checks off.
history_users() {
	psql_q -d "$1" <<'SQL'
SET session_replication_role = replica;
INSERT INTO public.tenants (tenant_id, name) SELECT 'hotel-' || g, 'Hotel ' || g FROM generate_series(1, 50) g;
INSERT INTO public.users (id, username, email, hashed_password, tenant_id)
SELECT 'u' || g, 'user' || g, 'user' || g || '@example.com', 'x', 'hotel-' || (g % 50 + 1)
FROM generate_series(1, 100000) g;
SQL
}

# history_big DB: 1,200,000 password_history rows, 12 for each of the
# 100,000 users; row g belongs to user g % 100000 + 1, so a user's 12 rows
# are 100,000 rows apart (a backlog: loaded with the trigger off).
history_big() {
	psql_q -d "$1" <<'SQL'
SET session_replication_role = replica;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u' || (g % 100000 + 1), '$2b$12$' || md5(g::text), '2024-01-01'::timestamp + g * interval '1 second'
FROM generate_series(0, 1199999) g;
SQL
}

# history_small DB: 1,008 password_history rows, 12 for each of the 84
# users u1, u1191, u2381, ... that history_insert_script writes to.
history_small() {
	psql_q -d "$1" <<'SQL'
SET session_replication_role = replica;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u' || (1 + (g % 84) * 1190), '$2b$12$' || md5(g::text), '2024-01-01'::timestamp + g * interval '1 second'
FROM generate_series(0, 1007) g;
SQL
}

# history_insert_script FILE: the pgbench script of one password change of
# one of the 84 users of history_small (on the big table their rows are
# spread over the whole table).
history_insert_script() {
	cat >"$1" <<'EOF'
\set u 1 + random(0, 83) * 1190
INSERT INTO public.password_history (user_id, password_hash) VALUES ('u' || :u, '$2b$12$new');
EOF
}
