/*-------------------------------------------------------------------------
 *
 * tenant.c
 *	  Tenant resolution: "which hotel is this guest writing to?"
 *
 * Identifiers are stored normalised (a BEFORE trigger on
 * tenant_user_identifiers), so a lookup is: normalise the raw input, probe
 * the unique index on identifier with the canonical key and then with its
 * alias forms (phone_match_keys()), and read the owning tenant through its
 * primary key.  The first key with a row decides: when that row's tenant
 * is not active the answer is NULL, never another tenant found through a
 * later alias.
 *
 * The probes are direct index scans on the tables of the extension's
 * schema (looked up at run time, cached per backend and forgotten on any
 * relcache invalidation of the tables or their indexes): resolve_tenant()
 * runs for every incoming message, and the direct probes take about half
 * the time of the same lookups as cached SPI plans (measured per call over
 * 60,000 numbers; test/bench/tenant_bench.sh compares the whole call with
 * the bare SQL join).
 * Index scans bypass the executor's permission checks and row level
 * security, so the direct path is taken only when the current user may
 * SELECT from both tables and neither has row level security enabled for
 * them; otherwise the same probes run as SPI queries, where the executor
 * applies privileges and policies.
 *
 * Nothing here writes, so resolution works on a hot standby.
 *
 * Business hours (tenant_is_open(), open_now of resolve_tenant_info())
 * are computed here too: the local hour of a timestamptz in the tenant's
 * IANA time zone.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "e164.h"
#include "hotel_agent.h"

/*
 * Where the two tables are, per backend.  Valid while the extension's
 * schema is the one seen when it was filled (hotel_agent_schema_generation)
 * and no relcache invalidation touched one of the relations below.
 */
typedef struct TenantTables
{
	bool		valid;
	uint64		generation;

	Oid			ident_rel;		/* tenant_user_identifiers */
	Oid			ident_key_idx;	/* unique index on (identifier) */
	AttrNumber	ident_id_att;
	AttrNumber	ident_tenant_att;
	AttrNumber	ident_identifier_att;

	Oid			tenant_rel;		/* tenants */
	Oid			tenant_pk_idx;	/* unique index on (id) */
	Oid			tenant_slug_idx;	/* unique index on (tenant_id) */
	AttrNumber	t_id_att;
	AttrNumber	t_slug_att;
	AttrNumber	t_name_att;
	AttrNumber	t_status_att;
	AttrNumber	t_start_att;
	AttrNumber	t_end_att;
	AttrNumber	t_tz_att;

} TenantTables;

static TenantTables tables;
static uint64 tables_invalidations = 0;
static bool relcache_callback_registered = false;

/* One tenants row, copied out of the table. */
typedef struct TenantRow
{
	int32		pk;
	char	   *slug;
	char	   *name;
	char	   *status;
	bool		start_null;
	int32		start;
	bool		end_null;
	int32		end;
	char	   *tz;				/* NULL when the column is NULL */
} TenantRow;

/* One tenant_user_identifiers row. */
typedef struct IdentifierRow
{
	int32		id;
	int32		tenant_pk;
	char	   *identifier;
} IdentifierRow;

/*
 * A lookup in progress: either direct index scans (relations opened on
 * first use, kept until lookup_end) or SPI queries.
 */
typedef struct Lookup
{
	bool		direct;
	Snapshot	snapshot;		/* registered by us, or NULL: the active one */
	MemoryContext outer;		/* where results are copied */

	Relation	ident_rel;
	Relation	ident_idx;
	TupleTableSlot *ident_slot;
	Relation	tenant_rel;
	Relation	tenant_pk_idx;
	Relation	tenant_slug_idx;
	TupleTableSlot *tenant_slot;

	bool		spi_connected;
} Lookup;

#define TENANT_ACTIVE "active"

static void
tenant_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid ||
		relid == tables.ident_rel || relid == tables.ident_key_idx ||
		relid == tables.tenant_rel || relid == tables.tenant_pk_idx ||
		relid == tables.tenant_slug_idx)
	{
		tables.valid = false;
		tables_invalidations++;
	}
}

