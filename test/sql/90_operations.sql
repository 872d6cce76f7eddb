-- Operations: grant_backend_access() / revoke_backend_access() give a role
-- exactly what the backend's calls need (and, on request, an operator's);
-- validate() checks an installation, failing checks included.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set ECHO none
\i test/include/error_of.sql
\set ECHO all

-- pg_temp.try(stmt): 'allowed', 'denied' (42501, insufficient privilege) or
-- any other error with its SQLSTATE. Each statement runs in a
-- subtransaction; what an allowed one wrote stays.
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	RETURN 'allowed';
EXCEPTION WHEN insufficient_privilege THEN
	RETURN 'denied';
WHEN OTHERS THEN
	RETURN 'error ' || SQLSTATE || ': ' || SQLERRM;
END $$;

-- What a backend role gets, and why; an operator gets more.
SELECT object_type, object_name, privileges, reason FROM hotel_agent.backend_access_privileges();
SELECT object_type, object_name, privileges FROM hotel_agent.backend_access_privileges(true) WHERE operations;

-- Clear errors; only the owner may grant or revoke.
SELECT pg_temp.error_of($$SELECT hotel_agent.grant_backend_access(NULL)$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.grant_backend_access('regress_nobody')$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.grant_backend_access('public')$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.revoke_backend_access(NULL)$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.revoke_backend_access('regress_nobody')$$);
-- No BYPASSRLS: the pure-SQL build enables row level security on the six
-- tables with no policy (README, "Supabase"), and grant_backend_access()
-- gives the role one policy per table there. The statements counted below
-- leave those policy statements out (the extension's tables have no row
-- level security, so there are none): what the role may then do is the
-- same in both builds, as the calls below show.
CREATE ROLE regress_backend LOGIN;
SELECT pg_temp.error_of($$SELECT hotel_agent.grant_backend_access('regress_backend', NULL)$$);
SELECT p.oid::regprocedure, has_function_privilege('regress_backend', p.oid, 'EXECUTE') AS may_execute
FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'hotel_agent'::regnamespace
  AND p.proname IN ('grant_backend_access', 'revoke_backend_access', 'backend_access_privileges', 'validate')
ORDER BY 1::text;

-- Granting twice changes nothing the second time.
SELECT count(*) FILTER (WHERE s NOT LIKE '% POLICY %') AS statements FROM hotel_agent.grant_backend_access('regress_backend') s;
CREATE TEMP VIEW granted AS
SELECT c.oid::regclass::text AS object, c.relacl::text AS acl FROM pg_catalog.pg_class c
WHERE c.relnamespace IN ('public'::regnamespace, 'hotel_agent'::regnamespace) AND c.relacl IS NOT NULL
UNION ALL
SELECT p.oid::regprocedure::text, p.proacl::text FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'hotel_agent'::regnamespace AND p.proacl IS NOT NULL
UNION ALL
SELECT n.nspname, n.nspacl::text FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('public', 'hotel_agent');
CREATE TEMP TABLE acl_once AS SELECT * FROM granted;
SELECT count(*) FILTER (WHERE s NOT LIKE '% POLICY %') AS statements FROM hotel_agent.grant_backend_access('regress_backend') s;
SELECT count(*) AS acl_changes FROM ((TABLE granted EXCEPT TABLE acl_once) UNION ALL (TABLE acl_once EXCEPT TABLE granted)) d;

-- Something the backend role must not reach.
CREATE SCHEMA regress_other;
CREATE TABLE regress_other.secrets (i integer);
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp")
VALUES ('old-lock', 'released', (now() AT TIME ZONE 'UTC') - interval '90 days');

