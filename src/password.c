/*-------------------------------------------------------------------------
 *
 * password.c
 *	  Password history: bounded pruning and the settings that drive it.
 *
 * Each user keeps the newest hotel_agent.password_history_keep hashes
 * (newest by created_at, ties broken by id).  Pruning one user reads that
 * user's rows through idx_password_history_user_id and deletes the surplus,
 * so its cost depends on the user's rows only, never on the size of the
 * table.  The AFTER INSERT trigger prunes the inserting user.
 *
 * The read is a direct index scan, not a query: a planned query picks a
 * bitmap scan for a dozen rows, and a bitmap scan never marks index entries
 * of deleted rows as dead, so every prune would visit again the heap pages
 * of every row pruned since the last VACUUM (measured: 49 heap pages for a
 * user with 12 rows after 2,000 inserts, and 2.4 times the pruning cost).
 * A plain index scan marks them (kill_prior_tuple) and skips them from then
 * on.  Its heap fetch is our own, the same as index_fetch_heap() minus the
 * opportunistic page pruning: on a big table each of the user's rows sits
 * on a full page of other users' rows, and pruning such a page on a visit
 * took a third of the pruning's time (perf, benchmark table); VACUUM
 * reclaims those pages in bulk.  The surplus rows are deleted directly
 * too.  Both bypass what the executor would check, so the direct path is
 * taken only when a DELETE through the executor could not behave
 * differently: the user may SELECT and DELETE, no row level security, no
 * rules, no DELETE triggers (so no foreign key refers to the table), no
 * inheritance children, a heap table.  Otherwise the same pruning runs as
 * one SPI query.
 *
 * Two transactions inserting for the same user at the same time would each
 * see only their own new row and each delete one old row, leaving keep + 1.
 * Pruning therefore takes a transaction-level lock per user first (an
 * advisory lock tag of our own, see lock_user_history) and only then reads
 * the user's rows with a new snapshot: in READ COMMITTED the second pruner
 * waits for the first to commit and then sees its row.  In REPEATABLE READ
 * or SERIALIZABLE the transaction's snapshot cannot see it, so the pruner
 * compares the user's rows in that snapshot with the latest committed ones
 * and raises a serialization failure when they differ (see
 * check_history_unchanged): never a wrong count.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/lock.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

#include "extschema.h"
#include "hotel_agent.h"
#include "locks.h"

/* hotel_agent.password_history_keep: newest hashes kept per user; 0 = all. */
static int	password_history_keep = 10;

/*
 * Our advisory lock tags carry PASSWORD_HISTORY_LOCK_FIELD4 (locks.h)
 * in their fourth field: they show in pg_locks as locktype 'advisory' with
 * objsubid 18497.
 */

/*
 * The prune query, prepared once per backend (and per extension install).
 * Every name and operator is qualified: it runs without a SET search_path
 * clause, under whatever search_path the caller has.
 */
static ExtSchemaPlan prune_plan;
static const char prune_query[] =
"DELETE FROM @extschema@.password_history p"
" WHERE p.id OPERATOR(pg_catalog.=) ANY (ARRAY("
"SELECT h.id FROM @extschema@.password_history h"
" WHERE h.user_id OPERATOR(pg_catalog.=) $1"
" ORDER BY h.created_at DESC, h.id DESC OFFSET $2))";
static Oid	prune_argtypes[2] = {TEXTOID, INT8OID};

