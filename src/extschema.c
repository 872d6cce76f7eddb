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
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "hotel_agent.h"

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

Oid
hotel_agent_table_oid(const char *relname)
{
	char	   *qualified = hotel_agent_qualified_table(relname);
	RangeVar   *rv = makeRangeVarFromNameList(stringToQualifiedNameList(qualified));

	return RangeVarGetRelid(rv, NoLock, false);
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
