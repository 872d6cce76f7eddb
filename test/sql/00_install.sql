-- hotel_agent is installed (pg_regress loads the extension with
-- --load-extension; test/t/061_script_suite.pl runs the pure-SQL build
-- instead) at the default version, with its own schema for functions.
-- install_mode() is the one answer that differs between the two builds.
-- The extension's packaging is in 03_extension_packaging.sql.
SELECT hotel_agent.version();
SELECT hotel_agent.install_mode();
SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = 'hotel_agent';

-- The six tables are in the schema given to CREATE EXTENSION (public, the
-- pure-SQL build's schema).
SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name;

-- The updated_at trigger fires on users and tenants.
SET TimeZone = 'UTC';
INSERT INTO public.tenants (tenant_id, name, created_at, updated_at)
VALUES ('hotel-demo', 'Hotel Demo', '2020-01-01', '2020-01-01');
INSERT INTO public.users (id, username, email, hashed_password, tenant_id, created_at, updated_at)
VALUES ('u1', 'ana', 'ana@example.com', 'x', 'hotel-demo', '2020-01-01', '2020-01-01');
UPDATE public.tenants SET name = 'Hotel Demo II' WHERE tenant_id = 'hotel-demo';
UPDATE public.users SET full_name = 'Ana' WHERE id = 'u1';
SELECT tenant_id, name, updated_at > created_at AS updated_at_moved FROM public.tenants;
SELECT id, full_name, updated_at > created_at AS updated_at_moved FROM public.users;

-- Defaults and constraints of the canonical DDL.
SELECT status, business_hours_start IS NULL AS open_24_7 FROM public.tenants;
INSERT INTO public.users (id, username, email, hashed_password)
VALUES ('u2', 'ana', 'other@example.com', 'x');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('s1', 'nobody', 'jti-1', '2030-01-01');
-- ON DELETE CASCADE from users to sessions and password history.
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at) VALUES ('s1', 'u1', 'jti-1', '2030-01-01');
INSERT INTO public.password_history (user_id, password_hash) VALUES ('u1', 'h1');
DELETE FROM public.users WHERE id = 'u1';
SELECT (SELECT count(*) FROM public.user_sessions) AS sessions, (SELECT count(*) FROM public.password_history) AS history;
DELETE FROM public.tenants;

-- 1.1.0: timestamps default to UTC whatever the writer's TimeZone, and the
-- updated_at trigger writes UTC too.
SET TimeZone = 'America/Argentina/Buenos_Aires';
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-utc', 'Hotel UTC');
INSERT INTO public.users (id, username, email, hashed_password) VALUES ('u3', 'bea', 'Bea@Example.com', 'x');
UPDATE public.users SET full_name = 'Bea' WHERE id = 'u3';
SELECT abs(extract(epoch FROM created_at - (now() AT TIME ZONE 'UTC'))) < 60 AS created_at_is_utc,
	   abs(extract(epoch FROM updated_at - (now() AT TIME ZONE 'UTC'))) < 60 AS updated_at_is_utc,
	   abs(extract(epoch FROM password_last_changed - (now() AT TIME ZONE 'UTC'))) < 60 AS password_last_changed_is_utc
FROM public.users WHERE id = 'u3';
SELECT abs(extract(epoch FROM created_at - (now() AT TIME ZONE 'UTC'))) < 60 AS tenant_created_at_is_utc
FROM public.tenants WHERE tenant_id = 'hotel-utc';
SET TimeZone = 'UTC';

-- 1.1.0: one account per e-mail address, whatever its case.
INSERT INTO public.users (id, username, email, hashed_password) VALUES ('u4', 'bea2', 'bea@example.COM', 'x');

-- 1.1.0: the event types the functions write, and identifiers in canonical
-- form even when triggers are bypassed (as logical replication does).
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp") VALUES ('k', 'stolen', '2025-01-01');
SET session_replication_role = replica;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier, created_at)
SELECT id, '+54 9 11 1234-5678', '2025-01-01' FROM public.tenants WHERE tenant_id = 'hotel-utc';
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+5491112345678' FROM public.tenants WHERE tenant_id = 'hotel-utc';
RESET session_replication_role;
SELECT identifier FROM public.tenant_user_identifiers;

-- 1.1.0: update_updated_at_column() qualifies now() and pins its
-- search_path, so a function now() earlier in the caller's search_path is
-- never run by the trigger.
CREATE SCHEMA regress_shadow;
CREATE FUNCTION regress_shadow.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '1999-01-01 00:00+00'::timestamptz$$;
SET search_path = regress_shadow, pg_catalog, public;
UPDATE public.users SET full_name = 'Bea B' WHERE id = 'u3';
RESET search_path;
SELECT updated_at > '2000-01-01' AS shadow_now_not_called FROM public.users WHERE id = 'u3';
DROP SCHEMA regress_shadow CASCADE;

-- 1.1.0: functions that change data, and trigger functions, are not
-- executable by PUBLIC (an owner grants them, README "Privileges"); the
-- reading functions are. A role without grants cannot attach the
-- extension's trigger functions to a table of its own, and the extension's
-- own triggers fire for every role that may write the tables.
-- Every documented function, that is every function with a comment (the
-- pure-SQL build's internal helpers have none).
CREATE ROLE regress_no_grants;
SELECT p.oid::regprocedure AS function,
	   has_function_privilege('regress_no_grants', p.oid, 'EXECUTE') AS public_may_execute
FROM pg_catalog.pg_proc p
WHERE (p.pronamespace = 'hotel_agent'::regnamespace OR p.oid = 'public.update_updated_at_column()'::regprocedure)
  AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NOT NULL
ORDER BY 2, p.oid::regprocedure::text;
GRANT UPDATE ON public.users TO regress_no_grants;
GRANT SELECT ON public.users TO regress_no_grants;
-- The pure-SQL build enables row level security on the tables (README,
-- "Supabase"): a role that may write them has a policy there.
CREATE POLICY regress_no_grants_all ON public.users TO regress_no_grants USING (true) WITH CHECK (true);
SET ROLE regress_no_grants;
CREATE TEMP TABLE own_table (id integer, user_id text, updated_at timestamp);
CREATE TRIGGER t1 AFTER INSERT ON own_table FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune();
CREATE TRIGGER t2 BEFORE UPDATE ON own_table FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
UPDATE public.users SET full_name = 'Bea C', updated_at = '2001-01-01' WHERE id = 'u3';
DROP TABLE own_table;
RESET ROLE;
SELECT full_name, updated_at > '2001-01-02' AS trigger_fired FROM public.users WHERE id = 'u3';
DROP POLICY regress_no_grants_all ON public.users;
REVOKE ALL ON public.users FROM regress_no_grants;
DROP ROLE regress_no_grants;
DELETE FROM public.tenant_user_identifiers;
DELETE FROM public.users;
DELETE FROM public.tenants;
DELETE FROM public.lock_audit;
