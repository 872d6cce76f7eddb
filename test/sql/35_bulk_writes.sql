-- Bulk writes in one statement: every row of tenant_user_identifiers and
-- password_history takes a transaction-level lock of ours (one guest, one
-- tenant; one pruner per user). Those locks are hashed into 256 buckets
-- (src/locks.c), so a statement holds at most 256 of them whatever it
-- writes: before, 20,000 rows took 20,000 locks and ran the server out of
-- lock table space ("out of shared memory"). Every advisory lock the
-- transaction holds is counted: the library tags its locks with objsubid
-- 0x4849 / 0x4841, the pure-SQL build (pg_advisory_xact_lock) with classid.
SET TimeZone = 'UTC';
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-bulk', 'Hotel Bulk');

BEGIN;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT t.id, '+54 9 11 ' || (4000 + g / 10000) || '-' || lpad((g % 10000)::text, 4, '0')
FROM generate_series(1, 20000) g, public.tenants t WHERE t.tenant_id = 'hotel-bulk';
SELECT count(*) AS identifiers_loaded FROM public.tenant_user_identifiers;
SELECT count(*) BETWEEN 1 AND 256 AS identifier_locks_held_at_most_256
FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

BEGIN;
INSERT INTO public.users (id, username, email, hashed_password)
SELECT 'bulk-' || g, 'bulk' || g, 'bulk' || g || '@example.com', 'x' FROM generate_series(1, 20000) g;
INSERT INTO public.password_history (user_id, password_hash)
SELECT 'bulk-' || g, 'h' || g FROM generate_series(1, 20000) g;
SELECT count(*) AS hashes_loaded FROM public.password_history;
SELECT count(*) BETWEEN 1 AND 256 AS history_locks_held_at_most_256
FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

DELETE FROM public.users WHERE id LIKE 'bulk-%';
DELETE FROM public.tenants WHERE tenant_id = 'hotel-bulk';
SELECT (SELECT count(*) FROM public.tenant_user_identifiers) AS identifiers_left,
	   (SELECT count(*) FROM public.password_history) AS hashes_left;
