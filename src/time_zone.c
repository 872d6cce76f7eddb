/*-------------------------------------------------------------------------
 *
 * time_zone.c
 *	  Which time zone names the business hours accept.
 *
 * tenants.business_hours_timezone is checked (1.1.0) by the same rule that
 * tenant_is_open() and resolve_tenant_info() apply when they read it:
 * a name the server's time zone library loads (pg_tzset).  Checking it with
 * anything else, e.g. pg_timezone_names or AT TIME ZONE (which also takes
 * abbreviations), could accept a zone that resolution then rejects.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "pgtime.h"
#include "utils/builtins.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"				/* VARDATA_ANY: no longer in postgres.h */
#endif

/* Longer names are not zone names (TZ_STRLEN_MAX is 255). */
#define TIME_ZONE_NAME_MAX 255

/* hotel_agent.is_valid_time_zone(name text) RETURNS boolean */
PG_FUNCTION_INFO_V1(hotel_agent_is_valid_time_zone);
Datum
hotel_agent_is_valid_time_zone(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(name);
	char	   *cname;

	if (len == 0 || len > TIME_ZONE_NAME_MAX ||
		memchr(VARDATA_ANY(name), '\0', len) != NULL)
		PG_RETURN_BOOL(false);
	cname = text_to_cstring(name);
	PG_RETURN_BOOL(pg_tzset(cname) != NULL);
}
