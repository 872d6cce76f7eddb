/*
 * fuzz_e164.c
 *	  libFuzzer harness for the E.164 core.
 *
 * Byte 0 picks the default region and the flags, the rest is the raw input.
 * Checks: no crash or sanitizer report, a well-formed result, match keys of
 * every result well-formed, and the result normalising to itself
 * (idempotence); any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e164.h"

static const char *const regions[] = {
	NULL, "AR", "US", "MX", "BR", "GB", "DE", "IT", "RU", "ES",
	"CA", "JE", "AU", "IN", "JP", "FR", "", "xx", "ar", "VI",
	"CO", "CL", "PE", "UY", "NG", "ID", "KR", "CN", "SE", "001", "A", "ZZ"
};

static void
check_e164(const char *s)
{
	size_t		n = strlen(s),
				i;

	if (n < 2 || n > E164_BUFSIZE - 1 || s[0] != '+')
		abort();
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		out[E164_BUFSIZE];
	char		again[E164_BUFSIZE];
	char		keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE];
	const char *region;
	int			flags,
				n,
				i;
	char	   *copy;
	E164Result	r;

	if (size < 1)
		return 0;
	region = regions[data[0] % (sizeof(regions) / sizeof(regions[0]))];
	flags = (data[0] & 0x80) ? E164_FLAG_BARE_DIGITS_INTERNATIONAL : 0;

	/* exact-size heap copy so ASan sees any read past the input */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	r = e164_normalize(copy, size - 1, region, flags, out);
	free(copy);

	if ((int) r < E164_OK || r > E164_TOO_LONG_INPUT)
		abort();
	if (e164_result_detail(r)[0] == '\0')
		abort();
	if (r != E164_OK)
	{
		if (out[0] != '\0')
			abort();
		return 0;
	}
	check_e164(out);
	n = e164_match_keys(out, keys);
	if (n < 1 || n > E164_MAX_MATCH_KEYS || strcmp(keys[0], out) != 0)
		abort();
	for (i = 0; i < n; i++)
		check_e164(keys[i]);
	/*
	 * Idempotence: a result normalises to itself, with no region and with
	 * the region and flags it came from (keys are stored normalised and
	 * looked up normalised again).
	 */
	r = e164_normalize(out, strlen(out), NULL, 0, again);
	if (r != E164_OK || strcmp(again, out) != 0)
		abort();
	r = e164_normalize(out, strlen(out), region, flags, again);
	if (r != E164_OK || strcmp(again, out) != 0)
		abort();
	return 0;
}
