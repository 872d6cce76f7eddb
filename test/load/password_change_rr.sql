-- The same password change in REPEATABLE READ, as a backend that asks for
-- it would run it: when another change of the same user's history commits
-- after this transaction's snapshot, the pruning fails with 40001 (README,
-- Password history), which pgbench retries (--max-tries) as such a backend
-- must.
\set u random_zipfian(1, 400, 1.1)
\set h random(1, 2000000000)
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM hotel_agent.password_history_hashes('u' || lpad(:u::text, 4, '0'));
INSERT INTO public.password_history (user_id, password_hash)
VALUES ('u' || lpad(:u::text, 4, '0'), '$2b$12$load' || :client_id || '.' || :h);
UPDATE public.users
SET hashed_password = '$2b$12$load' || :client_id || '.' || :h,
    password_last_changed = timezone('UTC', now())
WHERE id = 'u' || lpad(:u::text, 4, '0');
SELECT hotel_agent.revoke_user_sessions('u' || lpad(:u::text, 4, '0'));
COMMIT;
