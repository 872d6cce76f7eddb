/*-------------------------------------------------------------------------
 *
 * e164.h
 *	  Phone number normalisation to E.164, driven by libphonenumber metadata.
 *
 * Plain C (no postgres.h) so that it can be unit-tested and fuzzed outside
 * the server.  Not thread-safe: compiled patterns are cached in static
 * storage on first use (a PostgreSQL backend is single-threaded).
 *
 *-------------------------------------------------------------------------
 */
#ifndef E164_H
#define E164_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Longer input gives E164_TOO_LONG_INPUT: more than E164_MAX_INPUT characters
 * (code points; each byte of an invalid UTF-8 sequence counts as one), as
 * libphonenumber's limit, or more than E164_MAX_INPUT_BYTES bytes, which no
 * E164_MAX_INPUT characters take, checked first so that work stays bounded.
 */
#define E164_MAX_INPUT 250
#define E164_MAX_INPUT_BYTES (4 * E164_MAX_INPUT)
#define E164_BUFSIZE 17			/* '+' + up to 15 digits + NUL */
#define E164_MAX_MATCH_KEYS 4

typedef enum E164Result
{
	E164_OK = 0,
	E164_NOT_A_NUMBER,			/* no digits / not phone-shaped / letters */
	E164_MISSING_REGION,		/* national format and no default region */
	E164_INVALID_COUNTRY_CODE,
	E164_TOO_SHORT,
	E164_TOO_LONG,
	E164_INVALID_LENGTH,		/* between min and max, not a possible length */
	E164_LOCAL_ONLY,			/* only diallable locally; see e164.c */
	E164_UNKNOWN_REGION,		/* default region not known to the metadata */
	E164_TOO_LONG_INPUT			/* raw input longer than E164_MAX_INPUT characters */
} E164Result;

/*
 * No region given: a bare digit string (white space and a "whatsapp:" prefix
 * allowed around it) starting with a known country code is read as
 * international (WhatsApp sender IDs).  Formatted numbers are not.
 */
#define E164_FLAG_BARE_DIGITS_INTERNATIONAL 0x01

/*
 * Normalise raw (len bytes, any content, need not be NUL-terminated) to
 * E.164.  region is NULL, "" (both: no default region) or a NUL-terminated
 * ISO 3166 alpha-2 code in any case.  On E164_OK, out holds the
 * NUL-terminated result; otherwise out is an empty string.
 */
extern E164Result e164_normalize(const char *raw, size_t len, const char *region,
								 int flags, char out[E164_BUFSIZE]);

/* Short lower-case reason, e.g. "too short", "invalid country code" */
extern const char *e164_result_detail(E164Result r);

/* Is region (NUL-terminated, any case) a region of the metadata? */
extern bool e164_region_is_known(const char *region);

/*
 * Lookup keys for an E.164 string: keys[0] is e164 itself, then known alias
 * forms (Argentine mobile 9, Mexican legacy mobile 1, Brazilian ninth
 * digit).  Returns the number of keys, 0 if e164 is not '+' and 1-15 digits.
 */
extern int	e164_match_keys(const char *e164, char keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE]);

/* Which metadata the tables were generated from */
extern const char *e164_metadata_version(void);

#endif							/* E164_H */
