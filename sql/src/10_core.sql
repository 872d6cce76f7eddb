-- Comments and privileges of the native functions declared in
-- sql/src/c/10_core.sql (each build binds its own implementation).
COMMENT ON FUNCTION hotel_agent.version() IS 'Version of hotel_agent: of the loaded library (extension build) or of the installed script (pure-SQL build)';

-- Which build is installed: an operator, validate() and the tests tell
-- the two apart with it.
CREATE OR REPLACE FUNCTION hotel_agent.install_mode() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_extension e
                             WHERE e.extname OPERATOR(pg_catalog.=) 'hotel_agent')
                THEN 'extension' ELSE 'script' END
$$;
COMMENT ON FUNCTION hotel_agent.install_mode() IS
'How hotel_agent is installed in this database: extension (CREATE EXTENSION, native functions) or script (the pure-SQL build, e.g. on Supabase)';

-- Caller input as the functions quote it in their messages (the rule of
-- hotel_agent_quote_input() in src/extschema.c): at most 64 bytes, cut on
-- a character boundary, "..." appended when cut, control characters shown
-- as '?'. Used by the PL/pgSQL functions of both builds.
CREATE OR REPLACE FUNCTION hotel_agent.quote_input(input text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    shown text := left(input, 64);
BEGIN
    WHILE octet_length(shown) > 64 LOOP
        shown := left(shown, -1);
    END LOOP;
    IF octet_length(shown) < octet_length(input) THEN
        shown := shown || '...';
    END IF;
    RETURN regexp_replace(shown, '[\x01-\x1f\x7f]', '?', 'g');
END;
$$;
COMMENT ON FUNCTION hotel_agent.quote_input(text) IS
'Caller input as quoted in error messages: at most 64 bytes cut on a character boundary, "..." when cut, control characters as ?';
