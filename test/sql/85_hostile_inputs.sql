-- Hostile inputs, table-driven: every case of test/data/hostile_inputs.csv
-- (a call template, up to three argument expressions, the expected outcome)
-- is run in a subtransaction that is rolled back, whatever it wrote. The
-- outcome is the SQLSTATE of the error, NULL, or "=" and the result as text;
-- "ok" in the file stands for any result that is not NULL. expected_pg17,
-- when given, is the outcome from PostgreSQL 17 on, where PostgreSQL itself
-- differs (17 accepts infinite intervals). A case that does not go as
-- expected is listed below; so is any XX000 (an internal error), a function
-- of the extension that has no case, and an argument of a function that is
-- never given NULL.
SET TimeZone = 'UTC';
SET client_min_messages = warning;

BEGIN;
-- What the cases work on: a tenant with an identifier, a user with a live
-- session and some password history.
INSERT INTO public.tenants (tenant_id, name, business_hours_start, business_hours_end,
                            business_hours_timezone)
VALUES ('hotel-h', 'Hostile', 9, 17, 'America/New_York');
SELECT hotel_agent.add_tenant_identifier('hotel-h', '+54 9 11 1234-5678') AS fixture;
INSERT INTO public.users (id, username, email, hashed_password)
VALUES ('u-h', 'hostile', 'hostile@example.com', 'x');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('s-h', 'u-h', 'jti-h', (now() AT TIME ZONE 'UTC') + interval '1 day');
INSERT INTO public.password_history (user_id, password_hash)
SELECT 'u-h', 'hash' || g FROM generate_series(1, 3) g;

CREATE TEMP TABLE hostile (template text, arg1 text, arg2 text, arg3 text,
                           expected text, expected_pg17 text, why text);
\copy hostile FROM 'test/data/hostile_inputs.csv' (FORMAT csv, HEADER true)
ALTER TABLE hostile ADD COLUMN n serial;

CREATE FUNCTION pg_temp.hostile_outcome(call text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	BEGIN
		IF call LIKE 'CALL %' THEN
			EXECUTE call;
			result := 'done';
		ELSE
			EXECUTE 'SELECT (' || call || ')::text' INTO result;
		END IF;
		-- undo whatever the call wrote
		RAISE SQLSTATE 'HA999' USING MESSAGE = coalesce('=' || result, 'NULL');
	EXCEPTION WHEN SQLSTATE 'HA999' THEN
		RETURN SQLERRM;
	END;
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END
$$;

CREATE TEMP TABLE hostile_run AS
SELECT h.n, h.template, h.arg1, h.arg2, h.arg3, h.expected AS listed,
	   CASE WHEN current_setting('server_version_num')::int >= 170000
				 AND coalesce(h.expected_pg17, '') <> ''
			THEN h.expected_pg17 ELSE h.expected END AS expected,
	   pg_temp.hostile_outcome(format(h.template, coalesce(h.arg1, ''),
									  coalesce(h.arg2, ''), coalesce(h.arg3, ''))) AS outcome
FROM hostile h;

-- The number of cases, and of each kind of outcome the file lists (as on
-- PostgreSQL 15; the next query checks each against what happened).
SELECT count(*) AS cases,
	   count(DISTINCT substring(template FROM '[a-z_]+\.([a-z_0-9]+)\(')) AS functions,
	   count(*) FILTER (WHERE listed ~ '^[0-9A-Z]{5}$') AS errors,
	   count(*) FILTER (WHERE listed = 'NULL') AS nulls,
	   count(*) FILTER (WHERE listed LIKE '=%' OR listed = 'ok') AS results
FROM hostile_run;
SELECT listed AS sqlstate, count(*) AS cases
FROM hostile_run WHERE listed ~ '^[0-9A-Z]{5}$'
GROUP BY 1 ORDER BY 1;

-- Cases that did not go as expected (none).
SELECT n, format(template, arg1, arg2, arg3) AS call, expected, left(outcome, 60) AS outcome
FROM hostile_run
WHERE NOT (outcome = expected OR (expected = 'ok' AND outcome LIKE '=%'))
ORDER BY n;

-- No internal error, expected or not.
SELECT count(*) AS internal_errors FROM hostile_run WHERE outcome = 'XX000' OR expected = 'XX000';

-- Every function and procedure of the extension has cases (none without):
-- every one with a comment (the pure-SQL build's internal helpers have none;
-- test/twin/compare.sh runs them over the phone corpus).
SELECT p.oid::regprocedure AS function_without_cases
FROM pg_catalog.pg_proc p
WHERE (p.pronamespace = 'hotel_agent'::regnamespace OR p.proname = 'update_updated_at_column')
  AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM hostile h
				  WHERE h.template ~ ('\m' || p.proname || '\('))
ORDER BY 1;

-- Every argument of every template is given NULL in some case (none missing).
SELECT t.template, a.pos AS argument_never_null
FROM (SELECT DISTINCT template FROM hostile) t,
	 LATERAL (SELECT DISTINCT m[1]::int AS pos
			  FROM regexp_matches(t.template, '%([0-9])\$s', 'g') m) a
WHERE NOT EXISTS (SELECT 1 FROM hostile h
				  WHERE h.template = t.template
					AND (ARRAY[h.arg1, h.arg2, h.arg3])[a.pos] = 'NULL')
ORDER BY 1, 2;
ROLLBACK;
