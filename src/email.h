/*-------------------------------------------------------------------------
 *
 * email.h
 *	  E-mail address normalisation and identifier classification.
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
 * whitespace, check the shape, lower-case ASCII letters; bytes >= 0x80 are
 * kept as they are.  out must have room for len + 1 bytes; on EMAIL_OK it
 * holds the NUL-terminated result and *outlen its length, otherwise it is
 * an empty string and *outlen is 0.
 */
extern EmailResult email_normalize(const char *raw, size_t len, char *out, size_t *outlen);

/* Short lower-case reason, e.g. "no @" */
extern const char *email_result_detail(EmailResult r);

typedef enum IdentifierKind
{
	IDENTIFIER_PHONE,
	IDENTIFIER_EMAIL
} IdentifierKind;

/*
 * Classify a raw identifier.  WhatsApp JIDs "<digits>@s.whatsapp.net" and
 * "<digits>@c.us" (domain in any case, surrounding ASCII whitespace allowed)
 * are IDENTIFIER_PHONE with [*phone, *phone + *phone_len) set to the digits;
 * any other string containing '@' is IDENTIFIER_EMAIL (*phone = NULL,
 * *phone_len = 0); everything else is
 * IDENTIFIER_PHONE with the whole input.
 */
extern IdentifierKind identifier_classify(const char *raw, size_t len,
										  const char **phone, size_t *phone_len);

#endif							/* EMAIL_H */
