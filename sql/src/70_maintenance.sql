-- Scheduled maintenance: the three bounded clean-ups run in batches, one
-- transaction per batch, by a procedure that pg_cron (or any scheduler) calls;
-- each task's run is logged, and hotel_agent.stats shows it.

-- One row per task and run; run_maintenance keeps the newest 1000 rows.
-- Times are UTC wall-clock times, like the canonical tables'.
-- @once
CREATE TABLE hotel_agent.maintenance_log (
    id bigserial PRIMARY KEY,
    task text NOT NULL,
    started timestamp NOT NULL,
    rows bigint NOT NULL,
    batches integer NOT NULL,
    elapsed interval NOT NULL,
    longest_batch interval NOT NULL,
    CONSTRAINT maintenance_log_task_check
        CHECK (task IN ('password_history', 'user_sessions', 'lock_audit'))
);
COMMENT ON TABLE hotel_agent.maintenance_log IS
'One row per maintenance task run by hotel_agent.run_maintenance() (newest 1000 kept)';
COMMENT ON COLUMN hotel_agent.maintenance_log.started IS 'Start of the task, UTC';
COMMENT ON COLUMN hotel_agent.maintenance_log.rows IS 'Rows deleted by the task';
COMMENT ON COLUMN hotel_agent.maintenance_log.longest_batch IS
'Longest single batch, i.e. the longest transaction of the task';
-- @if extension
SELECT pg_catalog.pg_extension_config_dump('hotel_agent.maintenance_log', '');
SELECT pg_catalog.pg_extension_config_dump('hotel_agent.maintenance_log_id_seq', '');
-- @endif
-- @end-once

-- The two counts of stats that read a whole index or table (expired sessions,
-- users over the password-history limit) cost a few hundred milliseconds on
-- a million rows: too much for a view scraped every 15 seconds.
-- run_maintenance() takes them once per run and keeps the newest 100 here;
-- count_backlog() takes them now, for whoever needs the live figures.
-- @once
CREATE TABLE hotel_agent.backlog_census (
    id bigserial PRIMARY KEY,
    counted_at timestamp NOT NULL,
    sessions_expired bigint NOT NULL,
    password_history_keep integer NOT NULL,
    password_history_users_over_limit bigint NOT NULL
);
COMMENT ON TABLE hotel_agent.backlog_census IS
'What was left to clean up at the end of each hotel_agent.run_maintenance() (newest 100 kept)';
COMMENT ON COLUMN hotel_agent.backlog_census.counted_at IS 'When the counts were taken, UTC';
-- @if extension
SELECT pg_catalog.pg_extension_config_dump('hotel_agent.backlog_census', '');
SELECT pg_catalog.pg_extension_config_dump('hotel_agent.backlog_census_id_seq', '');
-- @endif
-- @end-once

CREATE OR REPLACE FUNCTION hotel_agent.count_backlog(
    OUT sessions_expired bigint,
    OUT password_history_keep integer,
    OUT password_history_users_over_limit bigint)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT
        (SELECT count(*) FROM @extschema@.user_sessions s
         WHERE s.expires_at <= (now() AT TIME ZONE 'UTC')),
        k.keep,
        CASE WHEN k.keep = 0 THEN 0::bigint ELSE
            (SELECT count(*) FROM (
                SELECT 1 FROM @extschema@.password_history h
                GROUP BY h.user_id HAVING count(*) > k.keep) o)
        END
    FROM (SELECT hotel_agent.password_history_keep() AS keep) k
$$;
COMMENT ON FUNCTION hotel_agent.count_backlog() IS
'Expired sessions (any age) and users over the password-history limit, counted now (reads whole indexes: not for every scrape)';

-- A procedure, not a function, so that it can COMMIT after every batch and
-- no lock is held longer than one batch. A procedure with a SET clause
-- cannot COMMIT, so this one has none and qualifies every name and operator
-- itself. CALL it outside an explicit transaction block.
CREATE OR REPLACE PROCEDURE hotel_agent.run_maintenance(batch_size integer DEFAULT 10000)
LANGUAGE plpgsql
AS $$
DECLARE
    tasks text[] := ARRAY['password_history', 'user_sessions', 'lock_audit'];
    batch_sql text[] := ARRAY[
        'SELECT hotel_agent.prune_all_password_history(NULL, $1)',
        'SELECT hotel_agent.cleanup_expired_sessions(max_rows => $1)',
        'SELECT hotel_agent.purge_lock_audit(max_rows => $1)'];
    i integer;
    started timestamptz;
    batch_started timestamptz;
    batch_time interval;
    longest interval;
    total bigint;
    n bigint;
    batches integer;
