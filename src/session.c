/*-------------------------------------------------------------------------
 *
 * session.c
 *	  session_is_active(): the check the backend runs on every request.
 *
 * One probe of the unique index on user_sessions.token_jti through a plan
 * prepared once per backend.  The function has no SET search_path clause
 * (it would cost a GUC save and restore per call), so the query qualifies
 * every table, function and operator itself.
 *
 * The revocation and clean-up functions are plain SQL (sql/src/50_sessions.sql):
 * they are not on the hot path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "extschema.h"

/*
 * user_sessions.expires_at is a UTC wall-clock time (timestamp without time
 * zone; README, "Sessions"), so "now" is now() AT TIME ZONE 'UTC', whatever
 * the caller's TimeZone.
 */
static ExtSchemaPlan active_plan;
static const char active_query[] =
"SELECT 1 FROM @extschema@.user_sessions s"
" WHERE s.token_jti OPERATOR(pg_catalog.=) $1"
" AND NOT s.is_revoked"
" AND s.expires_at OPERATOR(pg_catalog.>)"
" pg_catalog.timezone('UTC'::pg_catalog.text, pg_catalog.now())";
static Oid	active_argtypes[1] = {TEXTOID};

/* hotel_agent.session_is_active(jti text) RETURNS boolean */
PG_FUNCTION_INFO_V1(hotel_agent_session_is_active);
Datum
hotel_agent_session_is_active(PG_FUNCTION_ARGS)
{
	Datum		values[1];
	int			rc;
	bool		active;

	values[0] = PointerGetDatum(PG_GETARG_TEXT_PP(0));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_plan(hotel_agent_schema_plan(&active_plan, active_query, 1, active_argtypes), values, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "checking user_sessions failed: %s",
			 SPI_result_code_string(rc));
	active = (SPI_processed > 0);
	SPI_finish();

	PG_RETURN_BOOL(active);
}
