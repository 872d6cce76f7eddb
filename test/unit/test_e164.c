/*
 * test_e164.c
 *	  Unit tests of the E.164 core, plus the oracle corpus.
 *
 * Usage: test_e164 [DATA_DIR]   (default test/data)
 *
 * Runs the table below, then test/data/e164_corpus.csv (expected results
 * from libphonenumber-js) and checks every disagreement against
 * test/data/e164_disagreements.csv, the list of the ones kept on purpose.
 * Rows where libphonenumber-js departs from the C++ parser (the full-width
 * plus sign; the lengths a number is checked against) are listed with a reason starting "libphonenumber C++:" and
 * count as agreement with libphonenumber in the 99.5% threshold; the figure
 * against libphonenumber-js alone is printed too.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "e164.h"
#include "e164_metadata.h"

static int	passed,
			failed;

static const char *const result_names[] = {
	"OK", "NOT_A_NUMBER", "MISSING_REGION", "INVALID_COUNTRY_CODE",
	"TOO_SHORT", "TOO_LONG", "INVALID_LENGTH", "LOCAL_ONLY",
	"UNKNOWN_REGION", "TOO_LONG_INPUT"
};

#define N_RESULTS ((int) (sizeof(result_names) / sizeof(result_names[0])))

static void
check(bool ok, const char *what)
{
	if (ok)
		passed++;
	else
	{
		failed++;
		printf("FAIL: %s\n", what);
	}
}

/* "+..." or "!NAME", as in the corpus */
static void
result_string(E164Result r, const char *out, char *buf, size_t size)
{
	if (r == E164_OK)
		snprintf(buf, size, "%s", out);
	else if ((int) r >= 0 && (int) r < N_RESULTS)
		snprintf(buf, size, "!%s", result_names[r]);
	else
		snprintf(buf, size, "!?%d", (int) r);
}

static void
run(const char *raw, size_t len, const char *region, int flags, char *buf, size_t size)
{
	char		out[E164_BUFSIZE + 8];
	E164Result	r;

	/* guard bytes catch writes past E164_BUFSIZE */
	memset(out, 'Z', sizeof(out));
	r = e164_normalize(raw, len, region, flags, out);
	if (memcmp(out + E164_BUFSIZE, "ZZZZZZZZ", 8) != 0)
	{
		failed++;
		printf("FAIL: output buffer overrun\n");
	}
	if (r == E164_OK && (out[0] != '+' || strlen(out) > E164_BUFSIZE - 1))
	{
		failed++;
		printf("FAIL: malformed output\n");
	}
	result_string(r, out, buf, size);
}

typedef struct Case
{
	const char *raw;
	const char *region;
	int			flags;
	const char *expected;
} Case;

#define BARE E164_FLAG_BARE_DIGITS_INTERNATIONAL

