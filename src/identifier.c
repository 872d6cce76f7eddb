/*-------------------------------------------------------------------------
 *
 * identifier.c
 *	  SQL-callable normalisation of phone numbers (E.164), WhatsApp IDs and
 *	  e-mails.
 *
 * Thin fmgr wrappers: the parsing is done by the pure-C cores in e164.c,
 * email.c and identifier_kind.c, which never see a palloc and are fuzzed on
 * their own.  This file turns their result codes into PostgreSQL errors.
 *
 * The functions taking a default_region are not STRICT: a NULL region means
 * "no default region" (the number must then be international), not
 * "unknown".  A NULL raw input gives NULL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "e164.h"
#include "email.h"
#include "identifier.h"
#include "identifier_kind.h"

/* Longest piece of a bad input quoted back in an error message, in bytes. */
#define QUOTED_INPUT_MAX 64

/* The same for a bad region code. */
#define QUOTED_REGION_MAX 16

static char *quoted_input(const char *raw, size_t len, int max);

/*
 * A default region as a NUL-terminated upper-case code in buf.  Raises 22023
 * for a region the metadata does not know: a bad region is a caller's
 * mistake, not bad data, so even the try_ functions raise it.
 */
const char *
identifier_region_or_error(const char *region, size_t len, char buf[3])
{
	if (len == 2)
	{
		buf[0] = pg_ascii_toupper((unsigned char) region[0]);
		buf[1] = pg_ascii_toupper((unsigned char) region[1]);
		buf[2] = '\0';
		if (e164_region_is_known(buf))
			return buf;
	}

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown region code: \"%s\"",
					quoted_input(region, len, QUOTED_REGION_MAX)),
			 errdetail("The default region must be an ISO 3166-1 alpha-2 code known to the phone number metadata."),
			 errhint("Use a code such as AR, MX, US or GB, or NULL for numbers written in international format.")));
	return NULL;				/* keep compiler quiet */
}

/* The region argument argno (NULL when SQL NULL), checked as above. */
static const char *
region_argument(FunctionCallInfo fcinfo, int argno, char buf[3])
{
	text	   *region;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	region = PG_GETARG_TEXT_PP(argno);
	return identifier_region_or_error(VARDATA_ANY(region),
									  VARSIZE_ANY_EXHDR(region), buf);
}

/*
 * The input as quoted in an error message: cut to at most max bytes on a
 * character boundary, "..." appended when cut, control characters shown as
 * '?' so that a message stays on one line.  When the message is converted
 * to a client encoding that may lack some characters (neither the database
 * encoding, nor UTF-8, nor SQL_ASCII), every non-ASCII character is shown
 * as an escape instead (\uXXXX, or \UXXXXXXXX beyond the BMP, for a UTF-8
 * database; '?' for another encoding): the client then gets this error, not
 * an error about converting it.
 */
static char *
quoted_input(const char *raw, size_t len, int max)
{
	int			cut = pg_mbcliplen(raw, (int) Min(len, (size_t) INT_MAX), max);
	int			db = GetDatabaseEncoding();
	int			client = pg_get_client_encoding();
	bool		escape = client != db && client != PG_UTF8 &&
		client != PG_SQL_ASCII && db != PG_SQL_ASCII;
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < cut;)
	{
		unsigned char c = (unsigned char) raw[i];
		int			n = IS_HIGHBIT_SET(c) ? pg_mblen(raw + i) : 1;

		if (n > cut - i)
			n = cut - i;
		if (c < 0x20 || c == 0x7f)
			appendStringInfoChar(&buf, '?');
		else if (!IS_HIGHBIT_SET(c) || !escape)
			appendBinaryStringInfo(&buf, raw + i, n);
		else if (db == PG_UTF8)
		{
			pg_wchar	u = utf8_to_unicode((const unsigned char *) raw + i);

			appendStringInfo(&buf, u > 0xFFFF ? "\\U%08X" : "\\u%04X", (unsigned int) u);
		}
		else
			appendStringInfoChar(&buf, '?');
		i += n;
	}
	if ((size_t) cut < len)
		appendStringInfoString(&buf, "...");
	return buf.data;
}

