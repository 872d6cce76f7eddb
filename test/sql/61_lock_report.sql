-- Lock contention: lock_report() and locks_never_released() on generated
-- event streams whose answers are known in advance: written out of time
-- order, with duplicates, events without a holder, releases without an
-- acquisition, acquisitions that end after the window, and events just
-- outside it.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set ECHO none
\i test/include/error_of.sql
\set ECHO all

-- 'failed' is an event type of its own since 1.1.0: an attempt that found
-- the lock held.
SELECT hotel_agent.record_lock_event('k', 'failed', '{"holder_id": "w"}') > 0 AS failed_recorded;
DELETE FROM public.lock_audit;

-- Stream 1, generated: keys gen:01 .. gen:40. Key k has k holds, hold i
-- (1..k) acquired at 00:00 + i minutes by holder h(i % 3), ended i seconds
-- later by a release, or by an expiry when i is a multiple of 3; k % 7
-- failed attempts by other workers. Every event of a hold with i a
-- multiple of 5 is written twice (a retried insert). The rows go in in an
-- order unrelated to time (by md5), so ids say nothing. The answers, in
-- closed form: acquisitions k, failures k % 7, expiries k / 3, releases
-- k - k / 3, holds k, median (k + 1) / 2 s, p95 (1 + 0.95 (k - 1)) s (the
-- interpolated percentile of 1..k seconds), max k s, nothing unended.
CREATE TEMP TABLE stream (lock_key text, event_type text, details jsonb, at timestamp);
INSERT INTO stream
SELECT format('gen:%s', to_char(k, 'FM00')), e.event_type,
	   jsonb_build_object('holder_id', 'h' || i % 3, 'ttl', 30),
	   '2026-01-10 00:00'::timestamp + i * interval '1 minute' + e.after * interval '1 second'
FROM generate_series(1, 40) k, generate_series(1, k) i,
	 LATERAL (VALUES ('acquired', 0),
					 (CASE WHEN i % 3 = 0 THEN 'expired' ELSE 'released' END, i)) e(event_type, after),
	 generate_series(1, CASE WHEN i % 5 = 0 THEN 2 ELSE 1 END) copy;
INSERT INTO stream
SELECT format('gen:%s', to_char(k, 'FM00')), 'failed', jsonb_build_object('holder_id', 'other' || j),
	   '2026-01-10 00:00'::timestamp + j * interval '1 minute' + interval '30 seconds'
FROM generate_series(1, 40) k, generate_series(1, k % 7) j;
-- Outside the window of 2026-01-10 (UTC): the day before and the next day.
INSERT INTO stream
SELECT 'gen:01', t, '{"holder_id": "h1"}', d
FROM unnest(ARRAY['acquired', 'failed', 'expired', 'released']) t,
	 unnest(ARRAY['2026-01-09 23:59:59.999999'::timestamp, '2026-01-11 00:00']) d;
INSERT INTO public.lock_audit (lock_key, event_type, details, "timestamp")
SELECT s.lock_key, s.event_type, s.details, s.at FROM stream s
ORDER BY md5(s.lock_key || s.event_type || s.at::text || s.details::text);
SELECT count(*) AS events, count(*) FILTER (WHERE "timestamp"::date = '2026-01-10') AS in_window,
	   bool_or(id > lag_id) AND bool_or(id < lag_id) AS ids_out_of_time_order
FROM (SELECT id, "timestamp", lag(id) OVER (ORDER BY "timestamp", id) AS lag_id FROM public.lock_audit) x;

CREATE TEMP TABLE known_gen AS
SELECT format('gen:%s', to_char(k, 'FM00')) AS lock_key, k::bigint AS acquisitions,
	   (k % 7)::bigint AS failures, round((k % 7)::numeric / (k + k % 7), 4) AS failure_share,
	   (k / 3)::bigint AS expiries, (k - k / 3)::bigint AS releases, k::bigint AS holds,
	   (k + 1) / 2.0 * interval '1 second' AS hold_median,
	   (1 + 0.95 * (k - 1)) * interval '1 second' AS hold_p95,
	   k * interval '1 second' AS hold_max, 0::bigint AS unended
FROM generate_series(1, 40) k;

