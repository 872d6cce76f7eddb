-- Library-level functions.

CREATE FUNCTION hotel_agent.version() RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_version'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hotel_agent.version() IS 'Version of the loaded hotel_agent library';