static void
report_bad_phone(const char *raw, size_t len, E164Result result)
{
	const char *detail;
	const char *hint = "Write the number in international format, e.g. +5491112345678.";

	switch (result)
	{
		case E164_NOT_A_NUMBER:
			detail = "The input is not a phone number.";
			break;
		case E164_MISSING_REGION:
			detail = "The number has no international prefix and no default region was given.";
			hint = "Pass a default_region such as 'AR', or write the number with a leading +.";
			break;
		case E164_INVALID_COUNTRY_CODE:
			detail = "The number does not start with a valid country calling code.";
			break;
		case E164_TOO_SHORT:
			detail = "The number is too short for its country.";
			break;
		case E164_TOO_LONG:
			detail = "The number is too long for its country.";
			break;
		case E164_INVALID_LENGTH:
			detail = "The number's length is not possible for its country.";
			break;
		case E164_LOCAL_ONLY:
			detail = "The number can only be dialled locally: it lacks an area code.";
			hint = "Add the area code.";
			break;
		case E164_TOO_LONG_INPUT:
			detail = psprintf("The input is longer than %d characters.", E164_MAX_INPUT);
			break;
		default:
			detail = "The number could not be parsed.";
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid phone number: \"%s\"", quoted_input(raw, len, QUOTED_INPUT_MAX)),
			 errdetail_internal("%s", detail),
			 errhint("%s", hint)));
}

static void
report_bad_email(const char *raw, size_t len, EmailResult result)
{
	const char *detail;

	switch (result)
	{
		case EMAIL_TOO_LONG:
			detail = psprintf("An e-mail address has at most %d bytes.", EMAIL_MAX_LENGTH);
			break;
		case EMAIL_MULTIPLE_AT:
			detail = "An e-mail address has exactly one \"@\".";
			break;
		case EMAIL_EMPTY_LOCAL:
			detail = "The part before \"@\" is empty.";
			break;
		case EMAIL_BAD_DOMAIN:
			detail = "The domain must have at least two non-empty labels separated by dots.";
			break;
		case EMAIL_INVALID_CHAR:
			detail = "An e-mail address cannot contain spaces or control characters.";
			break;
		default:
			detail = "The e-mail address could not be parsed.";
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid e-mail address: \"%s\"", quoted_input(raw, len, QUOTED_INPUT_MAX)),
			 errdetail_internal("%s", detail),
			 errhint("Write the address as local-part@example.com.")));
}

static void
report_bad_whatsapp(const char *raw, size_t len, IdentifierKind kind)
{
	const char *detail;

	switch (kind)
	{
		case IDENTIFIER_WHATSAPP_GROUP:
			detail = "A WhatsApp group JID names a group, not a person.";
			break;
		case IDENTIFIER_WHATSAPP_BROADCAST:
			detail = "A WhatsApp broadcast JID names a status update or a broadcast list, not a person.";
			break;
		case IDENTIFIER_WHATSAPP_CHANNEL:
			detail = "A WhatsApp channel JID names a channel, not a person.";
			break;
		case IDENTIFIER_WHATSAPP_LID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid WhatsApp JID: \"%s\"", quoted_input(raw, len, QUOTED_INPUT_MAX)),
					 errdetail("A WhatsApp @lid JID is up to %d digits, optionally followed by a device part, before \"@lid\".",
							   IDENTIFIER_LID_MAX_DIGITS),
					 errhint("Pass the JID as WhatsApp sends it, e.g. 123456789012345:12@lid.")));
			return;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid WhatsApp JID: \"%s\"", quoted_input(raw, len, QUOTED_INPUT_MAX)),
					 errdetail("A WhatsApp user JID is the international number in digits, optionally followed by a device part, before \"@s.whatsapp.net\" or \"@c.us\"."),
					 errhint("Pass the JID as WhatsApp sends it, e.g. 5491112345678:12@s.whatsapp.net.")));
			return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid identifier: \"%s\"", quoted_input(raw, len, QUOTED_INPUT_MAX)),
			 errdetail_internal("%s", detail),
			 errhint("Use the JID of the person who wrote (the participant), not the JID of the chat.")));
}

/*
 * Normalises a raw identifier.  On success returns the palloc'd key; on bad
 * input raises (if raise_errors) or returns NULL.  An unknown region raises
 * even without raise_errors.
 */
static char *
normalize_identifier_internal(const char *raw, size_t len, const char *region,
							  bool raise_errors)
{
	char	   *out = palloc(IDENTIFIER_OUT_SIZE(len));
	size_t		outlen;
	IdentifierKind kind;
	int			reason;
	IdentifierResult result;

	result = identifier_normalize(raw, len, region, out, &outlen, &kind, &reason);
	if (result == IDENTIFIER_OK)
		return out;
	if (result == IDENTIFIER_UNKNOWN_REGION)
		(void) identifier_region_or_error(region, strlen(region), out);
	pfree(out);
	if (!raise_errors)
		return NULL;
	switch (result)
	{
		case IDENTIFIER_BAD_PHONE:
			report_bad_phone(raw, len, (E164Result) reason);
			break;
		case IDENTIFIER_BAD_EMAIL:
			report_bad_email(raw, len, (EmailResult) reason);
			break;
		default:
			report_bad_whatsapp(raw, len, kind);
			break;
	}
	return NULL;
}

