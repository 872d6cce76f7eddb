-- hotel_agent: extension-only
-- (The library and the extension's versions: the pure-SQL build has
-- neither. It runs the suite's other tests, test/t/061_script_suite.pl.)
-- One library serves every released SQL version: after a package upgrade,
-- a database still at an older version keeps working until someone runs
-- ALTER EXTENSION hotel_agent UPDATE. Each function of 1.0.0 is called here
-- through 1.0.0's SQL with the library being built, then the database is
-- updated. (test/t/011_library_versions.pl covers the reverse: a script
-- newer than the library.)
SET client_min_messages = warning;
DROP DATABASE IF EXISTS hotel_agent_old_sql;
CREATE DATABASE hotel_agent_old_sql;
RESET client_min_messages;
\c hotel_agent_old_sql
SET TimeZone = 'UTC';
CREATE EXTENSION hotel_agent VERSION '1.0.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'hotel_agent';
SELECT hotel_agent.version() = default_version AS library_is_the_new_one
FROM pg_catalog.pg_available_extensions WHERE name = 'hotel_agent';

-- Identifiers.
SELECT hotel_agent.normalize_e164('+54 9 11 1234-5678') AS e164,
	   hotel_agent.normalize_e164('011 15-1234-5678', 'AR') AS national,
	   hotel_agent.try_normalize_e164('not a phone') AS invalid,
	   hotel_agent.normalize_identifier('  Ana@Example.COM ') AS email,
	   hotel_agent.try_normalize_identifier('ana@@example.com') AS bad_email,
	   hotel_agent.phone_match_keys('+5491112345678') AS keys,
	   hotel_agent.e164_metadata_version() <> '' AS has_metadata;

-- Tenants: the trigger, resolution, hours, diagnosis, management.
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone)
VALUES ('hotel-ba', 'Hotel BA', 'active', 8, 20, 'America/Argentina/Buenos_Aires');
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+54 9 11 1234-5678' FROM public.tenants;
SELECT identifier FROM public.tenant_user_identifiers;
SELECT hotel_agent.resolve_tenant('+54 9 11 1234-5678') AS by_phone,
	   hotel_agent.resolve_tenant('+54 11 1234-5678') AS by_alias,
	   hotel_agent.tenant_is_open('hotel-ba', '2025-06-02 15:00+00') AS open_at_noon_local;
SELECT tenant_id, matched_key FROM hotel_agent.resolve_tenant_info('5491112345678');
SELECT verdict FROM hotel_agent.explain_resolution('+54 9 11 1234-5678');
SELECT hotel_agent.add_tenant_identifier('hotel-ba', 'Reservas@Hotel-BA.example') AS added,
	   hotel_agent.remove_tenant_identifier('reservas@hotel-ba.example') AS removed;

-- Password history.
INSERT INTO public.users (id, username, email, hashed_password) VALUES ('u1', 'ana', 'ana@example.com', 'x');
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u1', 'h' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 12) g;
SELECT count(*) AS kept_by_trigger, hotel_agent.password_history_keep() AS keep FROM public.password_history;
SELECT hotel_agent.prune_password_history('u1', 3) AS pruned,
	   hotel_agent.prune_all_password_history(2) AS pruned_all;
SELECT array_agg(h) AS newest FROM hotel_agent.password_history_hashes('u1') h;

-- Sessions and lock audit.
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('s1', 'u1', 'jti-1', '2999-01-01'), ('s2', 'u1', 'jti-2', '2000-01-01');
SELECT hotel_agent.session_is_active('jti-1') AS active, hotel_agent.session_is_active('jti-2') AS expired,
	   hotel_agent.revoke_session('jti-1') AS revoked, hotel_agent.revoke_user_sessions('u1') AS revoked_more,
	   hotel_agent.cleanup_expired_sessions('1 day') AS cleaned;
SELECT hotel_agent.record_lock_event('room:101', 'acquired') > 0 AS recorded,
	   hotel_agent.purge_lock_audit('0 seconds') AS purged;

-- Maintenance.
CALL hotel_agent.run_maintenance(100);
SELECT task, rows FROM hotel_agent.maintenance_log ORDER BY id;
SELECT sessions_expired, password_history_keep FROM hotel_agent.count_backlog();
SELECT sessions_active, sessions_revoked FROM hotel_agent.stats;

-- The same database, updated: its rows stay, the functions answer alike.
ALTER EXTENSION hotel_agent UPDATE;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'hotel_agent';
SELECT hotel_agent.resolve_tenant('+54 11 1234-5678') AS by_alias_after_update,
	   (SELECT count(*) FROM public.password_history) AS history_rows;

\c contrib_regression
DROP DATABASE hotel_agent_old_sql;
