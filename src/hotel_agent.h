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

/*
 * identifier.c: normalisation of a raw identifier (phone number or e-mail)
 * for C callers.  region is NULL (no default region) or a NUL-terminated
 * ISO 3166 alpha-2 code; an unknown region always raises 22023.
 */
/* Returns the palloc'd canonical key, or NULL when raw is not a valid identifier. */
extern char *identifier_try_normalize(const char *raw, size_t len, const char *region);
/* Returns the palloc'd canonical key; raises 22P02 when raw is invalid. */
extern char *identifier_normalize_or_error(const char *raw, size_t len, const char *region);

/* Each concern that registers settings does it from here (hotel_agent.c). */
extern void password_history_define_gucs(void);

#endif							/* HOTEL_AGENT_H */
