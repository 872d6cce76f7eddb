/*-------------------------------------------------------------------------
 *
 * email.c
 *	  E-mail address normalisation.
 *
 * Only the shape is checked (one '@', a local part, a dotted domain without
 * empty labels, no whitespace or control characters): the way to know that
 * an address works is to send mail to it, and RFC 5322 allows forms (quoted
 * local parts, comments) that no guest types.  Lower-casing the local part
 * is a deliberate simplification: no mail provider a guest uses treats
 * case there as significant, and one row per person matters more.
 * Non-ASCII bytes (internationalised addresses) are kept unchanged.  A
 * "mailto:" prefix (any case) is dropped, as "tel:" is from phone numbers.
 * The length limit is RFC 5321's 254 octets: bytes, not characters.
 *
 *-------------------------------------------------------------------------
 */
#include "email.h"

#include <string.h>

static inline bool
is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * Trim ASCII whitespace and any "mailto:" prefixes (any case, with
 * whitespace after them): sets [*start, *end).  Every prefix goes, so that
 * a result never starts with one and normalises to itself.
 */
static void
trim(const char *raw, size_t len, size_t *start, size_t *end)
{
	static const char mailto[] = "mailto:";
	size_t		s = 0,
				e = len,
				i;

	while (e > s && is_ascii_space((unsigned char) raw[e - 1]))
		e--;
	for (;;)
	{
		while (s < e && is_ascii_space((unsigned char) raw[s]))
			s++;
		if (e - s < sizeof(mailto) - 1)
			break;
		for (i = 0; i < sizeof(mailto) - 1; i++)
		{
			unsigned char c = (unsigned char) raw[s + i];

			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (c != (unsigned char) mailto[i])
				break;
		}
		if (i < sizeof(mailto) - 1)
			break;
		s += i;
	}
	*start = s;
	*end = e;
}

EmailResult
email_normalize(const char *raw, size_t len, char *out, size_t *outlen)
{
	size_t		s,
				e,
				i,
				at = 0,
				n;
	int			ats = 0;
	bool		badchar = false;

	out[0] = '\0';
	*outlen = 0;
	trim(raw, len, &s, &e);
	n = e - s;
	if (n > EMAIL_MAX_LENGTH)
		return EMAIL_TOO_LONG;

	for (i = s; i < e; i++)
	{
		unsigned char c = (unsigned char) raw[i];

		if (c == '@')
		{
			if (ats++ == 0)
				at = i;
		}
		else if (c < 0x20 || c == 0x7f || c == ' ')
			badchar = true;
	}
	if (ats == 0)
		return EMAIL_NO_AT;
	if (ats > 1)
		return EMAIL_MULTIPLE_AT;
	if (at == s)
		return EMAIL_EMPTY_LOCAL;
	if (badchar)
		return EMAIL_INVALID_CHAR;

	/* domain: at least two labels, none empty */
	{
		size_t		d = at + 1;
		bool		dot = false;

		if (d == e || raw[d] == '.' || raw[e - 1] == '.')
			return EMAIL_BAD_DOMAIN;
		for (i = d; i < e; i++)
		{
			if (raw[i] == '.')
			{
				if (raw[i - 1] == '.')
					return EMAIL_BAD_DOMAIN;
				dot = true;
			}
		}
		if (!dot)
			return EMAIL_BAD_DOMAIN;
	}

	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) raw[s + i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : (char) c;
	}
	out[n] = '\0';
	*outlen = n;
	return EMAIL_OK;
}

const char *
email_result_detail(EmailResult r)
{
	switch (r)
	{
		case EMAIL_OK:
			return "ok";
		case EMAIL_TOO_LONG:
			return "longer than 254 bytes";
		case EMAIL_NO_AT:
			return "no @";
		case EMAIL_MULTIPLE_AT:
			return "more than one @";
		case EMAIL_EMPTY_LOCAL:
			return "empty local part";
		case EMAIL_BAD_DOMAIN:
			return "domain must have a dot and no empty labels";
		case EMAIL_INVALID_CHAR:
			return "whitespace or control character";
	}
	return "unknown error";
}