-- The backend's calls, as the backend role.
CREATE TEMP TABLE outcomes (phase text, n integer, stmt text, outcome text);
GRANT SELECT, INSERT ON outcomes TO regress_backend;
CREATE TEMP VIEW backend_calls(n, stmt) AS VALUES
	(1, $$SELECT hotel_agent.resolve_tenant('+54 9 11 1234-5678')$$),
	(2, $$INSERT INTO public.tenants (tenant_id, name, status) VALUES ('hotel-grant', 'Grant', 'active')$$),
	(3, $$UPDATE public.tenants SET name = 'Grant II', business_hours_timezone = 'UTC' WHERE tenant_id = 'hotel-grant'$$),
	(4, $$SELECT hotel_agent.add_tenant_identifier('hotel-grant', '+54 9 11 1234-5678')$$),
	(5, $$SELECT hotel_agent.add_tenant_identifier('hotel-grant', 'Guest@Grant.example')$$),
	(6, $$SELECT 1 / (hotel_agent.resolve_tenant('5491112345678@s.whatsapp.net') = 'hotel-grant')::integer$$),
	(7, $$SELECT 1 / count(*)::integer FROM hotel_agent.resolve_tenant_info('guest@grant.example')$$),
	(8, $$SELECT hotel_agent.tenant_is_open('hotel-grant')$$),
	(9, $$SELECT hotel_agent.remove_tenant_identifier('guest@grant.example')$$),
	(10, $$INSERT INTO public.users (id, username, email, hashed_password, tenant_id) VALUES ('gu1', 'grant1', 'grant1@example.com', 'x', 'hotel-grant')$$),
	(11, $$UPDATE public.users SET full_name = 'Grant One' WHERE id = 'gu1'$$),
	(12, $$SELECT 1 / count(*)::integer FROM public.users WHERE lower(email) = 'grant1@example.com'$$),
	(13, $$INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at) VALUES ('gs1', 'gu1', 'grant-jti-1', (now() AT TIME ZONE 'UTC') + interval '1 hour'), ('gs2', 'gu1', 'grant-jti-2', (now() AT TIME ZONE 'UTC') + interval '1 hour')$$),
	(14, $$SELECT 1 / hotel_agent.session_is_active('grant-jti-1')::integer$$),
	(15, $$SELECT 1 / hotel_agent.revoke_session('grant-jti-1')::integer$$),
	(16, $$SELECT 1 / hotel_agent.revoke_user_sessions('gu1')$$),
	(17, $$INSERT INTO public.password_history (user_id, password_hash) SELECT 'gu1', 'h' || g FROM generate_series(1, 12) g$$),
	(18, $$SELECT 1 / (count(*) = 10)::integer FROM public.password_history WHERE user_id = 'gu1'$$),
	(19, $$SELECT 1 / (hotel_agent.prune_password_history('gu1', 3) = 7)::integer$$),
	(20, $$SELECT 1 / (count(*) = 3)::integer FROM hotel_agent.password_history_hashes('gu1')$$),
	(21, $$SELECT hotel_agent.record_lock_event('reservation:grant', 'acquired', '{"holder_id": "worker-1"}')$$),
	(22, $$SELECT count(*) FROM public.lock_audit$$),
	(23, $$SELECT verdict FROM hotel_agent.explain_resolution('+54 9 11 1234-5678')$$),
	(24, $$DELETE FROM public.users WHERE id = 'gu1'$$),
	(25, $$DELETE FROM public.tenants WHERE tenant_id = 'hotel-grant'$$);
-- Never the backend's: DDL, TRUNCATE, the extension's schema, other schemas, the
-- grants, writes no call of the backend makes.
CREATE TEMP VIEW forbidden_calls(n, stmt) AS VALUES
	(1, $$ALTER TABLE public.users ADD COLUMN nickname text$$),
	(2, $$CREATE INDEX ON public.users (full_name)$$),
	(3, $$DROP TABLE public.lock_audit$$),
	(4, $$TRUNCATE public.lock_audit$$),
	(5, $$TRUNCATE public.users CASCADE$$),
	(6, $$DROP SCHEMA hotel_agent CASCADE$$),
	(7, $$ALTER TABLE public.tenants DISABLE TRIGGER update_tenants_updated_at$$),
	(8, $$CREATE TABLE public.mine (i integer)$$),
	(9, $$CREATE SCHEMA mine$$),
	(10, $$SELECT * FROM regress_other.secrets$$),
	(11, $$UPDATE public.tenant_user_identifiers SET identifier = '+5491100000000'$$),
	(12, $$UPDATE public.password_history SET password_hash = 'x'$$),
	(13, $$SELECT setval('public.tenants_id_seq', 1)$$),
	(14, $$SELECT hotel_agent.grant_backend_access('regress_backend', true)$$),
	(15, $$SELECT hotel_agent.revoke_backend_access('regress_backend')$$),
	(16, $$CREATE TRIGGER mine BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column()$$);