BEGIN
    IF batch_size IS NULL OR batch_size OPERATOR(pg_catalog.<=) 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'batch_size must be positive',
            DETAIL = pg_catalog.format('The value given was %s.', COALESCE(batch_size::text, 'NULL')),
            HINT = 'Each batch is one transaction; 10000 rows is a good size.';
    END IF;

    FOR i IN 1..3 LOOP
        started := pg_catalog.clock_timestamp();
        total := 0;
        batches := 0;
        longest := interval '0';
        LOOP
            batch_started := pg_catalog.clock_timestamp();
            EXECUTE batch_sql[i] INTO n USING batch_size;
            COMMIT;
            batch_time := pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) batch_started;
            longest := GREATEST(longest, batch_time);
            batches := batches OPERATOR(pg_catalog.+) 1;
            total := total OPERATOR(pg_catalog.+) n;
            -- The clean-ups return rows (at most batch_size); the pruning of
            -- the password history takes batch_size users, so it goes on
            -- until a batch finds no user over the limit.
            EXIT WHEN n OPERATOR(pg_catalog.=) 0
                OR (i OPERATOR(pg_catalog.>) 1 AND n OPERATOR(pg_catalog.<) batch_size);
        END LOOP;

        INSERT INTO hotel_agent.maintenance_log (task, started, rows, batches, elapsed, longest_batch)
        VALUES (tasks[i], pg_catalog.timezone('UTC', started), total, batches,
                pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) started, longest);
        DELETE FROM hotel_agent.maintenance_log l
        WHERE l.id OPERATOR(pg_catalog.<=)
              ((SELECT pg_catalog.max(m.id) FROM hotel_agent.maintenance_log m) OPERATOR(pg_catalog.-) 1000);
        COMMIT;
    END LOOP;

    INSERT INTO hotel_agent.backlog_census (counted_at, sessions_expired, password_history_keep,
                                            password_history_users_over_limit)
    SELECT pg_catalog.timezone('UTC', pg_catalog.clock_timestamp()), b.sessions_expired,
           b.password_history_keep, b.password_history_users_over_limit
    FROM hotel_agent.count_backlog() b;
    DELETE FROM hotel_agent.backlog_census c
    WHERE c.id OPERATOR(pg_catalog.<=)
          ((SELECT pg_catalog.max(m.id) FROM hotel_agent.backlog_census m) OPERATOR(pg_catalog.-) 100);
    COMMIT;
END;
$$;
COMMENT ON PROCEDURE hotel_agent.run_maintenance(integer) IS
'Prunes password history, deletes expired sessions and old lock events in batches of batch_size, committing after each batch; logs each task in hotel_agent.maintenance_log and what is left in hotel_agent.backlog_census';
REVOKE EXECUTE ON PROCEDURE hotel_agent.run_maintenance(integer) FROM PUBLIC;

-- pg_cron is looked up when this is called, never when the extension is
-- created: hotel_agent does not depend on it.
CREATE OR REPLACE FUNCTION hotel_agent.schedule_maintenance(schedule text DEFAULT '15 3 * * *')
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cron_schema name;
    job bigint;
BEGIN
    -- pg_cron's functions live in schema cron, whatever its extnamespace
    -- says: look for its own schedule(job_name, schedule, command).
    SELECT n.nspname INTO cron_schema
    FROM pg_catalog.pg_extension e
    JOIN pg_catalog.pg_depend d
      ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = e.oid
     AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'e'
    JOIN pg_catalog.pg_proc p ON p.oid = d.objid
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE e.extname = 'pg_cron' AND p.proname = 'schedule'
      AND p.proargtypes = '25 25 25'::pg_catalog.oidvector;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '55000',
            MESSAGE = 'pg_cron is not installed in this database',
            DETAIL = 'schedule_maintenance() registers CALL hotel_agent.run_maintenance() as a pg_cron job.',
            HINT = 'Install pg_cron (Debian: postgresql-15-cron), add it to shared_preload_libraries, set cron.database_name to this database, restart and run CREATE EXTENSION pg_cron; or have another scheduler run CALL hotel_agent.run_maintenance().';
    END IF;
    IF schedule IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'schedule must not be null',
            HINT = 'Pass a cron expression, e.g. ''15 3 * * *'' (every day at 03:15 in the time zone of pg_cron, UTC by default).';
    END IF;

    -- A named job: scheduling again replaces the schedule instead of adding a job.
    EXECUTE format('SELECT %I.schedule($1, $2, $3)', cron_schema)
        INTO job
        USING 'hotel_agent-maintenance', schedule, 'CALL hotel_agent.run_maintenance()';
    RETURN job;