/*
 * Fills the cache of where the tables are, unless it is still valid.  Each
 * table's columns and indexes are read with the table locked, and
 * everything is read again if an invalidation arrived meanwhile.
 */
static void
tenant_tables_ensure(void)
{
	/* looks the schema up if it was forgotten, which moves the generation */
	(void) hotel_agent_tables_schema();
	if (tables.valid && tables.generation == hotel_agent_schema_generation())
		return;

	if (!relcache_callback_registered)
	{
		CacheRegisterRelcacheCallback(tenant_relcache_callback, (Datum) 0);
		relcache_callback_registered = true;
	}

	for (;;)
	{
		uint64		seen = tables_invalidations;
		Relation	rel;

		tables.generation = hotel_agent_schema_generation();

		tables.ident_rel = hotel_agent_table_oid("tenant_user_identifiers");
		rel = table_open(tables.ident_rel, AccessShareLock);
		tables.ident_id_att = hotel_agent_column(tables.ident_rel, "id");
		tables.ident_tenant_att = hotel_agent_column(tables.ident_rel, "tenant_id");
		tables.ident_identifier_att = hotel_agent_column(tables.ident_rel, "identifier");
		tables.ident_key_idx = hotel_agent_btree_index(rel, tables.ident_identifier_att,
													   TEXTOID, InvalidOid, true, false);
		table_close(rel, NoLock);

		tables.tenant_rel = hotel_agent_table_oid("tenants");
		rel = table_open(tables.tenant_rel, AccessShareLock);
		tables.t_id_att = hotel_agent_column(tables.tenant_rel, "id");
		tables.t_slug_att = hotel_agent_column(tables.tenant_rel, "tenant_id");
		tables.t_name_att = hotel_agent_column(tables.tenant_rel, "name");
		tables.t_status_att = hotel_agent_column(tables.tenant_rel, "status");
		tables.t_start_att = hotel_agent_column(tables.tenant_rel, "business_hours_start");
		tables.t_end_att = hotel_agent_column(tables.tenant_rel, "business_hours_end");
		tables.t_tz_att = hotel_agent_column(tables.tenant_rel, "business_hours_timezone");
		tables.tenant_pk_idx = hotel_agent_btree_index(rel, tables.t_id_att, INT4OID, InvalidOid, true, false);
		tables.tenant_slug_idx = hotel_agent_btree_index(rel, tables.t_slug_att, TEXTOID, InvalidOid, true, false);
		table_close(rel, NoLock);

		if (seen == tables_invalidations)
			break;
	}
	tables.valid = true;
}

/*
 * May the direct index scans answer for the current user?  Only when a
 * plain SELECT on both tables would be allowed and would not be filtered
 * by row level security.
 */
