/*
 * test_identifier.c
 *	  Unit tests of identifier classification and normalisation (every kind).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e164.h"
#include "email.h"
#include "identifier_kind.h"

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

static const char *const result_names[] = {
	"OK", "UNKNOWN_REGION", "BAD_PHONE", "BAD_EMAIL", "BAD_JID", "NOT_A_PERSON"
};

typedef struct Case
{
	const char *raw;
	const char *region;
	IdentifierKind kind;
	IdentifierResult result;
	const char *out;			/* the key, or for BAD_PHONE / BAD_EMAIL the reason */
} Case;

#define PHONE IDENTIFIER_PHONE
#define EMAIL IDENTIFIER_EMAIL
#define USER IDENTIFIER_WHATSAPP_USER
#define LID IDENTIFIER_WHATSAPP_LID
#define GROUP IDENTIFIER_WHATSAPP_GROUP
#define BCAST IDENTIFIER_WHATSAPP_BROADCAST
#define CHANNEL IDENTIFIER_WHATSAPP_CHANNEL

static const Case cases[] = {
	/* phone numbers as written, bare WhatsApp digits */
	{"+54 9 11 1234-5678", NULL, PHONE, IDENTIFIER_OK, "+5491112345678"},
	{"011 15-1234-5678", "AR", PHONE, IDENTIFIER_OK, "+5491112345678"},
	{"5491112345678", NULL, PHONE, IDENTIFIER_OK, "+5491112345678"},
	{"whatsapp:+5491112345678", NULL, PHONE, IDENTIFIER_OK, "+5491112345678"},
	{"tel:+1-650-253-0000", "AR", PHONE, IDENTIFIER_OK, "+16502530000"},
	{"\xef\xbc\x8b" "1 650 253 0000", "AR", PHONE, IDENTIFIER_OK, "+16502530000"},
	{"1234 5678", NULL, PHONE, IDENTIFIER_BAD_PHONE, "national number without default region"},
	{"", NULL, PHONE, IDENTIFIER_BAD_PHONE, "not a phone number"},
	/* WhatsApp user JIDs: always international, whatever the region */
	{"16502530000@s.whatsapp.net", "AR", USER, IDENTIFIER_OK, "+16502530000"},
	{"16502530000@s.whatsapp.net", NULL, USER, IDENTIFIER_OK, "+16502530000"},
	{"5491112345678@s.whatsapp.net", "US", USER, IDENTIFIER_OK, "+5491112345678"},
	{"5491112345678@c.us", "MX", USER, IDENTIFIER_OK, "+5491112345678"},
	{" 5491112345678@S.WhatsApp.NET\n", NULL, USER, IDENTIFIER_OK, "+5491112345678"},
	{"5215512345678@s.whatsapp.net", "AR", USER, IDENTIFIER_OK, "+525512345678"},
	{"447946095800@s.whatsapp.net", "GB", USER, IDENTIFIER_OK, "+447946095800"},
	/* device JIDs, with and without an agent: the same phone */
	{"5491112345678:12@s.whatsapp.net", "AR", USER, IDENTIFIER_OK, "+5491112345678"},
	{"5491112345678:0@s.whatsapp.net", NULL, USER, IDENTIFIER_OK, "+5491112345678"},
	{"5491112345678.0:12@s.whatsapp.net", NULL, USER, IDENTIFIER_OK, "+5491112345678"},
	{"5491112345678.1@s.whatsapp.net", NULL, USER, IDENTIFIER_OK, "+5491112345678"},
	{"16502530000:65535@c.us", "AR", USER, IDENTIFIER_OK, "+16502530000"},
	/* malformed user JIDs */
	{"@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"54911a@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"+5491112345678@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"5491112345678:@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"5491112345678:123456@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"5491112345678.0.1@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"5491112345678:1.0@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"549 11 1234 5678@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"a@b@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	{"guest@s.whatsapp.net", NULL, USER, IDENTIFIER_BAD_JID, ""},
	/* user JIDs whose digits are not a possible number */
	{"123@s.whatsapp.net", "AR", USER, IDENTIFIER_BAD_PHONE, "too short"},
	{"9991234567@s.whatsapp.net", "AR", USER, IDENTIFIER_BAD_PHONE, "invalid country code"},
	{"05491112345678@s.whatsapp.net", "AR", USER, IDENTIFIER_BAD_PHONE, "invalid country code"},
	/* @lid: opaque, one canonical form */
	{"123456789012345@lid", NULL, LID, IDENTIFIER_OK, "123456789012345@lid"},
	{"123456789012345@lid", "AR", LID, IDENTIFIER_OK, "123456789012345@lid"},
	{" 123456789012345:7@LID ", NULL, LID, IDENTIFIER_OK, "123456789012345@lid"},
	{"123456789012345.1:7@lid", NULL, LID, IDENTIFIER_OK, "123456789012345@lid"},
	{"0012@lid", NULL, LID, IDENTIFIER_OK, "0012@lid"},
	{"12345678901234567890123456789012@lid", NULL, LID, IDENTIFIER_OK,
	"12345678901234567890123456789012@lid"},
	{"123456789012345678901234567890123@lid", NULL, LID, IDENTIFIER_BAD_JID, ""},
	{"@lid", NULL, LID, IDENTIFIER_BAD_JID, ""},
	{"abc@lid", NULL, LID, IDENTIFIER_BAD_JID, ""},
	{"+123456789012345@lid", NULL, LID, IDENTIFIER_BAD_JID, ""},
	{"123456789012345:@lid", NULL, LID, IDENTIFIER_BAD_JID, ""},
	/* not a person */
	{"120363025246125486@g.us", NULL, GROUP, IDENTIFIER_NOT_A_PERSON, ""},
	{"5491112345678-1596729327@g.us", "AR", GROUP, IDENTIFIER_NOT_A_PERSON, ""},
	{"status@broadcast", NULL, BCAST, IDENTIFIER_NOT_A_PERSON, ""},
	{"1596729327@Broadcast", NULL, BCAST, IDENTIFIER_NOT_A_PERSON, ""},
	{"120363144038483540@newsletter", NULL, CHANNEL, IDENTIFIER_NOT_A_PERSON, ""},
	{"@g.us", NULL, GROUP, IDENTIFIER_NOT_A_PERSON, ""},
	/* e-mails */
	{"  Guest.Name@Example.COM ", NULL, EMAIL, IDENTIFIER_OK, "guest.name@example.com"},
	{"mailto:Guest@Example.com", "AR", EMAIL, IDENTIFIER_OK, "guest@example.com"},
	{"MAILTO:guest@example.com", NULL, EMAIL, IDENTIFIER_OK, "guest@example.com"},
	{"guest@whatsapp.net", NULL, EMAIL, IDENTIFIER_OK, "guest@whatsapp.net"},
	{"guest@us.lid", NULL, EMAIL, IDENTIFIER_OK, "guest@us.lid"},
	{"guest@localhost", NULL, EMAIL, IDENTIFIER_BAD_EMAIL,
	"domain must have a dot and no empty labels"},
	{"a@b@example.com", NULL, EMAIL, IDENTIFIER_BAD_EMAIL, "more than one @"},
	{"@", NULL, EMAIL, IDENTIFIER_BAD_EMAIL, "empty local part"},
	/* an unknown region is an error whatever the kind */
	{"+5491112345678", "XX", PHONE, IDENTIFIER_UNKNOWN_REGION, ""},
	{"16502530000@s.whatsapp.net", "XX", USER, IDENTIFIER_UNKNOWN_REGION, ""},
	{"123@lid", "ARG", LID, IDENTIFIER_UNKNOWN_REGION, ""},
	{"guest@example.com", "1", EMAIL, IDENTIFIER_UNKNOWN_REGION, ""},
	{"guest@example.com", "", EMAIL, IDENTIFIER_OK, "guest@example.com"},
};

static void
test_cases(void)
{
	size_t		i;
	char		what[1024];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const Case *c = &cases[i];
		size_t		len = strlen(c->raw);
		size_t		size = IDENTIFIER_OUT_SIZE(len);
		char	   *out = malloc(size + 8);
		size_t		outlen = 99;
		IdentifierKind kind;
		int			reason = -1;
		IdentifierResult r;
		const char *got;

		memset(out, 'Z', size + 8);
		r = identifier_normalize(c->raw, len, c->region, out, &outlen, &kind, &reason);
		if (r == IDENTIFIER_BAD_PHONE)
			got = e164_result_detail((E164Result) reason);
		else if (r == IDENTIFIER_BAD_EMAIL)
			got = email_result_detail((EmailResult) reason);
		else
			got = out;
		snprintf(what, sizeof(what),
				 "identifier_normalize(\"%s\", %s) = %s %s \"%s\", expected %s %s \"%s\"",
				 c->raw, c->region ? c->region : "NULL",
				 identifier_kind_name(kind), result_names[r], got,
				 identifier_kind_name(c->kind), result_names[c->result], c->out);
		check(kind == c->kind && r == c->result && strcmp(got, c->out) == 0 &&
			  (r == IDENTIFIER_OK ? outlen == strlen(out) : outlen == 0 && out[0] == '\0') &&
			  memcmp(out + size, "ZZZZZZZZ", 8) == 0, what);
		free(out);
	}
}

