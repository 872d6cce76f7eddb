-- The hotel_agent demo: what a person needs to see that it works.
\pset footer off
\set ON_ERROR_STOP 1
\echo '== CREATE EXTENSION hotel_agent (in a throwaway cluster)'
CREATE EXTENSION hotel_agent;
SELECT extname, extversion, extnamespace::regnamespace AS tables_in FROM pg_extension WHERE extname = 'hotel_agent';

\echo '== The six canonical tables'
SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name;

\echo '== A tenant, a user, and guest identifiers written the way people write them'
INSERT INTO public.tenants (tenant_id, name, business_hours_start, business_hours_end, business_hours_timezone)
VALUES ('hotel-demo', 'Hotel Demo', 8, 22, 'America/Argentina/Buenos_Aires'),
       ('resort-test', 'Resort Test', NULL, NULL, NULL);
INSERT INTO public.users (id, username, email, hashed_password, full_name, tenant_id)
VALUES ('usr_admin_demo', 'admin', 'admin@hotel-demo.com', '$2b$12$notarealhash', 'Administrator', 'hotel-demo');
SELECT hotel_agent.add_tenant_identifier('hotel-demo', '+54 9 11 1234-5678') AS stored_key
UNION ALL SELECT hotel_agent.add_tenant_identifier('resort-test', '011 15-8765-4321', 'AR')
UNION ALL SELECT hotel_agent.add_tenant_identifier('resort-test', ' Reservas@Resort-Test.COM ');
SELECT t.tenant_id, i.identifier FROM public.tenant_user_identifiers i
JOIN public.tenants t ON t.id = i.tenant_id ORDER BY 1, 2;

\echo '== A WhatsApp message arrives: which hotel is the guest writing to?'
SELECT sender, hotel_agent.normalize_identifier(sender) AS key, hotel_agent.resolve_tenant(sender) AS tenant
FROM (VALUES ('5491112345678@s.whatsapp.net'), ('whatsapp:+5491187654321'),
             ('reservas@resort-test.com'), ('5491199999999@s.whatsapp.net')) AS m(sender);

\echo '== The same number written by hand, and what support staff see'
SELECT hotel_agent.normalize_e164('011 15-1234-5678', 'AR') AS from_buenos_aires,
       hotel_agent.normalize_e164('00 54 9 11 1234 5678', 'MX') AS dialled_from_mexico;
\x on
SELECT * FROM hotel_agent.explain_resolution('5491112345678@s.whatsapp.net');
\x off
SELECT hotel_agent.tenant_is_open('hotel-demo', '2026-11-28 12:00 UTC') AS open_at_9am_local,
       hotel_agent.tenant_is_open('hotel-demo', '2026-11-28 03:00 UTC') AS open_at_midnight_local;

\echo '== Bad input gets a clear error, never a crash'
\set ON_ERROR_STOP 0
SELECT hotel_agent.normalize_e164('+54 11', NULL);
\set ON_ERROR_STOP 1

\echo '== Sessions and password history'
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('ses_1', 'usr_admin_demo', 'jti-demo', (now() AT TIME ZONE 'UTC') + interval '1 hour');
SELECT hotel_agent.session_is_active('jti-demo') AS active_before_logout;
SELECT hotel_agent.revoke_session('jti-demo') AS logout_revoked;
SELECT hotel_agent.session_is_active('jti-demo') AS active_after_logout;
INSERT INTO public.password_history (user_id, password_hash)
SELECT 'usr_admin_demo', '$2b$12$old' || g FROM generate_series(1, 15) g;
SELECT count(*) AS hashes_kept_of_15 FROM public.password_history;

\echo '== update_updated_at_column() moves updated_at on UPDATE'
SELECT pg_sleep(0.01) \gset
UPDATE public.users SET full_name = 'Admin (renamed)' WHERE id = 'usr_admin_demo';
SELECT id, full_name, updated_at > created_at AS updated_at_moved FROM public.users;