static bool
direct_path_allowed(void)
{
	Oid			userid = GetUserId();

	return pg_class_aclcheck(tables.ident_rel, userid, ACL_SELECT) == ACLCHECK_OK &&
		pg_class_aclcheck(tables.tenant_rel, userid, ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(tables.ident_rel, InvalidOid, true) != RLS_ENABLED &&
		check_enable_rls(tables.tenant_rel, InvalidOid, true) != RLS_ENABLED;
}

/*
 * SPI plans of the checked path, prepared on first use (every name and
 * operator qualified: no SET search_path clause on these functions).
 */
#define TENANT_COLUMNS \
	"t.id, t.tenant_id::pg_catalog.text, t.name::pg_catalog.text," \
	" t.status::pg_catalog.text, t.business_hours_start, t.business_hours_end," \
	" t.business_hours_timezone::pg_catalog.text"
static ExtSchemaPlan ident_plan;
static ExtSchemaPlan tenant_pk_plan;
static ExtSchemaPlan tenant_slug_plan;
static Oid	text_argtype[1] = {TEXTOID};
static Oid	int4_argtype[1] = {INT4OID};

static SPIPlanPtr
ident_plan_get(void)
{
	return hotel_agent_schema_plan(&ident_plan,
								   "SELECT i.id, i.tenant_id, i.identifier::pg_catalog.text"
								   " FROM @extschema@.tenant_user_identifiers i"
								   " WHERE i.identifier OPERATOR(pg_catalog.=) $1",
								   1, text_argtype);
}

static SPIPlanPtr
tenant_plan_get(bool by_slug)
{
	if (by_slug)
		return hotel_agent_schema_plan(&tenant_slug_plan,
									   "SELECT " TENANT_COLUMNS " FROM @extschema@.tenants t"
									   " WHERE t.tenant_id OPERATOR(pg_catalog.=) $1",
									   1, text_argtype);
	return hotel_agent_schema_plan(&tenant_pk_plan,
								   "SELECT " TENANT_COLUMNS " FROM @extschema@.tenants t"
								   " WHERE t.id OPERATOR(pg_catalog.=) $1",
								   1, int4_argtype);
}

/*
 * Starts a lookup.  latest: see every committed row (the trigger's
 * duplicate check, which must agree with the unique index); otherwise the
 * calling query's snapshot (STABLE functions).
 */
static void
lookup_begin(Lookup *lk, bool latest)
{
	tenant_tables_ensure();

	memset(lk, 0, sizeof(Lookup));
	lk->outer = CurrentMemoryContext;
	lk->direct = direct_path_allowed();
	if (latest)
		lk->snapshot = RegisterSnapshot(GetLatestSnapshot());

	if (!lk->direct)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		lk->spi_connected = true;
	}
}

static void
lookup_end(Lookup *lk)
{
	if (lk->ident_slot)
		ExecDropSingleTupleTableSlot(lk->ident_slot);
	if (lk->tenant_slot)
		ExecDropSingleTupleTableSlot(lk->tenant_slot);
	/* locks are kept until the end of the transaction, as the executor does */
	if (lk->ident_idx)
		index_close(lk->ident_idx, NoLock);
	if (lk->ident_rel)
		table_close(lk->ident_rel, NoLock);
	if (lk->tenant_pk_idx)
		index_close(lk->tenant_pk_idx, NoLock);
	if (lk->tenant_slug_idx)
		index_close(lk->tenant_slug_idx, NoLock);
	if (lk->tenant_rel)
		table_close(lk->tenant_rel, NoLock);
	if (lk->snapshot)
		UnregisterSnapshot(lk->snapshot);
	if (lk->spi_connected)
		SPI_finish();
}

static Snapshot
lookup_snapshot(Lookup *lk)
{
	return lk->snapshot ? lk->snapshot : GetActiveSnapshot();
}

/*
 * One probe of a unique index: the visible row of rel whose key column
 * equals key, stored into slot.  Returns false when there is none.
 */
