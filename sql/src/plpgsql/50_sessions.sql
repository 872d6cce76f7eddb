-- Sessions, pure-SQL build: the validity check as one query (the one
-- src/session.c prepares).
CREATE OR REPLACE FUNCTION hotel_agent.session_is_active(jti text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT EXISTS (
        SELECT 1 FROM @extschema@.user_sessions s
        WHERE s.token_jti = session_is_active.jti
          AND NOT s.is_revoked
          AND s.expires_at > timezone('UTC', now()))
$$;