static const Case cases[] = {
	/* international forms */
	{"+54 9 11 1234-5678", NULL, 0, "+5491112345678"},
	{"+5491112345678", "AR", 0, "+5491112345678"},
	{"+44 (0)20 7946 0958", NULL, 0, "+442079460958"},
	{"+44 20 7946 0958", "us", 0, "+442079460958"},
	{"+39 06 1234 5678", NULL, 0, "+390612345678"},
	{"+1-650-253-0000", NULL, 0, "+16502530000"},
	{"+7 495 123-45-67", "AR", 0, "+74951234567"},
	{"+55 11 91234-5678", NULL, 0, "+5511912345678"},
	{"+52 55 1234 5678", NULL, 0, "+525512345678"},
	{"+800 1234 5678", NULL, 0, "+80012345678"},
	/* international prefixes of the default region */
	{"00 49 30 1234567", "AR", 0, "+49301234567"},
	{"011 44 20 7946 0958", "US", 0, "+442079460958"},
	{"0044 20 7946 0958", "ES", 0, "+442079460958"},
	/* national with trunk prefix and transform rules */
	{"011 15-1234-5678", "AR", 0, "+5491112345678"},
	{"011 1234-5678", "AR", 0, "+541112345678"},
	{"(0223) 15 283 5174", "AR", 0, "+5492232835174"},
	{"020 7946 0958", "GB", 0, "+442079460958"},
	{"8 (800) 555-35-35", "RU", 0, "+78005553535"},
	{"06 1234 5678", "IT", 0, "+390612345678"},
	{"(650) 253-0000", "US", 0, "+16502530000"},
	{"1 650 253 0000", "US", 0, "+16502530000"},
	{"(11) 91234-5678", "BR", 0, "+5511912345678"},
	/* countries sharing a calling code, transform rules */
	{"+44 800 1111", NULL, 0, "+448001111"},
	{"0800 1111", "JE", 0, "+448001111"},
	/* lengths of the calling code's country, not of the default region */
	{"253 0000", "CA", 0, "!TOO_SHORT"},
	{"+1 253 0000", NULL, 0, "!TOO_SHORT"},
	{"(403) 948-431", "CA", 0, "!TOO_SHORT"},
	{"1228 61069", "JE", 0, "+44122861069"},
	/* a result normalises to itself: a national prefix left in front goes */
	{"00 220 844 7021", "BR", 0, "+552208447021"},
	{"+55 02208447021", NULL, 0, "+552208447021"},
	{"0006391234567", "UY", 0, "+5986391234567"},
	{"+598 006391234567", NULL, 0, "+5986391234567"},
	{"+290 8123", NULL, 0, "+2908123"},
	{"+599 7 123456", NULL, 0, "+5997123456"},
	{"712 3456", "VI", 0, "+13407123456"},
	{"8 701 123 45 67", "KZ", 0, "+77011234567"},
	/* region's own calling code typed without '+' */
	{"5491112345678", "AR", 0, "+5491112345678"},
	{"442079460958", "GB", 0, "+442079460958"},
	/* Mexico: legacy mobile 1 (policy) */
	{"+52 1 55 1234 5678", NULL, 0, "+525512345678"},
	{"5215512345678", "MX", 0, "+525512345678"},
	{"55 1234 5678", "MX", 0, "+525512345678"},
	/* extensions, URIs, prefixes */
	{"tel:+1-650-253-0000;ext=123", NULL, 0, "+16502530000"},
	{"tel:253-0000;phone-context=+1-650", NULL, 0, "+16502530000"},
	{"tel:253-0000;phone-context=", NULL, 0, "!NOT_A_NUMBER"},
	{"tel:253-0000;phone-context=+", NULL, 0, "!NOT_A_NUMBER"},
	{"whatsapp:+14155552671", NULL, 0, "+14155552671"},
	{"+1 650 253 0000 ext. 12", NULL, 0, "+16502530000"},
	{"+1 650 253 0000 x12", NULL, 0, "+16502530000"},
	{"(650) 253-0000 #12", "US", 0, "+16502530000"},
	{"+1 (645) 123 1234-910#", NULL, 0, "+16451231234"},
	{"(650) 253-0000, ext 7", "US", 0, "+16502530000"},
	/* Unicode digits and punctuation */
	{"\xef\xbc\x8b\xef\xbc\x91 650 253 0000", "US", 0, "+16502530000"},
	{"\xef\xbc\x96\xef\xbc\x95\xef\xbc\x90 253 0000", "US", 0, "+16502530000"},
	{"+\xd9\xa4\xd9\xa4 20 7946 0958", NULL, 0, "+442079460958"},
	{"+44\xc2\xa0" "20\xc2\xa0" "7946\xc2\xa0" "0958", NULL, 0, "+442079460958"},
	{"+44\xe2\x80\x93" "20-7946-0958", NULL, 0, "+442079460958"},
	/* full-width plus: a country calling code follows (libphonenumber C++) */
	{"\xef\xbc\x8b" "54 9 11 1234-5678", NULL, 0, "+5491112345678"},
	{"\xef\xbc\x8b\xef\xbc\x91 650 253 0000", NULL, 0, "+16502530000"},
	{"\xef\xbc\x8b\xef\xbc\x91 650 253 0000", "AR", 0, "+16502530000"},
	{"\xef\xbc\x8b\xef\xbc\x94\xef\xbc\x94 20 7946 0958", "US", 0, "+442079460958"},
	{"tel:\xef\xbc\x8b" "1-650-253-0000", "GB", 0, "+16502530000"},
	{" \xef\xbc\x8b" "5491112345678 ", NULL, BARE, "+5491112345678"},
	{"\xef\xbc\x8b\xef\xbc\x8b" "54 9 11 1234 5678", NULL, 0, "!NOT_A_NUMBER"},
	{"\xef\xbc\x8b" "+54 9 11 1234 5678", NULL, 0, "!NOT_A_NUMBER"},
	{"\xef\xbc\x8b", NULL, 0, "!NOT_A_NUMBER"},
	{"\xef\xbc\x8b" "0 11 1234 5678", "AR", 0, "!INVALID_COUNTRY_CODE"},
	/* errors */
	{"", "AR", 0, "!NOT_A_NUMBER"},
	{"   ", NULL, 0, "!NOT_A_NUMBER"},
	{"+", NULL, 0, "!NOT_A_NUMBER"},
	{"++", "AR", 0, "!NOT_A_NUMBER"},
	{"-()./", "US", 0, "!NOT_A_NUMBER"},
	{"hello", "US", 0, "!NOT_A_NUMBER"},
	{"+1 650 ABC 0000", NULL, 0, "!NOT_A_NUMBER"},
	{"1-800-FLOWERS", "US", 0, "!TOO_SHORT"},	/* trailing text dropped, as the oracle */
	{"1-800-FLOWERS-4", "US", 0, "!NOT_A_NUMBER"},
	{"\xf0\x9f\x98\x80\xf0\x9f\x93\x9e", "US", 0, "!NOT_A_NUMBER"},
	{"12", "US", 0, "!TOO_SHORT"},
	{"1 2", "US", 0, "!TOO_SHORT"},
	{"+12", NULL, 0, "!TOO_SHORT"},
	{"253-0000", "US", 0, "!TOO_SHORT"},
	{"+1 650 253 00000", NULL, 0, "!TOO_LONG"},
	{"+1234567890123456789", NULL, 0, "!TOO_LONG"},
	{"+49 30 123456789012", NULL, 0, "!TOO_LONG"},	/* 17 digits > E.164 */
	{"+7 12345678901", NULL, 0, "!INVALID_LENGTH"},
	{"2079460958", NULL, 0, "!MISSING_REGION"},
	{"020 7946 0958", "", 0, "!MISSING_REGION"},
	{"+0 123 456 789", NULL, 0, "!INVALID_COUNTRY_CODE"},
	{"+999 123 456 789", NULL, 0, "!INVALID_COUNTRY_CODE"},
	{"00 999 1234567", "DE", 0, "!INVALID_COUNTRY_CODE"},
	{"020 7946 0958", "XX", 0, "!UNKNOWN_REGION"},
	{"020 7946 0958", "GBR", 0, "!UNKNOWN_REGION"},
	{"020 7946 0958", "1", 0, "!UNKNOWN_REGION"},
	{"020 7946 0958", "001", 0, "!UNKNOWN_REGION"},
	/* bare digits read as international (WhatsApp sender IDs) */
	{"5491112345678", NULL, BARE, "+5491112345678"},
	{"14155552671", NULL, BARE, "+14155552671"},
	{"14155552671", NULL, 0, "!MISSING_REGION"},
	{"0415555267", NULL, BARE, "!MISSING_REGION"},
	{"4155552671", "US", BARE, "+14155552671"},
	{"9991234567", NULL, BARE, "!MISSING_REGION"},
	{" whatsapp:5491112345678 ", NULL, BARE, "+5491112345678"},
	{"(11) 97777-6666", NULL, BARE, "!MISSING_REGION"},
	{"54 9 11 1234 5678", NULL, BARE, "!MISSING_REGION"},
};

