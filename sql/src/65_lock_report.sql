-- Lock contention, read from the events record_lock_event() stores: a
-- report per lock key over a window of time, and the acquisitions that
-- nobody released. Both read only the rows of their window, through
-- idx_lock_audit_timestamp (test/t/013_index_plans.pl), and never the rows
-- before it: a release whose acquisition is older than the window is not
-- paired, and an acquisition older than the look-back is not seen.
--
-- The rules both follow (README, "Lock audit"):
-- - the holder is details->>'holder_id'; events without one belong to one
--   holder of their own, "no holder" (NULL), so they pair with each other;
-- - events are put in time order, and events of the same time in id order:
--   the ids of rows written out of order do not count;
-- - an acquisition ends at its holder's next released or expired event on
--   the same key; if that holder's next such event is another acquisition,
--   or there is none, the acquisition has no recorded end;
-- - in lock_report, the same event written twice (same key, type, holder
--   and time: a retried insert) counts once.

CREATE OR REPLACE FUNCTION hotel_agent.lock_report(
    since timestamptz DEFAULT now() - interval '1 day',
    until timestamptz DEFAULT now())
RETURNS TABLE(lock_key text, acquisitions bigint, failures bigint, failure_share numeric,
              expiries bigint, releases bigint, holds bigint, hold_median interval,
              hold_p95 interval, hold_max interval, unended bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'since and until must not be null',
            DETAIL = format('The values given were %s and %s.', coalesce(since::text, 'NULL'),
                            coalesce(until::text, 'NULL')),
            HINT = 'Pass the window to report, e.g. lock_report(now() - interval ''1 hour'', now()).';
    END IF;
    IF until < since THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'until must not be before since',
            DETAIL = format('The window given was %s to %s.', since, until),
            HINT = 'The report covers events at or after since and before until.';
    END IF;

    -- The columns of lock_audit are UTC wall-clock times: the window's
    -- bounds are converted to them, whatever the session's TimeZone.
    RETURN QUERY
    WITH win AS (
        SELECT DISTINCT ON (a.lock_key, a.event_type, a.details->>'holder_id', a."timestamp")
               a.id, a.lock_key::text AS lock_key, a.event_type::text AS event_type,
               a.details->>'holder_id' AS holder, a."timestamp" AS at
        FROM @extschema@.lock_audit a
        WHERE a."timestamp" >= (since AT TIME ZONE 'UTC')
          AND a."timestamp" < (until AT TIME ZONE 'UTC')
        ORDER BY a.lock_key, a.event_type, a.details->>'holder_id', a."timestamp", a.id
    ), moves AS (
        -- Each acquisition with its holder's next acquisition, release or
        -- expiry on the key (extensions and failed attempts end nothing).
        SELECT m.lock_key, m.event_type, m.at,
               lead(m.event_type) OVER h AS next_type,
               lead(m.at) OVER h AS next_at
        FROM win m
        WHERE m.event_type IN ('acquired', 'released', 'expired')
        WINDOW h AS (PARTITION BY m.lock_key, m.holder ORDER BY m.at, m.id)
    ), held AS (
        SELECT m.lock_key,
               CASE WHEN m.next_type IN ('released', 'expired') THEN m.next_at - m.at END AS held
        FROM moves m
        WHERE m.event_type = 'acquired'
    ), counts AS (
        SELECT w.lock_key,
               count(*) FILTER (WHERE w.event_type = 'acquired') AS acquisitions,
               count(*) FILTER (WHERE w.event_type = 'failed') AS failures,
               count(*) FILTER (WHERE w.event_type = 'expired') AS expiries,
               count(*) FILTER (WHERE w.event_type = 'released') AS releases
        FROM win w
        GROUP BY w.lock_key
    ), holds AS (
        SELECT h.lock_key, count(h.held) AS holds,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY h.held) AS hold_median,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY h.held) AS hold_p95,
               max(h.held) AS hold_max,
               count(*) FILTER (WHERE h.held IS NULL) AS unended
        FROM held h
        GROUP BY h.lock_key
    )
    SELECT c.lock_key, c.acquisitions, c.failures,
           round(c.failures::numeric / nullif(c.acquisitions + c.failures, 0), 4),
           c.expiries, c.releases, coalesce(h.holds, 0), h.hold_median, h.hold_p95, h.hold_max,
           coalesce(h.unended, 0)
    FROM counts c
    LEFT JOIN holds h ON h.lock_key = c.lock_key
    ORDER BY c.failures DESC,
             round(c.failures::numeric / nullif(c.acquisitions + c.failures, 0), 4) DESC NULLS LAST,
             c.lock_key;
END;
$$;
COMMENT ON FUNCTION hotel_agent.lock_report(timestamptz, timestamptz) IS
'Per lock key, the events at or after since and before until: acquisitions, failed attempts and their share, expiries, releases, hold times (median, p95, max) and acquisitions with no recorded end; most contended first';

CREATE OR REPLACE FUNCTION hotel_agent.locks_never_released(
    older_than interval DEFAULT '5 minutes',
    look_back interval DEFAULT '1 day')
RETURNS TABLE(lock_key text, holder_id text, acquired_at timestamptz, last_seen_at timestamptz,
              age interval, taken_over boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    now_utc constant timestamp := now() AT TIME ZONE 'UTC';
BEGIN
    IF older_than IS NULL OR older_than < interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'older_than must be a non-negative interval',
            DETAIL = format('The value given was %s.', coalesce(older_than::text, 'NULL')),
            HINT = 'Holders silent for longer than older_than are listed, e.g. ''5 minutes''.';
    END IF;
    IF look_back IS NULL OR look_back <= older_than THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'look_back must be longer than older_than',
            DETAIL = format('The values given were older_than %s and look_back %s.',
                            older_than, coalesce(look_back::text, 'NULL')),
            HINT = 'Only events of the last look_back are read (default ''1 day''); pass a longer one to look further back.';
    END IF;

    RETURN QUERY
    WITH win AS (
        SELECT a.id, a.lock_key::text AS lock_key, a.event_type::text AS event_type,
               a.details->>'holder_id' AS holder, a."timestamp" AS at
        FROM @extschema@.lock_audit a
        WHERE a."timestamp" >= now_utc - look_back
          AND a.event_type IN ('acquired', 'extended', 'released', 'expired')
    ), seq AS (
        -- For each event, from it on, in its holder's events on the key:
        -- how many acquisitions, releases and expiries (1: this is the
        -- holder's last), and the last time the holder was heard of.
        SELECT w.id, w.lock_key, w.event_type, w.holder, w.at,
               count(*) FILTER (WHERE w.event_type <> 'extended') OVER later AS moves_from_here,
               max(w.at) OVER later AS last_seen,
               max(w.at) FILTER (WHERE w.event_type = 'acquired') OVER (PARTITION BY w.lock_key) AS key_last_acquired
        FROM win w
        WINDOW later AS (PARTITION BY w.lock_key, w.holder ORDER BY w.at, w.id
                         ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
    )
    SELECT s.lock_key, s.holder, s.at AT TIME ZONE 'UTC', s.last_seen AT TIME ZONE 'UTC',
           now_utc - s.at, s.key_last_acquired > s.at
    FROM seq s
    WHERE s.event_type = 'acquired' AND s.moves_from_here = 1
      AND s.last_seen < now_utc - older_than
    ORDER BY s.at, s.lock_key, s.holder;
END;
$$;
COMMENT ON FUNCTION hotel_agent.locks_never_released(interval, interval) IS
'Acquisitions of the last look_back whose holder neither released nor saw expire the lock and was last heard of more than older_than ago, with holder and age';