-- An operator's. count_backlog() has been executable by PUBLIC since
-- 1.0.0 (it only reads, and only tables the backend may read);
-- schedule_maintenance() gets as far as finding no pg_cron here (55000);
-- run_maintenance() commits, so it is called outside try() below.
CREATE TEMP VIEW operations_calls(n, stmt) AS VALUES
	(1, $$SELECT sessions_active FROM hotel_agent.stats$$),
	(2, $$SELECT count(*) FROM hotel_agent.maintenance_log$$),
	(3, $$SELECT count(*) FROM hotel_agent.backlog_census$$),
	(4, $$SELECT * FROM hotel_agent.count_backlog()$$),
	(5, $$SELECT 1 / (hotel_agent.purge_lock_audit() = 1)::integer$$),
	(6, $$SELECT hotel_agent.cleanup_expired_sessions()$$),
	(7, $$SELECT hotel_agent.prune_all_password_history()$$),
	(8, $$SELECT hotel_agent.schedule_maintenance()$$),
	(9, $$DELETE FROM public.user_sessions WHERE expires_at < '2000-01-01'$$),
	(10, $$DELETE FROM public.lock_audit WHERE "timestamp" < '2000-01-01'$$),
	(11, $$DELETE FROM hotel_agent.backlog_census WHERE counted_at < '2000-01-01'$$);
GRANT SELECT ON backend_calls, forbidden_calls, operations_calls TO regress_backend;

SET ROLE regress_backend;
INSERT INTO outcomes SELECT 'backend', n, stmt, pg_temp.try(stmt) FROM backend_calls ORDER BY n;
INSERT INTO outcomes SELECT 'forbidden', n, stmt, pg_temp.try(stmt) FROM forbidden_calls ORDER BY n;
INSERT INTO outcomes SELECT 'operations without the flag', n, stmt, pg_temp.try(stmt) FROM operations_calls ORDER BY n;
CALL hotel_agent.run_maintenance();
RESET ROLE;
SELECT phase, n, outcome, stmt FROM outcomes ORDER BY phase, n;

-- With the operations: the maintenance runs as this role too (CALL must
-- run outside a transaction block, hence not through try()).
SELECT count(*) FILTER (WHERE s NOT LIKE '% POLICY %') AS statements FROM hotel_agent.grant_backend_access('regress_backend', include_operations => true) s;
SET ROLE regress_backend;
INSERT INTO outcomes SELECT 'operations with the flag', n, stmt, pg_temp.try(stmt) FROM operations_calls ORDER BY n;
INSERT INTO outcomes SELECT 'forbidden with the flag', n, stmt, pg_temp.try(stmt) FROM forbidden_calls ORDER BY n;
CALL hotel_agent.run_maintenance();
RESET ROLE;
SELECT phase, n, outcome, stmt FROM outcomes WHERE phase LIKE '% with the flag' ORDER BY phase, n;
SELECT task, rows FROM hotel_agent.maintenance_log ORDER BY id;

-- After the revocation, every one of them is refused.
SELECT count(*) FILTER (WHERE s NOT LIKE '% POLICY %') AS statements FROM hotel_agent.revoke_backend_access('regress_backend') s;
SELECT count(*) AS acl_entries_left FROM granted WHERE acl LIKE '%regress_backend%';
SELECT count(*) AS policies_left FROM pg_catalog.pg_policy WHERE polname = 'hotel_agent_backend_regress_backend';
SET ROLE regress_backend;
INSERT INTO outcomes SELECT 'backend after revoke', n, stmt, pg_temp.try(stmt) FROM backend_calls ORDER BY n;
INSERT INTO outcomes SELECT 'operations after revoke', n, stmt, pg_temp.try(stmt) FROM operations_calls ORDER BY n;
INSERT INTO outcomes SELECT 'forbidden after revoke', n, stmt, pg_temp.try(stmt) FROM forbidden_calls ORDER BY n;
CALL hotel_agent.run_maintenance();
RESET ROLE;
SELECT phase, n, outcome FROM outcomes WHERE phase LIKE '% after revoke' AND outcome <> 'denied' ORDER BY phase, n;