void
password_history_define_gucs(void)
{
	DefineCustomIntVariable("hotel_agent.password_history_keep",
							"Number of password hashes kept per user in password_history.",
							"0 keeps every hash.",
							&password_history_keep,
							10, 0, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("hotel_agent");
}

/*
 * Serialize pruning per user until the end of the transaction, on the
 * lock bucket of the user id (locks.c): two users sharing a bucket only
 * wait for each other, which is harmless.
 */
static void
lock_user_history(text *user_id)
{
	uint64		h;

	h = hash_bytes_extended((const unsigned char *) VARDATA_ANY(user_id),
							VARSIZE_ANY_EXHDR(user_id), 0);
	hotel_agent_lock_keys(&h, 1, PASSWORD_HISTORY_LOCK_FIELD4);
}

/*
 * Where password_history and its user_id index are, per backend (an
 * ExtTables cache, extschema.c).  user_idx is InvalidOid when the table has
 * no plain btree index on user_id with the column's (deterministic)
 * collation, or when the columns do not have the canonical types (user_id
 * text or varchar, id int4, created_at timestamp): then only the SPI path
 * is used.
 */
typedef struct HistoryTable
{
	Oid			user_idx;
	AttrNumber	id_att;
	AttrNumber	created_att;
} HistoryTable;

static HistoryTable history;
static void history_table_fill(ExtTables *cache, Relation *rels);
static ExtTables history_cache = {
	.ntables = 1,
	.names = {"password_history"},
	.fill = history_table_fill,
};

#define HISTORY_REL	(history_cache.relids[0])

/* Called with the table open and locked (hotel_agent_tables_ensure). */
static void
history_table_fill(ExtTables *cache, Relation *rels)
{
	Relation	rel = rels[0];
	Oid			relid = RelationGetRelid(rel);
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	user_att;
	Form_pg_attribute user_attr;

	history.user_idx = InvalidOid;
	history.id_att = hotel_agent_column(relid, "id");
	history.created_att = hotel_agent_column(relid, "created_at");
	user_att = hotel_agent_column(relid, "user_id");
	user_attr = TupleDescAttr(desc, user_att - 1);

	/*
	 * The direct path needs the canonical types, and an index that compares
	 * user ids exactly as the column does (same, deterministic collation),
	 * or its answer could differ from the query's.
	 */
	if (hotel_agent_column_is_int4(rel, history.id_att) &&
		TupleDescAttr(desc, history.created_att - 1)->atttypid == TIMESTAMPOID &&
		hotel_agent_column_is_text(rel, user_att) &&
		(!OidIsValid(user_attr->attcollation) ||
		 get_collation_isdeterministic(user_attr->attcollation)))
	{
		history.user_idx = hotel_agent_btree_index(rel, user_att, TEXTOID,
												   user_attr->attcollation,
												   false, true);
		if (OidIsValid(history.user_idx))
			hotel_agent_tables_watch(cache, history.user_idx);
	}
}

/*
 * Could a DELETE through the executor behave differently from deleting the
 * rows directly?  Not when nothing below applies.  (In a read-only
 * transaction, or on a standby, the executor raises the right error.)
 */
static bool
direct_prune_allowed(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	Oid			userid = GetUserId();
	TriggerDesc *trig = rel->trigdesc;

	if (!OidIsValid(history.user_idx) ||
		XactReadOnly ||
		rel->rd_rel->relkind != RELKIND_RELATION ||
		rel->rd_tableam != GetHeapamTableAmRoutine() ||
		rel->rd_rel->relhassubclass ||
		rel->rd_rules != NULL)
		return false;
	if (trig != NULL &&
		(trig->trig_delete_before_row || trig->trig_delete_after_row ||
		 trig->trig_delete_instead_row || trig->trig_delete_before_statement ||
		 trig->trig_delete_after_statement))
		return false;
	return pg_class_aclcheck(relid, userid, ACL_SELECT) == ACLCHECK_OK &&
		pg_class_aclcheck(relid, userid, ACL_DELETE) == ACLCHECK_OK &&
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

/* One row of the user's history, as read for sorting. */
typedef struct HistoryRow
{
	bool		created_null;
	Timestamp	created;
	int32		id;
	ItemPointerData tid;
} HistoryRow;

/* Newest first, as ORDER BY created_at DESC, id DESC (NULLs first). */
static int
newest_first(const void *a, const void *b)
{
	const HistoryRow *x = a;
	const HistoryRow *y = b;

	if (x->created_null != y->created_null)
		return x->created_null ? -1 : 1;
	if (!x->created_null && x->created != y->created)
		return x->created > y->created ? -1 : 1;
	if (x->id != y->id)
		return x->id > y->id ? -1 : 1;
	return 0;
}

/* What became of a row the pruner chose to delete. */
typedef enum HistoryDelete
{
	HISTORY_DELETED,			/* deleted */
	HISTORY_GONE,				/* already deleted by someone else */
	HISTORY_CHANGED				/* updated meanwhile by a committed transaction */
} HistoryDelete;

/*
 * Deletes one row found by the scan.  A row deleted or updated by a
 * transaction that committed after our snapshot is a serialization failure
 * in REPEATABLE READ and SERIALIZABLE, as in the executor; in READ
 * COMMITTED a deleted row is simply gone, and an updated one is reported
 * so that the caller can finish with the query, which (like the executor)
 * deletes the row's newest version.
 */
static HistoryDelete
delete_history_row(Relation rel, ItemPointer tid, Snapshot snapshot)
{
	TM_FailureData tmfd;
	TM_Result	result;

	result = table_tuple_delete(rel, tid, GetCurrentCommandId(true), snapshot,
								InvalidSnapshot, true, &tmfd, false);
	switch (result)
	{
		case TM_Ok:
			return HISTORY_DELETED;
		case TM_SelfModified:
			return HISTORY_GONE;
		case TM_Updated:
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent %s",
								result == TM_Updated ? "update" : "delete")));
			return result == TM_Updated ? HISTORY_CHANGED : HISTORY_GONE;
		default:
			elog(ERROR, "unexpected table_tuple_delete status: %u", result);
			return HISTORY_GONE;
	}
}

