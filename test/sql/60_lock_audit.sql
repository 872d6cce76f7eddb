-- Lock audit: record_lock_event() and purge_lock_audit().
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set ECHO none
\i test/include/error_of.sql
\set ECHO all

-- Each valid event type is recorded; the id is returned; the timestamp is
-- UTC whatever the session's TimeZone.
SET TimeZone = 'Asia/Tokyo';
SELECT hotel_agent.record_lock_event('reservation:guest1', 'acquired',
	'{"holder_id": "worker-1", "ttl": 30}') > 0 AS got_id;
SELECT hotel_agent.record_lock_event('reservation:guest1', 'extended') > 0 AS got_id;
SELECT hotel_agent.record_lock_event('reservation:guest1', 'released', NULL) > 0 AS got_id;
SELECT hotel_agent.record_lock_event('reservation:guest2', 'expired', '{"reason": "timeout"}') > 0 AS got_id;
SET TimeZone = 'UTC';
SELECT lock_key, event_type, details,
	   abs(extract(epoch FROM "timestamp" - (now() AT TIME ZONE 'UTC'))) < 60 AS utc_timestamp
FROM public.lock_audit ORDER BY id;
SELECT (SELECT max(id) FROM public.lock_audit) =
	   hotel_agent.record_lock_event('k', 'acquired') - 1 AS returns_the_new_id;

-- Bad event types, keys and details are refused, and nothing is written.
SELECT hotel_agent.record_lock_event('k', 'stolen');
SELECT pg_temp.error_of($$SELECT hotel_agent.record_lock_event('k', 'ACQUIRED')$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.record_lock_event('k', NULL)$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.record_lock_event(NULL, 'acquired')$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.record_lock_event('', 'acquired')$$);
SELECT hotel_agent.record_lock_event(repeat('k', 255), 'acquired') > 0 AS key_of_255_ok;
SELECT hotel_agent.record_lock_event(repeat('ñ', 255), 'acquired') > 0 AS key_of_255_characters_ok;
SELECT hotel_agent.record_lock_event(repeat('k', 256), 'acquired');
SELECT pg_temp.error_of(format($$SELECT hotel_agent.record_lock_event('k', 'acquired', %L)$$,
	jsonb_build_object('pad', repeat('x', 65520))));
SELECT hotel_agent.record_lock_event('k', 'acquired', jsonb_build_object('pad', repeat('x', 65536)));
SELECT count(*) AS events FROM public.lock_audit;

-- purge_lock_audit(): events older than retention, oldest first, at most max_rows.
DELETE FROM public.lock_audit;
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp")
SELECT 'old' || g, 'acquired', (now() AT TIME ZONE 'UTC') - (5 + 10 * g) * interval '1 day'
FROM generate_series(0, 5) g;                            -- 5, 15, ..., 55 days old
SELECT hotel_agent.purge_lock_audit();                   -- 30 days: 35, 45, 55 days old
SELECT lock_key FROM public.lock_audit ORDER BY "timestamp";
SELECT hotel_agent.purge_lock_audit('10 days', 1);       -- oldest first: old2
SELECT lock_key FROM public.lock_audit ORDER BY "timestamp";
SELECT hotel_agent.purge_lock_audit('10 days', 0);
SELECT hotel_agent.purge_lock_audit('10 days', NULL);    -- NULL: all of them (old1)
SELECT lock_key FROM public.lock_audit ORDER BY "timestamp";
SELECT hotel_agent.purge_lock_audit('-1 day');
SELECT pg_temp.error_of($$SELECT hotel_agent.purge_lock_audit(NULL)$$);
SELECT pg_temp.error_of($$SELECT hotel_agent.purge_lock_audit('1 day', -1)$$);

DELETE FROM public.lock_audit;
