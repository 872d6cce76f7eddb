/*-------------------------------------------------------------------------
 *
 * hotel_agent.h
 *	  What the whole library shares: its version, the namespace of its
 *	  advisory locks, the settings each concern registers at load time.
 *
 * Helpers live with their concern: extschema.h (where the tables are,
 * direct access, SPI plans over them), identifier.h (normalisation for C
 * callers).  The pure-C cores (e164.h, email.h, identifier_kind.h) include
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

/*
 * Our advisory lock tags carry one of these in their fourth field, so they
 * never collide with an application's (pg_advisory_lock() uses 1 and 2).
 */
#define PASSWORD_HISTORY_LOCK_FIELD4	0x4841	/* "HA" */
#define TENANT_IDENTIFIER_LOCK_FIELD4	0x4849	/* "HI" */

/* Each concern that registers settings does it from here (hotel_agent.c). */
extern void password_history_define_gucs(void);

#endif							/* HOTEL_AGENT_H */