static void
test_classify(void)
{
	IdentifierClass c;
	const char *s;

	s = "  5491112345678:12@s.whatsapp.net ";
	identifier_classify(s, strlen(s), &c);
	check(c.kind == IDENTIFIER_WHATSAPP_USER && c.well_formed && c.user == s + 2 &&
		  c.user_len == 13, "device JID: the digits, trimmed");
	s = "123456789012345:3@lid";
	identifier_classify(s, strlen(s), &c);
	check(c.kind == IDENTIFIER_WHATSAPP_LID && c.well_formed && c.user == s && c.user_len == 15,
		  "@lid with device");
	s = "+54 9 11 1234-5678";
	identifier_classify(s, strlen(s), &c);
	check(c.kind == IDENTIFIER_PHONE && c.user == s && c.user_len == strlen(s), "phone: whole input");
	s = "guest@example.com";
	identifier_classify(s, strlen(s), &c);
	check(c.kind == IDENTIFIER_EMAIL && c.user == s && c.user_len == strlen(s), "e-mail: whole input");
	identifier_classify("", 0, &c);
	check(c.kind == IDENTIFIER_PHONE && c.user_len == 0, "empty: phone");
	s = "a\0@b.c";
	identifier_classify(s, 6, &c);
	check(c.kind == IDENTIFIER_EMAIL, "@ after NUL");
	s = "123\0@lid";
	identifier_classify(s, 8, &c);
	check(c.kind == IDENTIFIER_WHATSAPP_LID && !c.well_formed, "NUL in a @lid");
	s = "123@lid\0";
	identifier_classify(s, 8, &c);
	check(c.kind == IDENTIFIER_EMAIL, "NUL after the server: not a JID");
	s = "5491112345678@s.whatsapp.net.";
	identifier_classify(s, strlen(s), &c);
	check(c.kind == IDENTIFIER_EMAIL, "server with a trailing dot: not a JID");

	for (int k = IDENTIFIER_PHONE; k <= IDENTIFIER_WHATSAPP_CHANNEL; k++)
		check(strcmp(identifier_kind_name((IdentifierKind) k), "unknown") != 0, "kind has a name");
}

