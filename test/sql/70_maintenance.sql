-- Maintenance: run_maintenance() and its log, hotel_agent.stats,
-- schedule_maintenance() with and without pg_cron.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set ECHO none
\i test/include/error_of.sql
\set ECHO all

-- pg_dump keeps the log table's rows, like the canonical tables':
-- 03_extension_packaging.sql.

-- Something for every task: a password-history backlog (written while the
-- setting was 0), expired sessions, old lock events; and live rows that
-- must survive.
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-a', 'A'), ('hotel-b', 'B');
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT t.id, 'guest' || g || '@' || t.tenant_id || '.example' FROM public.tenants t, generate_series(1, 3) g
WHERE t.tenant_id = 'hotel-a';
INSERT INTO public.users (id, username, email, hashed_password, tenant_id)
SELECT 'mu-' || g, 'mu' || g, 'mu' || g || '@example.com', 'x', CASE WHEN g <= 4 THEN 'hotel-a' ELSE 'hotel-b' END
FROM generate_series(1, 5) g;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'mu-' || u, 'h' || g, '2024-01-01'::timestamp + g * interval '1 day'
FROM generate_series(1, 5) u, generate_series(1, 9 + u) g;      -- 10..14 rows: 4 users over 10
RESET hotel_agent.password_history_keep;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, is_revoked)
SELECT 'ms-' || g, 'mu-1', 'mjti-' || g,
	   (now() AT TIME ZONE 'UTC') + CASE WHEN g <= 5 THEN -(7 + g) * interval '1 day'  -- 5 to clean up
										 WHEN g <= 7 THEN interval '-1 day'            -- expired, within grace
										 ELSE interval '1 day' END,                    -- 3 live
	   g = 10
FROM generate_series(1, 10) g;
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp")
SELECT 'lk' || g, (ARRAY['acquired', 'extended', 'released', 'expired'])[g % 4 + 1],
	   (now() AT TIME ZONE 'UTC') - CASE WHEN g <= 3 THEN interval '40 days' ELSE interval '5 minutes' END
FROM generate_series(1, 9) g;

-- count_backlog(): what is waiting, counted now.
SELECT * FROM hotel_agent.count_backlog();
SET hotel_agent.password_history_keep = 12;
SELECT * FROM hotel_agent.count_backlog();
SET hotel_agent.password_history_keep = 0;
SELECT * FROM hotel_agent.count_backlog();
RESET hotel_agent.password_history_keep;

-- stats before any maintenance run: the live figures; the backlog counts
-- are taken by run_maintenance(), so they are NULL until it has run.
SELECT sessions_active, sessions_expired, sessions_revoked, password_history_keep,
	   password_history_users_over_limit, backlog_counted_at, lock_events_last_hour, tenants,
	   last_maintenance_at, last_maintenance
FROM hotel_agent.stats;

-- run_maintenance() works in batches: with batch_size 2, the 4 users over the
-- limit take 2 + 2 + an empty batch, the 5 old sessions 2 + 2 + 1, the 3 old
-- lock events 2 + 1.
CALL hotel_agent.run_maintenance(2);
SELECT task, rows, batches, elapsed >= interval '0' AS elapsed_ok,
	   longest_batch <= elapsed AS longest_batch_ok,
	   abs(extract(epoch FROM started - (now() AT TIME ZONE 'UTC'))) < 600 AS started_utc
FROM hotel_agent.maintenance_log ORDER BY id;
SELECT user_id, count(*) FROM public.password_history GROUP BY user_id ORDER BY 1;
SELECT token_jti FROM public.user_sessions ORDER BY 1;
SELECT count(*) AS lock_events FROM public.lock_audit;

-- stats after: nothing waiting but the sessions within their grace period
-- (counted at the end of the run); the last run of each task.
SELECT sessions_active, sessions_expired, sessions_revoked,
	   password_history_users_over_limit, lock_events_last_hour, tenants,
	   last_maintenance_at = (SELECT max(started) FROM hotel_agent.maintenance_log) AS last_at_ok,
	   backlog_counted_at >= last_maintenance_at AS counted_after_run
FROM hotel_agent.stats;
SELECT sessions_expired, password_history_keep, password_history_users_over_limit,
	   abs(extract(epoch FROM counted_at - (now() AT TIME ZONE 'UTC'))) < 600 AS counted_utc
