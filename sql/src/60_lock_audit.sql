-- Lock audit: events of the backend's Redis locks, validated and bounded,
-- and a bounded purge.

CREATE OR REPLACE FUNCTION hotel_agent.record_lock_event(lock_key text, event_type text,
                                              details jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
BEGIN
    IF lock_key IS NULL OR lock_key = '' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'lock_key must not be empty',
            DETAIL = format('The value given was %s.', coalesce(quote_literal(lock_key), 'NULL')),
            HINT = 'Pass the Redis key of the lock, e.g. ''reservation:guest42''.';
    END IF;
    IF char_length(lock_key) > 255 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'lock_key is too long',
            DETAIL = format('It has %s characters; at most 255 are allowed.', char_length(lock_key)),
            HINT = 'Record a shorter key, e.g. a hash of the long one.';
    END IF;
    IF event_type IS NULL OR event_type NOT IN ('acquired', 'extended', 'released', 'expired', 'failed') THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'invalid lock event type',
            DETAIL = format('The value given was %s.', coalesce(quote_literal(event_type), 'NULL')),
            HINT = 'Use one of acquired, extended, released, expired, failed (an attempt that found the lock held).';
    END IF;
    IF details IS NOT NULL AND octet_length(details::text) > 65536 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'lock event details are too large',
            DETAIL = format('They take %s bytes as text; at most 65536 are allowed.', octet_length(details::text)),
            HINT = 'Record a summary of the details.';
    END IF;

    INSERT INTO @extschema@.lock_audit (lock_key, event_type, "timestamp", details)
    VALUES (lock_key, event_type, now() AT TIME ZONE 'UTC', details)
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;
COMMENT ON FUNCTION hotel_agent.record_lock_event(text, text, jsonb) IS
'Records a Redis lock event (acquired, extended, released, expired, or failed: an attempt that found the lock held); returns its id';
REVOKE EXECUTE ON FUNCTION hotel_agent.record_lock_event(text, text, jsonb) FROM PUBLIC;

CREATE OR REPLACE FUNCTION hotel_agent.purge_lock_audit(retention interval DEFAULT '30 days',
                                             max_rows integer DEFAULT 10000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    deleted bigint;
BEGIN
    IF retention IS NULL OR retention < interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'retention must be a non-negative interval',
            DETAIL = format('The value given was %s.', coalesce(retention::text, 'NULL')),
            HINT = 'Events older than retention are deleted, e.g. ''30 days''.';
    END IF;
    IF max_rows < 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'max_rows must not be negative',
            DETAIL = format('The value given was %s.', max_rows),
            HINT = 'Use NULL to delete every old event in one transaction.';
    END IF;

    DELETE FROM @extschema@.lock_audit a
    WHERE a.ctid = ANY (ARRAY(
        SELECT x.ctid
        FROM @extschema@.lock_audit x
        WHERE x."timestamp" < (now() AT TIME ZONE 'UTC') - retention
        ORDER BY x."timestamp"
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED));
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;
COMMENT ON FUNCTION hotel_agent.purge_lock_audit(interval, integer) IS
'Deletes at most max_rows lock events (NULL = all) older than retention; returns how many';
REVOKE EXECUTE ON FUNCTION hotel_agent.purge_lock_audit(interval, integer) FROM PUBLIC;