/* Long and hostile input: bounded, no overrun, the right error */
static void
test_hostile(void)
{
	static char big[20000];
	static char out[IDENTIFIER_OUT_SIZE(sizeof(big))];
	size_t		outlen;
	IdentifierKind kind;
	int			reason;
	IdentifierResult r;

	memset(big, '5', sizeof(big));
	memcpy(big + sizeof(big) - 15, "@s.whatsapp.net", 15);
	r = identifier_normalize(big, sizeof(big), "AR", out, &outlen, &kind, &reason);
	check(kind == IDENTIFIER_WHATSAPP_USER && r == IDENTIFIER_BAD_PHONE &&
		  reason == E164_TOO_LONG_INPUT, "20,000-byte user JID: too long input");
	memcpy(big + sizeof(big) - 4, "@lid", 4);
	r = identifier_normalize(big, sizeof(big), NULL, out, &outlen, &kind, &reason);
	check(kind == IDENTIFIER_WHATSAPP_LID && r == IDENTIFIER_BAD_JID, "20,000-byte @lid: bad JID");
	memcpy(big + sizeof(big) - 5, "@g.us", 5);
	r = identifier_normalize(big, sizeof(big), NULL, out, &outlen, &kind, &reason);
	check(kind == IDENTIFIER_WHATSAPP_GROUP && r == IDENTIFIER_NOT_A_PERSON, "20,000-byte group");
	memcpy(big + sizeof(big) - 12, "@example.com", 12);
	r = identifier_normalize(big, sizeof(big), NULL, out, &outlen, &kind, &reason);
	check(kind == IDENTIFIER_EMAIL && r == IDENTIFIER_BAD_EMAIL && reason == EMAIL_TOO_LONG,
		  "20,000-byte e-mail: too long");
	memset(big, '@', sizeof(big));
	r = identifier_normalize(big, sizeof(big), NULL, out, &outlen, &kind, &reason);
	check(kind == IDENTIFIER_EMAIL && r == IDENTIFIER_BAD_EMAIL, "20,000 @");

	/* every byte value before, inside and after a JID */
	for (int i = 0; i < 256; i++)
	{
		char		s[64];
		int			n = snprintf(s, sizeof(s), "%c549111234%c5678:1%c@lid%c", i, i, i, i);

		r = identifier_normalize(s, (size_t) n, NULL, out, &outlen, &kind, &reason);
		check(r == IDENTIFIER_OK ? strcmp(out, "5491112345678@lid") == 0 : outlen == 0,
			  "byte around a @lid");
	}
}

int
main(void)
{
	test_cases();
	test_classify();
	test_hostile();
	printf("test_identifier: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
