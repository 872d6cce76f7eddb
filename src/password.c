/*-------------------------------------------------------------------------
 *
 * password.c
 *	  Password history: bounded pruning and the settings that drive it.
 *
 * Each user keeps the newest hotel_agent.password_history_keep hashes
 * (newest by created_at, ties broken by id).  Pruning one user reads that
 * user's rows through idx_password_history_user_id and deletes the surplus
 * by primary key, so its cost depends on the user's rows only, never on the
 * size of the table.  The AFTER INSERT trigger prunes the inserting user.
 *
 * Two transactions inserting for the same user at the same time would each
 * see only their own new row and each delete one old row, leaving keep + 1.
 * Pruning therefore takes a transaction-level lock per user first (an
 * advisory lock tag of our own, see lock_user_history) and only then reads
 * the user's rows: in READ COMMITTED the second pruner waits for the first
 * to commit and then sees its row.  In REPEATABLE READ or SERIALIZABLE the
 * second one gets a serialization failure instead, never a wrong count.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "hotel_agent.h"

/* hotel_agent.password_history_keep: newest hashes kept per user; 0 = all. */
static int	password_history_keep = 10;

/*
 * The fourth field of our advisory lock tags.  pg_advisory_lock() and
 * friends use 1 (one bigint key) and 2 (two int keys), so the locks taken
 * here can never collide with an application's advisory locks.  They show
 * in pg_locks as locktype 'advisory' with objsubid 18497.
 */
#define PASSWORD_HISTORY_LOCK_FIELD4	0x4841	/* "HA" */

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
 * Serialize pruning per user until the end of the transaction.  The tag is
 * a 64-bit hash of the user id: two users sharing a hash only wait for each
 * other, which is harmless.
 */
static void
lock_user_history(text *user_id)
{
	LOCKTAG		tag;
	uint64		h;

	h = hash_bytes_extended((const unsigned char *) VARDATA_ANY(user_id),
							VARSIZE_ANY_EXHDR(user_id), 0);
	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (h >> 32), (uint32) h,
						 PASSWORD_HISTORY_LOCK_FIELD4);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
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

	if (keep == 0)
		return 0;

	lock_user_history(user_id);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	values[0] = PointerGetDatum(user_id);
	values[1] = Int64GetDatum((int64) keep);
	rc = SPI_execute_plan(hotel_agent_schema_plan(&prune_plan, prune_query, 2, prune_argtypes), values, NULL, false, 0);
	if (rc != SPI_OK_DELETE)
		elog(ERROR, "pruning password_history failed: %s",
			 SPI_result_code_string(rc));
	deleted = (int64) SPI_processed;
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
	int			keep = effective_keep(fcinfo, 1);
	text	   *user_id;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	user_id = PG_GETARG_TEXT_PP(0);

	/* At most keep + (rows of one user): an int is plenty. */
	PG_RETURN_INT32((int32) prune_user(user_id, keep));
}

/* hotel_agent.password_history_prune() RETURNS trigger (AFTER INSERT FOR EACH ROW) */
PG_FUNCTION_INFO_V1(hotel_agent_password_history_prune);
Datum
hotel_agent_password_history_prune(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	int			attnum;
	bool		isnull;
	Datum		user_id;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hotel_agent.password_history_prune() must be fired AFTER INSERT FOR EACH ROW")));

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(tupdesc, "user_id");
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hotel_agent.password_history_prune() fired on a table without a user_id column")));

	user_id = heap_getattr(trigdata->tg_trigtuple, attnum, tupdesc, &isnull);
	if (!isnull)
		(void) prune_user(DatumGetTextPP(user_id), password_history_keep);

	return PointerGetDatum(NULL);
}