static bool
probe_unique(Lookup *lk, Relation rel, Relation idx, RegProcedure eqproc,
			 Datum key, TupleTableSlot *slot)
{
	ScanKeyData skey;
	IndexScanDesc scan;
	bool		found;

	ScanKeyInit(&skey, 1, BTEqualStrategyNumber, eqproc, key);
	skey.sk_collation = idx->rd_indcollation[0];
	scan = index_beginscan(rel, idx, lookup_snapshot(lk), 1, 0);
	index_rescan(scan, &skey, 1, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	index_endscan(scan);
	return found;
}

static char *
copy_text(Lookup *lk, Datum d)
{
	MemoryContext old = MemoryContextSwitchTo(lk->outer);
	char	   *s = TextDatumGetCString(d);

	MemoryContextSwitchTo(old);
	return s;
}

/* Runs a kept plan with one argument, on the lookup's snapshot. */
static bool
spi_probe(Lookup *lk, SPIPlanPtr plan, Datum arg)
{
	int			rc;

	if (lk->snapshot)
		rc = SPI_execute_snapshot(plan, &arg, NULL, lk->snapshot,
								  InvalidSnapshot, true, false, 1);
	else
		rc = SPI_execute_plan(plan, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "tenant lookup failed: %s", SPI_result_code_string(rc));
	return SPI_processed > 0;
}

/* The identifier row stored under key (a canonical key), if any. */
static bool
lookup_identifier(Lookup *lk, const char *key, IdentifierRow *out)
{
	Datum		keyd = PointerGetDatum(cstring_to_text(key));
	bool		isnull;

	if (lk->direct)
	{
		TupleTableSlot *slot;

		if (lk->ident_rel == NULL)
		{
			lk->ident_rel = table_open(tables.ident_rel, AccessShareLock);
			lk->ident_idx = index_open(tables.ident_key_idx, AccessShareLock);
			lk->ident_slot = table_slot_create(lk->ident_rel, NULL);
		}
		slot = lk->ident_slot;
		if (!probe_unique(lk, lk->ident_rel, lk->ident_idx, F_TEXTEQ, keyd, slot))
			return false;
		out->id = DatumGetInt32(slot_getattr(slot, tables.ident_id_att, &isnull));
		out->tenant_pk = DatumGetInt32(slot_getattr(slot, tables.ident_tenant_att, &isnull));
		out->identifier = copy_text(lk, slot_getattr(slot, tables.ident_identifier_att, &isnull));
		ExecClearTuple(slot);
		return true;
	}
	else
	{
		HeapTuple	tup;
		TupleDesc	desc;

		if (!spi_probe(lk, ident_plan_get(), keyd))
			return false;
		tup = SPI_tuptable->vals[0];
		desc = SPI_tuptable->tupdesc;
		out->id = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		out->tenant_pk = DatumGetInt32(SPI_getbinval(tup, desc, 2, &isnull));
		out->identifier = copy_text(lk, SPI_getbinval(tup, desc, 3, &isnull));
		return true;
	}
}

/* A tenants row by primary key (by_slug false) or by slug. */
static bool
lookup_tenant(Lookup *lk, bool by_slug, int32 pk, const char *slug, TenantRow *out)
{
	Datum		keyd = by_slug ? PointerGetDatum(cstring_to_text(slug)) : Int32GetDatum(pk);
	Datum		d;
	bool		isnull;

	if (lk->direct)
	{
		TupleTableSlot *slot;
		Relation	idx;

		if (lk->tenant_rel == NULL)
		{
			lk->tenant_rel = table_open(tables.tenant_rel, AccessShareLock);
			lk->tenant_slot = table_slot_create(lk->tenant_rel, NULL);
		}
		if (by_slug)
		{
			if (lk->tenant_slug_idx == NULL)
				lk->tenant_slug_idx = index_open(tables.tenant_slug_idx, AccessShareLock);
			idx = lk->tenant_slug_idx;
		}
		else
		{
			if (lk->tenant_pk_idx == NULL)
				lk->tenant_pk_idx = index_open(tables.tenant_pk_idx, AccessShareLock);
			idx = lk->tenant_pk_idx;
		}
		slot = lk->tenant_slot;
		if (!probe_unique(lk, lk->tenant_rel, idx, by_slug ? F_TEXTEQ : F_INT4EQ,
						  keyd, slot))
			return false;

		out->pk = DatumGetInt32(slot_getattr(slot, tables.t_id_att, &isnull));
		out->slug = copy_text(lk, slot_getattr(slot, tables.t_slug_att, &isnull));
		out->name = copy_text(lk, slot_getattr(slot, tables.t_name_att, &isnull));
		out->status = copy_text(lk, slot_getattr(slot, tables.t_status_att, &isnull));
		out->start = DatumGetInt32(slot_getattr(slot, tables.t_start_att, &out->start_null));
		out->end = DatumGetInt32(slot_getattr(slot, tables.t_end_att, &out->end_null));
		d = slot_getattr(slot, tables.t_tz_att, &isnull);
		out->tz = isnull ? NULL : copy_text(lk, d);
		ExecClearTuple(slot);
		return true;
	}
	else
	{
		HeapTuple	tup;
		TupleDesc	desc;

		if (!spi_probe(lk, tenant_plan_get(by_slug), keyd))
			return false;
		tup = SPI_tuptable->vals[0];
		desc = SPI_tuptable->tupdesc;
		out->pk = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		out->slug = copy_text(lk, SPI_getbinval(tup, desc, 2, &isnull));
		out->name = copy_text(lk, SPI_getbinval(tup, desc, 3, &isnull));
		out->status = copy_text(lk, SPI_getbinval(tup, desc, 4, &isnull));
		out->start = DatumGetInt32(SPI_getbinval(tup, desc, 5, &out->start_null));
		out->end = DatumGetInt32(SPI_getbinval(tup, desc, 6, &out->end_null));
		d = SPI_getbinval(tup, desc, 7, &isnull);
		out->tz = isnull ? NULL : copy_text(lk, d);
		return true;
	}
}

/*
 * The keys to try for a canonical key, best first: for a phone number the
 * E.164 form and its alias forms, for an e-mail the address itself.
 */
static int
match_keys(const char *key, char keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE],
		   const char **out)
{
	int			n = 0;

	if (key[0] == '+')
		n = e164_match_keys(key, keys);
	if (n == 0)
	{
		out[0] = key;
		return 1;
	}
	for (int i = 0; i < n; i++)
		out[i] = keys[i];
	return n;
}

