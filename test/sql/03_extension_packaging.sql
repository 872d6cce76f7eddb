-- hotel_agent: extension-only
-- What only CREATE EXTENSION and the library can give, so what the pure-SQL
-- build (not an extension, no library) does not have: the pg_extension row,
-- membership of every object in public, the configuration tables that
-- pg_dump keeps the rows of, and a registered setting. test/t/060_script_mode.pl checks the pure-SQL build's own
-- install (its version, install_mode(), refusing a second run).

-- The extension installs (pg_regress loads it with --load-extension) at the
-- default version, with its own schema for functions.
SELECT extname, extversion, extnamespace::regnamespace AS tables_schema, extrelocatable
FROM pg_catalog.pg_extension WHERE extname = 'hotel_agent';

-- The tables and sequences are configuration tables: pg_dump keeps their
-- rows (the maintenance log and the backlog census in schema hotel_agent
-- too, like the canonical tables).
SELECT c.relnamespace::regnamespace AS schema, c.relname
FROM pg_catalog.pg_extension e, pg_catalog.unnest(e.extconfig) AS cfg(oid)
JOIN pg_catalog.pg_class c ON c.oid = cfg.oid
WHERE e.extname = 'hotel_agent'
ORDER BY 1, 2;

-- Everything in public belongs to the extension.
SELECT pg_catalog.count(*) AS objects_not_in_extension
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                    AND d.deptype IN ('e', 'i', 'a'));

-- The setting hotel_agent.password_history_keep is registered by the
-- library, once loaded: SHOW knows it before any SET, and a bad value is
-- refused when set. (The pure-SQL build refuses it when read, by
-- password_history_keep().)
\set ECHO none
\i test/include/error_of.sql
\set ECHO all
SELECT hotel_agent.password_history_keep();
SHOW hotel_agent.password_history_keep;
SELECT pg_temp.error_of($$SET hotel_agent.password_history_keep = -1$$);