static void
test_cases(void)
{
	size_t		i;
	char		buf[64],
				what[512];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const Case *c = &cases[i];

		run(c->raw, strlen(c->raw), c->region, c->flags, buf, sizeof(buf));
		snprintf(what, sizeof(what), "e164_normalize(\"%s\", %s, %d) = %s, expected %s",
				 c->raw, c->region ? c->region : "NULL", c->flags, buf, c->expected);
		check(strcmp(buf, c->expected) == 0, what);
	}
}

/* Nothing may crash, overrun or return garbage, whatever the input */
static void
test_hostile(void)
{
	static char big[10001];
	char		buf[64];
	char		nul[] = {'+', '1', '\0', '6', '5', '0', '2', '5', '3', '0', '0', '0', '0'};
	char		ctl[] = "+1\x01" "650\x7f" "253 0000";
	char		invalid[] = "+1 650 \xff\xfe 253 0000";
	char		trunc[] = "+44 20 7946 0958\xe2\x80";
	char		s250[251];
	int			i;

	memset(big, '1', sizeof(big) - 1);
	run(big, 10000, "AR", 0, buf, sizeof(buf));
	check(strcmp(buf, "!TOO_LONG_INPUT") == 0, "10,000 bytes => TOO_LONG_INPUT");

	memset(s250, '9', 250);
	run(s250, 250, "AR", 0, buf, sizeof(buf));
	check(strcmp(buf, "!TOO_LONG") == 0, "250 digits => TOO_LONG");
	run(s250, 251, "AR", 0, buf, sizeof(buf));
	check(strcmp(buf, "!TOO_LONG_INPUT") == 0, "251 bytes => TOO_LONG_INPUT");
	s250[0] = '+';
	s250[1] = '1';
	run(s250, 250, NULL, 0, buf, sizeof(buf));
	check(strcmp(buf, "!TOO_LONG") == 0, "+ and 249 digits => TOO_LONG");

	/* the limit counts characters; a hard bound counts bytes */
	{
		static char wide[4 * E164_MAX_INPUT + 8];
		size_t		n = 0;

		wide[n++] = '+';
		for (i = 1; i < E164_MAX_INPUT; i++)
		{
			memcpy(wide + n, "\xd9\xa5", 2);	/* ARABIC-INDIC DIGIT FIVE */
			n += 2;
		}
		run(wide, n, NULL, 0, buf, sizeof(buf));
		check(strcmp(buf, "!TOO_LONG") == 0, "250 characters in 499 bytes => TOO_LONG");
		memcpy(wide + n, "\xd9\xa5", 2);
		run(wide, n + 2, NULL, 0, buf, sizeof(buf));
		check(strcmp(buf, "!TOO_LONG_INPUT") == 0, "251 characters => TOO_LONG_INPUT");
		for (n = 0; n < 4 * E164_MAX_INPUT; n += 4)
			memcpy(wide + n, "\xf0\x9f\x93\x9e", 4);	/* TELEPHONE RECEIVER */
		run(wide, n, "US", 0, buf, sizeof(buf));
		check(strcmp(buf, "!NOT_A_NUMBER") == 0, "250 emoji (1,000 bytes) => NOT_A_NUMBER");
		wide[n] = '1';
		run(wide, n + 1, "US", 0, buf, sizeof(buf));
		check(strcmp(buf, "!TOO_LONG_INPUT") == 0, "1,001 bytes => TOO_LONG_INPUT");
		memset(wide, 0xff, E164_MAX_INPUT + 1);
		run(wide, E164_MAX_INPUT, "US", 0, buf, sizeof(buf));
		check(strcmp(buf, "!NOT_A_NUMBER") == 0, "250 invalid bytes => NOT_A_NUMBER");
		run(wide, E164_MAX_INPUT + 1, "US", 0, buf, sizeof(buf));
		check(strcmp(buf, "!TOO_LONG_INPUT") == 0, "251 invalid bytes count as 251 characters");
		memcpy(wide, "\xef\xbc\x8b", 3);
		for (n = 3; n < 3 + 3 * 13; n += 3)
			memcpy(wide + n, "\xef\xbc\x95", 3);	/* FULLWIDTH DIGIT FIVE */
		memset(wide + n, ' ', E164_MAX_INPUT - 14);
		n += E164_MAX_INPUT - 14;
		run(wide, n, NULL, 0, buf, sizeof(buf));
		check(strcmp(buf, "+5555555555555") == 0,
			  "250 characters in 292 bytes are within the limit");
	}

	run("", 0, NULL, 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "len 0, no region");
	run("+1 650 253 0000", 0, "US", 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "len 0 with data behind");

	run(nul, sizeof(nul), NULL, 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "embedded NUL");
	run(ctl, strlen(ctl), NULL, 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "control characters");
	run(invalid, strlen(invalid), NULL, 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "invalid UTF-8 inside");
	run(trunc, strlen(trunc), NULL, 0, buf, sizeof(buf));
	check(strcmp(buf, "+442079460958") == 0, "truncated UTF-8 at the end is dropped");

	/* every byte value alone and around a number */
	for (i = 0; i < 256; i++)
	{
		char		s[32];
		int			n = snprintf(s, sizeof(s), "%c+1 650 %c253 0000%c", i, i, i);

		run(s, (size_t) n, "US", 0, buf, sizeof(buf));
		run(s, 1, "US", 0, buf, sizeof(buf));
	}
	passed++;

	/* punctuation only, long */
	memset(big, '-', 250);
	run(big, 250, "US", 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "250 dashes");
	/* many pluses and digits: worst case for the viability regex */
	for (i = 0; i < 250; i++)
		big[i] = (i % 3 == 0) ? 'x' : '1';
	run(big, 250, "US", 0, buf, sizeof(buf));
	check(strcmp(buf, "!NOT_A_NUMBER") == 0, "x1 repeated");
	for (i = 0; i < 250; i++)
		big[i] = (i % 2 == 0) ? ',' : '1';
	run(big, 250, "US", 0, buf, sizeof(buf));
	check(buf[0] == '!', "commas and digits");
}