FROM hotel_agent.backlog_census;
-- The census is not live: a new backlog shows at the next run, or at once
-- in count_backlog().
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
VALUES ('ms-late', 'mu-1', 'mjti-late', (now() AT TIME ZONE 'UTC') - interval '1 hour');
SELECT s.sessions_expired AS in_stats, b.sessions_expired AS counted_now
FROM hotel_agent.stats s, hotel_agent.count_backlog() b;
DELETE FROM public.user_sessions WHERE id = 'ms-late';
SELECT t.task, t.run -> 'rows' AS rows, t.run -> 'batches' AS batches,
	   (t.run ->> 'started')::timestamp = l.started AS started_ok,
	   (t.run ->> 'elapsed')::interval = l.elapsed AS elapsed_ok
FROM hotel_agent.stats s, jsonb_each(s.last_maintenance) AS t(task, run)
JOIN hotel_agent.maintenance_log l ON l.task = t.task
ORDER BY t.task;

-- A second run finds nothing; the default batch size is one batch each.
CALL hotel_agent.run_maintenance();
SELECT task, rows, batches FROM hotel_agent.maintenance_log ORDER BY id DESC LIMIT 3;

-- The log keeps the newest 1000 rows.
INSERT INTO hotel_agent.maintenance_log (task, started, rows, batches, elapsed, longest_batch)
SELECT 'lock_audit', '2020-01-01', g, 1, '1 second', '1 second' FROM generate_series(1, 1200) g;
CALL hotel_agent.run_maintenance();
SELECT count(*), min(rows) FILTER (WHERE started = '2020-01-01') AS oldest_fake_kept
FROM hotel_agent.maintenance_log;
SELECT pg_temp.error_of($$INSERT INTO hotel_agent.maintenance_log (task, started, rows, batches, elapsed, longest_batch)
VALUES ('other', '2020-01-01', 0, 0, '0', '0')$$);
-- The census keeps the newest 100 rows.
INSERT INTO hotel_agent.backlog_census (counted_at, sessions_expired, password_history_keep,
										password_history_users_over_limit)
SELECT '2020-01-01', g, 10, 0 FROM generate_series(1, 150) g;
CALL hotel_agent.run_maintenance();
SELECT count(*), min(sessions_expired) FILTER (WHERE counted_at = '2020-01-01') AS oldest_fake_kept
FROM hotel_agent.backlog_census;

-- It commits, so it must be called outside a transaction block.
CALL hotel_agent.run_maintenance(0);
BEGIN;
CALL hotel_agent.run_maintenance();
ROLLBACK;

-- schedule_maintenance() without pg_cron: a clear error with a hint.
SELECT hotel_agent.schedule_maintenance();
SELECT pg_temp.error_of($$SELECT hotel_agent.schedule_maintenance('0 * * * *')$$);

-- With pg_cron (preloaded in the test cluster): a named job, scheduled once.
CREATE EXTENSION pg_cron;
SELECT hotel_agent.schedule_maintenance() AS jobid \gset
SELECT jobid = :jobid AS same_job, jobname, schedule, command, database = current_database() AS this_database, active
FROM cron.job ORDER BY jobid;
SELECT hotel_agent.schedule_maintenance('*/30 * * * *') = :jobid AS same_job;
SELECT jobname, schedule, command FROM cron.job ORDER BY jobid;
SELECT pg_temp.error_of($$SELECT hotel_agent.schedule_maintenance('not a schedule')$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.schedule_maintenance(NULL)$$);
SELECT cron.unschedule('hotel_agent-maintenance');
SELECT count(*) AS jobs FROM cron.job;
DROP EXTENSION pg_cron;
SELECT pg_temp.error_of($$SELECT hotel_agent.schedule_maintenance()$$);

DELETE FROM hotel_agent.maintenance_log;
DELETE FROM hotel_agent.backlog_census;
DELETE FROM public.users WHERE id LIKE 'mu-%';
DELETE FROM public.tenants WHERE tenant_id IN ('hotel-a', 'hotel-b');
DELETE FROM public.lock_audit;
SELECT (SELECT count(*) FROM public.password_history) AS history,
	   (SELECT count(*) FROM public.user_sessions) AS sessions,
	   (SELECT count(*) FROM public.tenant_user_identifiers) AS identifiers;
