#!/bin/bash
# Proves that the PL/pgSQL twin of the identifier normaliser
# (sql/src/plpgsql/19_e164_metadata.sql, 20_identifier.sql) and the C
# functions of the installed extension agree: every row of
# test/data/e164_corpus.csv (and test/twin/extra.csv) through every
# function, results and errors (SQLSTATE, message, detail, hint) compared
# row by row, and test/sql/10_identifier.sql run against both, outputs
# compared.  Prints the agreement and the cost per number of each side,
# measured side by side in one run.
#
# TWIN_TIMING=0 skips the cost measurements (make test-sanitize: times
# under a sanitizer mean nothing).
#
# Needs a running server (PGHOST etc., e.g. inside pg_virtualenv) and the
# extension installed: run it under the install lock,
#   flock /tmp/hotel_agent_install.lock -c 'make install && pg_virtualenv -i "--encoding=UTF8 --locale=C.UTF-8" bash test/twin/compare.sh'
set -eu
cd "$(dirname "$0")/../.."
out=${TWIN_OUT:-build/twin}
mkdir -p "$out"
psql="psql -X -q -v ON_ERROR_STOP=1"

for db in twin_c twin_sql; do
	dropdb --if-exists "$db"
	createdb "$db"
done
$psql -d twin_c -c 'CREATE EXTENSION hotel_agent'
$psql -d twin_sql -c 'CREATE SCHEMA hotel_agent' \
	-f sql/src/plpgsql/19_e164_metadata.sql -f sql/src/plpgsql/20_identifier.sql

# outcome of every function on every case, in each database
for db in twin_c twin_sql; do
	$psql -d "$db" <<'SQL'
CREATE TABLE cases (n serial PRIMARY KEY, raw text, region text, expected text);
\copy cases (raw, region, expected) FROM 'test/data/e164_corpus.csv' WITH (FORMAT csv, HEADER true)
\copy cases (raw, region, expected) FROM 'test/twin/extra.csv' WITH (FORMAT csv, HEADER true)
CREATE FUNCTION outcome(stmt text, a text, b text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
	st text; msg text; det text; hnt text;
BEGIN
	EXECUTE stmt INTO result USING a, b;
	RETURN coalesce(result, 'NULL');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN st || ' ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '');
END $$;
CREATE TABLE outcomes AS
SELECT n, f,
       outcome(format('SELECT %s($1, $2)::text', f), raw, region) AS outcome
FROM cases,
     unnest(ARRAY['normalize_e164', 'try_normalize_e164',
                  'normalize_identifier', 'try_normalize_identifier']) AS f
UNION ALL
SELECT n, 'phone_match_keys',
       outcome('SELECT hotel_agent.phone_match_keys($1)::text', coalesce(hotel_agent.try_normalize_e164(raw, region), raw), NULL)
FROM cases;
SQL
	$psql -d "$db" -c "UPDATE outcomes SET f = 'hotel_agent.' || f WHERE f NOT LIKE 'phone%'" >/dev/null
done

# row by row
$psql -d twin_c -c 'COPY outcomes TO STDOUT (FORMAT csv)' > "$out/outcomes_c.csv"
$psql -d twin_sql <<SQL
CREATE TABLE outcomes_c (n integer, f text, outcome text);
\copy outcomes_c FROM '$out/outcomes_c.csv' WITH (FORMAT csv)
SQL
$psql -d twin_sql -At -F ' ' <<'SQL' | tee "$out/summary.txt"
SELECT 'compared', count(*),
       'agreeing', count(*) FILTER (WHERE c.outcome = s.outcome),
       'disagreeing', count(*) FILTER (WHERE c.outcome IS DISTINCT FROM s.outcome)
FROM outcomes_c c FULL JOIN outcomes s USING (n, f);
SELECT 'disagreeing', f, count(*) FROM outcomes_c c FULL JOIN outcomes s USING (n, f)
WHERE c.outcome IS DISTINCT FROM s.outcome GROUP BY f ORDER BY f;
SQL
$psql -d twin_sql -At -F ' | ' > "$out/disagreements.txt" <<'SQL'
SELECT f, n, raw, region, c.outcome, s.outcome FROM outcomes_c c FULL JOIN outcomes s USING (n, f)
JOIN cases USING (n) WHERE c.outcome IS DISTINCT FROM s.outcome ORDER BY n, f;
SQL
head -n 20 "$out/disagreements.txt"
rc=0
[ -s "$out/disagreements.txt" ] && rc=1

# test/sql/10_identifier.sql against both, outputs compared (PL/pgSQL adds
# a CONTEXT to the errors it raises, which psql is told not to show)
for db in twin_c twin_sql; do
	psql -X -a -v SHOW_CONTEXT=never -d "$db" -f test/include/outcome.sql \
		-f test/sql/10_identifier.sql > "$out/10_identifier.$db.out" 2>&1 || true
done
if diff -u "$out/10_identifier.twin_c.out" "$out/10_identifier.twin_sql.out"; then
	echo "10_identifier: same output from both builds ($(grep -c . "$out/10_identifier.twin_c.out") lines)"
else
	echo "10_identifier: the builds differ"
	rc=1
fi

[ "${TWIN_TIMING:-1}" = 0 ] && exit $rc

# cost per number, side by side: the corpus's numbers with their regions,
# ten times, in one backend each, alternating
timing() {
	$psql -d "$1" -At <<'SQL'
CREATE TEMP TABLE bench AS SELECT raw, region FROM cases, generate_series(1, 10);
SELECT count(*) FROM bench \gset
\timing on
SELECT count(hotel_agent.try_normalize_e164(raw, region)) FROM bench;
SQL
}
for round in 1 2; do
	for db in twin_c twin_sql; do
		ms=$(timing "$db" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1)
		echo "cost $db round $round: $ms ms for $(( $($psql -d "$db" -At -c 'SELECT count(*) FROM cases') * 10 )) numbers"
	done
done | tee -a "$out/summary.txt"

# The regex cache (32 compiled expressions per backend): the same 10,000
# numbers written nationally (their regions' patterns run), grouped by
# region, then in an order that interleaves the regions.
cache() {
	$psql -d twin_sql -At <<SQL
CREATE TEMP TABLE nat AS
SELECT raw, region, row_number() OVER (ORDER BY md5(raw || region)) AS shuffle
FROM cases WHERE region IS NOT NULL AND expected LIKE '+%' LIMIT 10000;
SELECT count(DISTINCT region) || ' regions' FROM nat;
\timing on
SELECT count(hotel_agent.try_normalize_e164(raw, region)) FROM (SELECT * FROM nat ORDER BY $1) s;
SQL
}
for round in 1 2; do
	for order in region shuffle; do
		c=$(cache $order)
		echo "regex cache, twin, 10,000 numbers of $(echo "$c" | sed -n 's/ regions$//p') regions ordered by $order, round $round: $(echo "$c" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p') ms"
	done
done | tee -a "$out/summary.txt"
exit $rc