static void
test_regions_and_metadata(void)
{
	int			i;
	int			bad = 0;
	char		what[256];

	check(e164_region_is_known("AR"), "AR known");
	check(e164_region_is_known("ar"), "ar known");
	check(e164_region_is_known("gB"), "gB known");
	check(!e164_region_is_known("XX"), "XX unknown");
	check(!e164_region_is_known(""), "empty unknown");
	check(!e164_region_is_known("A"), "A unknown");
	check(!e164_region_is_known("ARG"), "ARG unknown");
	check(!e164_region_is_known("001"), "001 unknown");
	check(!e164_region_is_known(NULL), "NULL unknown");
	check(strstr(e164_metadata_version(), "libphonenumber-js ") != NULL &&
		  strstr(e164_metadata_version(), " sha256:") != NULL,
		  "metadata version names its source and hash");
	check(strcmp(e164_result_detail(E164_TOO_SHORT), "too short") == 0, "detail too short");
	check(strcmp(e164_result_detail(E164_INVALID_COUNTRY_CODE), "invalid country code") == 0,
		  "detail invalid country code");
	for (i = 0; i < N_RESULTS; i++)
		check(e164_result_detail((E164Result) i)[0] != '\0', "detail non-empty");

	/* every metadata pattern must compile with PCRE2 as we use it */
	check(e164_n_patterns <= E164_MAX_PATTERNS, "pattern table within bound");
	for (i = 0; i < e164_n_patterns; i++)
	{
		int			errcode;
		PCRE2_SIZE	erroff;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR) e164_patterns[i], PCRE2_ZERO_TERMINATED,
										 PCRE2_ANCHORED, &errcode, &erroff, NULL);

		if (code == NULL)
		{
			bad++;
			snprintf(what, sizeof(what), "pattern %d does not compile", i);
			check(false, what);
		}
		pcre2_code_free(code);
	}
	check(bad == 0, "all metadata patterns compile");
}

