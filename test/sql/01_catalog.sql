-- Version 1.0.0 installs the canonical DDL exactly. The original schema.sql
-- (verbatim copy in test/data/schema.sql) is applied to a second database and
-- the two catalogs are compared line by line; any difference is printed.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS hotel_agent_canonical;
CREATE DATABASE hotel_agent_canonical;
RESET client_min_messages;
\c hotel_agent_canonical
SET client_min_messages = warning;
\set ECHO none
\o /dev/null
\i test/data/schema.sql
\o
\i test/include/catalog_lines.sql
\set ECHO all
SELECT pg_catalog.array_agg(line ORDER BY line) AS canonical_lines FROM catalog_lines \gset
SELECT count(*) AS canonical_objects FROM catalog_lines;

\c contrib_regression
\set ECHO none
\i test/include/catalog_lines.sql
\set ECHO all

-- The comparison: no rows means identical.
CREATE TEMP VIEW catalog_diff AS
SELECT 'missing from extension' AS side, line FROM pg_catalog.unnest(:'canonical_lines'::text[]) AS line
EXCEPT SELECT 'missing from extension', line FROM catalog_lines
UNION ALL
(SELECT 'extra in extension', line FROM catalog_lines
 EXCEPT SELECT 'extra in extension', line FROM pg_catalog.unnest(:'canonical_lines'::text[]) AS line);
SELECT count(*) AS extension_objects FROM catalog_lines;
SELECT * FROM catalog_diff ORDER BY side, line;

-- The comparison catches a single changed default or a missing index.
BEGIN;
ALTER TABLE public.users ALTER COLUMN is_active SET DEFAULT false;
DROP INDEX public.idx_users_tenant_id;
SELECT * FROM catalog_diff ORDER BY side, line;
ROLLBACK;
SELECT count(*) AS differences_after_rollback FROM catalog_diff;

-- The tables and sequences are configuration tables: pg_dump keeps their rows.
SELECT c.relname
FROM pg_catalog.pg_extension e, pg_catalog.unnest(e.extconfig) AS cfg(oid)
JOIN pg_catalog.pg_class c ON c.oid = cfg.oid
WHERE e.extname = 'hotel_agent'
ORDER BY 1;

-- Everything in public belongs to the extension.
SELECT pg_catalog.count(*) AS objects_not_in_extension
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                    AND d.deptype IN ('e', 'i', 'a'));

DROP DATABASE hotel_agent_canonical;
