-- Library-level functions, pure-SQL build: there is no library, so the
-- version is the one of this script.

CREATE OR REPLACE FUNCTION hotel_agent.version() RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$ SELECT '@hotel_agent_version@'::text $$;