static void
test_match_keys(void)
{
	char		keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE];
	int			n;

	n = e164_match_keys("+5491112345678", keys);
	check(n == 2 && strcmp(keys[0], "+5491112345678") == 0 &&
		  strcmp(keys[1], "+541112345678") == 0, "AR mobile keys");
	n = e164_match_keys("+541112345678", keys);
	check(n == 2 && strcmp(keys[1], "+5491112345678") == 0, "AR without 9 keys");
	n = e164_match_keys("+548001234567", keys);
	check(n == 1, "AR toll-free has no alias");
	n = e164_match_keys("+525512345678", keys);
	check(n == 2 && strcmp(keys[1], "+5215512345678") == 0, "MX keys");
	n = e164_match_keys("+5215512345678", keys);
	check(n == 2 && strcmp(keys[1], "+525512345678") == 0, "MX legacy keys");
	n = e164_match_keys("+5511987654321", keys);
	check(n == 2 && strcmp(keys[1], "+551187654321") == 0, "BR ninth digit keys");
	n = e164_match_keys("+5511912345678", keys);
	check(n == 1, "BR 9 then 1: not an old mobile");
	n = e164_match_keys("+551182345678", keys);
	check(n == 2 && strcmp(keys[1], "+5511982345678") == 0, "BR old mobile keys");
	n = e164_match_keys("+551132345678", keys);
	check(n == 1, "BR landline has no alias");
	n = e164_match_keys("+16502530000", keys);
	check(n == 1 && strcmp(keys[0], "+16502530000") == 0, "US one key");
	check(e164_match_keys("", keys) == 0, "empty: no keys");
	check(e164_match_keys("+", keys) == 0, "plus: no keys");
	check(e164_match_keys("16502530000", keys) == 0, "no plus: no keys");
	check(e164_match_keys("+1650253000a", keys) == 0, "letter: no keys");
	check(e164_match_keys("+1234567890123456", keys) == 0, "16 digits: no keys");
}

