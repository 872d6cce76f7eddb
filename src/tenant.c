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
#include "common/hashfn.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "storage/itemptr.h"
#include "storage/lock.h"
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
#include "extschema.h"
#include "identifier.h"
#include "locks.h"

/*
 * Where the two tables are, per backend (an ExtTables cache, extschema.c).
 * direct_ok is false when a column the direct path reads does not have
 * the type it reads (text or varchar, int4) or an index it probes is
 * missing: then every lookup takes the SPI path, whose queries cast.
 */
typedef struct TenantTables
{
	bool		direct_ok;

	Oid			ident_key_idx;	/* unique index on (identifier) */
	AttrNumber	ident_id_att;
	AttrNumber	ident_tenant_att;
	AttrNumber	ident_identifier_att;

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
static void tenant_tables_fill(ExtTables *cache, Relation *rels);
static ExtTables tenant_cache = {
	.ntables = 2,
	.names = {"tenant_user_identifiers", "tenants"},
	.fill = tenant_tables_fill,
};

#define IDENT_REL	(tenant_cache.relids[0])
#define TENANT_REL	(tenant_cache.relids[1])

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
	ItemPointerData tid;
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

/* A unique btree index on one column, watched; InvalidOid when none. */
static Oid
unique_index(ExtTables *cache, Relation rel, AttrNumber attnum, Oid keytype)
{
	Oid			idx = hotel_agent_btree_index(rel, attnum, keytype, InvalidOid,
											  true, true);

	if (OidIsValid(idx))
		hotel_agent_tables_watch(cache, idx);
	return idx;
}

/* Called with both tables open and locked (hotel_agent_tables_ensure). */
static void
tenant_tables_fill(ExtTables *cache, Relation *rels)
{
	Relation	ident = rels[0];
	Relation	tenant = rels[1];
	Oid			ident_oid = RelationGetRelid(ident);
	Oid			tenant_oid = RelationGetRelid(tenant);
	bool		types_ok;

	tables.ident_id_att = hotel_agent_column(ident_oid, "id");
	tables.ident_tenant_att = hotel_agent_column(ident_oid, "tenant_id");
	tables.ident_identifier_att = hotel_agent_column(ident_oid, "identifier");
	tables.t_id_att = hotel_agent_column(tenant_oid, "id");
	tables.t_slug_att = hotel_agent_column(tenant_oid, "tenant_id");
	tables.t_name_att = hotel_agent_column(tenant_oid, "name");
	tables.t_status_att = hotel_agent_column(tenant_oid, "status");
	tables.t_start_att = hotel_agent_column(tenant_oid, "business_hours_start");
	tables.t_end_att = hotel_agent_column(tenant_oid, "business_hours_end");
	tables.t_tz_att = hotel_agent_column(tenant_oid, "business_hours_timezone");

	types_ok = hotel_agent_column_is_int4(ident, tables.ident_id_att) &&
		hotel_agent_column_is_int4(ident, tables.ident_tenant_att) &&
		hotel_agent_column_is_text(ident, tables.ident_identifier_att) &&
		hotel_agent_column_is_int4(tenant, tables.t_id_att) &&
		hotel_agent_column_is_text(tenant, tables.t_slug_att) &&
		hotel_agent_column_is_text(tenant, tables.t_name_att) &&
		hotel_agent_column_is_text(tenant, tables.t_status_att) &&
		hotel_agent_column_is_int4(tenant, tables.t_start_att) &&
		hotel_agent_column_is_int4(tenant, tables.t_end_att) &&
		hotel_agent_column_is_text(tenant, tables.t_tz_att);

	tables.ident_key_idx = InvalidOid;
	tables.tenant_pk_idx = InvalidOid;
	tables.tenant_slug_idx = InvalidOid;
	if (types_ok)
	{
		tables.ident_key_idx = unique_index(cache, ident, tables.ident_identifier_att, TEXTOID);
		tables.tenant_pk_idx = unique_index(cache, tenant, tables.t_id_att, INT4OID);
		tables.tenant_slug_idx = unique_index(cache, tenant, tables.t_slug_att, TEXTOID);
	}
	tables.direct_ok = types_ok && OidIsValid(tables.ident_key_idx) &&
		OidIsValid(tables.tenant_pk_idx) && OidIsValid(tables.tenant_slug_idx);
}

/*
 * Could userid read both tables with a plain SELECT, unfiltered by row
 * level security?  Then the direct index scans may answer for it.
 */
static bool
may_read_tables(Oid userid)
{
	return pg_class_aclcheck(IDENT_REL, userid, ACL_SELECT) == ACLCHECK_OK &&
		pg_class_aclcheck(TENANT_REL, userid, ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(IDENT_REL, userid, true) != RLS_ENABLED &&
		check_enable_rls(TENANT_REL, userid, true) != RLS_ENABLED;
}

/*
 * SPI plans of the checked path, prepared on first use (every name and
 * operator qualified: no SET search_path clause on these functions).
 */
/*
 * Every column is cast to the type the code reads, so that the path also
 * answers (or fails with a clear error) when a column's type was changed.
 */
#define TENANT_COLUMNS \
	"t.id::pg_catalog.int4, t.tenant_id::pg_catalog.text, t.name::pg_catalog.text," \
	" t.status::pg_catalog.text, t.business_hours_start::pg_catalog.int4," \
	" t.business_hours_end::pg_catalog.int4, t.business_hours_timezone::pg_catalog.text"
static ExtSchemaPlan ident_plan;
static ExtSchemaPlan tenant_pk_plan;
static ExtSchemaPlan tenant_slug_plan;
static Oid	text_argtype[1] = {TEXTOID};
static Oid	int4_argtype[1] = {INT4OID};

static SPIPlanPtr
ident_plan_get(void)
{
	return hotel_agent_schema_plan(&ident_plan,
								   "SELECT i.id::pg_catalog.int4, i.tenant_id::pg_catalog.int4,"
								   " i.identifier::pg_catalog.text, i.ctid"
								   " FROM @extschema@.tenant_user_identifiers i"
								   " WHERE i.identifier::pg_catalog.text OPERATOR(pg_catalog.=) $1",
								   1, text_argtype);
}

static SPIPlanPtr
tenant_plan_get(bool by_slug)
{
	if (by_slug)
		return hotel_agent_schema_plan(&tenant_slug_plan,
									   "SELECT " TENANT_COLUMNS " FROM @extschema@.tenants t"
									   " WHERE t.tenant_id::pg_catalog.text OPERATOR(pg_catalog.=) $1",
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
	memset(lk, 0, sizeof(Lookup));

	/*
	 * Lock both tables, then check the cached OIDs again: the lock wait is
	 * where a concurrent ALTER TABLE or DROP INDEX shows up.
	 */
	hotel_agent_tables_lock(&tenant_cache, AccessShareLock);
	lk->outer = CurrentMemoryContext;
	lk->direct = tables.direct_ok && may_read_tables(GetUserId());
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
			lk->ident_rel = table_open(IDENT_REL, AccessShareLock);
			lk->ident_idx = index_open(tables.ident_key_idx, AccessShareLock);
			lk->ident_slot = table_slot_create(lk->ident_rel, NULL);
		}
		slot = lk->ident_slot;
		if (!probe_unique(lk, lk->ident_rel, lk->ident_idx, F_TEXTEQ, keyd, slot))
			return false;
		out->id = DatumGetInt32(slot_getattr(slot, tables.ident_id_att, &isnull));
		out->tenant_pk = DatumGetInt32(slot_getattr(slot, tables.ident_tenant_att, &isnull));
		out->identifier = copy_text(lk, slot_getattr(slot, tables.ident_identifier_att, &isnull));
		out->tid = slot->tts_tid;
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
		out->tid = *(ItemPointer) DatumGetPointer(SPI_getbinval(tup, desc, 4, &isnull));
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
			lk->tenant_rel = table_open(TENANT_REL, AccessShareLock);
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
	const char *slug = hotel_agent_quote_input(t->slug, strlen(t->slug));
	pg_tz	   *tz;
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (!t->start_null && (t->start < 0 || t->start > 23))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business hours of tenant \"%s\" are out of range", slug),
				 errdetail("business_hours_start is %d; hours are whole hours from 0 to 23.",
						   t->start),
				 errhint("Set business_hours_start to an hour from 0 to 23, or to NULL for around the clock.")));
	if (!t->end_null && (t->end < 0 || t->end > 23))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business hours of tenant \"%s\" are out of range", slug),
				 errdetail("business_hours_end is %d; hours are whole hours from 0 to 23.",
						   t->end),
				 errhint("Set business_hours_end to an hour from 0 to 23, or to NULL for around the clock.")));

	/* the zone is checked even for a tenant open around the clock */
	tz = pg_tzset(tzname);
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" of tenant \"%s\" is not recognized",
						hotel_agent_quote_input(tzname, strlen(tzname)), slug),
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
unknown_tenant_error(const char *raw, size_t len)
{
	const char *slug = hotel_agent_quote_input(raw, len);

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
	text	   *slug_arg = PG_GETARG_TEXT_PP(0);
	char	   *slug = text_to_cstring(slug_arg);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
	Lookup		lk;
	TenantRow	tenant;
	bool		found;

	lookup_begin(&lk, false);
	found = lookup_tenant(&lk, true, 0, slug, &tenant);
	lookup_end(&lk);
	if (!found)
		unknown_tenant_error(VARDATA_ANY(slug_arg), VARSIZE_ANY_EXHDR(slug_arg));

	PG_RETURN_BOOL(tenant_open_at(&tenant, at));
}

