/*-------------------------------------------------------------------------
 *
 * email.c
 *	  E-mail address normalisation and identifier classification.
 *
 * Only the shape is checked (one '@', a local part, a dotted domain without
 * empty labels, no whitespace or control characters): the way to know that
 * an address works is to send mail to it, and RFC 5322 allows forms (quoted
 * local parts, comments) that no guest types.  Lower-casing the local part
 * is a deliberate simplification: no mail provider a guest uses treats
 * case there as significant, and one row per person matters more.
 * Non-ASCII bytes (internationalised addresses) are kept unchanged.
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

/* Trim ASCII whitespace: sets [*start, *end) */
static void
trim(const char *raw, size_t len, size_t *start, size_t *end)
{
	size_t		s = 0,
				e = len;

	while (s < e && is_ascii_space((unsigned char) raw[s]))
		s++;
	while (e > s && is_ascii_space((unsigned char) raw[e - 1]))
		e--;
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

/* Does [s, e) end with the ASCII suffix (any case)? */
static bool
ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t		m = strlen(suffix),
				i;

	if (n < m)
		return false;
	for (i = 0; i < m; i++)
	{
		unsigned char c = (unsigned char) s[n - m + i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char) suffix[i])
			return false;
	}
	return true;
}

IdentifierKind
identifier_classify(const char *raw, size_t len, const char **phone, size_t *phone_len)
{
	static const char *const jid_domains[] = {"@s.whatsapp.net", "@c.us"};
	size_t		s,
				e,
				i,
				k;

	trim(raw, len, &s, &e);
	for (k = 0; k < sizeof(jid_domains) / sizeof(jid_domains[0]); k++)
	{
		size_t		dl = strlen(jid_domains[k]);
		size_t		nd;

		if (!ends_with_ci(raw + s, e - s, jid_domains[k]))
			continue;
		nd = e - s - dl;
		if (nd == 0)
			break;
		for (i = 0; i < nd; i++)
			if (raw[s + i] < '0' || raw[s + i] > '9')
				break;
		if (i < nd)
			break;
		*phone = raw + s;
		*phone_len = nd;
		return IDENTIFIER_PHONE;
	}
	if (memchr(raw, '@', len) != NULL)
	{
		*phone = NULL;
		*phone_len = 0;
		return IDENTIFIER_EMAIL;
	}
	*phone = raw;
	*phone_len = len;
	return IDENTIFIER_PHONE;
}