/* ---- CSV ---- */

typedef struct Csv
{
	char	   *data;
	size_t		len,
				pos;
} Csv;

static bool
csv_load(Csv *csv, const char *path)
{
	FILE	   *f = fopen(path, "rb");
	long		size;

	csv->data = NULL;
	csv->len = csv->pos = 0;
	if (f == NULL)
		return false;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	csv->data = malloc(size + 1);
	if (csv->data == NULL || fread(csv->data, 1, size, f) != (size_t) size)
	{
		fclose(f);
		return false;
	}
	fclose(f);
	csv->len = size;
	return true;
}

/* One RFC 4180 record into fields (malloc'd, with lengths); false at EOF */
static bool
csv_record(Csv *csv, char **fields, size_t *lens, int maxf, int *nf)
{
	int			n = 0;

	if (csv->pos >= csv->len)
		return false;
	for (;;)
	{
		char	   *f = malloc(csv->len - csv->pos + 1);
		size_t		fl = 0;

		if (csv->pos < csv->len && csv->data[csv->pos] == '"')
		{
			csv->pos++;
			while (csv->pos < csv->len)
			{
				char		c = csv->data[csv->pos++];

				if (c == '"')
				{
					if (csv->pos < csv->len && csv->data[csv->pos] == '"')
					{
						f[fl++] = '"';
						csv->pos++;
					}
					else
						break;
				}
				else
					f[fl++] = c;
			}
		}
		while (csv->pos < csv->len && csv->data[csv->pos] != ',' &&
			   csv->data[csv->pos] != '\n' && csv->data[csv->pos] != '\r')
			f[fl++] = csv->data[csv->pos++];
		f[fl] = '\0';
		if (n < maxf)
		{
			fields[n] = f;
			lens[n] = fl;
			n++;
		}
		else
			free(f);
		if (csv->pos < csv->len && csv->data[csv->pos] == ',')
		{
			csv->pos++;
			continue;
		}
		if (csv->pos < csv->len && csv->data[csv->pos] == '\r')
			csv->pos++;
		if (csv->pos < csv->len && csv->data[csv->pos] == '\n')
			csv->pos++;
		break;
	}
	*nf = n;
	return true;
}

static void
free_fields(char **fields, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		free(fields[i]);
}

typedef struct Listed
{
	char	   *input;
	size_t		inlen;
	char	   *region;
	char	   *oracle;
	char	   *ours;
	bool		cpp;			/* reason "libphonenumber C++: ..." */
	bool		seen;
} Listed;

/*
 * Disagreements with this reason are rows where libphonenumber-js departs
 * from libphonenumber's C++ parser (the reference) and we follow C++; they
 * count as agreement with libphonenumber.
 */
#define CPP_REASON "libphonenumber C++:"