END;
$$;
COMMENT ON FUNCTION hotel_agent.schedule_maintenance(text) IS
'Registers CALL hotel_agent.run_maintenance() with pg_cron as job hotel_agent-maintenance; returns the job id';
REVOKE EXECUTE ON FUNCTION hotel_agent.schedule_maintenance(text) FROM PUBLIC;

-- What an operator (or a metrics scraper) looks at, in one row. The live
-- parts read the unexpired sessions, the last hour of lock events, the
-- small tables of this schema, and the tenant_id indexes of users and
-- tenant_user_identifiers (about 22 ms for 100,000 rows each). The two counts
-- that would read every expired session and all of the password history
-- come from the newest backlog_census row (see above), NULL until
-- run_maintenance() has run.
CREATE OR REPLACE VIEW hotel_agent.stats AS
WITH clock AS (
    SELECT (now() AT TIME ZONE 'UTC') AS now_utc,
           hotel_agent.password_history_keep() AS keep
), live_sessions AS (
    -- Sessions not yet expired, one range scan of idx_user_sessions_expires_at.
    SELECT count(*) FILTER (WHERE NOT s.is_revoked) AS active,
           count(*) FILTER (WHERE s.is_revoked) AS revoked
    FROM @extschema@.user_sessions s, clock c
    WHERE s.expires_at > c.now_utc
), census AS (
    SELECT b.counted_at, b.sessions_expired, b.password_history_users_over_limit
    FROM hotel_agent.backlog_census b
    ORDER BY b.id DESC
    LIMIT 1
), last_runs AS (
    SELECT DISTINCT ON (l.task) l.task, l.started, l.rows, l.batches, l.elapsed, l.longest_batch
    FROM hotel_agent.maintenance_log l
    ORDER BY l.task, l.id DESC
)
SELECT
    ls.active AS sessions_active,
    (SELECT b.sessions_expired FROM census b) AS sessions_expired,
    ls.revoked AS sessions_revoked,
    c.keep AS password_history_keep,
    (SELECT b.password_history_users_over_limit FROM census b) AS password_history_users_over_limit,
    (SELECT b.counted_at FROM census b) AS backlog_counted_at,
    (SELECT jsonb_build_object(
                'acquired', count(*) FILTER (WHERE a.event_type = 'acquired'),
                'extended', count(*) FILTER (WHERE a.event_type = 'extended'),
                'released', count(*) FILTER (WHERE a.event_type = 'released'),
                'expired', count(*) FILTER (WHERE a.event_type = 'expired'),
                'failed', count(*) FILTER (WHERE a.event_type = 'failed'))
     FROM @extschema@.lock_audit a
     WHERE a."timestamp" > c.now_utc - interval '1 hour') AS lock_events_last_hour,
    -- One count per tenant through idx_tenant_identifiers_tenant_id and
    -- idx_users_tenant_id (index-only once vacuumed): half the time of
    -- grouping both tables whole.
    (SELECT coalesce(jsonb_object_agg(t.tenant_id, jsonb_build_object(
                'identifiers', (SELECT count(*) FROM @extschema@.tenant_user_identifiers ti
                                WHERE ti.tenant_id = t.id),
                'users', (SELECT count(*) FROM @extschema@.users us
                          WHERE us.tenant_id = t.tenant_id))), '{}')
     FROM @extschema@.tenants t) AS tenants,
    (SELECT max(r.started) FROM last_runs r) AS last_maintenance_at,
    (SELECT jsonb_object_agg(r.task, jsonb_build_object(
                'started', r.started, 'rows', r.rows, 'batches', r.batches,
                'elapsed', r.elapsed, 'longest_batch', r.longest_batch))
     FROM last_runs r) AS last_maintenance
FROM clock c, live_sessions ls;
COMMENT ON VIEW hotel_agent.stats IS
'Sessions, password history, lock events, tenants and the last maintenance run, in one row';
