/*
 * fuzz_email.c
 *	  libFuzzer harness for the e-mail core.
 *
 * Checks: no crash or sanitizer report; a result has exactly one '@', no
 * ASCII upper case, no whitespace or control bytes, at most 254 bytes, does
 * not start with "mailto:", and normalising it again gives the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *in = malloc(size ? size : 1);
	char	   *out = malloc(size + 1);
	char	   *out2 = malloc(size + 1);
	size_t		outlen,
				outlen2,
				i,
				ats = 0;
	EmailResult r;

	memcpy(in, data, size);
	r = email_normalize(in, size, out, &outlen);
	if (email_result_detail(r)[0] == '\0')
		abort();
	if (r == EMAIL_OK)
	{
		if (outlen > EMAIL_MAX_LENGTH || outlen > size || strlen(out) != outlen)
			abort();
		for (i = 0; i < outlen; i++)
		{
			unsigned char c = (unsigned char) out[i];

			if (c == '@')
				ats++;
			if ((c >= 'A' && c <= 'Z') || c <= ' ' || c == 0x7f)
				abort();
		}
		if (ats != 1 || strncmp(out, "mailto:", 7) == 0)
			abort();
		if (email_normalize(out, outlen, out2, &outlen2) != EMAIL_OK ||
			outlen2 != outlen || memcmp(out, out2, outlen) != 0)
			abort();
	}
	else if (outlen != 0 || out[0] != '\0')
		abort();

	free(in);
	free(out);
	free(out2);
	return 0;
}
