-- The hot path (every request): C, one probe of the token_jti index through
-- a cached plan; no SET clause (see src/session.c).
CREATE OR REPLACE FUNCTION hotel_agent.session_is_active(jti text) RETURNS boolean
AS 'MODULE_PATHNAME', 'hotel_agent_session_is_active'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
