/*-------------------------------------------------------------------------
 *
 * extschema.c
 *	  Where the extension's tables live, looked up at run time.
 *
 * The tables are created in the schema given to CREATE EXTENSION (by
 * default public), so C code must not assume a schema: it asks here.  The
 * answer is cached per backend and forgotten whenever any schema is created,
 * renamed or dropped (DROP EXTENSION drops the schema hotel_agent, so a
 * re-created extension is always looked up afresh).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "storage/lmgr.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "extschema.h"

static char *tables_schema = NULL;	/* quoted name, in TopMemoryContext */
static uint64 schema_generation = 1;
static bool callback_registered = false;

/*
 * The schema of an extension (get_extension_schema() is not exported before
 * PostgreSQL 16).
 */
static Oid
extension_schema(Oid extoid)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			nspoid = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		nspoid = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nspoid;
}

static void
forget_tables_schema(Datum arg, int cacheid, uint32 hashvalue)
{
	if (tables_schema != NULL)
	{
		pfree(tables_schema);
		tables_schema = NULL;
		schema_generation++;
	}
}

const char *
hotel_agent_tables_schema(void)
{
	Oid			extoid;
	Oid			nspoid;
	char	   *nspname;

	if (tables_schema != NULL)
		return tables_schema;

	if (!callback_registered)
	{
		CacheRegisterSyscacheCallback(NAMESPACEOID, forget_tables_schema,
									  (Datum) 0);
		callback_registered = true;
	}

	extoid = get_extension_oid("hotel_agent", true);
	if (!OidIsValid(extoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"hotel_agent\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION hotel_agent.")));
	nspoid = extension_schema(extoid);
	nspname = OidIsValid(nspoid) ? get_namespace_name(nspoid) : NULL;
	if (nspname == NULL)
		elog(ERROR, "could not find the schema of extension \"hotel_agent\"");

	tables_schema = MemoryContextStrdup(TopMemoryContext,
										quote_identifier(nspname));
	return tables_schema;
}

char *
hotel_agent_qualified_table(const char *relname)
{
	const char *schema = hotel_agent_tables_schema();

	return psprintf("%s.%s", schema, quote_identifier(relname));
}

uint64
hotel_agent_schema_generation(void)
{
	return schema_generation;
}

SPIPlanPtr
hotel_agent_schema_plan(ExtSchemaPlan *cache, const char *query, int nargs,
						Oid *argtypes)
{
	static const char placeholder[] = "@extschema@";
	const char *schema = hotel_agent_tables_schema();
	StringInfoData sql;
	const char *p;
	const char *hit;
	SPIPlanPtr	plan;

	if (cache->plan != NULL && cache->generation == schema_generation)
		return cache->plan;
	if (cache->plan != NULL)
	{
		SPI_freeplan(cache->plan);
		cache->plan = NULL;
	}

	initStringInfo(&sql);
	for (p = query; (hit = strstr(p, placeholder)) != NULL;
		 p = hit + sizeof(placeholder) - 1)
	{
		appendBinaryStringInfo(&sql, p, hit - p);
		appendStringInfoString(&sql, schema);
	}
	appendStringInfoString(&sql, p);

	plan = SPI_prepare(sql.data, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	pfree(sql.data);

	cache->plan = plan;
	cache->generation = schema_generation;
	return plan;
}

AttrNumber
hotel_agent_column(Oid relid, const char *attname)
{
	AttrNumber	attnum = get_attnum(relid, attname);

	if (attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						attname, get_rel_name(relid)),
				 errdetail("The hotel_agent extension needs the canonical columns of its tables.")));
	return attnum;
}

Oid
hotel_agent_btree_index(Relation rel, AttrNumber attnum, Oid keytype, Oid collation,
						bool unique, bool missing_ok)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			result = InvalidOid;

	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index ix = idx->rd_index;

		if ((!unique || (ix->indisunique && ix->indimmediate)) &&
			ix->indisvalid && ix->indisready && ix->indnkeyatts == 1 &&
			ix->indkey.values[0] == attnum &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indexprs, NULL) &&
			idx->rd_rel->relam == BTREE_AM_OID &&
			idx->rd_opcintype[0] == keytype &&
			(!OidIsValid(collation) || idx->rd_indcollation[0] == collation))
			result = RelationGetRelid(idx);
		index_close(idx, NoLock);
		if (OidIsValid(result))
			break;
	}
	list_free(indexes);

	if (!OidIsValid(result) && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation \"%s\" has no %sbtree index on column \"%s\"",
						RelationGetRelationName(rel), unique ? "unique " : "",
						get_attname(RelationGetRelid(rel), attnum, false)),
				 errdetail("The hotel_agent extension needs the canonical indexes and constraints of its tables.")));
	return result;
}

/* ---------------------------------------------------------------------
 * Caches of where the tables are (ExtTables, see extschema.h)
 * ---------------------------------------------------------------------
 */
static ExtTables *all_caches = NULL;
static uint64 table_invalidations = 0;
static bool table_callback_registered = false;

