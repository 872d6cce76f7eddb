/*-------------------------------------------------------------------------
 *
 * email.h
 *	  E-mail address normalisation.
 *
 * Plain C (no postgres.h) so that it can be unit-tested and fuzzed outside
 * the server.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EMAIL_H
#define EMAIL_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 5321: at most 254 octets (bytes, not characters) */
#define EMAIL_MAX_LENGTH 254

typedef enum EmailResult
{
	EMAIL_OK = 0,
	EMAIL_TOO_LONG,				/* more than EMAIL_MAX_LENGTH bytes after trim */
	EMAIL_NO_AT,
	EMAIL_MULTIPLE_AT,
	EMAIL_EMPTY_LOCAL,
	EMAIL_BAD_DOMAIN,			/* no dot, or an empty label */
	EMAIL_INVALID_CHAR			/* whitespace or control character inside */
} EmailResult;

/*
 * Normalise raw (len bytes, need not be NUL-terminated): trim ASCII
 * whitespace and "mailto:" prefixes (any case), check the shape, lower-case
 * ASCII letters; bytes >= 0x80 are kept as they are.  out must have room
 * for len + 1 bytes; on EMAIL_OK it holds the NUL-terminated result and
 * *outlen its length, otherwise it is an empty string and *outlen is 0.
 */
extern EmailResult email_normalize(const char *raw, size_t len, char *out, size_t *outlen);

/* Short lower-case reason, e.g. "no @" */
extern const char *email_result_detail(EmailResult r);

#endif							/* EMAIL_H */
