-- Hostile triggers: the trigger functions are attached by a role with no
-- grant at all to tables that are not the extension's, fired on the wrong
-- one of the extension's tables, at the wrong time and called directly;
-- a role that may only INSERT fires them. Each case must end in a clear
-- error or a correct result: never a crash (the test would stop), never
-- XX000. Each case runs in a subtransaction that is rolled back. Hostile
-- DDL on the extension's tables: 80_hostile_ddl.sql.
SET TimeZone = 'UTC';
\set VERBOSITY default

\set ECHO none
\i test/include/outcome.sql
\set ECHO all

-- pg_temp.attempt(ddl, call, baseline): runs ddl, then call, then rolls
-- both back. Returns 'as without DDL' when call gives baseline, otherwise
-- 'ok: ' and the result, or the SQLSTATE and message of the error.
CREATE FUNCTION pg_temp.attempt(ddl text, call text, baseline text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	BEGIN
		EXECUTE ddl;
		BEGIN
			EXECUTE call INTO result;
			result := CASE WHEN baseline IS NOT NULL AND result IS NOT DISTINCT FROM baseline
						   THEN 'as without DDL'
						   ELSE 'ok: ' || coalesce(result, 'NULL') END;
		EXCEPTION WHEN OTHERS THEN
			result := SQLSTATE || ' ' || SQLERRM;
			IF baseline = result THEN
				result := 'as without DDL';
			END IF;
		END;
		RAISE EXCEPTION USING ERRCODE = 'HAUND';	-- undo the DDL
	EXCEPTION
		WHEN SQLSTATE 'HAUND' THEN NULL;
		WHEN OTHERS THEN result := 'DDL failed: ' || SQLSTATE || ' ' || SQLERRM;
	END;
	RETURN result;
END $$;

-- Inserts a password hash for u-hostile (the AFTER INSERT trigger prunes)
-- and returns how many rows the user has.
CREATE FUNCTION pg_temp.insert_history() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.password_history (user_id, password_hash) VALUES ('u-hostile', 'h-new');
	RETURN (SELECT count(*) FROM public.password_history WHERE user_id::text = 'u-hostile');
END $$;

INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone) VALUES
	('hostile-a', 'Hostile A', 'active', 0, 0, 'America/Argentina/Buenos_Aires'),
	('hostile-b', 'Hostile B', 'active', 9, 17, NULL);
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+54 9 11 5555-0001' FROM public.tenants WHERE tenant_id = 'hostile-a';
INSERT INTO public.users (id, username, email, hashed_password)
VALUES ('u-hostile', 'hostile', 'hostile@example.com', 'x');
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u-hostile', 'h' || g, '2024-01-01'::timestamp + g * interval '1 day'
FROM generate_series(1, 4) g;
RESET hotel_agent.password_history_keep;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('s-hostile', 'u-hostile', 'jti-hostile', '2999-01-01');

CREATE TEMP TABLE hostile_case (part text, target text, outcome text);

-- 1. Trigger functions on tables that are not the extension's ------------
-- A login role attaches them to its own temporary tables. Before 1.1.0 an
-- integer user_id or identifier crashed the server. Since 1.1.0 a role
-- needs EXECUTE on a trigger function to attach it (section 3), but an
-- owner may grant it and a database still at 1.0.0 grants it to PUBLIC:
-- the functions themselves must refuse a table that is not theirs.
CREATE ROLE regress_hostile;
GRANT INSERT ON hostile_case TO regress_hostile;
GRANT EXECUTE ON FUNCTION hotel_agent.normalize_identifier_trigger(),
	hotel_agent.password_history_prune() TO regress_hostile;
SET ROLE regress_hostile;
INSERT INTO hostile_case
SELECT '1 foreign table', v.label, pg_temp.attempt(v.ddl, v.call)
FROM (VALUES
	('normalize_identifier_trigger, identifier integer',
	 $$CREATE TEMP TABLE t (id int, tenant_id int, identifier int);
	   CREATE TRIGGER t BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$,
	 $$INSERT INTO t VALUES (1, 1, 42)$$),
	('normalize_identifier_trigger, the canonical columns',
	 $$CREATE TEMP TABLE t (id int, tenant_id int, identifier varchar(255));
	   CREATE TRIGGER t BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$,
	 $$INSERT INTO t VALUES (1, 1, '+54 9 11 5555-0001')$$),
	('normalize_identifier_trigger, no identifier column',
	 $$CREATE TEMP TABLE t (x int);
	   CREATE TRIGGER t BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$,
	 $$INSERT INTO t VALUES (1)$$),
	('normalize_identifier_trigger, AFTER INSERT',
	 $$CREATE TEMP TABLE t (id int, tenant_id int, identifier text);
	   CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$,
	 $$INSERT INTO t VALUES (1, 1, 'a@example.com')$$),
	('normalize_identifier_trigger, FOR EACH STATEMENT',
	 $$CREATE TEMP TABLE t (id int, tenant_id int, identifier text);
	   CREATE TRIGGER t BEFORE INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$,
	 $$INSERT INTO t VALUES (1, 1, 'a@example.com')$$),
	('normalize_identifier_trigger, called as a function',
	 $$SELECT 1$$, $$SELECT hotel_agent.normalize_identifier_trigger()$$),
	('password_history_prune, user_id integer',
	 $$CREATE TEMP TABLE t (id int, user_id int, created_at timestamp);
	   CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune()$$,
	 $$INSERT INTO t VALUES (1, 42, now())$$),
	('password_history_prune, the canonical columns',
	 $$CREATE TEMP TABLE t (id int, user_id varchar(255), created_at timestamp);
	   CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune()$$,
	 $$INSERT INTO t VALUES (1, 'u-hostile', now())$$),
	('password_history_prune, no user_id column',
	 $$CREATE TEMP TABLE t (x int);
	   CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune()$$,
	 $$INSERT INTO t VALUES (1)$$),
	('password_history_prune, BEFORE INSERT',
	 $$CREATE TEMP TABLE t (id int, user_id text);
	   CREATE TRIGGER t BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune()$$,
	 $$INSERT INTO t VALUES (1, 'u-hostile')$$),
	('password_history_prune, called as a function',
	 $$SELECT 1$$, $$SELECT hotel_agent.password_history_prune()$$)
) AS v(label, ddl, call);
RESET ROLE;