/*
 * May the index answer for this snapshot?  A freshly built index that
 * broke HOT chains is not usable by transactions older than it
 * (indcheckxmin), exactly as the planner would not use it.
 */
static bool
index_usable(Relation idx)
{
	return !idx->rd_index->indcheckxmin ||
		TransactionIdPrecedes(HeapTupleHeaderGetXmin(idx->rd_indextuple->t_data),
							  TransactionXmin);
}

/*
 * The direct path of prune_user(): returns the number of rows deleted, or
 * -1 when the direct path may not be taken (see direct_prune_allowed).
 * Sets *finish_with_query when a row it chose was updated meanwhile.
 */
static int64
prune_user_direct(text *user_id, int keep, bool *finish_with_query)
{
	Relation	rel;
	Relation	idx;
	Snapshot	snapshot;
	IndexScanDesc scan;
	ScanKeyData skey;
	ItemPointer tid;
	Buffer		buf = InvalidBuffer;
	TupleDesc	tupdesc;
	HistoryRow *rows;
	int			nrows = 0;
	int			maxrows = Min(keep, 64) + 8;	/* grows when needed */
	int64		deleted = 0;

	/* the lock may bring invalidations, e.g. of a dropped index: re-checked */
	hotel_agent_tables_lock(&history_cache, RowExclusiveLock);
	rel = table_open(HISTORY_REL, NoLock);
	if (!direct_prune_allowed(rel))
	{
		table_close(rel, NoLock);
		return -1;
	}
	CheckCmdReplicaIdentity(rel, CMD_DELETE);
	tupdesc = RelationGetDescr(rel);
	idx = index_open(history.user_idx, AccessShareLock);

	/* see our own insert, and (READ COMMITTED) what committed while we waited */
	CommandCounterIncrement();
	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	if (!index_usable(idx))
	{
		UnregisterSnapshot(snapshot);
		index_close(idx, NoLock);
		table_close(rel, NoLock);
		return -1;
	}

	rows = palloc(sizeof(HistoryRow) * maxrows);
	ScanKeyInit(&skey, 1, BTEqualStrategyNumber, F_TEXTEQ, PointerGetDatum(user_id));
	skey.sk_collation = idx->rd_indcollation[0];
	scan = index_beginscan(rel, idx, snapshot, 1, 0);
	index_rescan(scan, &skey, 1, NULL, 0);
	while ((tid = index_getnext_tid(scan, ForwardScanDirection)) != NULL)
	{
		HeapTupleData tuple;
		ItemPointerData found = *tid;
		bool		all_dead = false;
		bool		visible;

		/* index_fetch_heap() without heap_page_prune_opt(): see the top */
		buf = ReleaseAndReadBuffer(buf, rel, ItemPointerGetBlockNumber(&found));
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		visible = heap_hot_search_buffer(&found, rel, buf, snapshot, &tuple, &all_dead, true);
		if (visible)
		{
			HistoryRow *row;
			Datum		d;
			bool		isnull;

			if (nrows == maxrows)
			{
				maxrows *= 2;
				rows = repalloc(rows, sizeof(HistoryRow) * maxrows);
			}
			row = &rows[nrows++];
			d = heap_getattr(&tuple, history.created_att, tupdesc, &row->created_null);
			row->created = row->created_null ? 0 : DatumGetTimestamp(d);
			d = heap_getattr(&tuple, history.id_att, tupdesc, &isnull);
			row->id = isnull ? 0 : DatumGetInt32(d);
			row->tid = found;
		}
		LockBuffer(buf, BUFFER_LOCK_UNLOCK);
		if (visible)
			pgstat_count_heap_fetch(idx);
		/* a chain dead to everyone: the index entry is marked, as in index_fetch_heap() */
		scan->kill_prior_tuple = all_dead;
	}
	if (BufferIsValid(buf))
		ReleaseBuffer(buf);
	index_endscan(scan);

	if (nrows > keep)
	{
		qsort(rows, nrows, sizeof(HistoryRow), newest_first);
		for (int i = keep; i < nrows; i++)
		{
			HistoryDelete what = delete_history_row(rel, &rows[i].tid, snapshot);

			if (what == HISTORY_DELETED)
				deleted++;
			else if (what == HISTORY_CHANGED)
				*finish_with_query = true;
		}
	}

	pfree(rows);
	UnregisterSnapshot(snapshot);
	index_close(idx, NoLock);
	table_close(rel, NoLock);
	return deleted;
}