/*
 * Resolution of a raw identifier.  Returns false when the identifier is
 * NULL, not valid, or not stored under any of its keys; otherwise fills
 * ident and tenant (found_tenant false if the identifier's tenant row is
 * not visible) and *matched_key.  Whether the tenant is active is for the
 * caller to judge.  Raises only for an unknown region.
 */
static bool
resolve(FunctionCallInfo fcinfo, IdentifierRow *ident, TenantRow *tenant,
		bool *found_tenant, const char **matched_key)
{
	text	   *raw;
	char		regionbuf[3];
	const char *region = NULL;
	char	   *key;
	char		keybuf[E164_MAX_MATCH_KEYS][E164_BUFSIZE];
	const char *keys[E164_MAX_MATCH_KEYS];
	int			nkeys;
	Lookup		lk;
	bool		found = false;

	if (PG_ARGISNULL(0))
		return false;
	raw = PG_GETARG_TEXT_PP(0);
	if (!PG_ARGISNULL(1))
	{
		text	   *region_arg = PG_GETARG_TEXT_PP(1);

		/* A bad region is the caller's bug: 22023, as normalize_identifier() */
		region = identifier_region_or_error(VARDATA_ANY(region_arg),
											VARSIZE_ANY_EXHDR(region_arg),
											regionbuf);
	}

	key = identifier_try_normalize(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw), region);
	if (key == NULL)
		return false;
	nkeys = match_keys(key, keybuf, keys);

	lookup_begin(&lk, false);
	for (int i = 0; i < nkeys && !found; i++)
	{
		if (lookup_identifier(&lk, keys[i], ident))
		{
			found = true;
			*matched_key = ident->identifier;
		}
	}
	if (found)
		*found_tenant = lookup_tenant(&lk, false, ident->tenant_pk, NULL, tenant);
	lookup_end(&lk);
	return found;
}

/* hotel_agent.resolve_tenant(identifier text, default_region text DEFAULT NULL) RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_resolve_tenant);
Datum
hotel_agent_resolve_tenant(PG_FUNCTION_ARGS)
{
	IdentifierRow ident;
	TenantRow	tenant;
	bool		found_tenant = false;
	const char *matched_key;

	if (!resolve(fcinfo, &ident, &tenant, &found_tenant, &matched_key) ||
		!found_tenant || strcmp(tenant.status, TENANT_ACTIVE) != 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(tenant.slug));
}

/*
 * Is a tenant open at "at"?  Hours are whole local hours 0-23 in the
 * tenant's time zone (NULL: UTC); start <= hour < end, wrapping past
 * midnight when start > end; either bound NULL, or start = end, means
 * open around the clock.
 */