/*
 * The same guest under two keys: the transaction-level locks that every
 * spelling of one phone number maps to, one per match key (bucketed and
 * taken in order by locks.c); two spellings of one guest share at least
 * one key, so their writers serialize.
 */
static void
lock_guest_keys(const char **keys, int nkeys)
{
	uint64		hashes[E164_MAX_MATCH_KEYS];

	StaticAssertStmt(E164_MAX_MATCH_KEYS <= HOTEL_AGENT_LOCK_MAX_KEYS,
					 "every match key of a guest must fit into one lock call");
	for (int i = 0; i < nkeys; i++)
		hashes[i] = hash_bytes_extended((const unsigned char *) keys[i],
										strlen(keys[i]), 0);
	hotel_agent_lock_keys(hashes, nkeys, TENANT_IDENTIFIER_LOCK_FIELD4);
}

/*
 * The first row, other than the one at own_tid, stored under one of keys
 * (in their order), seen with a new snapshot after our own earlier rows of
 * this statement.  The search runs as the owner of the table (as foreign
 * key checks do), so it holds for users who may not read the tables; what
 * such a user is told is decided by the caller.
 */
static bool
find_other_row(Relation rel, const char **keys, int nkeys, ItemPointer own_tid,
			   IdentifierRow *existing, TenantRow *owner, bool *owner_found)
{
	Oid			save_userid;
	int			save_sec_context;
	Lookup		lk;
	bool		found = false;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_NOFORCE_RLS);

	CommandCounterIncrement();
	lookup_begin(&lk, true);
	for (int i = 0; i < nkeys && !found; i++)
		found = lookup_identifier(&lk, keys[i], existing) &&
			!(own_tid != NULL && ItemPointerEquals(&existing->tid, own_tid));
	*owner_found = found &&
		lookup_tenant(&lk, false, existing->tenant_pk, NULL, owner);
	lookup_end(&lk);

	SetUserIdAndSecContext(save_userid, save_sec_context);
	return found;
}

