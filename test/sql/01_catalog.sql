-- The extension's tables against the canonical DDL. The original schema.sql
-- (verbatim copy in test/data/schema.sql) is applied to a second database and
-- the catalogs are compared line by line; any difference is printed.
-- Version 1.0.0 installs the canonical DDL exactly; the version being built
-- differs from it by the divergences the README lists, and by no other.
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

-- Version 1.0.0, in a database of its own: no difference.
CREATE DATABASE hotel_agent_v1_0_0;
\c hotel_agent_v1_0_0
SET client_min_messages = warning;
CREATE EXTENSION hotel_agent VERSION '1.0.0';
\set ECHO none
\i test/include/catalog_lines.sql
\set ECHO all
SELECT line FROM pg_catalog.unnest(:'canonical_lines'::text[]) AS line
EXCEPT SELECT line FROM catalog_lines
UNION ALL
(SELECT line FROM catalog_lines
 EXCEPT SELECT line FROM pg_catalog.unnest(:'canonical_lines'::text[]) AS line);

-- The version being built (installed by pg_regress, or the pure-SQL build):
-- the divergences of the README, "Divergences from schema.sql", line for
-- line.
\c contrib_regression
\set ECHO none
\i test/include/catalog_lines.sql
\set ECHO all
SELECT hotel_agent.version();

CREATE TEMP VIEW catalog_diff AS
SELECT 'missing from extension' AS side, line FROM pg_catalog.unnest(:'canonical_lines'::text[]) AS line
EXCEPT SELECT 'missing from extension', line FROM catalog_lines
UNION ALL
(SELECT 'extra in extension', line FROM catalog_lines
 EXCEPT SELECT 'extra in extension', line FROM pg_catalog.unnest(:'canonical_lines'::text[]) AS line);
SELECT count(*) AS extension_objects FROM catalog_lines;
SELECT * FROM catalog_diff ORDER BY side, line;
SELECT count(*) AS divergences FROM catalog_diff \gset

-- The comparison catches a single changed default or a missing index.
BEGIN;
ALTER TABLE public.users ALTER COLUMN is_active SET DEFAULT false;
DROP INDEX public.idx_users_tenant_id;
SELECT count(*) - :divergences AS new_differences FROM catalog_diff;
SELECT * FROM catalog_diff WHERE line ~ 'is_active|idx_users_tenant_id' ORDER BY side, line;
ROLLBACK;
SELECT count(*) - :divergences AS new_differences_after_rollback FROM catalog_diff;

-- Configuration tables and extension membership: 03_extension_packaging.sql.

DROP DATABASE hotel_agent_canonical;
DROP DATABASE hotel_agent_v1_0_0;