-- The report of the day agrees with the closed forms on all 40 keys (no
-- row differs either way), is ordered by contention, and shows its top.
SELECT count(*) AS keys FROM hotel_agent.lock_report('2026-01-10 00:00+00', '2026-01-11 00:00+00');
(SELECT * FROM hotel_agent.lock_report('2026-01-10 00:00+00', '2026-01-11 00:00+00')
 EXCEPT SELECT * FROM known_gen)
UNION ALL
(SELECT * FROM known_gen
 EXCEPT SELECT * FROM hotel_agent.lock_report('2026-01-10 00:00+00', '2026-01-11 00:00+00'));
SELECT * FROM hotel_agent.lock_report('2026-01-10 00:00+00', '2026-01-11 00:00+00') LIMIT 8;

-- The window is [since, until), in absolute time: the same day written in
-- another zone, and asked from a session in another zone, gives the same
-- report; the same wall-clock hours read as São Paulo time do not.
SET TimeZone = 'Asia/Kolkata';
SELECT count(*) AS differences FROM (
	(SELECT * FROM hotel_agent.lock_report('2026-01-10 05:30', '2026-01-11 05:30')
	 EXCEPT SELECT * FROM known_gen)
	UNION ALL
	(SELECT * FROM known_gen
	 EXCEPT SELECT * FROM hotel_agent.lock_report('2026-01-09 21:00-03', '2026-01-10 21:00-03'))) d;
SELECT lock_key, acquisitions, failures, expiries, releases
FROM hotel_agent.lock_report('2026-01-10 00:00-03', '2026-01-11 00:00-03') WHERE lock_key = 'gen:01';
SET TimeZone = 'UTC';
-- Events at since count, events at until do not: gen:01's only hold
-- starts at 00:01:00 and ends at 00:01:01.
SELECT lock_key, acquisitions, releases, holds, unended
FROM hotel_agent.lock_report('2026-01-10 00:01:00+00', '2026-01-10 00:01:01+00') WHERE lock_key = 'gen:01';
SELECT lock_key, acquisitions, releases, holds, unended
FROM hotel_agent.lock_report('2026-01-10 00:01:00.000001+00', '2026-01-10 00:01:02+00') WHERE lock_key = 'gen:01';
-- An empty window.
SELECT count(*) AS keys FROM hotel_agent.lock_report('2026-01-10 00:00+00', '2026-01-10 00:00+00');

