/*-------------------------------------------------------------------------
 *
 * password.c
 *	  Password history: bounded pruning and the settings that drive it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/guc.h"

#include "hotel_agent.h"

/* hotel_agent.password_history_keep: newest hashes kept per user; 0 = all. */
static int	password_history_keep = 10;

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