/* Checks that the trigger fired on the extension's own table, as created. */
static void
check_identifier_relation(Relation rel, AttrNumber *identifier_att,
						  AttrNumber *tenant_att)
{
	const char *fn = "hotel_agent.normalize_identifier_trigger";
	TupleDesc	desc = RelationGetDescr(rel);

	hotel_agent_tables_ensure(&tenant_cache);
	if (RelationGetRelid(rel) != IDENT_REL)
		hotel_agent_trigger_misuse(fn, rel,
								   psprintf("The function maintains the table %s only.",
											hotel_agent_qualified_table("tenant_user_identifiers")));

	*identifier_att = SPI_fnumber(desc, "identifier");
	*tenant_att = SPI_fnumber(desc, "tenant_id");
	if (*identifier_att <= 0 || !hotel_agent_column_is_text(rel, *identifier_att))
		hotel_agent_trigger_misuse(fn, rel,
								   "Column \"identifier\" must have type text or character varying.");
	if (*tenant_att <= 0 ||
		!(TupleDescAttr(desc, *tenant_att - 1)->atttypid == INT2OID ||
		  TupleDescAttr(desc, *tenant_att - 1)->atttypid == INT4OID ||
		  TupleDescAttr(desc, *tenant_att - 1)->atttypid == INT8OID))
		hotel_agent_trigger_misuse(fn, rel,
								   "Column \"tenant_id\" must have type smallint, integer or bigint.");
}

/*
 * hotel_agent.normalize_identifier_trigger() RETURNS trigger
 *
 * BEFORE INSERT OR UPDATE FOR EACH ROW on tenant_user_identifiers: stores
 * normalize_identifier(identifier), raising its error for an invalid one.
 *
 * One guest, one tenant: the new key must not reach, through any of its
 * match keys (phone_match_keys()), a row of another tenant, nor another
 * row of the same tenant (the same guest under another spelling).  Both
 * are 23505.  The check holds under concurrency (lock_guest_keys) and for
 * every user (find_other_row); a user who may not SELECT both tables
 * without row level security is told the existing key, as the unique index
 * would tell him for an exact duplicate, but not its tenant.
 */
