-- Password history: the pruning trigger, prune_password_history(),
-- prune_all_password_history(), password_history_hashes() and the setting
-- hotel_agent.password_history_keep.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set ECHO none
\i test/include/error_of.sql
\set ECHO all

INSERT INTO public.users (id, username, email, hashed_password)
VALUES ('ph-1', 'ph1', 'ph1@example.com', 'x'),
	   ('ph-2', 'ph2', 'ph2@example.com', 'x'),
	   ('ph-3', 'ph3', 'ph3@example.com', 'x');

-- The setting: default 10, 0 = keep everything. (The library registers it,
-- so that a bad value is refused when set: 03_extension_packaging.sql.)
SELECT hotel_agent.password_history_keep();
SELECT tgname, tgenabled, pg_catalog.pg_get_triggerdef(oid)
FROM pg_catalog.pg_trigger
WHERE tgrelid = 'public.password_history'::regclass AND NOT tgisinternal;

-- The trigger keeps the newest 10 per user, one row at a time ...
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-1', 'a' || g, '2024-01-01'::timestamp + g * interval '1 day'
FROM generate_series(1, 9) g;
SELECT count(*) FROM public.password_history WHERE user_id = 'ph-1';
INSERT INTO public.password_history (user_id, password_hash, created_at)
VALUES ('ph-1', 'a10', '2024-01-11');
INSERT INTO public.password_history (user_id, password_hash, created_at)
VALUES ('ph-1', 'a11', '2024-01-12');
SELECT string_agg(password_hash, ' ' ORDER BY created_at) FROM public.password_history WHERE user_id = 'ph-1';
-- ... and for many rows inserted by one statement.
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-1', 'b' || g, '2024-02-01'::timestamp + g * interval '1 day'
FROM generate_series(1, 15) g;
SELECT string_agg(password_hash, ' ' ORDER BY created_at) FROM public.password_history WHERE user_id = 'ph-1';
-- A row older than the newest 10 is pruned at once.
INSERT INTO public.password_history (user_id, password_hash, created_at)
VALUES ('ph-1', 'ancient', '2000-01-01');
SELECT count(*) FILTER (WHERE password_hash = 'ancient') AS ancient, count(*)
FROM public.password_history WHERE user_id = 'ph-1';
-- Other users are not touched.
INSERT INTO public.password_history (user_id, password_hash) VALUES ('ph-2', 'c1');
SELECT user_id, count(*) FROM public.password_history GROUP BY user_id ORDER BY 1;

-- Ties on created_at (one transaction's NOW()) are broken by id: the
-- highest ids are the newest.
BEGIN;
INSERT INTO public.password_history (user_id, password_hash)
SELECT 'ph-3', 't' || g FROM generate_series(1, 12) g ORDER BY g;
SELECT count(DISTINCT created_at) AS distinct_created_at,
	   string_agg(password_hash, ' ' ORDER BY id) AS kept
FROM public.password_history WHERE user_id = 'ph-3';
COMMIT;

-- The setting drives the trigger; 0 keeps everything.
SET hotel_agent.password_history_keep = 3;
INSERT INTO public.password_history (user_id, password_hash, created_at) VALUES ('ph-2', 'c2', '2030-01-01');
SELECT user_id, count(*) FROM public.password_history GROUP BY user_id ORDER BY 1;
INSERT INTO public.password_history (user_id, password_hash, created_at) VALUES ('ph-1', 'b16', '2030-01-01');
SELECT string_agg(password_hash, ' ' ORDER BY created_at) FROM public.password_history WHERE user_id = 'ph-1';
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-1', 'd' || g, '2031-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 20) g;
SELECT count(*) FROM public.password_history WHERE user_id = 'ph-1';
RESET hotel_agent.password_history_keep;

-- prune_password_history(): returns how many rows it deleted.
SELECT hotel_agent.prune_password_history('ph-1', 21);
SELECT hotel_agent.prune_password_history('ph-1', 15);
SELECT count(*) FROM public.password_history WHERE user_id = 'ph-1';
SELECT hotel_agent.prune_password_history('ph-1');          -- NULL keep: the setting (10)
SELECT string_agg(password_hash, ' ' ORDER BY created_at) FROM public.password_history WHERE user_id = 'ph-1';
SET hotel_agent.password_history_keep = 4;
SELECT hotel_agent.prune_password_history('ph-1', NULL);
RESET hotel_agent.password_history_keep;
SELECT hotel_agent.prune_password_history('ph-1', 0);       -- 0 keeps everything
SELECT hotel_agent.prune_password_history('nobody', 1);
SELECT hotel_agent.prune_password_history(NULL, 1) IS NULL AS null_user_gives_null;
-- NULL user_id gives NULL before keep is looked at, even a bad one.
SELECT hotel_agent.prune_password_history(NULL, -1) IS NULL AS null_user_before_keep;
SELECT hotel_agent.prune_password_history('ph-1', -1);
SELECT pg_temp.error_of($$SELECT hotel_agent.prune_password_history('ph-1', -5)$$);
SELECT string_agg(password_hash, ' ' ORDER BY created_at) FROM public.password_history WHERE user_id = 'ph-1';

