-- Describes every object of schema public as sorted text lines: tables,
-- columns (type, nullability, default), constraints, indexes, sequences,
-- triggers, functions and every comment. Two databases have the same
-- canonical schema exactly when their lines are equal. Used by
-- test/sql/01_catalog.sql; creates the temporary view catalog_lines.
CREATE TEMP VIEW catalog_lines AS
WITH rels AS (
	SELECT c.oid, c.relname, c.relkind, c.relpersistence
	FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'public'
)
SELECT line FROM (
	SELECT format('relation %s kind=%s persistence=%s', relname, relkind, relpersistence) AS line
	FROM rels
	UNION ALL
	SELECT format('column %s.%s #%s %s %s default=%s', r.relname, a.attname, a.attnum,
				  pg_catalog.format_type(a.atttypid, a.atttypmod),
				  CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
				  pg_catalog.pg_get_expr(d.adbin, d.adrelid))
	FROM rels r
	JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE r.relkind = 'r'
	UNION ALL
	SELECT format('constraint %s.%s %s', r.relname, con.conname, pg_catalog.pg_get_constraintdef(con.oid))
	FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
	UNION ALL
	SELECT format('index %s', pg_catalog.pg_get_indexdef(i.indexrelid))
	FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
	UNION ALL
	SELECT format('sequence %s %s start=%s inc=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
				  r.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
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
	SELECT format('trigger %s', pg_catalog.pg_get_triggerdef(t.oid))
	FROM rels r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
	-- Triggers the extension adds (their functions live in schema hotel_agent,
	-- e.g. the password-history pruning) are not part of the canonical DDL.
	WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc tp
					  JOIN pg_catalog.pg_namespace tn ON tn.oid = tp.pronamespace
					  WHERE tp.oid = t.tgfoid AND tn.nspname = 'hotel_agent')
	UNION ALL
	SELECT format('function %s', pg_catalog.pg_get_functiondef(p.oid))
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'public'
	UNION ALL
	SELECT format('comment on %s %s: %s', r.relkind, r.relname, pg_catalog.obj_description(r.oid, 'pg_class'))
	FROM rels r WHERE pg_catalog.obj_description(r.oid, 'pg_class') IS NOT NULL
	UNION ALL
	SELECT format('comment on column %s.%s: %s', r.relname, a.attname, pg_catalog.col_description(r.oid, a.attnum))
	FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0
	WHERE pg_catalog.col_description(r.oid, a.attnum) IS NOT NULL
	UNION ALL
	SELECT format('comment on constraint %s.%s: %s', r.relname, con.conname, pg_catalog.obj_description(con.oid, 'pg_constraint'))
	FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
	WHERE pg_catalog.obj_description(con.oid, 'pg_constraint') IS NOT NULL
	UNION ALL
	SELECT format('comment on function %s: %s', p.proname, pg_catalog.obj_description(p.oid, 'pg_proc'))
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'public' AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NOT NULL
) lines;