PG_FUNCTION_INFO_V1(hotel_agent_normalize_identifier_trigger);
Datum
hotel_agent_normalize_identifier_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	HeapTuple	newtuple;
	AttrNumber	attnum;
	AttrNumber	tenant_att;
	Datum		value;
	bool		isnull;
	text	   *raw;
	size_t		rawlen;
	char	   *key;
	char		keybuf[E164_MAX_MATCH_KEYS][E164_BUFSIZE];
	const char *keys[E164_MAX_MATCH_KEYS];
	int			nkeys;
	int64		new_tenant;
	IdentifierRow existing;
	TenantRow	owner;
	bool		owner_found;
	bool		tell_tenant;
	const char *quoted;

	/* PostgreSQL's own error for a PL/pgSQL trigger function (the twin) */
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("trigger functions can only be called as triggers")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		  TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hotel_agent.normalize_identifier_trigger() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));

	rel = trigdata->tg_relation;
	check_identifier_relation(rel, &attnum, &tenant_att);
	desc = RelationGetDescr(rel);
	newtuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	value = heap_getattr(newtuple, attnum, desc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);	/* NOT NULL rejects it */
	raw = DatumGetTextPP(value);
	rawlen = VARSIZE_ANY_EXHDR(raw);
	value = heap_getattr(newtuple, tenant_att, desc, &isnull);
	switch (isnull ? InvalidOid : TupleDescAttr(desc, tenant_att - 1)->atttypid)
	{
		case INT2OID:
			new_tenant = DatumGetInt16(value);
			break;
		case INT4OID:
			new_tenant = DatumGetInt32(value);
			break;
		case INT8OID:
			new_tenant = DatumGetInt64(value);
			break;
		default:
			new_tenant = -1;	/* NULL: NOT NULL rejects the row */
			break;
	}

	key = identifier_normalize_or_error(VARDATA_ANY(raw), rawlen, NULL);
	nkeys = match_keys(key, keybuf, keys);

	lock_guest_keys(keys, nkeys);
	if (find_other_row(rel, keys, nkeys,
					   TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
					   &trigdata->tg_trigtuple->t_self : NULL,
					   &existing, &owner, &owner_found))
	{
		tell_tenant = owner_found && may_read_tables(GetUserId());
		quoted = hotel_agent_quote_input(VARDATA_ANY(raw), rawlen);

		if (strcmp(existing.identifier, key) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 tell_tenant ?
					 errmsg("identifier \"%s\" already belongs to tenant \"%s\"", key,
							hotel_agent_quote_input(owner.slug, strlen(owner.slug))) :
					 errmsg("identifier \"%s\" already belongs to a tenant", key),
					 !tell_tenant ? 0 :
					 (strlen(key) == rawlen && memcmp(key, VARDATA_ANY(raw), rawlen) == 0) ?
					 errdetail("Key (identifier)=(%s) already exists.", key) :
					 errdetail("Key (identifier)=(%s) already exists; \"%s\" is the same identifier once normalised.",
							   key, quoted),
					 errhint("Remove it first with hotel_agent.remove_tenant_identifier() to move it to another tenant."),
					 errtableconstraint(rel, "uq_identifier")));
		else if (!tell_tenant)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("identifier \"%s\" is already registered under another spelling", key),
					 errdetail("One of the keys hotel_agent.phone_match_keys() gives for \"%s\" already exists.",
							   quoted),
					 errhint("One guest has one key: keep the stored one, or remove it first with hotel_agent.remove_tenant_identifier()."),
					 errtableconstraint(rel, "uq_identifier")));
		else if (existing.tenant_pk == new_tenant)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("the same guest is already registered for tenant \"%s\" under key \"%s\"",
							hotel_agent_quote_input(owner.slug, strlen(owner.slug)),
							existing.identifier),
					 errdetail("\"%s\" (key %s) is another spelling of the phone number %s (see hotel_agent.phone_match_keys()).",
							   quoted, key, existing.identifier),
					 errhint("Nothing to add: resolve_tenant() finds the guest under either spelling."),
					 errtableconstraint(rel, "uq_identifier")));
		else
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("identifier \"%s\" is the same guest as \"%s\", which belongs to tenant \"%s\"",
							key, existing.identifier,
							hotel_agent_quote_input(owner.slug, strlen(owner.slug))),
					 errdetail("\"%s\" (key %s) is another spelling of the phone number %s (see hotel_agent.phone_match_keys()); one guest belongs to one tenant.",
							   quoted, key, existing.identifier),
					 errhint("Remove it first with hotel_agent.remove_tenant_identifier() to move the guest to another tenant."),
					 errtableconstraint(rel, "uq_identifier")));
	}

	if (rawlen != strlen(key) || memcmp(VARDATA_ANY(raw), key, rawlen) != 0)
	{
		Datum		newval = CStringGetTextDatum(key);
		bool		newnull = false;
		int			col = attnum;

		newtuple = heap_modify_tuple_by_cols(newtuple, desc, 1, &col,
											 &newval, &newnull);
	}
	return PointerGetDatum(newtuple);
}
