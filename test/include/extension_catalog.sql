-- The whole-extension catalog as sorted text lines: one line per fact, so
-- that two databases hold the same hotel_agent exactly when their lines are
-- equal. It is the one comparison behind "update = fresh install",
-- "adopted database = fresh install" and "Supabase script = extension".
--
-- Creates the temporary view extension_catalog(schema_name, kind, line) over
-- the schema of the extension's tables (extschema, the schema given to
-- CREATE EXTENSION, public when the extension is not installed) and the
-- schema hotel_agent:
--   relation, column, constraint, index, sequence, trigger, view, policy,
--   rls     tables, views and sequences with everything that defines them
--   function  identity and full arguments (defaults included), result,
--           language, volatility, strictness, parallel safety, security
--           definer, leakproof, cost, rows, SET clauses, md5 of the body
--   comment, acl  every comment and privilege of the objects above and of
--           the schema hotel_agent
--   config  pg_extension_config_dump registrations (table and condition)
--   member  extension membership of every object
-- Names of roles appear in ACLs: compare databases of one cluster.
CREATE TEMP VIEW extension_catalog AS
WITH ext AS (
	SELECT e.oid, e.extnamespace, e.extconfig, e.extcondition
	FROM pg_catalog.pg_extension e WHERE e.extname = 'hotel_agent'
), schemas AS (
	SELECT n.oid, n.nspname, n.nspacl
	FROM pg_catalog.pg_namespace n
	WHERE n.oid = coalesce((SELECT extnamespace FROM ext), 'public'::pg_catalog.regnamespace)
	   OR n.nspname = 'hotel_agent'
), rels AS (
	SELECT c.oid, s.nspname, c.relname, c.relkind, c.relpersistence, c.relacl,
		   c.relrowsecurity, c.relforcerowsecurity, c.reloptions
	FROM pg_catalog.pg_class c JOIN schemas s ON s.oid = c.relnamespace
	WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
), procs AS (
	SELECT p.*, s.nspname
	FROM pg_catalog.pg_proc p JOIN schemas s ON s.oid = p.pronamespace
)
SELECT schema_name, kind, line FROM (
	SELECT nspname AS schema_name, 'schema' AS kind, pg_catalog.format('schema %s', nspname) AS line
	FROM schemas
	UNION ALL
	SELECT nspname, 'acl', pg_catalog.format('acl schema %s: %s', nspname, nspacl)
	FROM schemas WHERE nspname = 'hotel_agent'
	UNION ALL
	SELECT nspname, 'comment', pg_catalog.format('comment on schema %s: %s', nspname,
		pg_catalog.obj_description(oid, 'pg_namespace'))
	FROM schemas WHERE pg_catalog.obj_description(oid, 'pg_namespace') IS NOT NULL
	UNION ALL
	SELECT nspname, 'relation', pg_catalog.format('relation %s.%s kind=%s persistence=%s options=%s',
		nspname, relname, relkind, relpersistence, reloptions)
	FROM rels
	UNION ALL
	SELECT nspname, 'rls', pg_catalog.format('rls %s.%s enabled=%s forced=%s',
		nspname, relname, relrowsecurity, relforcerowsecurity)
	FROM rels WHERE relkind IN ('r', 'p')
	UNION ALL
	SELECT nspname, 'acl', pg_catalog.format('acl %s.%s: %s', nspname, relname, relacl)
	FROM rels WHERE relacl IS NOT NULL
	UNION ALL
	SELECT r.nspname, 'column', pg_catalog.format('column %s.%s.%s #%s %s %s default=%s collation=%s acl=%s',
		r.nspname, r.relname, a.attname, a.attnum,
		pg_catalog.format_type(a.atttypid, a.atttypmod),
		CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
		pg_catalog.pg_get_expr(d.adbin, d.adrelid),
		CASE WHEN a.attcollation <> 0 THEN a.attcollation::pg_catalog.regcollation::text END,
		a.attacl)
	FROM rels r
	JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
	UNION ALL
	SELECT r.nspname, 'constraint', pg_catalog.format('constraint %s.%s.%s %s deferrable=%s deferred=%s',
		r.nspname, r.relname, con.conname, pg_catalog.pg_get_constraintdef(con.oid),
		con.condeferrable, con.condeferred)
	FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
	UNION ALL
	SELECT r.nspname, 'index', pg_catalog.format('index %s', pg_catalog.pg_get_indexdef(i.indexrelid))
	FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
	UNION ALL
	SELECT r.nspname, 'sequence', pg_catalog.format('sequence %s.%s %s start=%s inc=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
		r.nspname, r.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
		s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
		(SELECT t.relname || '.' || a.attname
		 FROM pg_catalog.pg_depend dep
		 JOIN pg_catalog.pg_class t ON t.oid = dep.refobjid
		 JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
		 WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		   AND dep.objid = r.oid AND dep.deptype IN ('a', 'i')
		   AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass))
	FROM rels r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid
	UNION ALL
	SELECT r.nspname, 'trigger', pg_catalog.format('trigger %s enabled=%s',
		pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled)
	FROM rels r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
	UNION ALL
	SELECT r.nspname, 'view', pg_catalog.format('view %s.%s: %s', r.nspname, r.relname,
		pg_catalog.pg_get_viewdef(r.oid))
	FROM rels r WHERE r.relkind IN ('v', 'm')
	UNION ALL
	SELECT r.nspname, 'policy', pg_catalog.format('policy %s.%s.%s cmd=%s permissive=%s roles=%s using=%s check=%s',
		r.nspname, r.relname, pol.polname, pol.polcmd, pol.polpermissive,
		(SELECT pg_catalog.array_agg(CASE WHEN x = 0 THEN 'public' ELSE x::pg_catalog.regrole::text END ORDER BY 1)
		 FROM pg_catalog.unnest(pol.polroles) x),
		pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
		pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid))
	FROM rels r JOIN pg_catalog.pg_policy pol ON pol.polrelid = r.oid
	UNION ALL
	SELECT r.nspname, 'comment', pg_catalog.format('comment on %s.%s: %s', r.nspname, r.relname,
		pg_catalog.obj_description(r.oid, 'pg_class'))
	FROM rels r WHERE pg_catalog.obj_description(r.oid, 'pg_class') IS NOT NULL
	UNION ALL
	SELECT r.nspname, 'comment', pg_catalog.format('comment on column %s.%s.%s: %s', r.nspname, r.relname,
		a.attname, pg_catalog.col_description(r.oid, a.attnum))
	FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0
	WHERE pg_catalog.col_description(r.oid, a.attnum) IS NOT NULL
	UNION ALL
	SELECT r.nspname, 'comment', pg_catalog.format('comment on constraint %s.%s.%s: %s', r.nspname, r.relname,
		con.conname, pg_catalog.obj_description(con.oid, 'pg_constraint'))
	FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
	WHERE pg_catalog.obj_description(con.oid, 'pg_constraint') IS NOT NULL
	UNION ALL
	SELECT nspname, 'function', pg_catalog.format(
		'function %s.%s(%s) args=(%s) returns %s kind=%s language=%s volatility=%s strict=%s parallel=%s security_definer=%s leakproof=%s cost=%s rows=%s config=%s body_md5=%s',
		nspname, proname, pg_catalog.pg_get_function_identity_arguments(oid),
		pg_catalog.pg_get_function_arguments(oid),
		pg_catalog.pg_get_function_result(oid), prokind,
		(SELECT l.lanname FROM pg_catalog.pg_language l WHERE l.oid = prolang),
		provolatile, proisstrict, proparallel, prosecdef, proleakproof, procost, prorows,
		proconfig, pg_catalog.md5(prosrc))
	FROM procs
	UNION ALL
	SELECT nspname, 'acl', pg_catalog.format('acl function %s.%s(%s): %s', nspname, proname,
		pg_catalog.pg_get_function_identity_arguments(oid), proacl)
	FROM procs
	UNION ALL
	SELECT nspname, 'comment', pg_catalog.format('comment on function %s.%s(%s): %s', nspname, proname,
		pg_catalog.pg_get_function_identity_arguments(oid), pg_catalog.obj_description(oid, 'pg_proc'))
	FROM procs WHERE pg_catalog.obj_description(oid, 'pg_proc') IS NOT NULL
	UNION ALL
	SELECT n.nspname, 'config', pg_catalog.format('config %s.%s condition=%L', n.nspname, c.relname,
		e.extcondition[cfg.i])
	FROM ext e, pg_catalog.generate_subscripts(e.extconfig, 1) AS cfg(i)
	JOIN pg_catalog.pg_class c ON c.oid = (SELECT e2.extconfig[cfg.i] FROM ext e2)
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	UNION ALL
	SELECT NULL, 'member', pg_catalog.format('member %s',
		pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid))
	FROM ext e JOIN pg_catalog.pg_depend d
	  ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
	 AND d.refobjid = e.oid AND d.deptype = 'e'
) facts;