static bool
tenant_open_at(const TenantRow *t, TimestampTz at)
{
	const char *tzname = t->tz ? t->tz : "UTC";
	pg_tz	   *tz;
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (!t->start_null && (t->start < 0 || t->start > 23))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business hours of tenant \"%s\" are out of range", t->slug),
				 errdetail("business_hours_start is %d; hours are whole hours from 0 to 23.",
						   t->start),
				 errhint("Set business_hours_start to an hour from 0 to 23, or to NULL for around the clock.")));
	if (!t->end_null && (t->end < 0 || t->end > 23))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business hours of tenant \"%s\" are out of range", t->slug),
				 errdetail("business_hours_end is %d; hours are whole hours from 0 to 23.",
						   t->end),
				 errhint("Set business_hours_end to an hour from 0 to 23, or to NULL for around the clock.")));

	/* the zone is checked even for a tenant open around the clock */
	tz = pg_tzset(tzname);
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" of tenant \"%s\" is not recognized", tzname, t->slug),
				 errdetail("business_hours_timezone must be an IANA time zone name, such as \"America/Argentina/Buenos_Aires\", or NULL for UTC."),
				 errhint("See the view pg_catalog.pg_timezone_names for the names this server knows.")));

	if (t->start_null || t->end_null || t->start == t->end)
		return true;

	if (TIMESTAMP_NOT_FINITE(at) ||
		timestamp2tm(at, &tzoff, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range"),
				 errdetail("Business hours are only defined for finite timestamps."),
				 errhint("Pass a finite time, or omit it for now().")));

	if (t->start < t->end)
		return tm.tm_hour >= t->start && tm.tm_hour < t->end;
	return tm.tm_hour >= t->start || tm.tm_hour < t->end;
}

/* Output columns of resolve_tenant_info() */
#define RESOLVE_INFO_COLS 9

/* hotel_agent.resolve_tenant_info(identifier text, default_region text DEFAULT NULL) RETURNS SETOF record */
PG_FUNCTION_INFO_V1(hotel_agent_resolve_tenant_info);
Datum
hotel_agent_resolve_tenant_info(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	IdentifierRow ident;
	TenantRow	tenant;
	bool		found_tenant = false;
	const char *matched_key;
	Datum		values[RESOLVE_INFO_COLS];
	bool		nulls[RESOLVE_INFO_COLS];

	InitMaterializedSRF(fcinfo, 0);

	if (!resolve(fcinfo, &ident, &tenant, &found_tenant, &matched_key) ||
		!found_tenant || strcmp(tenant.status, TENANT_ACTIVE) != 0)
		return (Datum) 0;

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int32GetDatum(tenant.pk);
	values[1] = CStringGetTextDatum(tenant.slug);
	values[2] = CStringGetTextDatum(tenant.name);
	values[3] = CStringGetTextDatum(tenant.status);
	values[4] = Int32GetDatum(tenant.start);
	nulls[4] = tenant.start_null;
	values[5] = Int32GetDatum(tenant.end);
	nulls[5] = tenant.end_null;
	values[6] = tenant.tz ? CStringGetTextDatum(tenant.tz) : (Datum) 0;
	nulls[6] = (tenant.tz == NULL);
	values[7] = BoolGetDatum(tenant_open_at(&tenant, GetCurrentTransactionStartTimestamp()));
	values[8] = CStringGetTextDatum(matched_key);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);

	return (Datum) 0;
}

static void
unknown_tenant_error(const char *slug)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("tenant \"%s\" does not exist", slug),
			 errdetail("No row of tenants has tenant_id \"%s\".", slug),
			 errhint("Pass the tenant's slug (tenants.tenant_id), not its numeric id.")));
}

/* hotel_agent.tenant_is_open(tenant_slug text, at timestamptz DEFAULT now()) RETURNS boolean */
PG_FUNCTION_INFO_V1(hotel_agent_tenant_is_open);
Datum
hotel_agent_tenant_is_open(PG_FUNCTION_ARGS)
{
	char	   *slug = text_to_cstring(PG_GETARG_TEXT_PP(0));
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
	Lookup		lk;
	TenantRow	tenant;
	bool		found;

	lookup_begin(&lk, false);
	found = lookup_tenant(&lk, true, 0, slug, &tenant);
	lookup_end(&lk);
	if (!found)
		unknown_tenant_error(slug);

	PG_RETURN_BOOL(tenant_open_at(&tenant, at));
}

