/*
 * fuzz_identifier.c
 *	  libFuzzer harness for identifier classification and normalisation.
 *
 * Byte 0 picks the default region, the rest is the raw input.  Checks: no
 * crash or sanitizer report; no write past IDENTIFIER_OUT_SIZE; the result
 * matches its kind (phone and WhatsApp user JID: E.164; @lid:
 * "<digits>@lid"; e-mail: one '@', no ASCII upper case; group, broadcast
 * and channel JIDs: never accepted); and a key normalises to itself, with
 * the same region and with none, as the same kind (a WhatsApp user JID's
 * key is a phone number).  Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e164.h"
#include "email.h"
#include "identifier_kind.h"

static const char *const regions[] = {
	NULL, "AR", "US", "MX", "BR", "GB", "DE", "IT", "RU", "ES",
	"CA", "JE", "AU", "IN", "JP", "FR", "", "xx", "ar", "VI",
	"CO", "CL", "PE", "UY", "NG", "ID", "KR", "CN", "SE", "001", "A", "ZZ"
};

static void
check_key(IdentifierKind kind, const char *key, size_t n)
{
	size_t		i;

	if (strlen(key) != n || n == 0)
		abort();
	switch (kind)
	{
		case IDENTIFIER_PHONE:
		case IDENTIFIER_WHATSAPP_USER:
			if (n < 2 || n > E164_BUFSIZE - 1 || key[0] != '+')
				abort();
			for (i = 1; i < n; i++)
				if (key[i] < '0' || key[i] > '9')
					abort();
			break;
		case IDENTIFIER_WHATSAPP_LID:
			if (n < 5 || n - 4 > IDENTIFIER_LID_MAX_DIGITS ||
				strcmp(key + n - 4, "@lid") != 0)
				abort();
			for (i = 0; i < n - 4; i++)
				if (key[i] < '0' || key[i] > '9')
					abort();
			break;
		case IDENTIFIER_EMAIL:
			if (memchr(key, '@', n) == NULL || n > EMAIL_MAX_LENGTH)
				abort();
			for (i = 0; i < n; i++)
				if ((key[i] >= 'A' && key[i] <= 'Z') || (unsigned char) key[i] <= ' ')
					abort();
			break;
		default:
			abort();			/* not a person: never a key */
	}
}

/* Normalise key again: the same key, as the same kind */
static void
check_again(const char *key, size_t n, const char *region, IdentifierKind kind)
{
	char	   *out = malloc(IDENTIFIER_OUT_SIZE(n));
	size_t		outlen;
	IdentifierKind k2;
	int			reason;

	if (identifier_normalize(key, n, region, out, &outlen, &k2, &reason) != IDENTIFIER_OK ||
		outlen != n || memcmp(out, key, n) != 0)
		abort();
	if (k2 != (kind == IDENTIFIER_WHATSAPP_USER ? IDENTIFIER_PHONE : kind))
		abort();
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *region;
	char	   *in;
	char	   *out;
	size_t		len,
				outsize,
				outlen;
	IdentifierKind kind;
	int			reason;
	IdentifierResult r;

	if (size < 1)
		return 0;
	region = regions[data[0] % (sizeof(regions) / sizeof(regions[0]))];
	len = size - 1;

	/* exact-size heap copies so ASan sees any access past either */
	in = malloc(len ? len : 1);
	memcpy(in, data + 1, len);
	outsize = IDENTIFIER_OUT_SIZE(len);
	out = malloc(outsize);
	r = identifier_normalize(in, len, region, out, &outlen, &kind, &reason);
	free(in);

	if ((int) r < IDENTIFIER_OK || r > IDENTIFIER_NOT_A_PERSON)
		abort();
	if (r != IDENTIFIER_OK)
	{
		if (out[0] != '\0' || outlen != 0)
			abort();
		if ((r == IDENTIFIER_BAD_PHONE && e164_result_detail((E164Result) reason)[0] == '\0') ||
			(r == IDENTIFIER_BAD_EMAIL && email_result_detail((EmailResult) reason)[0] == '\0'))
			abort();
		if (r == IDENTIFIER_NOT_A_PERSON &&
			kind != IDENTIFIER_WHATSAPP_GROUP && kind != IDENTIFIER_WHATSAPP_BROADCAST &&
			kind != IDENTIFIER_WHATSAPP_CHANNEL)
			abort();
		free(out);
		return 0;
	}
	if (outlen >= outsize)
		abort();
	check_key(kind, out, outlen);
	check_again(out, outlen, region, kind);
	check_again(out, outlen, NULL, kind);
	free(out);
	return 0;
}