char *
identifier_try_normalize(const char *raw, size_t len, const char *region)
{
	return normalize_identifier_internal(raw, len, region, false);
}

char *
identifier_normalize_or_error(const char *raw, size_t len, const char *region)
{
	return normalize_identifier_internal(raw, len, region, true);
}

/* Shared body of normalize_e164 and try_normalize_e164. */
static Datum
normalize_e164_common(FunctionCallInfo fcinfo, bool raise_errors)
{
	text	   *raw;
	char		region_buf[3];
	const char *region;
	char		out[E164_BUFSIZE];
	E164Result	result;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	region = region_argument(fcinfo, 1, region_buf);
	raw = PG_GETARG_TEXT_PP(0);

	result = e164_normalize(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw),
							region, 0, out);
	if (result == E164_OK)
		PG_RETURN_TEXT_P(cstring_to_text(out));
	if (raise_errors)
		report_bad_phone(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw), result);
	PG_RETURN_NULL();
}

/* hotel_agent.normalize_e164(raw text, default_region text DEFAULT NULL) RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_normalize_e164);
Datum
hotel_agent_normalize_e164(PG_FUNCTION_ARGS)
{
	return normalize_e164_common(fcinfo, true);
}

/* hotel_agent.try_normalize_e164(raw text, default_region text DEFAULT NULL) RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_try_normalize_e164);
Datum
hotel_agent_try_normalize_e164(PG_FUNCTION_ARGS)
{
	return normalize_e164_common(fcinfo, false);
}

/* Shared body of normalize_identifier and try_normalize_identifier. */
static Datum
normalize_identifier_common(FunctionCallInfo fcinfo, bool raise_errors)
{
	text	   *raw;
	char		region_buf[3];
	const char *region;
	char	   *key;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	region = region_argument(fcinfo, 1, region_buf);
	raw = PG_GETARG_TEXT_PP(0);

	key = normalize_identifier_internal(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw),
										region, raise_errors);
	if (key == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(key));
}

/* hotel_agent.normalize_identifier(raw text, default_region text DEFAULT NULL) RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_normalize_identifier);
Datum
hotel_agent_normalize_identifier(PG_FUNCTION_ARGS)
{
	return normalize_identifier_common(fcinfo, true);
}

/* hotel_agent.try_normalize_identifier(raw text, default_region text DEFAULT NULL) RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_try_normalize_identifier);
Datum
hotel_agent_try_normalize_identifier(PG_FUNCTION_ARGS)
{
	return normalize_identifier_common(fcinfo, false);
}

/* hotel_agent.phone_match_keys(e164 text) RETURNS text[] */
PG_FUNCTION_INFO_V1(hotel_agent_phone_match_keys);
Datum
hotel_agent_phone_match_keys(PG_FUNCTION_ARGS)
{
	text	   *input = PG_GETARG_TEXT_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(input);
	char		e164[E164_BUFSIZE];
	char		keys[E164_MAX_MATCH_KEYS][E164_BUFSIZE];
	Datum		elems[E164_MAX_MATCH_KEYS];
	int			nkeys = 0;

	/* The core wants a NUL-terminated string; anything longer is not E.164. */
	if (len < sizeof(e164) && memchr(VARDATA_ANY(input), '\0', len) == NULL)
	{
		memcpy(e164, VARDATA_ANY(input), len);
		e164[len] = '\0';
		nkeys = e164_match_keys(e164, keys);
	}
	if (nkeys == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid E.164 number: \"%s\"",
						quoted_input(VARDATA_ANY(input), len, QUOTED_INPUT_MAX)),
				 errdetail("An E.164 number is a \"+\" followed by 1 to 15 digits."),
				 errhint("Normalise the number first with hotel_agent.normalize_e164().")));

	for (int i = 0; i < nkeys; i++)
		elems[i] = PointerGetDatum(cstring_to_text(keys[i]));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, nkeys, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/* hotel_agent.e164_metadata_version() RETURNS text */
PG_FUNCTION_INFO_V1(hotel_agent_e164_metadata_version);
Datum
hotel_agent_e164_metadata_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(e164_metadata_version()));
}
