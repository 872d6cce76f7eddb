-- Sessions (JWT jti): validity check, revocation, bounded clean-up.
-- expires_at is a UTC wall-clock time (timestamp without time zone), so
-- every comparison uses (now() AT TIME ZONE 'UTC'), whatever the session's
-- TimeZone.

-- Comments and privileges of the native functions declared in
-- sql/src/c/50_sessions.sql (each build binds its own implementation).
COMMENT ON FUNCTION hotel_agent.session_is_active(text) IS
'True when the session exists, is not revoked and has not expired';

CREATE OR REPLACE FUNCTION hotel_agent.revoke_session(jti text) RETURNS boolean
LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = ''
AS $$
    WITH revoked AS (
        UPDATE @extschema@.user_sessions s
        SET is_revoked = true
        WHERE s.token_jti = revoke_session.jti AND NOT s.is_revoked
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM revoked);
$$;
COMMENT ON FUNCTION hotel_agent.revoke_session(text) IS
'Revokes the session; true when this call revoked it, false when it does not exist or was already revoked';
REVOKE EXECUTE ON FUNCTION hotel_agent.revoke_session(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION hotel_agent.revoke_user_sessions(user_id text) RETURNS integer
LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = ''
AS $$
    WITH revoked AS (
        UPDATE @extschema@.user_sessions s
        SET is_revoked = true
        WHERE s.user_id = revoke_user_sessions.user_id
          AND NOT s.is_revoked
          AND s.expires_at > (now() AT TIME ZONE 'UTC')
        RETURNING 1
    )
    SELECT count(*)::integer FROM revoked;
$$;
COMMENT ON FUNCTION hotel_agent.revoke_user_sessions(text) IS
'Revokes every active session of the user; returns how many';
REVOKE EXECUTE ON FUNCTION hotel_agent.revoke_user_sessions(text) FROM PUBLIC;

-- Oldest first through idx_user_sessions_expires_at; rows locked by someone
-- else (a revocation in progress) are left for the next batch.
CREATE OR REPLACE FUNCTION hotel_agent.cleanup_expired_sessions(grace interval DEFAULT '7 days',
                                                     max_rows integer DEFAULT 10000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    deleted bigint;
BEGIN
    IF grace IS NULL OR grace < interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'grace must be a non-negative interval',
            DETAIL = format('The value given was %s.', coalesce(grace::text, 'NULL')),
            HINT = 'Sessions are deleted once they have been expired for longer than grace, e.g. ''7 days''.';
    END IF;
    IF max_rows < 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'max_rows must not be negative',
            DETAIL = format('The value given was %s.', max_rows),
            HINT = 'Use NULL to delete every expired session in one transaction.';
    END IF;

    DELETE FROM @extschema@.user_sessions s
    WHERE s.ctid = ANY (ARRAY(
        SELECT x.ctid
        FROM @extschema@.user_sessions x
        WHERE x.expires_at < (now() AT TIME ZONE 'UTC') - grace
        ORDER BY x.expires_at
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED));
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;
COMMENT ON FUNCTION hotel_agent.cleanup_expired_sessions(interval, integer) IS
'Deletes at most max_rows sessions (NULL = all) expired for longer than grace; returns how many';
REVOKE EXECUTE ON FUNCTION hotel_agent.cleanup_expired_sessions(interval, integer) FROM PUBLIC;
