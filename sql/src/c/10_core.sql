-- Library-level functions.

CREATE OR REPLACE FUNCTION hotel_agent.version() RETURNS text
AS 'MODULE_PATHNAME', 'hotel_agent_version'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- One library serves every released SQL version up to its own; a script
-- newer than the installed library would bind functions the library does
-- not have. Stop here, before any of them, naming both versions.
DO $check$
DECLARE
    library text := hotel_agent.version();
    script constant text := '@hotel_agent_version@';
BEGIN
    IF pg_catalog.string_to_array(library, '.')::integer[]
       OPERATOR(pg_catalog.<) pg_catalog.string_to_array(script, '.')::integer[] THEN
        RAISE EXCEPTION USING ERRCODE = '0A000',
            MESSAGE = pg_catalog.format('hotel_agent %s needs its library at version %s or later, but the installed library is %s',
                                        script, script, library),
            DETAIL = 'The shared library hotel_agent.so and the SQL scripts come from different installations.',
            HINT = 'Install the package (or run make install) of the same hotel_agent version on this server, restart the sessions that loaded the old library, and try again.';
    END IF;
END;
$check$;