static bool
cache_names(const ExtTables *cache, Oid relid)
{
	for (int i = 0; i < cache->nwatched; i++)
		if (cache->watched[i] == relid)
			return true;
	return false;
}

static void
forget_tables(Datum arg, Oid relid)
{
	for (ExtTables *cache = all_caches; cache != NULL; cache = cache->next)
	{
		if (relid == InvalidOid || cache_names(cache, relid))
		{
			cache->valid = false;
			table_invalidations++;
		}
	}
}

void
hotel_agent_tables_watch(ExtTables *cache, Oid relid)
{
	if (cache->nwatched >= EXT_WATCH_MAX)
		elog(ERROR, "too many relations watched by one table cache");
	cache->watched[cache->nwatched++] = relid;
}

/*
 * The OID of the extension's table relname, locked: RangeVarGetRelid()
 * looks the name up again when a concurrent rename or drop got in first.
 */
static Oid
lock_table_by_name(const char *relname, LOCKMODE lockmode)
{
	char	   *qualified = hotel_agent_qualified_table(relname);
	RangeVar   *rv;

	/* PostgreSQL 16 added the soft-error context (NULL: errors are thrown) */
#if PG_VERSION_NUM >= 160000
	rv = makeRangeVarFromNameList(stringToQualifiedNameList(qualified, NULL));
#else
	rv = makeRangeVarFromNameList(stringToQualifiedNameList(qualified));
#endif

	return RangeVarGetRelid(rv, lockmode, false);
}

void
hotel_agent_tables_ensure(ExtTables *cache)
{
	/* looks the schema up if it was forgotten, which moves the generation */
	(void) hotel_agent_tables_schema();
	if (cache->valid && cache->generation == schema_generation)
		return;

	if (!table_callback_registered)
	{
		CacheRegisterRelcacheCallback(forget_tables, (Datum) 0);
		table_callback_registered = true;
	}
	if (!cache->registered)
	{
		cache->next = all_caches;
		all_caches = cache;
		cache->registered = true;
	}

	for (;;)
	{
		uint64		seen = table_invalidations;
		Relation	rels[EXT_TABLES_MAX];

		(void) hotel_agent_tables_schema();
		cache->valid = false;
		cache->generation = schema_generation;
		cache->nwatched = 0;
		for (int i = 0; i < cache->ntables; i++)
		{
			cache->relids[i] = lock_table_by_name(cache->names[i], AccessShareLock);
			hotel_agent_tables_watch(cache, cache->relids[i]);
			rels[i] = table_open(cache->relids[i], NoLock);
		}
		cache->fill(cache, rels);
		/* the locks are kept until the end of the transaction */
		for (int i = 0; i < cache->ntables; i++)
			table_close(rels[i], NoLock);

		if (seen == table_invalidations && tables_schema != NULL &&
			cache->generation == schema_generation)
			break;
	}
	cache->valid = true;
}

void
hotel_agent_tables_lock(ExtTables *cache, LOCKMODE lockmode)
{
	for (;;)
	{
		Oid			locked[EXT_TABLES_MAX];
		bool		same = true;

		hotel_agent_tables_ensure(cache);
		for (int i = 0; i < cache->ntables; i++)
		{
			locked[i] = cache->relids[i];
			LockRelationOid(locked[i], lockmode);
		}
		/* the locks may have brought invalidations: fill again if so */
		hotel_agent_tables_ensure(cache);
		for (int i = 0; i < cache->ntables; i++)
			same = same && cache->relids[i] == locked[i];
		if (same)
			return;
	}
}

static bool
column_type_is(Relation rel, AttrNumber attnum, Oid type1, Oid type2)
{
	Form_pg_attribute attr = TupleDescAttr(RelationGetDescr(rel), attnum - 1);

	return !attr->attisdropped &&
		(attr->atttypid == type1 || attr->atttypid == type2);
}

bool
hotel_agent_column_is_text(Relation rel, AttrNumber attnum)
{
	return column_type_is(rel, attnum, TEXTOID, VARCHAROID);
}

bool
hotel_agent_column_is_int4(Relation rel, AttrNumber attnum)
{
	return column_type_is(rel, attnum, INT4OID, INT4OID);
}

void
hotel_agent_trigger_misuse(const char *function, Relation rel, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("trigger function %s() cannot run on relation \"%s\"",
					function, RelationGetRelationName(rel)),
			 errdetail_internal("%s", detail),
			 errhint("Only the triggers that CREATE EXTENSION hotel_agent creates may call this function.")));
}

char *
hotel_agent_quote_input(const char *input, size_t len)
{
	int			cut = pg_mbcliplen(input, (int) Min(len, (size_t) INT_MAX),
								   HOTEL_AGENT_QUOTE_MAX);
	char	   *quoted = palloc(cut + 4);

	for (int i = 0; i < cut; i++)
	{
		unsigned char c = (unsigned char) input[i];

		quoted[i] = (c < 0x20 || c == 0x7f) ? '?' : (char) c;
	}
	strcpy(quoted + cut, (size_t) cut < len ? "..." : "");
	return quoted;
}
