-- The hotel_agent demo: what a person needs to see that it works.
\pset footer off
\echo '== CREATE EXTENSION hotel_agent (in a throwaway cluster)'
CREATE EXTENSION hotel_agent;
SELECT extname, extversion, extnamespace::regnamespace AS tables_in FROM pg_extension WHERE extname = 'hotel_agent';

\echo '== The six canonical tables'
SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name;

\echo '== A tenant, a guest identifier and a user'
INSERT INTO public.tenants (tenant_id, name, business_hours_start, business_hours_end, business_hours_timezone)
VALUES ('hotel-demo', 'Hotel Demo', 8, 22, 'America/Argentina/Buenos_Aires');
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+5491112345678' FROM public.tenants WHERE tenant_id = 'hotel-demo';
INSERT INTO public.users (id, username, email, hashed_password, full_name, tenant_id)
VALUES ('usr_admin_demo', 'admin', 'admin@hotel-demo.com', '$2b$12$notarealhash', 'Administrator', 'hotel-demo');
SELECT t.tenant_id, t.name, t.status, i.identifier
FROM public.tenants t JOIN public.tenant_user_identifiers i ON i.tenant_id = t.id;
SELECT id, username, email, tenant_id FROM public.users;

\echo '== update_updated_at_column() moves updated_at on UPDATE'
SELECT pg_sleep(0.01) \gset
UPDATE public.users SET full_name = 'Admin (renamed)' WHERE id = 'usr_admin_demo';
SELECT id, full_name, created_at, updated_at, updated_at > created_at AS updated_at_moved FROM public.users;
