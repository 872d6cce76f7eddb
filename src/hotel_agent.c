/*-------------------------------------------------------------------------
 *
 * hotel_agent.c
 *	  Library entry points: module magic, settings, version().
 *
 * Every concern has its own file (identifier.c, tenant.c, password.c, ...);
 * this one only wires them together.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "hotel_agent.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	password_history_define_gucs();
}

/* hotel_agent.version() RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_version);
Datum
hotel_agent_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(HOTEL_AGENT_VERSION));
}