/*
 * The user's row ids, as a text array, in the given snapshot (seeing our
 * own changes).  Caller is connected to SPI.
 */
static ExtSchemaPlan ids_plan;
static const char ids_query[] =
"SELECT pg_catalog.array_agg(h.id ORDER BY h.id)::pg_catalog.text"
" FROM @extschema@.password_history h"
" WHERE h.user_id OPERATOR(pg_catalog.=) $1";
static Oid	ids_argtypes[1] = {TEXTOID};

static char *
history_ids(text *user_id, Snapshot snapshot)
{
	Datum		arg = PointerGetDatum(user_id);
	int			rc;

	rc = SPI_execute_snapshot(hotel_agent_schema_plan(&ids_plan, ids_query, 1, ids_argtypes),
							  &arg, NULL, snapshot, InvalidSnapshot, false, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading password_history failed: %s", SPI_result_code_string(rc));
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * REPEATABLE READ and SERIALIZABLE: the transaction's snapshot may be older
 * than the commit lock_user_history() waited for.  Pruning by it would then
 * miss the other transaction's rows (two password changes of a user one
 * row under the limit would each delete nothing, leaving keep + 1), so a
 * change to the user's rows committed since the snapshot is refused, as a
 * DELETE of a concurrently changed row would be.  READ COMMITTED reads
 * with a new snapshot and needs none of this.
 */
static void
check_history_unchanged(text *user_id)
{
	char	   *in_snapshot;
	char	   *latest;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	in_snapshot = history_ids(user_id, GetTransactionSnapshot());
	latest = history_ids(user_id, GetLatestSnapshot());
	if ((in_snapshot == NULL) != (latest == NULL) ||
		(in_snapshot != NULL && strcmp(in_snapshot, latest) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent change of the password history"),
				 errdetail("Another transaction changed this user's password history after this transaction's snapshot was taken."),
				 errhint("Retry the transaction.")));
	SPI_finish();
}

/*
 * Delete the user's rows beyond the newest keep; keep 0 keeps everything.
 * Returns the number of rows deleted.
 */
static int64
prune_user(text *user_id, int keep)
{
	Datum		values[2];
	int			rc;
	int64		deleted;
	bool		finish_with_query = false;

	if (keep == 0)
		return 0;

	lock_user_history(user_id);
	if (IsolationUsesXactSnapshot())
		check_history_unchanged(user_id);

	deleted = prune_user_direct(user_id, keep, &finish_with_query);
	if (deleted >= 0 && !finish_with_query)
		return deleted;
	if (deleted < 0)
		deleted = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	values[0] = PointerGetDatum(user_id);
	values[1] = Int64GetDatum((int64) keep);
	rc = SPI_execute_plan(hotel_agent_schema_plan(&prune_plan, prune_query, 2, prune_argtypes), values, NULL, false, 0);
	if (rc != SPI_OK_DELETE)
		elog(ERROR, "pruning password_history failed: %s",
			 SPI_result_code_string(rc));
	deleted += (int64) SPI_processed;
	SPI_finish();
	return deleted;
}

static int
effective_keep(FunctionCallInfo fcinfo, int argno)
{
	int			keep;

	if (PG_ARGISNULL(argno))
		return password_history_keep;
	keep = PG_GETARG_INT32(argno);
	if (keep < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("keep must not be negative"),
				 errdetail("The value given was %d.", keep),
				 errhint("Use 0 to keep every hash, or NULL for the setting hotel_agent.password_history_keep.")));
	return keep;
}