-- Stream 2, written by hand, one case per key (times on 2026-02-01, UTC);
-- the rows go in in the order listed, which is not always time order.
DELETE FROM public.lock_audit;
INSERT INTO public.lock_audit (lock_key, event_type, details, "timestamp")
SELECT c.lock_key, c.event_type, c.details::jsonb, '2026-02-01'::timestamp + c.at::interval
FROM (VALUES
	-- written out of order: the release (smaller id) comes 5 s after the acquisition
	('out_of_order', 'released', '{"holder_id": "w1"}', '10:00:05'),
	('out_of_order', 'acquired', '{"holder_id": "w1"}', '10:00:00'),
	-- the same acquisition and release twice each: one hold of 3 s
	('duplicate', 'acquired', '{"holder_id": "w1", "ttl": 30}', '10:00:00'),
	('duplicate', 'acquired', '{"holder_id": "w1", "ttl": 30}', '10:00:00'),
	('duplicate', 'released', '{"holder_id": "w1"}', '10:00:03'),
	('duplicate', 'released', '{"holder_id": "w1"}', '10:00:03'),
	-- no holder on either side: they pair (7 s); w2's acquisition is not
	-- ended by a release without a holder (holder_id null), which is the
	-- no-holder side's second release, pairing with nothing
	('no_holder', 'acquired', NULL, '10:00:00'),
	('no_holder', 'released', '{"ttl": 30}', '10:00:07'),
	('no_holder', 'acquired', '{"holder_id": "w2"}', '10:01:00'),
	('no_holder', 'released', '{"holder_id": null}', '10:01:09'),
	-- a release whose acquisition is before the window
	('release_only', 'acquired', '{"holder_id": "w1"}', '-00:00:01'),
	('release_only', 'released', '{"holder_id": "w1"}', '10:00:00'),
	-- an acquisition whose release comes after the window
	('ends_after', 'acquired', '{"holder_id": "w1"}', '23:59:00'),
	('ends_after', 'released', '{"holder_id": "w1"}', '1 day 00:00:30'),
	-- the holder acquires again before releasing: the first has no end,
	-- the second is held 2 s
	('reacquired', 'acquired', '{"holder_id": "w1"}', '10:00:00'),
	('reacquired', 'acquired', '{"holder_id": "w1"}', '10:00:10'),
	('reacquired', 'released', '{"holder_id": "w1"}', '10:00:12'),
	-- another holder's release ends nothing; an extension ends nothing;
	-- the expiry of the holder ends it (60 s); contention: 3 of 4 attempts
	-- failed
	('contended', 'acquired', '{"holder_id": "w1"}', '10:00:00'),
	('contended', 'failed', '{"holder_id": "w2"}', '10:00:01'),
	('contended', 'extended', '{"holder_id": "w1"}', '10:00:20'),
	('contended', 'released', '{"holder_id": "w2"}', '10:00:30'),
	('contended', 'failed', '{"holder_id": "w2"}', '10:00:40'),
	('contended', 'failed', '{"holder_id": "w3"}', '10:00:50'),
	('contended', 'expired', '{"holder_id": "w1"}', '10:01:00'),
	-- acquired and released in the same transaction (same time): id order
	('same_time', 'acquired', '{"holder_id": "w1"}', '10:00:00'),
	('same_time', 'released', '{"holder_id": "w1"}', '10:00:00'),
	-- only failed attempts: share 1
	('never_got', 'failed', '{"holder_id": "w1"}', '10:00:00'),
	('never_got', 'failed', '{"holder_id": "w1"}', '10:00:01'),
	-- a holder_id that is a number is read as text
	('numeric_holder', 'acquired', '{"holder_id": 7}', '10:00:00'),
	('numeric_holder', 'released', '{"holder_id": "7"}', '10:00:04')
) c(lock_key, event_type, details, at);

CREATE TEMP TABLE known_cases (lock_key text, acquisitions bigint, failures bigint,
	failure_share numeric, expiries bigint, releases bigint, holds bigint, hold_median interval,
	hold_p95 interval, hold_max interval, unended bigint);
INSERT INTO known_cases VALUES
	('contended', 1, 3, 0.7500, 1, 1, 1, '60 s', '60 s', '60 s', 0),
	('never_got', 0, 2, 1.0000, 0, 0, 0, NULL, NULL, NULL, 0),
	('duplicate', 1, 0, 0, 0, 1, 1, '3 s', '3 s', '3 s', 0),
	('ends_after', 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, 1),
	('no_holder', 2, 0, 0, 0, 2, 1, '7 s', '7 s', '7 s', 1),
	('numeric_holder', 1, 0, 0, 0, 1, 1, '4 s', '4 s', '4 s', 0),
	('out_of_order', 1, 0, 0, 0, 1, 1, '5 s', '5 s', '5 s', 0),
	('reacquired', 2, 0, 0, 0, 1, 1, '2 s', '2 s', '2 s', 1),
	('release_only', 0, 0, NULL, 0, 1, 0, NULL, NULL, NULL, 0),
	('same_time', 1, 0, 0, 0, 1, 1, '0 s', '0 s', '0 s', 0);
SELECT * FROM hotel_agent.lock_report('2026-02-01 00:00+00', '2026-02-02 00:00+00');
SELECT count(*) AS differences FROM (
	(SELECT * FROM hotel_agent.lock_report('2026-02-01 00:00+00', '2026-02-02 00:00+00')
	 EXCEPT SELECT * FROM known_cases)
	UNION ALL
	(SELECT * FROM known_cases
	 EXCEPT SELECT * FROM hotel_agent.lock_report('2026-02-01 00:00+00', '2026-02-02 00:00+00'))) d;
-- Bad windows.
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.lock_report(NULL, now())$$);
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.lock_report(now(), NULL)$$);
SELECT * FROM hotel_agent.lock_report('2026-02-02 00:00+00', '2026-02-01 00:00+00');
-- The defaults: the last day, up to now (an event of now is in it, one
-- of the window above is not).
SELECT hotel_agent.record_lock_event('now', 'acquired') > 0 AS recorded;
SELECT lock_key, acquisitions FROM hotel_agent.lock_report();