-- The counts.
SELECT phase, count(*) FILTER (WHERE outcome = 'allowed') AS allowed,
	   count(*) FILTER (WHERE outcome = 'denied') AS denied,
	   count(*) FILTER (WHERE outcome NOT IN ('allowed', 'denied')) AS other
FROM outcomes GROUP BY phase ORDER BY phase;
SELECT count(*) FILTER (WHERE outcome = 'allowed') AS allowed,
	   count(*) FILTER (WHERE outcome = 'denied') AS denied
FROM outcomes;

REVOKE ALL ON outcomes, backend_calls, forbidden_calls, operations_calls FROM regress_backend;
DROP ROLE regress_backend;
DROP SCHEMA regress_other CASCADE;
DELETE FROM public.lock_audit;
DELETE FROM hotel_agent.maintenance_log;
DELETE FROM hotel_agent.backlog_census;

-- validate(): a fresh install passes every check of the tables. Without
-- pg_cron and without a logged run, the maintenance is reported missing.
SELECT check_name, ok, CASE WHEN check_name IN ('extension_version', 'phone_metadata') THEN ''
							ELSE regexp_replace(detail, 'set in [^)]*', 'set in FILE') END AS detail
FROM hotel_agent.validate();
SELECT provolatile, proparallel, prosecdef FROM pg_catalog.pg_proc WHERE oid = 'hotel_agent.validate()'::regprocedure;

-- A failing check says what to do. Time zones: the session's ...
SET TimeZone = 'America/Argentina/Buenos_Aires';
SELECT check_name, ok, regexp_replace(detail, 'set in [^)]*', 'set in FILE') AS detail
FROM hotel_agent.validate() WHERE check_name LIKE '%time_zone';
SET TimeZone = 'Etc/UTC';
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE check_name = 'session_time_zone';
SET TimeZone = 'Europe/London';     -- UTC in winter only
SELECT check_name, ok FROM hotel_agent.validate() WHERE check_name = 'session_time_zone';
SET TimeZone = 'UTC';
-- ... and the database's default.
BEGIN;
ALTER DATABASE contrib_regression SET TimeZone = 'Europe/Madrid';
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE check_name = 'database_time_zone';
ROLLBACK;

-- The tables, each change in a transaction rolled back.
BEGIN;
DROP INDEX public.idx_users_tenant_id;
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE NOT ok AND check_name NOT LIKE 'maintenance%';
ROLLBACK;
BEGIN;
CREATE INDEX regress_users_full_name ON public.users (full_name);
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE check_name = 'indexes';
ROLLBACK;
BEGIN;
ALTER TABLE public.users ALTER COLUMN full_name TYPE text, ALTER COLUMN is_active DROP DEFAULT;
ALTER TABLE public.user_sessions DROP CONSTRAINT user_sessions_user_id_fkey;
ALTER TABLE public.tenants DROP CONSTRAINT tenants_status_check;
ALTER TABLE public.tenants DISABLE TRIGGER update_tenants_updated_at;
DROP TRIGGER password_history_prune ON public.password_history;
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE NOT ok AND check_name NOT LIKE 'maintenance%';
ROLLBACK;
BEGIN;
ALTER TABLE public.lock_audit RENAME TO lock_audit_old;
SELECT check_name, ok, left(detail, 160) AS detail FROM hotel_agent.validate() WHERE NOT ok AND check_name NOT LIKE 'maintenance%';
ROLLBACK;

-- PUBLIC reading users (or a column of it).
BEGIN;
GRANT SELECT ON public.users TO PUBLIC;
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE check_name = 'public_cannot_read_users';
ROLLBACK;
BEGIN;
GRANT SELECT (token_jti) ON public.user_sessions TO PUBLIC;
SELECT check_name, ok, detail FROM hotel_agent.validate() WHERE check_name = 'public_cannot_read_users';
ROLLBACK;

