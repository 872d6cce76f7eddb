/*-------------------------------------------------------------------------
 *
 * hotel_agent.h
 *	  Declarations shared by the fmgr-facing files of the hotel_agent library.
 *
 * The pure-C cores (e164.h, email.h) do not include this file: they are
 * built and fuzzed outside the server.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOTEL_AGENT_H
#define HOTEL_AGENT_H

#define HOTEL_AGENT_VERSION "1.0.0"

/* Each concern that registers settings does it from here (hotel_agent.c). */
extern void password_history_define_gucs(void);

#endif							/* HOTEL_AGENT_H */