-- locks_never_released(): events relative to now, in one transaction (so
-- that now() does not move), written out of order where it matters.
DELETE FROM public.lock_audit;
BEGIN;
SET LOCAL TimeZone = 'America/Sao_Paulo';
INSERT INTO public.lock_audit (lock_key, event_type, details, "timestamp")
SELECT c.lock_key, c.event_type, c.details::jsonb, (now() AT TIME ZONE 'UTC') - c.ago::interval
FROM (VALUES
	('nr:dead', 'acquired', '{"holder_id": "w-dead", "ttl": 30}', '10 minutes'),
	('nr:released', 'acquired', '{"holder_id": "w1"}', '10 minutes'),
	('nr:released', 'released', '{"holder_id": "w1"}', '9 minutes'),
	('nr:expired', 'acquired', '{"holder_id": "w1"}', '10 minutes'),
	('nr:expired', 'expired', '{"holder_id": "w1"}', '9 minutes'),
	('nr:recent', 'acquired', '{"holder_id": "w1"}', '2 minutes'),
	('nr:alive', 'acquired', '{"holder_id": "w1"}', '20 minutes'),
	('nr:alive', 'extended', '{"holder_id": "w1"}', '1 minute'),
	('nr:silent', 'acquired', '{"holder_id": "w1"}', '20 minutes'),
	('nr:silent', 'extended', '{"holder_id": "w1"}', '8 minutes'),
	('nr:taken', 'acquired', '{"holder_id": "w-a"}', '30 minutes'),
	('nr:taken', 'failed', '{"holder_id": "w-b"}', '25 minutes'),
	('nr:taken', 'acquired', '{"holder_id": "w-b"}', '20 minutes'),
	('nr:taken', 'released', '{"holder_id": "w-b"}', '19 minutes'),
	('nr:old', 'acquired', '{"holder_id": "w1"}', '2 days'),
	('nr:anon', 'acquired', NULL, '10 minutes'),
	('nr:reacquired', 'acquired', '{"holder_id": "w1"}', '30 minutes'),
	('nr:reacquired', 'acquired', '{"holder_id": "w1"}', '20 minutes'),
	('nr:reacquired', 'released', '{"holder_id": "w1"}', '19 minutes'),
	('nr:out_of_order', 'released', '{"holder_id": "w1"}', '9 minutes'),
	('nr:out_of_order', 'acquired', '{"holder_id": "w1"}', '10 minutes'),
	('nr:dup', 'acquired', '{"holder_id": "w1"}', '10 minutes'),
	('nr:dup', 'acquired', '{"holder_id": "w1"}', '10 minutes'),
	('nr:same_time', 'acquired', '{"holder_id": "w1"}', '10 minutes'),
	('nr:same_time', 'released', '{"holder_id": "w1"}', '10 minutes')
) c(lock_key, event_type, details, ago);
-- Times come back as timestamptz: compared with now(), whatever the zone.
SELECT lock_key, holder_id, age, taken_over,
	   now() - acquired_at AS acquired_ago, now() - last_seen_at AS last_seen_ago
FROM hotel_agent.locks_never_released();
SELECT lock_key, holder_id, age FROM hotel_agent.locks_never_released('5 minutes', '3 days');
SELECT lock_key, age FROM hotel_agent.locks_never_released('0', '1 hour');
SELECT lock_key, age FROM hotel_agent.locks_never_released('15 minutes');
COMMIT;
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.locks_never_released(NULL)$$);
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.locks_never_released('-1 minute')$$);
SELECT * FROM hotel_agent.locks_never_released('2 days');
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.locks_never_released('5 minutes', NULL)$$);

-- Both read with the caller's rights: a role that may not read lock_audit
-- gets 42501.
CREATE ROLE ha_lock_report_nobody;
SET ROLE ha_lock_report_nobody;
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.lock_report()$$);
SELECT pg_temp.error_of($$SELECT * FROM hotel_agent.locks_never_released()$$);
RESET ROLE;
DROP ROLE ha_lock_report_nobody;

DELETE FROM public.lock_audit;
