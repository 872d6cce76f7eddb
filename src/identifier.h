/*-------------------------------------------------------------------------
 *
 * identifier.h
 *	  Normalisation of identifiers for the library's C code (identifier.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOTEL_AGENT_IDENTIFIER_H
#define HOTEL_AGENT_IDENTIFIER_H

/*
 * identifier.c: normalisation of a raw identifier (phone number or e-mail)
 * for C callers.  region is NULL (no default region) or a NUL-terminated
 * ISO 3166 alpha-2 code; an unknown region always raises 22023 (check it once
 * with identifier_region_or_error when it comes from SQL).
 */
/* Checks a default region (len bytes, any case); returns it upper-cased in buf, or raises 22023. */
extern const char *identifier_region_or_error(const char *region, size_t len, char buf[3]);
/* Returns the palloc'd canonical key, or NULL when raw is not a valid identifier. */
extern char *identifier_try_normalize(const char *raw, size_t len, const char *region);
/* Returns the palloc'd canonical key; raises 22P02 when raw is invalid. */
extern char *identifier_normalize_or_error(const char *raw, size_t len, const char *region);

#endif							/* HOTEL_AGENT_IDENTIFIER_H */
