/*-------------------------------------------------------------------------
 *
 * e164_policy.c
 *	  The project's own rules on top of the libphonenumber port (e164.c).
 *
 * e164.c follows libphonenumber; what we decide differently, because of
 * what real senders send, lives here:
 *
 * - WhatsApp sender IDs are bare international digits ("5491112345678"):
 *   with no default region, such a string is read as international
 *   (E164_FLAG_BARE_DIGITS_INTERNATIONAL).  A formatted number is not.
 * - Mexico: calling code 52 followed by "1" and ten digits is the old
 *   mobile form that WhatsApp still sends; the "1" is dropped, however the
 *   calling code was given.
 * - The alias keys one subscriber is known under (e164_match_keys()):
 *   Argentina's 9, Mexico's 1, Brazil's ninth digit.
 *
 * The 15-digit cap of E.164 and the rule that a result normalises to
 * itself stay in e164.c, where the parse they bound is.
 *
 *-------------------------------------------------------------------------
 */
#include "e164.h"
#include "e164_policy.h"

#include <string.h>

/*
 * Is raw a bare digit string (surrounding ASCII white space and a
 * "whatsapp:" prefix, any case, allowed)?  Only such strings are read as
 * international under E164_FLAG_BARE_DIGITS_INTERNATIONAL: a formatted
 * national number such as "(11) 97777-6666" must not be taken for +1 197...
 */
bool
e164_policy_bare_digits(const char *raw, size_t len)
{
	static const char prefix[] = "whatsapp:";
	size_t		start = 0,
				end = len,
				i;

	while (start < end && (raw[start] == ' ' || (raw[start] >= '\t' && raw[start] <= '\r')))
		start++;
	while (end > start && (raw[end - 1] == ' ' || (raw[end - 1] >= '\t' && raw[end - 1] <= '\r')))
		end--;
	if (end - start > sizeof(prefix) - 1)
	{
		for (i = 0; i < sizeof(prefix) - 1; i++)
			if ((raw[start + i] | 0x20) != prefix[i])
				break;
		if (i == sizeof(prefix) - 1)
			start += i;
	}
	if (start == end)
		return false;
	for (i = start; i < end; i++)
		if (raw[i] < '0' || raw[i] > '9')
			return false;
	return true;
}

void
e164_policy_national(int cc, char *nn, int *nlen)
{
	/* Mexican legacy mobile "1" before the ten digits */
	if (cc == 52 && *nlen == 11 && nn[0] == '1')
	{
		memmove(nn, nn + 1, 10);
		*nlen = 10;
	}
}

/* ---------------------------------------------------------------------
 * Match keys
 * ---------------------------------------------------------------------
 */
static int
add_key(char keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE], int n,
		const char *prefix, const char *rest)
{
	size_t		pl = strlen(prefix),
				rl = strlen(rest);

	if (n >= E164_MAX_MATCH_KEYS || pl + rl >= E164_BUFSIZE)
		return n;
	memcpy(keys[n], prefix, pl);
	memcpy(keys[n] + pl, rest, rl + 1);
	return n + 1;
}

/*
 * Alias forms of one subscriber:
 * - Argentina: mobiles are +54 9 + 10 digits; the same number is also
 *   written without the 9.  Geographic 10-digit numbers (area codes start
 *   1-3) get the 9 form as a key and vice versa.
 * - Mexico: +52 + 10 digits and the legacy +52 1 + 10 digits.
 * - Brazil: mobiles got a ninth digit (a 9 before the old 8-digit
 *   subscriber number, which started 6-9): +55 AA 9XXXXXXXX and
 *   +55 AA XXXXXXXX with X... starting 6-9 are the same line.
 */
int
e164_match_keys(const char *e164, char keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE])
{
	size_t		len = strlen(e164),
				i;
	int			n = 0;
	char		buf[E164_BUFSIZE];

	if (len < 2 || len > E164_BUFSIZE - 1 || e164[0] != '+')
		return 0;
	for (i = 1; i < len; i++)
		if (e164[i] < '0' || e164[i] > '9')
			return 0;
	n = add_key(keys, n, e164, "");

	if (strncmp(e164, "+54", 3) == 0)
	{
		const char *nsn = e164 + 3;
		size_t		l = len - 3;

		if (l == 11 && nsn[0] == '9' && nsn[1] >= '1' && nsn[1] <= '3')
			n = add_key(keys, n, "+54", nsn + 1);
		else if (l == 10 && nsn[0] >= '1' && nsn[0] <= '3')
			n = add_key(keys, n, "+549", nsn);
	}
	else if (strncmp(e164, "+52", 3) == 0)
	{
		const char *nsn = e164 + 3;
		size_t		l = len - 3;

		if (l == 11 && nsn[0] == '1')
			n = add_key(keys, n, "+52", nsn + 1);
		else if (l == 10)
			n = add_key(keys, n, "+521", nsn);
	}
	else if (strncmp(e164, "+55", 3) == 0)
	{
		const char *nsn = e164 + 3;
		size_t		l = len - 3;

		if (nsn[0] >= '1' && nsn[1] >= '1')
		{
			if (l == 11 && nsn[2] == '9' && nsn[3] >= '6')
			{
				/* +55 AA 9 XXXXXXXX -> +55 AA XXXXXXXX */
				memcpy(buf, "+55", 3);
				buf[3] = nsn[0];
				buf[4] = nsn[1];
				buf[5] = '\0';
				n = add_key(keys, n, buf, nsn + 3);
			}
			else if (l == 10 && nsn[2] >= '6')
			{
				memcpy(buf, "+55", 3);
				buf[3] = nsn[0];
				buf[4] = nsn[1];
				buf[5] = '9';
				buf[6] = '\0';
				n = add_key(keys, n, buf, nsn + 2);
			}
		}
	}
	return n;
}