/*
 * hotel_agent.normalize_identifier_trigger() RETURNS trigger
 *
 * BEFORE INSERT OR UPDATE FOR EACH ROW on tenant_user_identifiers: stores
 * normalize_identifier(identifier), raising its error for an invalid one.
 * A key that already belongs to another row is reported here, naming the
 * tenant; the unique index uq_identifier stays the arbiter for rows not yet
 * committed (concurrent inserts get its own 23505), for two spellings in
 * one statement, and for users who may not read the tables.
 */
PG_FUNCTION_INFO_V1(hotel_agent_normalize_identifier_trigger);
Datum
hotel_agent_normalize_identifier_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	HeapTuple	newtuple;
	int			attnum;
	int			idattnum;
	Datum		value;
	bool		isnull;
	text	   *raw;
	char	   *key;
	bool		own_id_null = true;
	int32		own_id = 0;
	Lookup		lk;
	IdentifierRow existing;
	TenantRow	owner;
	bool		conflict = false;
	bool		owner_found = false;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("normalize_identifier_trigger() was not called by the trigger manager")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		  TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("normalize_identifier_trigger() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));

	rel = trigdata->tg_relation;
	desc = RelationGetDescr(rel);
	newtuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	attnum = SPI_fnumber(desc, "identifier");
	idattnum = SPI_fnumber(desc, "id");
	if (attnum <= 0 || idattnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("normalize_identifier_trigger() needs columns \"id\" and \"identifier\" in relation \"%s\"",
						RelationGetRelationName(rel))));

	value = heap_getattr(newtuple, attnum, desc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);	/* NOT NULL rejects it */
	raw = DatumGetTextPP(value);

	key = identifier_normalize_or_error(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw), NULL);

	/* an UPDATE may keep its own key */
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		Datum		d = heap_getattr(trigdata->tg_trigtuple, idattnum, desc, &own_id_null);

		if (!own_id_null)
			own_id = DatumGetInt32(d);
	}

	/*
	 * The friendly check reads both tables directly, so it runs only for a
	 * user who may SELECT them without row level security: others (e.g. a
	 * role allowed to INSERT only) get the unique index's own 23505.
	 */
	tenant_tables_ensure();
	if (direct_path_allowed())
	{
		lookup_begin(&lk, true);
		conflict = lookup_identifier(&lk, key, &existing) &&
			(own_id_null || existing.id != own_id);
		if (conflict)
			owner_found = lookup_tenant(&lk, false, existing.tenant_pk, NULL, &owner);
		lookup_end(&lk);
	}

	if (conflict)
	{
		size_t		rawlen = VARSIZE_ANY_EXHDR(raw);
		bool		same = (strlen(key) == rawlen &&
							memcmp(key, VARDATA_ANY(raw), rawlen) == 0);

		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 owner_found ?
				 errmsg("identifier \"%s\" already belongs to tenant \"%s\"", key, owner.slug) :
				 errmsg("identifier \"%s\" already belongs to another tenant", key),
				 same ?
				 errdetail("Key (identifier)=(%s) already exists.", key) :
				 errdetail("Key (identifier)=(%s) already exists; \"%s\" is the same identifier once normalised.",
						   key, text_to_cstring(raw)),
				 errhint("Remove it first with hotel_agent.remove_tenant_identifier() to move it to another tenant."),
				 errtableconstraint(rel, "uq_identifier")));
	}

	if (VARSIZE_ANY_EXHDR(raw) != strlen(key) ||
		memcmp(VARDATA_ANY(raw), key, strlen(key)) != 0)
	{
		Datum		newval = CStringGetTextDatum(key);
		bool		newnull = false;

		newtuple = heap_modify_tuple_by_cols(newtuple, desc, 1, &attnum,
											 &newval, &newnull);
	}
	return PointerGetDatum(newtuple);
}