static void
test_corpus(const char *dir)
{
	char		path[1024];
	Csv			csv;
	char	   *f[8];
	size_t		fl[8];
	int			nf;
	Listed	   *listed = NULL;
	int			nlisted = 0,
				cap = 0;
	long		total = 0,
				agree = 0,
				agree_cpp = 0,
				unlisted = 0;
	int			i;
	char		what[1024];

	/* the disagreements kept on purpose */
	snprintf(path, sizeof(path), "%s/e164_disagreements.csv", dir);
	if (!csv_load(&csv, path))
	{
		check(false, "test/data/e164_disagreements.csv readable");
		return;
	}
	if (csv_record(&csv, f, fl, 8, &nf))
	{
		check(nf == 5 && strcmp(f[0], "input") == 0 && strcmp(f[4], "reason") == 0,
			  "disagreements header input,region,oracle,ours,reason");
		free_fields(f, nf);
	}
	while (csv_record(&csv, f, fl, 8, &nf))
	{
		if (nf == 1 && fl[0] == 0)
		{
			free_fields(f, nf);
			continue;
		}
		if (nf != 5 || fl[4] == 0)
		{
			check(false, "disagreement row has 5 fields and a reason");
			free_fields(f, nf);
			continue;
		}
		if (nlisted == cap)
		{
			cap = cap ? cap * 2 : 64;
			listed = realloc(listed, cap * sizeof(Listed));
		}
		listed[nlisted].input = f[0];
		listed[nlisted].inlen = fl[0];
		listed[nlisted].region = f[1];
		listed[nlisted].oracle = f[2];
		listed[nlisted].ours = f[3];
		listed[nlisted].seen = false;
		listed[nlisted].cpp = strncmp(f[4], CPP_REASON, strlen(CPP_REASON)) == 0;
		free(f[4]);
		nlisted++;
	}
	free(csv.data);

	snprintf(path, sizeof(path), "%s/e164_corpus.csv", dir);
	if (!csv_load(&csv, path))
	{
		printf("corpus %s not found: skipped\n", path);
		check(false, "test/data/e164_corpus.csv readable");
		return;
	}
	if (csv_record(&csv, f, fl, 8, &nf))
	{
		check(nf == 3 && strcmp(f[0], "input") == 0 && strcmp(f[1], "region") == 0 &&
			  strcmp(f[2], "expected") == 0, "corpus header input,region,expected");
		free_fields(f, nf);
	}
	while (csv_record(&csv, f, fl, 8, &nf))
	{
		char		buf[64];

		if (nf == 1 && fl[0] == 0)
		{
			free_fields(f, nf);
			continue;
		}
		if (nf != 3)
		{
			check(false, "corpus row has 3 fields");
			free_fields(f, nf);
			continue;
		}
		total++;
		run(f[0], fl[0], f[1][0] ? f[1] : NULL, 0, buf, sizeof(buf));
		if (strcmp(buf, f[2]) == 0)
			agree++;
		else
		{
			bool		found = false;

			for (i = 0; i < nlisted; i++)
			{
				if (listed[i].inlen == fl[0] && memcmp(listed[i].input, f[0], fl[0]) == 0 &&
					strcmp(listed[i].region, f[1]) == 0 &&
					strcmp(listed[i].oracle, f[2]) == 0 && strcmp(listed[i].ours, buf) == 0)
				{
					listed[i].seen = true;
					found = true;
					if (listed[i].cpp)
						agree_cpp++;
				}
			}
			if (!found)
			{
				unlisted++;
				if (unlisted <= 50)
					printf("unlisted disagreement: \"%s\",%s oracle %s ours %s\n",
						   f[0], f[1], f[2], buf);
			}
		}
		free_fields(f, nf);
	}
	free(csv.data);

	for (i = 0; i < nlisted; i++)
	{
		if (!listed[i].seen)
		{
			snprintf(what, sizeof(what),
					 "listed disagreement no longer occurs: \"%s\",%s oracle %s ours %s",
					 listed[i].input, listed[i].region, listed[i].oracle, listed[i].ours);
			check(false, what);
		}
		free(listed[i].input);
		free(listed[i].region);
		free(listed[i].oracle);
		free(listed[i].ours);
	}
	free(listed);

	printf("corpus: %ld rows, %ld agree with the oracle (%.2f%%), %ld more where libphonenumber C++ "
		   "departs from it (%.2f%% with libphonenumber), %d disagreements listed, %ld unlisted\n",
		   total, agree, total ? 100.0 * agree / total : 0.0, agree_cpp,
		   total ? 100.0 * (agree + agree_cpp) / total : 0.0, nlisted, unlisted);
	check(total > 0, "corpus has rows");
	check(unlisted == 0, "every disagreement with the oracle is listed");
	check(total > 0 && (agree + agree_cpp) * 1000 >= total * 995,
		  "agreement with libphonenumber >= 99.5%");
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "test/data";

	test_cases();
	test_hostile();
	test_regions_and_metadata();
	test_match_keys();
	test_corpus(dir);
	printf("test_e164: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
