/*-------------------------------------------------------------------------
 *
 * hotel_agent.h
 *	  What the whole library shares: its version and the settings each
 *	  concern registers at load time (hotel_agent.c).
 *
 * Helpers live with their concern: extschema.h (where the tables are,
 * direct access, SPI plans over them), identifier.h (normalisation for C
 * callers), locks.h (the advisory locks of writers).  The pure-C cores (e164.h, email.h, identifier_kind.h) include
 * none of these: they are built and fuzzed outside the server.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOTEL_AGENT_H
#define HOTEL_AGENT_H

/* default_version of hotel_agent.control, passed by the Makefile */
#ifndef HOTEL_AGENT_VERSION
#error "HOTEL_AGENT_VERSION must be defined (the Makefile reads it from hotel_agent.control)"
#endif

/* Each concern that registers settings does it from here (hotel_agent.c). */
extern void password_history_define_gucs(void);

#endif							/* HOTEL_AGENT_H */