-- Two spellings of one guest under two tenants (written with the
-- triggers off, as a database written before 1.1.0 may hold them), and an
-- identifier that is not in the metadata's canonical form (the check
-- constraint that refuses it is dropped first).
BEGIN;
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-v1', 'V1'), ('hotel-v2', 'V2');
SELECT hotel_agent.add_tenant_identifier('hotel-v1', '+54 9 11 5555-0000');
SET LOCAL session_replication_role = replica;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+541155550000' FROM public.tenants WHERE tenant_id = 'hotel-v2';
ALTER TABLE public.tenant_user_identifiers DROP CONSTRAINT tenant_user_identifiers_identifier_check;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, 'Guest@V2.example' FROM public.tenants WHERE tenant_id = 'hotel-v2';
SELECT check_name, ok, regexp_replace(detail, '^libphonenumber [^;]*', 'METADATA') AS detail
FROM hotel_agent.validate() WHERE check_name IN ('identifier_conflicts', 'phone_metadata', 'constraints');
-- A phone number stored as typed cannot even be compared with the others:
-- reported, not raised.
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+54 9 11 4444-0000' FROM public.tenants WHERE tenant_id = 'hotel-v2';
SELECT check_name, ok, regexp_replace(detail, '^libphonenumber [^;]*', 'METADATA') AS detail
FROM hotel_agent.validate() WHERE check_name IN ('identifier_conflicts', 'phone_metadata');
ROLLBACK;

-- As a role that may read nothing, validate() still answers.
CREATE ROLE regress_nobody;
SET ROLE regress_nobody;
SELECT check_name, ok FROM hotel_agent.validate()
WHERE check_name IN ('tables', 'indexes', 'identifier_conflicts', 'phone_metadata', 'maintenance_scheduled');
RESET ROLE;
DROP ROLE regress_nobody;

-- The maintenance: a logged run satisfies validate() without pg_cron ...
CALL hotel_agent.run_maintenance();
SELECT check_name, ok FROM hotel_agent.validate() WHERE check_name LIKE 'maintenance%';
-- ... with pg_cron, a job must run it; its latest run decides.
CREATE EXTENSION pg_cron;
SELECT check_name, ok, regexp_replace(detail, '[0-9-]+ [0-9:.]+ UTC', 'TIME UTC', 'g') AS detail
FROM hotel_agent.validate() WHERE check_name LIKE 'maintenance%';
SELECT hotel_agent.schedule_maintenance() AS jobid \gset
SELECT check_name, ok, regexp_replace(regexp_replace(detail, '[0-9-]+ [0-9:.]+ UTC', 'TIME UTC', 'g'), 'job [0-9]+', 'job N', 'g') AS detail
FROM hotel_agent.validate() WHERE check_name LIKE 'maintenance%';
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, return_message, start_time, end_time)
VALUES (:jobid, 1, current_database(), current_user, 'CALL hotel_agent.run_maintenance()', 'succeeded', 'CALL',
		'2030-01-01 03:15:00+00', '2030-01-01 03:15:01+00'),
	   (:jobid, 2, current_database(), current_user, 'CALL hotel_agent.run_maintenance()', 'failed',
		'ERROR:  permission denied for table user_sessions', '2030-01-02 03:15:00+00', '2030-01-02 03:15:01+00');
SELECT check_name, ok, regexp_replace(regexp_replace(detail, '[0-9-]+ [0-9:.]+ UTC', 'TIME UTC', 'g'), 'job [0-9]+', 'job N', 'g') AS detail
FROM hotel_agent.validate() WHERE check_name = 'maintenance_last_run';
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, return_message, start_time, end_time)
VALUES (:jobid, 3, current_database(), current_user, 'CALL hotel_agent.run_maintenance()', 'succeeded', 'CALL',
		'2030-01-03 03:15:00+00', '2030-01-03 03:15:01+00');
SELECT check_name, ok, regexp_replace(regexp_replace(detail, '[0-9-]+ [0-9:.]+ UTC', 'TIME UTC', 'g'), 'job [0-9]+', 'job N', 'g') AS detail
FROM hotel_agent.validate() WHERE check_name = 'maintenance_last_run';
-- An inactive job does not count.
UPDATE cron.job SET active = false WHERE jobid = :jobid;
SELECT check_name, ok FROM hotel_agent.validate() WHERE check_name LIKE 'maintenance%';
SELECT cron.unschedule('hotel_agent-maintenance');
DELETE FROM cron.job_run_details;
DROP EXTENSION pg_cron;

DELETE FROM hotel_agent.maintenance_log;
DELETE FROM hotel_agent.backlog_census;
SELECT (SELECT count(*) FROM public.tenants) AS tenants, (SELECT count(*) FROM public.users) AS users,
	   (SELECT count(*) FROM public.lock_audit) AS lock_events;
