-- A password change, as the backend runs it (READ COMMITTED): compare with
-- the history, store the new hash, update the user, log the other sessions
-- out. 400 users, each with 25 hashes at the start (over the limit of 10,
-- so the trigger prunes the users the maintenance is pruning), picked with a
-- Zipfian skew: a few users change often, and two changes of one user meet.
\set u random_zipfian(1, 400, 1.1)
\set h random(1, 2000000000)
BEGIN;
SELECT count(*) FROM hotel_agent.password_history_hashes('u' || lpad(:u::text, 4, '0'));
INSERT INTO public.password_history (user_id, password_hash)
VALUES ('u' || lpad(:u::text, 4, '0'), '$2b$12$load' || :client_id || '.' || :h);
UPDATE public.users
SET hashed_password = '$2b$12$load' || :client_id || '.' || :h,
    password_last_changed = timezone('UTC', now())
WHERE id = 'u' || lpad(:u::text, 4, '0');
SELECT hotel_agent.revoke_user_sessions('u' || lpad(:u::text, 4, '0'));
COMMIT;
