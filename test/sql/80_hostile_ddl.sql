-- hotel_agent: extension-only
-- (The C functions' direct table access: the pure-SQL build's queries go
-- through the executor, which checks types and plans for them; its answers
-- under this DDL are PostgreSQL's own errors, not these.)
-- Hostile DDL: every C function and trigger that reads or writes the
-- extension's tables directly (index scans, heap fetches) is called after
-- each column it touches was changed to another type and each index it
-- uses was dropped or re-created. Each case must end in a clear error or a
-- correct result: never a crash (the test would stop), never XX000. Each
-- case runs in a subtransaction that is rolled back. Trigger functions on
-- tables that are not the extension's: 81_hostile_triggers.sql.
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

-- The outcome of a call without DDL, in attempt()'s terms.
CREATE FUNCTION pg_temp.baseline(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	BEGIN
		EXECUTE call INTO result;
		RAISE EXCEPTION USING ERRCODE = 'HAUND', MESSAGE = coalesce(result, 'NULL');
	EXCEPTION
		WHEN SQLSTATE 'HAUND' THEN RETURN SQLERRM;
		WHEN OTHERS THEN RETURN SQLSTATE || ' ' || SQLERRM;
	END;
END $$;

-- An enum type holding every value of a column, for ALTER ... TYPE enum.
CREATE FUNCTION pg_temp.make_enum(tab text, col text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	labels text;
BEGIN
	EXECUTE format('SELECT string_agg(DISTINCT quote_literal(%I::text), '', '') FROM public.%I', col, tab)
		INTO labels;
	EXECUTE format('CREATE TYPE public.hostile_enum AS ENUM (%s)', labels);
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

-- 1. Changed column types, dropped and re-created indexes -----------------
-- The calls of each concern, and the DDL that concern must survive.
CREATE TEMP TABLE hostile_call (concern text, label text, call text, baseline text);
INSERT INTO hostile_call (concern, label, call) VALUES
	('tenant', 'resolve_tenant', $$SELECT hotel_agent.resolve_tenant('+54 9 11 5555-0001')$$),
	('tenant', 'resolve_tenant (alias)', $$SELECT hotel_agent.resolve_tenant('+54 11 5555-0001')$$),
	('tenant', 'resolve_tenant_info', $$SELECT row(r.tenant_id, r.name, r.status, r.business_hours_start, r.business_hours_end,
		r.business_hours_timezone, r.open_now, r.matched_key)::text
		FROM hotel_agent.resolve_tenant_info('5491155550001@s.whatsapp.net') r$$),
	('tenant', 'tenant_is_open', $$SELECT hotel_agent.tenant_is_open('hostile-a', '2024-06-01 15:00+00')$$),
	('tenant', 'tenant_is_open (hours)', $$SELECT hotel_agent.tenant_is_open('hostile-b', '2024-06-01 08:00+00')$$),
	('tenant', 'explain_resolution', $$SELECT verdict FROM hotel_agent.explain_resolution('+54 9 11 5555-0001')$$),
	('tenant', 'trigger: insert a new key', $$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
		SELECT id, '+54 9 11 5555-0002' FROM public.tenants WHERE tenant_id = 'hostile-b' RETURNING identifier$$),
	('tenant', 'trigger: insert another spelling', $$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
		SELECT id, '+54 11 5555-0001' FROM public.tenants WHERE tenant_id = 'hostile-b' RETURNING identifier$$),
	('tenant', 'trigger: update', $$UPDATE public.tenant_user_identifiers SET identifier = '5491155550001@s.whatsapp.net'
		WHERE identifier::text = '+5491155550001' RETURNING identifier$$),
	('history', 'prune_password_history', $$SELECT hotel_agent.prune_password_history('u-hostile', 2)$$),
	('history', 'trigger: insert', $$SELECT pg_temp.insert_history()$$),
	('history', 'prune_all_password_history', $$SELECT hotel_agent.prune_all_password_history(3, NULL)$$),
	('session', 'session_is_active', $$SELECT hotel_agent.session_is_active('jti-hostile')$$);
UPDATE hostile_call SET baseline = pg_temp.baseline(call);
SELECT concern, label, baseline FROM hostile_call ORDER BY concern, label;

CREATE TEMP TABLE hostile_ddl (concern text, label text, ddl text);
INSERT INTO hostile_ddl
SELECT 'tenant', format('%s.%s %s', v.tab, v.col, v.type),
	   CASE WHEN v.col = 'status' THEN 'ALTER TABLE public.tenants ALTER COLUMN status DROP DEFAULT; ' ELSE '' END ||
	   CASE WHEN v.type = 'enum' THEN format('SELECT pg_temp.make_enum(%L, %L); ', v.tab, v.col) ELSE '' END ||
	   format('ALTER TABLE public.%I ALTER COLUMN %I TYPE %s USING %s', v.tab, v.col,
			  CASE WHEN v.type = 'enum' THEN 'public.hostile_enum' ELSE v.type END,
			  coalesce(v.using_expr, format('%I::text::%s', v.col,
					   CASE WHEN v.type = 'enum' THEN 'public.hostile_enum' ELSE v.type END)))
FROM (VALUES
	('tenants', 'id', 'bigint', 'id'),
	('tenants', 'id', 'smallint', 'id'),
	('tenants', 'tenant_id', 'text', NULL),
	('tenants', 'tenant_id', 'character(40)', NULL),
	('tenants', 'tenant_id', 'enum', NULL),
	('tenants', 'name', 'text', NULL),
	('tenants', 'name', 'enum', NULL),
	('tenants', 'name', 'integer', 'length(name)'),
	('tenants', 'status', 'text', NULL),
	('tenants', 'status', 'enum', NULL),
	('tenants', 'status', 'character(10)', NULL),
	('tenants', 'status', 'boolean', $$status = 'active'$$),
	('tenants', 'business_hours_start', 'bigint', NULL),
	('tenants', 'business_hours_start', 'smallint', NULL),
	('tenants', 'business_hours_start', 'text', NULL),
	('tenants', 'business_hours_start', 'numeric', NULL),
	('tenants', 'business_hours_end', 'bigint', NULL),
	('tenants', 'business_hours_end', 'text', NULL),
	('tenants', 'business_hours_timezone', 'text', NULL),
	('tenants', 'business_hours_timezone', 'enum', NULL),
	('tenants', 'business_hours_timezone', 'integer', 'length(business_hours_timezone)'),
	('tenant_user_identifiers', 'id', 'bigint', NULL),
	('tenant_user_identifiers', 'id', 'text', NULL),
	('tenant_user_identifiers', 'tenant_id', 'bigint', NULL),
	('tenant_user_identifiers', 'tenant_id', 'smallint', NULL),
	('tenant_user_identifiers', 'identifier', 'text', NULL),
	('tenant_user_identifiers', 'identifier', 'character(255)', NULL),
	('tenant_user_identifiers', 'identifier', 'enum', NULL),
	('tenant_user_identifiers', 'identifier', 'integer', 'id')
) AS v(tab, col, type, using_expr);

INSERT INTO hostile_ddl (concern, label, ddl) VALUES
	('tenant', 'uq_identifier dropped',
	 'ALTER TABLE public.tenant_user_identifiers DROP CONSTRAINT uq_identifier'),
	('tenant', 'uq_identifier re-created',
	 'ALTER TABLE public.tenant_user_identifiers DROP CONSTRAINT uq_identifier, ADD CONSTRAINT uq_identifier UNIQUE (identifier)'),
	('tenant', 'uq_identifier partial',
	 'ALTER TABLE public.tenant_user_identifiers DROP CONSTRAINT uq_identifier; CREATE UNIQUE INDEX uq_identifier ON public.tenant_user_identifiers (identifier) WHERE id > 0'),
	('tenant', 'tenants_pkey dropped',
	 'ALTER TABLE public.tenants DROP CONSTRAINT tenants_pkey CASCADE'),
	('tenant', 'tenants_pkey re-created',
	 'ALTER TABLE public.tenants DROP CONSTRAINT tenants_pkey CASCADE, ADD PRIMARY KEY (id)'),
	('tenant', 'tenants_tenant_id_key dropped',
	 'ALTER TABLE public.tenants DROP CONSTRAINT tenants_tenant_id_key'),
	('tenant', 'tenants_tenant_id_key re-created',
	 'ALTER TABLE public.tenants DROP CONSTRAINT tenants_tenant_id_key, ADD CONSTRAINT tenants_tenant_id_key UNIQUE (tenant_id)'),
	('tenant', 'tenants.status renamed',
	 'ALTER TABLE public.tenants RENAME COLUMN status TO state'),
	('tenant', 'tenant_user_identifiers.identifier renamed',
	 'ALTER TABLE public.tenant_user_identifiers RENAME COLUMN identifier TO ident'),
	('history', 'password_history.user_id text',
	 'ALTER TABLE public.password_history ALTER COLUMN user_id TYPE text'),
	('history', 'password_history.user_id character(20)',
	 'ALTER TABLE public.password_history DROP CONSTRAINT password_history_user_id_fkey, ALTER COLUMN user_id TYPE character(20)'),
	('history', 'password_history.user_id integer',
	 'ALTER TABLE public.password_history DROP CONSTRAINT password_history_user_id_fkey, ALTER COLUMN user_id TYPE integer USING length(user_id)'),
	('history', 'password_history.id bigint',
	 'ALTER TABLE public.password_history ALTER COLUMN id TYPE bigint'),
	('history', 'password_history.id text',
	 'ALTER TABLE public.password_history ALTER COLUMN id TYPE text'),
	('history', 'password_history.created_at timestamptz',
	 'ALTER TABLE public.password_history ALTER COLUMN created_at TYPE timestamptz'),
	('history', 'password_history.created_at text',
	 'ALTER TABLE public.password_history ALTER COLUMN created_at TYPE text'),
	('history', 'password_history.created_at date',
	 'ALTER TABLE public.password_history ALTER COLUMN created_at TYPE date'),
	('history', 'idx_password_history_user_id dropped',
	 'DROP INDEX public.idx_password_history_user_id'),
	('history', 'idx_password_history_user_id re-created',
	 'DROP INDEX public.idx_password_history_user_id; CREATE INDEX idx_password_history_user_id ON public.password_history (user_id)'),
	('history', 'idx_password_history_user_id in collation "C"',
	 'DROP INDEX public.idx_password_history_user_id; CREATE INDEX idx_password_history_user_id ON public.password_history (user_id COLLATE "C")'),
	('history', 'password_history.user_id renamed',
	 'ALTER TABLE public.password_history RENAME COLUMN user_id TO uid'),
	('session', 'user_sessions.token_jti text',
	 'ALTER TABLE public.user_sessions ALTER COLUMN token_jti TYPE text'),
	('session', 'user_sessions.token_jti integer',
	 'ALTER TABLE public.user_sessions ALTER COLUMN token_jti TYPE integer USING hashtext(token_jti)'),
	('session', 'user_sessions.is_revoked integer',
	 'ALTER TABLE public.user_sessions ALTER COLUMN is_revoked DROP DEFAULT, ALTER COLUMN is_revoked TYPE integer USING is_revoked::int'),
	('session', 'user_sessions.is_revoked text',
	 'ALTER TABLE public.user_sessions ALTER COLUMN is_revoked DROP DEFAULT, ALTER COLUMN is_revoked TYPE text'),
	('session', 'user_sessions.expires_at timestamptz',
	 'ALTER TABLE public.user_sessions ALTER COLUMN expires_at TYPE timestamptz'),
	('session', 'user_sessions.expires_at text',
	 'ALTER TABLE public.user_sessions ALTER COLUMN expires_at TYPE text'),
	('session', 'user_sessions.expires_at date',
	 'ALTER TABLE public.user_sessions ALTER COLUMN expires_at TYPE date'),
	('session', 'token_jti indexes dropped',
	 'ALTER TABLE public.user_sessions DROP CONSTRAINT user_sessions_token_jti_key');

-- The view hotel_agent.stats reads most columns, and a column a view uses
-- cannot change its type: each case drops it first (and gets it back).
UPDATE hostile_ddl SET ddl = 'ALTER EXTENSION hotel_agent DROP VIEW hotel_agent.stats; '
	'DROP VIEW hotel_agent.stats; ' || ddl;

-- The check constraints of 1.1.0 refuse most of these type changes
-- outright; each case drops them first, so that the functions meet the
-- changed column.
UPDATE hostile_ddl SET ddl = 'ALTER TABLE public.tenants DROP CONSTRAINT tenants_status_check, '
	'DROP CONSTRAINT tenants_business_hours_start_check, DROP CONSTRAINT tenants_business_hours_end_check, '
	'DROP CONSTRAINT tenants_business_hours_timezone_check; '
	'ALTER TABLE public.tenant_user_identifiers DROP CONSTRAINT tenant_user_identifiers_identifier_check; ' || ddl;

-- Warm every per-backend cache first, so that stale cached OIDs would show.
SELECT count(pg_temp.baseline(call)) AS warmed FROM hostile_call;

INSERT INTO hostile_case
SELECT '2 ' || d.concern, d.label || ' / ' || c.label, pg_temp.attempt(d.ddl, c.call, c.baseline)
FROM hostile_ddl d JOIN hostile_call c USING (concern);

SELECT target, outcome FROM hostile_case WHERE part LIKE '2 %' ORDER BY part, target;

-- Nothing survived a case: the tables are as before.
SELECT pg_catalog.format_type(atttypid, atttypmod) AS identifier_type
FROM pg_catalog.pg_attribute
WHERE attrelid = 'public.tenant_user_identifiers'::regclass AND attname = 'identifier';
SELECT count(*) AS hostile_types FROM pg_catalog.pg_type WHERE typname = 'hostile_enum';

-- 2. The summary: how many cases, and how they ended. No XX000, ever.
SELECT part, count(*) AS cases,
	   count(*) FILTER (WHERE outcome = 'as without DDL' OR outcome LIKE 'ok: %') AS answered,
	   count(*) FILTER (WHERE outcome ~ '^[0-9A-Z]{5} ') AS clear_errors,
	   count(*) FILTER (WHERE outcome LIKE 'XX%') AS internal_errors,
	   count(*) FILTER (WHERE outcome LIKE 'DDL failed%') AS ddl_failed
FROM hostile_case GROUP BY ROLLUP (part) ORDER BY part;
SELECT target, outcome FROM hostile_case WHERE outcome LIKE 'XX%' OR outcome LIKE 'DDL failed%';

-- 3. The identifier trigger looks for other spellings as the table's owner
-- (it probes the index directly): a role that may insert but not read gets
-- the trigger's message for a taken key, without naming the tenant, which it
-- may not see. (The pure-SQL build's trigger reads with the writer's
-- privileges, so such a role gets the unique index's own message there:
-- README, "Supabase".)
BEGIN;
CREATE ROLE regress_hostile_inserter;
GRANT INSERT ON public.tenant_user_identifiers TO regress_hostile_inserter;
GRANT USAGE ON SEQUENCE public.tenant_user_identifiers_id_seq TO regress_hostile_inserter;
SELECT id AS b_pk FROM public.tenants WHERE tenant_id = 'hostile-b' \gset
SET LOCAL ROLE regress_hostile_inserter;
SELECT pg_temp.outcome(format($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	VALUES (%s, '5491155550001')$$, :b_pk));
ROLLBACK;

DELETE FROM public.user_sessions WHERE id = 's-hostile';
DELETE FROM public.password_history WHERE user_id = 'u-hostile';
DELETE FROM public.users WHERE id = 'u-hostile';
DELETE FROM public.tenants WHERE tenant_id IN ('hostile-a', 'hostile-b');
DROP TABLE hostile_case, hostile_call, hostile_ddl;
