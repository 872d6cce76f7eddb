-- The extension installs (pg_regress loads it with --load-extension) at the
-- default version, with its own schema for functions.
SELECT extname, extversion, extnamespace::regnamespace AS tables_schema, extrelocatable
FROM pg_catalog.pg_extension WHERE extname = 'hotel_agent';
SELECT hotel_agent.version();
SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = 'hotel_agent';

-- The six tables are in the schema given to CREATE EXTENSION (public).
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