/* hotel_agent.password_history_keep() RETURNS int */
PG_FUNCTION_INFO_V1(hotel_agent_password_history_keep);
Datum
hotel_agent_password_history_keep(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(password_history_keep);
}

/* hotel_agent.prune_password_history(user_id text, keep int DEFAULT NULL) RETURNS int */
PG_FUNCTION_INFO_V1(hotel_agent_prune_password_history);
Datum
hotel_agent_prune_password_history(PG_FUNCTION_ARGS)
{
	int			keep;
	text	   *user_id;

	/* no user, no answer: checked before keep, as documented */
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	keep = effective_keep(fcinfo, 1);
	user_id = PG_GETARG_TEXT_PP(0);

	/* At most keep + (rows of one user): an int is plenty. */
	PG_RETURN_INT32((int32) prune_user(user_id, keep));
}

/* hotel_agent.password_history_prune() RETURNS trigger (AFTER INSERT FOR EACH ROW) */
PG_FUNCTION_INFO_V1(hotel_agent_password_history_prune);
Datum
hotel_agent_password_history_prune(PG_FUNCTION_ARGS)
{
	const char *fn = "hotel_agent.password_history_prune";
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	int			attnum;
	bool		isnull;
	Datum		user_id;

	/* PostgreSQL's own error for a PL/pgSQL trigger function (the twin) */
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("trigger functions can only be called as triggers")));
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hotel_agent.password_history_prune() must be fired AFTER INSERT FOR EACH ROW")));

	/* the extension's own table, with a user_id the pruner can read */
	rel = trigdata->tg_relation;
	hotel_agent_tables_ensure(&history_cache);
	if (RelationGetRelid(rel) != HISTORY_REL)
		hotel_agent_trigger_misuse(fn, rel,
								   psprintf("The function prunes the table %s only.",
											hotel_agent_qualified_table("password_history")));
	attnum = SPI_fnumber(RelationGetDescr(rel), "user_id");
	if (attnum <= 0 || !hotel_agent_column_is_text(rel, attnum))
		hotel_agent_trigger_misuse(fn, rel,
								   "Column \"user_id\" must have type text or character varying.");

	user_id = heap_getattr(trigdata->tg_trigtuple, attnum, RelationGetDescr(rel), &isnull);
	if (!isnull)
		(void) prune_user(DatumGetTextPP(user_id), password_history_keep);

	return PointerGetDatum(NULL);
}
