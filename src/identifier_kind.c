/*-------------------------------------------------------------------------
 *
 * identifier_kind.c
 *	  Which kind of identifier a raw string is, and its canonical key.
 *
 * A guest writes from a phone number, a WhatsApp ID or an e-mail address.
 * WhatsApp IDs (JIDs) are "<user>@<server>"; the server says what the user
 * part is:
 *
 *	s.whatsapp.net, c.us	a person's phone: the user part is the full
 *							international number, whatever default region
 *							the caller gives; a device JID
 *							("<digits>:<device>@...", with an agent
 *							"<digits>.<agent>:<device>@...") is the same
 *							phone
 *	lid						a person's privacy ID (WhatsApp's "linked ID"),
 *							which is not a phone number: kept as an opaque
 *							"<digits>@lid", device part dropped
 *	g.us, broadcast,		a group, a status update or broadcast list, a
 *	newsletter				channel: not a person, refused
 *
 * Any other input with an '@' is an e-mail (email.c), the rest a phone
 * number as written (e164.c).
 *
 *-------------------------------------------------------------------------
 */
#include "identifier_kind.h"

#include <string.h>

#include "email.h"

typedef struct Server
{
	const char *name;
	IdentifierKind kind;
} Server;

static const Server servers[] = {
	{"s.whatsapp.net", IDENTIFIER_WHATSAPP_USER},
	{"c.us", IDENTIFIER_WHATSAPP_USER},
	{"lid", IDENTIFIER_WHATSAPP_LID},
	{"g.us", IDENTIFIER_WHATSAPP_GROUP},
	{"broadcast", IDENTIFIER_WHATSAPP_BROADCAST},
	{"newsletter", IDENTIFIER_WHATSAPP_CHANNEL},
};

static inline bool
is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Is s[0..n) the lower-case ASCII name, in any case? */
static bool
equals_ci(const char *s, size_t n, const char *name)
{
	size_t		i;

	if (n != strlen(name))
		return false;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char) name[i])
			return false;
	}
	return true;
}

/* Length of the run of at most max digits at s[0..n), or 0 if none or longer */
static size_t
digit_run(const char *s, size_t n, size_t max)
{
	size_t		i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	return (i == 0 || i > max) ? 0 : i;
}

/*
 * The user part of a user or @lid JID, s[0..n): <digits>[.<agent>][:<device>].
 * Returns the number of leading digits, or 0 when the shape is wrong.
 */
static size_t
jid_user_digits(const char *s, size_t n, size_t max_digits)
{
	size_t		nd = digit_run(s, n, max_digits),
				i = nd,
				k;

	if (nd == 0)
		return 0;
	if (i < n && s[i] == '.')
	{
		if ((k = digit_run(s + i + 1, n - i - 1, IDENTIFIER_JID_MAX_PART)) == 0)
			return 0;
		i += 1 + k;
	}
	if (i < n && s[i] == ':')
	{
		if ((k = digit_run(s + i + 1, n - i - 1, IDENTIFIER_JID_MAX_PART)) == 0)
			return 0;
		i += 1 + k;
	}
	return i == n ? nd : 0;
}

void
identifier_classify(const char *raw, size_t len, IdentifierClass *c)
{
	size_t		s = 0,
				e = len,
				at,
				k;

	c->kind = IDENTIFIER_PHONE;
	c->well_formed = true;
	c->user = raw;
	c->user_len = len;

	while (s < e && is_ascii_space((unsigned char) raw[s]))
		s++;
	while (e > s && is_ascii_space((unsigned char) raw[e - 1]))
		e--;
	for (at = e; at > s && raw[at - 1] != '@'; at--)
		;
	if (at == s)
		return;					/* no '@': a phone number */
	at--;

	c->kind = IDENTIFIER_EMAIL;
	for (k = 0; k < sizeof(servers) / sizeof(servers[0]); k++)
	{
		if (equals_ci(raw + at + 1, e - at - 1, servers[k].name))
		{
			c->kind = servers[k].kind;
			break;
		}
	}
	if (c->kind == IDENTIFIER_WHATSAPP_USER || c->kind == IDENTIFIER_WHATSAPP_LID)
	{
		/* a phone JID's digits are bounded by the E.164 core */
		size_t		nd = jid_user_digits(raw + s, at - s,
										 c->kind == IDENTIFIER_WHATSAPP_LID ?
										 IDENTIFIER_LID_MAX_DIGITS : len);

		c->well_formed = nd > 0;
		c->user = raw + s;
		c->user_len = nd;
	}
}

IdentifierResult
identifier_normalize(const char *raw, size_t len, const char *region, char *out,
					 size_t *outlen, IdentifierKind *kind, int *reason)
{
	IdentifierClass c;
	char		e164[E164_BUFSIZE];
	E164Result	er;
	EmailResult mr;

	out[0] = '\0';
	*outlen = 0;
	*reason = 0;
	identifier_classify(raw, len, &c);
	*kind = c.kind;
	if (region != NULL && region[0] != '\0' && !e164_region_is_known(region))
		return IDENTIFIER_UNKNOWN_REGION;

	switch (c.kind)
	{
		case IDENTIFIER_PHONE:
			/* WhatsApp sender IDs are bare international digits */
			er = e164_normalize(raw, len, region,
								E164_FLAG_BARE_DIGITS_INTERNATIONAL, e164);
			break;
		case IDENTIFIER_WHATSAPP_USER:
			if (!c.well_formed)
				return IDENTIFIER_BAD_JID;
			/* always international: read as "+<digits>", no region */
			out[0] = '+';
			memcpy(out + 1, c.user, c.user_len);
			er = e164_normalize(out, c.user_len + 1, NULL, 0, e164);
			out[0] = '\0';
			break;
		case IDENTIFIER_WHATSAPP_LID:
			if (!c.well_formed)
				return IDENTIFIER_BAD_JID;
			memcpy(out, c.user, c.user_len);
			memcpy(out + c.user_len, "@lid", 5);
			*outlen = c.user_len + 4;
			return IDENTIFIER_OK;
		case IDENTIFIER_WHATSAPP_GROUP:
		case IDENTIFIER_WHATSAPP_BROADCAST:
		case IDENTIFIER_WHATSAPP_CHANNEL:
			return IDENTIFIER_NOT_A_PERSON;
		case IDENTIFIER_EMAIL:
		default:
			mr = email_normalize(raw, len, out, outlen);
			if (mr == EMAIL_OK)
				return IDENTIFIER_OK;
			*reason = (int) mr;
			return IDENTIFIER_BAD_EMAIL;
	}

	if (er != E164_OK)
	{
		*reason = (int) er;
		return IDENTIFIER_BAD_PHONE;
	}
	*outlen = strlen(e164);
	memcpy(out, e164, *outlen + 1);
	return IDENTIFIER_OK;
}

const char *
identifier_kind_name(IdentifierKind kind)
{
	switch (kind)
	{
		case IDENTIFIER_PHONE:
			return "phone";
		case IDENTIFIER_EMAIL:
			return "e-mail";
		case IDENTIFIER_WHATSAPP_USER:
			return "whatsapp user";
		case IDENTIFIER_WHATSAPP_LID:
			return "whatsapp lid";
		case IDENTIFIER_WHATSAPP_GROUP:
			return "whatsapp group";
		case IDENTIFIER_WHATSAPP_BROADCAST:
			return "whatsapp broadcast";
		case IDENTIFIER_WHATSAPP_CHANNEL:
			return "whatsapp channel";
	}
	return "unknown";
}