-- The extension's own tables, the wrong one for each trigger function.
INSERT INTO hostile_case
SELECT '1 foreign table', v.label, pg_temp.attempt(v.ddl, v.call)
FROM (VALUES
	('normalize_identifier_trigger on password_history',
	 $$CREATE TRIGGER t BEFORE INSERT ON public.password_history FOR EACH ROW EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$,
	 $$SELECT pg_temp.insert_history()$$),
	('password_history_prune on tenant_user_identifiers',
	 $$CREATE TRIGGER t AFTER INSERT ON public.tenant_user_identifiers FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune()$$,
	 $$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	   SELECT id, 'new@example.com' FROM public.tenants WHERE tenant_id = 'hostile-b' RETURNING identifier$$)
) AS v(label, ddl, call);

SELECT target, outcome FROM hostile_case WHERE part = '1 foreign table' ORDER BY target;

-- 2. No XX000, ever.
SELECT count(*) AS cases, count(*) FILTER (WHERE outcome ~ '^[0-9A-Z]{5} ') AS clear_errors,
	   count(*) FILTER (WHERE outcome LIKE 'XX%') AS internal_errors
FROM hostile_case;

-- 3. Trigger functions need no EXECUTE privilege to fire, but attaching
-- one to a table needs it: since 1.1.0 EXECUTE is not granted to PUBLIC,
-- so a role that may INSERT still fires the extension's triggers, and
-- cannot attach the functions to a table of its own.
BEGIN;
CREATE ROLE regress_hostile_writer;
GRANT SELECT, INSERT ON public.tenant_user_identifiers TO regress_hostile_writer;
GRANT SELECT, INSERT, DELETE ON public.password_history TO regress_hostile_writer;
GRANT SELECT ON public.tenants TO regress_hostile_writer;
GRANT USAGE ON SEQUENCE public.tenant_user_identifiers_id_seq, public.password_history_id_seq TO regress_hostile_writer;
-- (Row level security, which the pure-SQL build enables with no policy,
-- would hide every row from this role: off until the ROLLBACK.)
ALTER TABLE public.tenants DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenant_user_identifiers DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.password_history DISABLE ROW LEVEL SECURITY;
SET LOCAL ROLE regress_hostile_writer;
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, ' Writer@Example.COM' FROM public.tenants WHERE tenant_id = 'hostile-b' RETURNING identifier$$);
SELECT pg_temp.outcome($$INSERT INTO public.password_history (user_id, password_hash)
	VALUES ('u-hostile', 'h-writer') RETURNING user_id$$);
CREATE TEMP TABLE w (id int, tenant_id int, identifier text);
SELECT pg_temp.outcome($$CREATE TRIGGER w BEFORE INSERT ON w FOR EACH ROW
	EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger()$$);
SELECT pg_temp.outcome($$CREATE TRIGGER w AFTER INSERT ON w FOR EACH ROW
	EXECUTE FUNCTION hotel_agent.password_history_prune()$$);
ROLLBACK;

-- 4. Bounded echoes: caller input is quoted in messages cut to 64 bytes on
-- a character boundary, with "..." appended.
SELECT pg_temp.outcome($$SELECT hotel_agent.tenant_is_open(repeat('x', 1000000))$$);
SELECT length(pg_temp.outcome($$SELECT hotel_agent.tenant_is_open(repeat('x', 1000000))$$)) < 400 AS bounded;
SELECT pg_temp.outcome($$SELECT hotel_agent.tenant_is_open(repeat('ñ', 100))$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.tenant_is_open(repeat('x', 64))$$);

DELETE FROM public.user_sessions WHERE id = 's-hostile';
DELETE FROM public.password_history WHERE user_id = 'u-hostile';
DELETE FROM public.users WHERE id = 'u-hostile';
DELETE FROM public.tenants WHERE tenant_id IN ('hostile-a', 'hostile-b');
DROP TABLE hostile_case;
REVOKE EXECUTE ON FUNCTION hotel_agent.normalize_identifier_trigger(),
	hotel_agent.password_history_prune() FROM regress_hostile;
DROP ROLE regress_hostile;