-- The query names its table and operators in full: a search_path that
-- shadows password_history (temporary tables come first) changes nothing.
CREATE TEMP TABLE password_history (id int, user_id text, password_hash text, created_at timestamp);
INSERT INTO pg_temp.password_history VALUES (1, 'ph-1', 'decoy', '2040-01-01');
SELECT hotel_agent.prune_password_history('ph-1', 2);
SELECT (SELECT count(*) FROM public.password_history WHERE user_id = 'ph-1') AS public_rows,
	   (SELECT count(*) FROM pg_temp.password_history) AS temp_rows;
DROP TABLE pg_temp.password_history;

-- password_history_hashes(): newest first; NULL = the setting, 0 = all.
DELETE FROM public.password_history;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-1', 'h' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 14) g;
RESET hotel_agent.password_history_keep;
SELECT string_agg(h, ' ') FROM hotel_agent.password_history_hashes('ph-1', 3) h;
SELECT count(*) FROM hotel_agent.password_history_hashes('ph-1');
SELECT count(*) FROM hotel_agent.password_history_hashes('ph-1', 0);
SET hotel_agent.password_history_keep = 2;
SELECT string_agg(h, ' ') FROM hotel_agent.password_history_hashes('ph-1') h;
RESET hotel_agent.password_history_keep;
SELECT count(*) FROM hotel_agent.password_history_hashes('nobody');
SELECT count(*) FROM hotel_agent.password_history_hashes(NULL);
SELECT * FROM hotel_agent.password_history_hashes('ph-1', -1);

-- prune_all_password_history(): a backlog (inserted while the setting was 0)
-- is pruned in user_id order, max_users users per call.
DELETE FROM public.password_history;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT u, u || '-' || g, '2024-01-01'::timestamp + g * interval '1 day'
FROM (VALUES ('ph-1', 14), ('ph-2', 12), ('ph-3', 10)) v(u, n), generate_series(1, n) g;
RESET hotel_agent.password_history_keep;
SELECT user_id, count(*) FROM public.password_history GROUP BY user_id ORDER BY 1;
SELECT hotel_agent.prune_all_password_history(NULL, 1);    -- ph-1: 4 rows
SELECT user_id, count(*) FROM public.password_history GROUP BY user_id ORDER BY 1;
SELECT hotel_agent.prune_all_password_history();           -- ph-2: 2 rows
SELECT hotel_agent.prune_all_password_history();           -- nothing left over the limit
SELECT hotel_agent.prune_all_password_history(9, NULL);    -- NULL: every user
SELECT user_id, string_agg(password_hash, ' ' ORDER BY created_at)
FROM public.password_history GROUP BY user_id ORDER BY 1;
SELECT hotel_agent.prune_all_password_history(0, NULL);    -- 0 keeps everything
SELECT hotel_agent.prune_all_password_history(1, 0);
SET hotel_agent.password_history_keep = 8;
SELECT hotel_agent.prune_all_password_history(NULL, NULL);
RESET hotel_agent.password_history_keep;
SELECT user_id, count(*) FROM public.password_history GROUP BY user_id ORDER BY 1;
SELECT hotel_agent.prune_all_password_history(-1);
SELECT pg_temp.error_of($$SELECT hotel_agent.prune_all_password_history(1, -1)$$);

-- The trigger function refuses to run as anything but AFTER INSERT FOR EACH ROW.
CREATE TEMP TABLE wrong_use (user_id text);
CREATE TRIGGER wrong_use BEFORE INSERT ON pg_temp.wrong_use
	FOR EACH ROW EXECUTE FUNCTION hotel_agent.password_history_prune();
SELECT pg_temp.error_of($$INSERT INTO pg_temp.wrong_use VALUES ('x')$$);
DROP TABLE pg_temp.wrong_use;
SELECT pg_temp.error_of($$SELECT hotel_agent.password_history_prune()$$);

