-- Library-level functions, pure-SQL build: there is no library, so the
-- version is the one of this script.

CREATE OR REPLACE FUNCTION hotel_agent.version() RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '@hotel_agent_version@'::text $$;
