/*
 * test_email.c
 *	  Unit tests of the e-mail core.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"

static int	passed,
			failed;

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

typedef struct Case
{
	const char *raw;
	size_t		len;			/* 0: strlen(raw) */
	EmailResult expected;
	const char *out;
} Case;

static const Case cases[] = {
	{"Guest@Example.COM", 0, EMAIL_OK, "guest@example.com"},
	{"  Guest@Example.com \t\r\n", 0, EMAIL_OK, "guest@example.com"},
	{"a@b.c", 0, EMAIL_OK, "a@b.c"},
	{"first.last+tag@sub.example.co.uk", 0, EMAIL_OK, "first.last+tag@sub.example.co.uk"},
	{"JOSÉ@Dominio.ES", 0, EMAIL_OK, "josÉ@dominio.es"},	/* non-ASCII kept */
	{"\xff\xfe@x.y", 0, EMAIL_OK, "\xff\xfe@x.y"},
	{"", 0, EMAIL_NO_AT, ""},
	{"   ", 0, EMAIL_NO_AT, ""},
	{"guest.example.com", 0, EMAIL_NO_AT, ""},
	{"a@b@c.com", 0, EMAIL_MULTIPLE_AT, ""},
	{"@@", 0, EMAIL_MULTIPLE_AT, ""},
	{"@example.com", 0, EMAIL_EMPTY_LOCAL, ""},
	{" @example.com", 0, EMAIL_EMPTY_LOCAL, ""},
	{"guest@", 0, EMAIL_BAD_DOMAIN, ""},
	{"guest@localhost", 0, EMAIL_BAD_DOMAIN, ""},
	{"guest@.example.com", 0, EMAIL_BAD_DOMAIN, ""},
	{"guest@example.com.", 0, EMAIL_BAD_DOMAIN, ""},
	{"guest@example..com", 0, EMAIL_BAD_DOMAIN, ""},
	{"guest@.", 0, EMAIL_BAD_DOMAIN, ""},
	{"gu est@example.com", 0, EMAIL_INVALID_CHAR, ""},
	{"guest@exa mple.com", 0, EMAIL_INVALID_CHAR, ""},
	{"guest@exa\tmple.com", 0, EMAIL_INVALID_CHAR, ""},
	{"guest\x01@example.com", 0, EMAIL_INVALID_CHAR, ""},
	{"guest\x7f@example.com", 0, EMAIL_INVALID_CHAR, ""},
	{"guest\0x@example.com", 19, EMAIL_INVALID_CHAR, ""},
	{"guest@example.com\0", 18, EMAIL_INVALID_CHAR, ""},
	/* mailto: prefixes, any case, go as tel: does from a phone number */
	{"mailto:Guest@Example.com", 0, EMAIL_OK, "guest@example.com"},
	{"  MAILTO:guest@example.com ", 0, EMAIL_OK, "guest@example.com"},
	{"MailTo: guest@example.com", 0, EMAIL_OK, "guest@example.com"},
	{"mailto:mailto:guest@example.com", 0, EMAIL_OK, "guest@example.com"},
	{"mailto:", 0, EMAIL_NO_AT, ""},
	{"mailto:@example.com", 0, EMAIL_EMPTY_LOCAL, ""},
	{"mailto\x1aguest@example.com", 0, EMAIL_INVALID_CHAR, ""},
	{"mail:guest@example.com", 0, EMAIL_OK, "mail:guest@example.com"},
	{"guest.mailto:x@example.com", 0, EMAIL_OK, "guest.mailto:x@example.com"},
};

static void
test_cases(void)
{
	size_t		i;
	char		what[512];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const Case *c = &cases[i];
		size_t		len = c->len ? c->len : strlen(c->raw);
		char	   *out = malloc(len + 1);
		size_t		outlen = 99;
		EmailResult r = email_normalize(c->raw, len, out, &outlen);

		snprintf(what, sizeof(what), "email_normalize(\"%s\") = %d \"%s\", expected %d \"%s\"",
				 c->raw, (int) r, out, (int) c->expected, c->out);
		check(r == c->expected && strcmp(out, c->out) == 0 && outlen == strlen(c->out), what);
		free(out);
	}
}

static void
test_lengths(void)
{
	char		buf[400],
				out[401];
	size_t		outlen;
	int			i;

	/* 254 bytes exactly: fine; 255: too long; surrounding blanks do not count */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + 254 - 12, "@example.com", 12);
	check(email_normalize(buf, 254, out, &outlen) == EMAIL_OK && outlen == 254, "254 bytes ok");
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + 255 - 12, "@example.com", 12);
	check(email_normalize(buf, 255, out, &outlen) == EMAIL_TOO_LONG && outlen == 0 && out[0] == '\0',
		  "255 bytes too long");
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 50, "x@example.com", 13);
	check(email_normalize(buf, 400, out, &outlen) == EMAIL_OK && outlen == 13,
		  "whitespace does not count towards the length");
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "mailto:", 7);
	memcpy(buf + 7 + 254 - 12, "@example.com", 12);
	check(email_normalize(buf, 7 + 254, out, &outlen) == EMAIL_OK && outlen == 254,
		  "mailto: does not count towards the length");
	/* the limit is in bytes: 127 two-byte characters are 254 bytes */
	for (i = 0; i < 121; i++)
		memcpy(buf + 2 * i, "\xc3\xa9", 2);
	memcpy(buf + 242, "@example.com", 12);
	check(email_normalize(buf, 254, out, &outlen) == EMAIL_OK && outlen == 254,
		  "254 bytes of 133 characters ok");
	memcpy(buf + 242, "\xc3\xa9@example.com", 14);
	check(email_normalize(buf, 256, out, &outlen) == EMAIL_TOO_LONG,
		  "256 bytes of 134 characters too long");

	/* every single byte, and every byte inside an address: no crash */
	for (i = 0; i < 256; i++)
	{
		char		s[16];
		int			n = snprintf(s, sizeof(s), "a%c@b.c", i);

		email_normalize(s, (size_t) n, out, &outlen);
		check(outlen <= (size_t) n, "output not longer than input");
		s[0] = (char) i;
		email_normalize(s, 1, out, &outlen);
	}
	check(email_normalize("x", 0, out, &outlen) == EMAIL_NO_AT, "len 0");

	{
		static char big[10000];
		static char bigout[sizeof(big) + 1];

		memset(big, 'a', sizeof(big));
		big[5000] = '@';
		check(email_normalize(big, sizeof(big), bigout, &outlen) == EMAIL_TOO_LONG,
			  "10,000 bytes");
	}

	for (i = 0; i <= EMAIL_INVALID_CHAR; i++)
		check(email_result_detail((EmailResult) i)[0] != '\0', "detail non-empty");
	check(strcmp(email_result_detail(EMAIL_NO_AT), "no @") == 0, "detail no @");
}

int
main(void)
{
	test_cases();
	test_lengths();
	printf("test_email: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