-- Pruning reads and deletes directly only when a DELETE through the executor
-- could not behave differently; otherwise it runs as a query, and what the
-- executor enforces applies.  Each case below must show the executor's
-- behaviour.
DELETE FROM public.password_history;
SET hotel_agent.password_history_keep = 3;
-- A DELETE trigger (here an audit of the deleted hashes) sees every pruned row.
CREATE TEMP TABLE pruned_log (user_id text, password_hash text);
CREATE FUNCTION pg_temp.log_pruned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.pruned_log VALUES (OLD.user_id, OLD.password_hash);
	RETURN OLD;
END $$;
CREATE TRIGGER log_pruned AFTER DELETE ON public.password_history
	FOR EACH ROW EXECUTE FUNCTION pg_temp.log_pruned();
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-1', 'e' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 5) g;
SELECT string_agg(password_hash, ' ' ORDER BY password_hash) AS logged FROM pg_temp.pruned_log;
SELECT string_agg(password_hash, ' ' ORDER BY created_at) AS kept
FROM public.password_history WHERE user_id = 'ph-1';
DROP TRIGGER log_pruned ON public.password_history;
-- Without its index on user_id the pruning still works, as a query.
BEGIN;
DROP INDEX public.idx_password_history_user_id;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-3', 'g' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 5) g;
SELECT string_agg(password_hash, ' ' ORDER BY created_at) AS kept
FROM public.password_history WHERE user_id = 'ph-3';
ROLLBACK;
-- Row level security: a restrictive DELETE policy protects pinned hashes
-- from a role under RLS, so the oldest row stays and the role ends up with
-- one row more than the setting.
CREATE ROLE regress_ph_app;
GRANT SELECT, INSERT, DELETE ON public.password_history TO regress_ph_app;
GRANT USAGE ON SEQUENCE public.password_history_id_seq TO regress_ph_app;
-- Since 1.1.0 functions that change data are not executable by PUBLIC.
GRANT EXECUTE ON FUNCTION hotel_agent.prune_password_history(text, integer) TO regress_ph_app;
ALTER TABLE public.password_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY ph_all ON public.password_history USING (true) WITH CHECK (true);
CREATE POLICY ph_pinned ON public.password_history AS RESTRICTIVE FOR DELETE
	USING (password_hash NOT LIKE 'pinned%');
DELETE FROM public.password_history;
INSERT INTO public.password_history (user_id, password_hash, created_at)
VALUES ('ph-2', 'pinned-1', '2024-01-01'), ('ph-2', 'f2', '2024-01-02'), ('ph-2', 'f3', '2024-01-03');
SET ROLE regress_ph_app;
INSERT INTO public.password_history (user_id, password_hash, created_at)
VALUES ('ph-2', 'f4', '2024-01-04');
SELECT hotel_agent.prune_password_history('ph-2', 2);
RESET ROLE;
SELECT string_agg(password_hash, ' ' ORDER BY created_at) AS kept
FROM public.password_history WHERE user_id = 'ph-2';
DROP POLICY ph_pinned ON public.password_history;
DROP POLICY ph_all ON public.password_history;
ALTER TABLE public.password_history DISABLE ROW LEVEL SECURITY;
-- The same role without row level security: the direct path, same result.
DELETE FROM public.password_history;
SET ROLE regress_ph_app;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'ph-2', 'k' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 5) g;
RESET ROLE;
SELECT string_agg(password_hash, ' ' ORDER BY created_at) AS kept
FROM public.password_history WHERE user_id = 'ph-2';
-- Without the DELETE privilege the insert fails, as the DELETE would.
REVOKE DELETE ON public.password_history FROM regress_ph_app;
SET ROLE regress_ph_app;
SELECT pg_temp.error_of($$INSERT INTO public.password_history (user_id, password_hash) VALUES ('ph-2', 'f5')$$);
RESET ROLE;
-- In a read-only transaction (as on a standby) pruning is refused, as a
-- DELETE would be.
BEGIN READ ONLY;
SELECT pg_temp.error_of($$SELECT hotel_agent.prune_password_history('ph-2', 1)$$);
ROLLBACK;
REVOKE ALL ON public.password_history FROM regress_ph_app;
REVOKE ALL ON SEQUENCE public.password_history_id_seq FROM regress_ph_app;
REVOKE EXECUTE ON FUNCTION hotel_agent.prune_password_history(text, integer) FROM regress_ph_app;
DROP ROLE regress_ph_app;
RESET hotel_agent.password_history_keep;

-- Deleting a user still cascades to the history.
DELETE FROM public.users WHERE id LIKE 'ph-%';
SELECT count(*) AS rows_left FROM public.password_history;
