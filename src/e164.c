/*-------------------------------------------------------------------------
 *
 * e164.c
 *	  Phone number normalisation to E.164.
 *
 * The parse follows libphonenumber-js (the JavaScript port of Google's
 * libphonenumber, whose metadata we generate our tables from) step by step:
 * extract the number from the text, strip an extension, read a country
 * calling code after '+' or the region's international prefix, strip the
 * national (trunk) prefix with its transform rule, and check the length.
 *
 * What "possible" means here
 * --------------------------
 * A number is accepted when its national significant number has one of the
 * possible lengths that the metadata lists for its numbering plan (the union
 * over all number types), exactly as libphonenumber-js's isPossible() does.
 * The digits are not checked against the national number pattern: that is
 * "validity", which changes every time a regulator opens a new range, and a
 * guest's real number must not be refused because our copy of the metadata
 * is older than the number.  The patterns are used only where
 * libphonenumber uses them while parsing (whether to strip a national
 * prefix or a country code typed without '+', and which country of a
 * shared calling code a number belongs to, which decides its lengths).
 * Too few digits give E164_TOO_SHORT, too many E164_TOO_LONG, a length in
 * between that is not listed E164_INVALID_LENGTH.  The metadata that
 * libphonenumber-js ships has no "local only" lengths (libphonenumber's
 * IS_POSSIBLE_LOCAL_ONLY, e.g. a 7-digit US number without area code), so
 * such numbers are reported as too short and E164_LOCAL_ONLY is not
 * returned with the current tables; it stays in the API for metadata that
 * has them.  The result has at most 15 digits (E.164); the few plans whose
 * metadata allows longer numbers (e.g. Germany, Indonesia, Japan) give
 * E164_TOO_LONG there.
 *
 * Deliberate differences from libphonenumber-js
 * ---------------------------------------------
 * - More than 15 digits: E164_TOO_LONG (see above).
 * - The project's policy (e164_policy.c): bare digits read as international
 *   for WhatsApp sender IDs, Mexico's legacy mobile "1" dropped, and the
 *   alias keys of e164_match_keys().
 * - The default region is case-insensitive; one the metadata does not know
 *   is an error (E164_UNKNOWN_REGION) instead of being ignored; NULL and ""
 *   both mean no default region.
 * - Input length is limited to 250 characters counted as code points (each
 *   byte of an invalid UTF-8 sequence counting as one), not as UTF-16 code
 *   units: a character outside the BMP (an emoji) counts once here and twice
 *   in libphonenumber-js.  Whatever the characters, more than 1,000 bytes
 *   (E164_MAX_INPUT_BYTES) is too long before anything is decoded.
 * - The possible lengths a number is checked against are those of the
 *   country its calling code and digits give (as for a number written with
 *   '+'), not those of the default region it was parsed with, as in
 *   libphonenumber's C++ isPossibleNumber().  libphonenumber-js checks the
 *   default region's lengths, so that "253 0000" with region CA was
 *   accepted while its own result "+12530000" was too short: a result must
 *   normalise to itself (the fuzzer checks it).
 * - A national prefix that libphonenumber leaves at the start of the
 *   national number, and would strip when reading its own result again, is
 *   stripped: "00 220 844 7021" with region BR is +552208447021, not
 *   +5502208447021 (see e164_normalize()).
 * - A full-width plus sign (U+FF0B) introduces the country calling code as
 *   '+' does, as in libphonenumber's C++ parser; libphonenumber-js drops it
 *   and reads the number as national.
 * test/data/e164_disagreements.csv lists each case of the oracle corpus
 * where these make a difference.
 *
 * Speed: ASCII input of digits and plain punctuation takes a fused scan
 * without regexes; a metadata pattern runs (PCRE2, JIT-compiled once on
 * first use) only where its answer can change the result.
 *
 * Not thread-safe: compiled patterns are cached in static storage (a
 * PostgreSQL backend is single-threaded).
 *
 *-------------------------------------------------------------------------
 */
#include "e164.h"
#include "e164_metadata.h"
#include "e164_policy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Digits after transforms stay well below this (input is <= 250 characters) */
#define NUMBUF		512

/* Rounds of national prefix stripping until a result is stable */
#define E164_MAX_ROUNDS	8

/* Bounds the work of one regex match on hostile input */
#define RX_MATCH_LIMIT	1000000

/* ---------------------------------------------------------------------
 * Regex cache
 * ---------------------------------------------------------------------
 */
#define RX_FULL		0			/* whole subject must match */
#define RX_PREFIX	1			/* match anchored at the start only */

typedef struct RxSlot
{
	pcre2_code *code;
	uint8_t		state;			/* 0 = not compiled yet, 1 = ok, 2 = failed */
	uint8_t		jit;
} RxSlot;

static RxSlot rx_slots[E164_MAX_PATTERNS][2];
static pcre2_match_data *rx_md;
static pcre2_match_context *rx_mctx;

/* Special patterns from libphonenumber-js (viability, extensions) */
enum
{
	SP_VIABLE,
	SP_VIABLE_START,
	SP_EXTENSION,
	SP_COUNT
};
static RxSlot sp_slots[SP_COUNT];

static bool
rx_init(void)
{
	if (rx_md == NULL)
	{
		rx_md = pcre2_match_data_create(64, NULL);
		if (rx_md == NULL)
			return false;
	}
	if (rx_mctx == NULL)
	{
		rx_mctx = pcre2_match_context_create(NULL);
		if (rx_mctx == NULL)
			return false;
		pcre2_set_match_limit(rx_mctx, RX_MATCH_LIMIT);
	}
	return true;
}

static void
rx_compile(RxSlot *slot, const char *src, uint32_t options)
{
	int			errcode;
	PCRE2_SIZE	erroff;

	slot->state = 2;
	slot->code = pcre2_compile((PCRE2_SPTR) src, PCRE2_ZERO_TERMINATED,
							   options, &errcode, &erroff, NULL);
	if (slot->code == NULL)
		return;
	slot->jit = (pcre2_jit_compile(slot->code, PCRE2_JIT_COMPLETE) == 0);
	slot->state = 1;
}

/* Compiled metadata pattern idx in the given mode, or NULL */
static const RxSlot *
rx_get(int idx, int mode)
{
	RxSlot	   *slot;

	if (idx < 0 || idx >= e164_n_patterns || idx >= E164_MAX_PATTERNS)
		return NULL;
	slot = &rx_slots[idx][mode];
	if (slot->state == 0)
	{
		const char *p = e164_patterns[idx];
		size_t		plen = strlen(p);
		char	   *src;

		if (!rx_init())
			return NULL;
		/* JS's "^(?:p)$" / "^(?:p)"; \z because PCRE2's $ allows a final \n */
		src = malloc(plen + 8);
		if (src == NULL)
			return NULL;
		memcpy(src, "(?:", 3);
		memcpy(src + 3, p, plen);
		memcpy(src + 3 + plen, mode == RX_FULL ? ")\\z" : ")", mode == RX_FULL ? 4 : 2);
		rx_compile(slot, src, PCRE2_ANCHORED);
		free(src);
	}
	return slot->state == 1 ? slot : NULL;
}

/* Run a compiled slot; returns pcre2's result (> 0 on a match) */
static int
rx_exec(const RxSlot *slot, const char *s, size_t len, size_t start)
{
	if (slot->jit)
		return pcre2_jit_match(slot->code, (PCRE2_SPTR) s, len, start, 0,
							   rx_md, rx_mctx);
	return pcre2_match(slot->code, (PCRE2_SPTR) s, len, start, 0,
					   rx_md, rx_mctx);
}

/* Does metadata pattern idx match all of s? */
static bool
rx_full(int idx, const char *s, int len)
{
	const RxSlot *slot = rx_get(idx, RX_FULL);

	return slot != NULL && rx_exec(slot, s, len, 0) > 0;
}

/*
 * Match metadata pattern idx at the start of s.  Returns the match length or
 * -1; on a match the groups are in rx_md.
 */
static int
rx_prefix(int idx, const char *s, int len)
{
	const RxSlot *slot = rx_get(idx, RX_PREFIX);

	if (slot == NULL || rx_exec(slot, s, len, 0) <= 0)
		return -1;
	return (int) pcre2_get_ovector_pointer(rx_md)[1];
}

/* memcmp() for the few bytes compared here, without the call */
static inline bool
same_bytes(const char *a, const char *b, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * "a|bc|d" of digits, tried in order like a regex alternation; returns the
 * length of the first alternative that s starts with, or -1.
 */
static int
literals_prefix(const char *alts, const char *s, int len)
{
	const char *a = alts;

	while (*a)
	{
		int			n = 0;

		while (a[n] && a[n] != '|')
			n++;
		if (n <= len && same_bytes(a, s, n))
			return n;
		a += n;
		if (*a == '|')
			a++;
	}
	return -1;
}

/* Prefix match of a pattern of either kind */
static int
pattern_prefix(uint8_t kind, int idx, const char *s, int len, int *ncap)
{
	*ncap = 0;
	if (kind == E164_PAT_NONE || idx < 0)
		return -1;
	if (kind == E164_PAT_LITERALS)
		return literals_prefix(e164_patterns[idx], s, len);
	else
	{
		const RxSlot *slot = rx_get(idx, RX_PREFIX);
		uint32_t	cc = 0;

		if (slot == NULL || rx_exec(slot, s, len, 0) <= 0)
			return -1;
		pcre2_pattern_info(slot->code, PCRE2_INFO_CAPTURECOUNT, &cc);
		*ncap = (int) cc;
		return (int) pcre2_get_ovector_pointer(rx_md)[1];
	}
}

/* ---------------------------------------------------------------------
 * Text level: libphonenumber-js extractFormattedPhoneNumber(), RFC 3966,
 * isViablePhoneNumber(), extractExtension(), parseIncompletePhoneNumber()
 * ---------------------------------------------------------------------
 */

/* Character classes of libphonenumber-js constants.js, in PCRE2 syntax */
#define JS_DIGITS	"0-9\\x{FF10}-\\x{FF19}\\x{0660}-\\x{0669}\\x{06F0}-\\x{06F9}"
#define JS_PUNCT	"\\-\\x{2010}-\\x{2015}\\x{2212}\\x{30FC}\\x{FF0D}" \
	"\\x{FF0F}/\\x{FF0E}. \\x{00A0}\\x{00AD}\\x{200B}\\x{2060}\\x{3000}" \
	"()\\x{FF08}\\x{FF09}\\x{FF3B}\\x{FF3D}\\[\\]~\\x{2053}\\x{223C}\\x{FF5E}"
#define JS_PLUS		"+\\x{FF0B}"
#define JS_EXT_DIGITS(n) "([" JS_DIGITS "]{1," #n "})"
#define JS_SEP_LABEL	"[ \\x{00A0}\\t,]*"
#define JS_AFTER_LABEL	"[:\\.\\x{FF0E}]?[ \\x{00A0}\\t,\\-]*"
#define JS_SEP_NOCOMMA	"[ \\x{00A0}\\t]*"
#define JS_EXTENSION \
	";ext=" JS_EXT_DIGITS(20) "|" \
	JS_SEP_LABEL "(?:e?xt(?:ensi(?:o\\x{0301}?|\\x{00F3}))?n?|\\x{FF45}?\\x{FF58}\\x{FF54}\\x{FF4E}?|\\x{0434}\\x{043E}\\x{0431}|anexo)" \
	JS_AFTER_LABEL JS_EXT_DIGITS(20) "#?|" \
	JS_SEP_LABEL "(?:[x\\x{FF58}#\\x{FF03}~\\x{FF5E}]|int|\\x{FF49}\\x{FF4E}\\x{FF54})" \
	JS_AFTER_LABEL JS_EXT_DIGITS(9) "#?|" \
	"[\\- ]+" JS_EXT_DIGITS(6) "#|" \
	JS_SEP_NOCOMMA "(?:,{2}|;)" JS_AFTER_LABEL JS_EXT_DIGITS(15) "#?|" \
	JS_SEP_NOCOMMA "(?:,)+" JS_AFTER_LABEL JS_EXT_DIGITS(9) "#?"
#define JS_VALID_PHONE \
	"[" JS_PLUS "]{0,1}(?:[" JS_PUNCT "]*[" JS_DIGITS "]){3,}[" JS_PUNCT JS_DIGITS "]*"

static const char *const sp_source[SP_COUNT] = {
	"^[" JS_DIGITS "]{2}$|^" JS_VALID_PHONE "(?:" JS_EXTENSION ")?$",
	"^[" JS_PLUS "]{0,1}(?:[" JS_PUNCT "]*[" JS_DIGITS "]){1,2}$",
	"(?:" JS_EXTENSION ")$",
};

static const RxSlot *
sp_get(int which)
{
	RxSlot	   *slot = &sp_slots[which];

	if (slot->state == 0)
	{
		if (!rx_init())
			return NULL;
		rx_compile(slot, sp_source[which],
				   PCRE2_UTF | PCRE2_CASELESS | PCRE2_DOLLAR_ENDONLY);
	}
	return slot->state == 1 ? slot : NULL;
}

/* ASCII value of a digit of any script libphonenumber-js accepts, or -1 */
static inline int
digit_value(uint32_t c)
{
	if (c - '0' < 10)
		return (int) (c - '0');
	if (c - 0xFF10 < 10)
		return (int) (c - 0xFF10);
	if (c - 0x0660 < 10)
		return (int) (c - 0x0660);
	if (c - 0x06F0 < 10)
		return (int) (c - 0x06F0);
	return -1;
}

/*
 * Decode UTF-8 into code points; each byte of an invalid sequence becomes
 * U+FFFD (what a JavaScript caller would see after decoding).  With cp NULL,
 * only counts them: the number of characters E164_MAX_INPUT bounds.
 */
static int
decode_utf8(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t		i = 0;
	int			n = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		uint32_t	v;
		int			need;
		uint32_t	min;

		if (c < 0x80)
		{
			if (cp)
				cp[n] = c;
			n++;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
		{
			need = 1;
			v = c & 0x1F;
			min = 0x80;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			need = 2;
			v = c & 0x0F;
			min = 0x800;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			need = 3;
			v = c & 0x07;
			min = 0x10000;
		}
		else
		{
			if (cp)
				cp[n] = 0xFFFD;
			n++;
			i++;
			continue;
		}
		{
			int			k;
			bool		ok = true;

			for (k = 1; k <= need; k++)
			{
				if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				{
					ok = false;
					break;
				}
				v = (v << 6) | (s[i + k] & 0x3F);
			}
			if (!ok || v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			{
				if (cp)
					cp[n] = 0xFFFD;
				n++;
				i++;
				continue;
			}
			if (cp)
				cp[n] = v;
			n++;
			i += need + 1;
		}
	}
	return n;
}

/* Encode code points as UTF-8; offs[i] = byte offset of cp i */
static size_t
encode_utf8(const uint32_t *cp, int n, char *out, int *offs)
{
	size_t		o = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		uint32_t	c = cp[i];

		offs[i] = (int) o;
		if (c < 0x80)
			out[o++] = (char) c;
		else if (c < 0x800)
		{
			out[o++] = (char) (0xC0 | (c >> 6));
			out[o++] = (char) (0x80 | (c & 0x3F));
		}
		else if (c < 0x10000)
		{
			out[o++] = (char) (0xE0 | (c >> 12));
			out[o++] = (char) (0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char) (0x80 | (c & 0x3F));
		}
		else
		{
			out[o++] = (char) (0xF0 | (c >> 18));
			out[o++] = (char) (0x80 | ((c >> 12) & 0x3F));
			out[o++] = (char) (0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char) (0x80 | (c & 0x3F));
		}
	}
	offs[n] = (int) o;
	return o;
}

/* Index of ASCII string needle in cp[from..n), or -1 */
static int
cp_find(const uint32_t *cp, int n, int from, const char *needle)
{
	int			m = (int) strlen(needle);
	int			i,
				k;

	for (i = from; i + m <= n; i++)
	{
		for (k = 0; k < m; k++)
			if (cp[i + k] != (unsigned char) needle[k])
				break;
		if (k == m)
			return i;
	}
	return -1;
}

/* RFC 3966 global-number-digits as libphonenumber-js checks them */
static bool
context_is_global_number(const uint32_t *cp, int n)
{
	int			i;
	bool		digit = false;

	if (n < 1 || cp[0] != '+')
		return false;
	for (i = 1; i < n; i++)
	{
		if (digit_value(cp[i]) >= 0)
			digit = true;
		else if (cp[i] != '-' && cp[i] != '.' && cp[i] != '(' && cp[i] != ')')
			return false;
	}
	return digit;
}

/*
 * RFC 3966 domainname as libphonenumber-js checks it: its "alphanum" is
 * digits only, so labels are digits and dashes and the top label starts
 * with letters.  (label ".")* toplabel "."?
 */
static bool
context_is_domain(const uint32_t *cp, int n)
{
	int			start = 0;

	if (n > 0 && cp[n - 1] == '.')
		n--;
	for (;;)
	{
		int			end = start;
		bool		last;
		int			i;

		while (end < n && cp[end] != '.')
			end++;
		last = (end == n);
		if (end == start)
			return false;
		if (!last)
		{
			/* digit ([digit-]* digit)? */
			if (digit_value(cp[start]) < 0 || digit_value(cp[end - 1]) < 0)
				return false;
			for (i = start; i < end; i++)
				if (digit_value(cp[i]) < 0 && cp[i] != '-')
					return false;
			start = end + 1;
			continue;
		}
		/* alpha+ ([digit-]* digit)? */
		i = start;
		while (i < end && ((cp[i] | 0x20) >= 'a' && (cp[i] | 0x20) <= 'z'))
			i++;
		if (i == start)
			return false;
		if (i < end)
		{
			if (digit_value(cp[end - 1]) < 0)
				return false;
			for (; i < end; i++)
				if (digit_value(cp[i]) < 0 && cp[i] != '-')
					return false;
		}
		return true;
	}
}

/* Characters of the common case, checked without a regex */
static inline bool
is_simple_punct(uint32_t c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
		c == '/' || c == '[' || c == ']';
}

/*
 * Fast path of extract_digits() for the common case: ASCII without ';' and
 * only digits and plain punctuation (after an optional '+') between the
 * first and the last digit.  Returns -1 when the input needs the full path.
 */
static int
extract_digits_ascii(const char *raw, size_t len, char *out, int *outlen)
{
	size_t		i,
				start,
				end;
	int			o = 0,
				npunct = 0;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) raw[i];

		if (c >= 0x80 || c == ';')
			return -1;
	}
	for (start = 0; start < len; start++)
		if (raw[start] == '+' || (unsigned char) (raw[start] - '0') < 10)
			break;
	if (start == len)
		return E164_NOT_A_NUMBER;
	for (end = len; end > start; end--)
		if ((unsigned char) (raw[end - 1] - '0') < 10 || raw[end - 1] == '#')
			break;
	if (end <= start)
		return E164_NOT_A_NUMBER;
	i = start;
	if (raw[i] == '+')
	{
		out[o++] = '+';
		i++;
	}
	for (; i < end; i++)
	{
		char		c = raw[i];

		if ((unsigned char) (c - '0') < 10)
			out[o++] = c;
		else if (is_simple_punct((unsigned char) c))
			npunct++;
		else
			return -1;
	}
	out[o] = '\0';
	*outlen = o;
	/* the viability rules of extract_digits(), for this alphabet */
	{
		int			ndig = o - (out[0] == '+');

		if (ndig >= 3 || (ndig == 2 && out[0] != '+' && npunct == 0))
			return E164_OK;
		return (ndig >= 1 && (unsigned char) (raw[end - 1] - '0') < 10) ?
			E164_TOO_SHORT : E164_NOT_A_NUMBER;
	}
}

/*
 * From raw text to "+digits" or "digits" in out (ASCII), the way
 * libphonenumber-js's parse() prepares it.
 */
static E164Result
extract_digits(const char *raw, size_t len, char *out, int *outlen)
{
	uint32_t	cp[2 * E164_MAX_INPUT + 2];
	int			n,
				start,
				end,
				i,
				ctx,
				isub,
				ndig = 0,
				o = 0;
	bool		simple = true;
	bool		lastdigit;
	bool		semicolon;

	n = decode_utf8((const unsigned char *) raw, len, cp);

	/* RFC 3966 parameters all start with ';' */
	semicolon = memchr(raw, ';', len) != NULL;
	ctx = semicolon ? cp_find(cp, n, 0, ";phone-context=") : -1;
	if (ctx >= 0)
	{
		/* tel: URI with a context: rebuild "+context" + local number */
		int			cs = ctx + 15,
					ce,
					tel,
					a,
					b,
					m = 0;
		uint32_t	tmp[2 * E164_MAX_INPUT + 2];

		if (cs >= n)
			return E164_NOT_A_NUMBER;
		ce = cp_find(cp, n, cs, ";");
		if (ce < 0)
			ce = n;
		if (!context_is_global_number(cp + cs, ce - cs) &&
			!context_is_domain(cp + cs, ce - cs))
			return E164_NOT_A_NUMBER;
		if (cp[cs] == '+')
			for (i = cs; i < ce; i++)
				tmp[m++] = cp[i];
		tel = cp_find(cp, n, 0, "tel:");
		a = tel >= 0 ? tel + 4 : 0;
		b = ctx;
		if (a > b)
		{
			int			t = a;

			a = b;
			b = t;
		}
		for (i = a; i < b; i++)
			tmp[m++] = cp[i];
		memcpy(cp, tmp, m * sizeof(uint32_t));
		n = m;
		start = 0;
		end = n;
	}
	else
	{
		/* skip text before the first '+' or digit, drop trailing non-digits */
		for (start = 0; start < n; start++)
			if (cp[start] == '+' || cp[start] == 0xFF0B || digit_value(cp[start]) >= 0)
				break;
		if (start == n)
			return E164_NOT_A_NUMBER;
		for (end = n; end > start; end--)
			if (digit_value(cp[end - 1]) >= 0 || cp[end - 1] == '#')
				break;
	}

	isub = semicolon ? cp_find(cp, end, start, ";isub=") : -1;
	if (isub > start)
		end = isub;
	if (end <= start)
		return E164_NOT_A_NUMBER;

	for (i = start; i < end; i++)
	{
		if (digit_value(cp[i]) >= 0)
		{
			if (cp[i] >= 0x80)
				simple = false;
			ndig++;
		}
		else if (!(is_simple_punct(cp[i]) || (i == start && cp[i] == '+')))
			simple = false;
	}
	lastdigit = digit_value(cp[end - 1]) >= 0;

	if (simple)
	{
		/* only ASCII digits and plain punctuation: no extension possible */
		bool		bare = (ndig == end - start);

		if (!(ndig >= 3 || (ndig == 2 && bare)))
			return (ndig >= 1 && lastdigit) ? E164_TOO_SHORT : E164_NOT_A_NUMBER;
	}
	else
	{
		char		buf[4 * (2 * E164_MAX_INPUT + 2)];
		int			offs[2 * E164_MAX_INPUT + 3];
		size_t		blen = encode_utf8(cp + start, end - start, buf, offs);
		const RxSlot *slot = sp_get(SP_VIABLE);

		if (slot == NULL || rx_exec(slot, buf, blen, 0) <= 0)
		{
			slot = sp_get(SP_VIABLE_START);
			if (slot != NULL && rx_exec(slot, buf, blen, 0) > 0)
				return E164_TOO_SHORT;
			return E164_NOT_A_NUMBER;
		}
		slot = sp_get(SP_EXTENSION);
		if (slot != NULL && rx_exec(slot, buf, blen, 0) > 0)
		{
			int			at = (int) pcre2_get_ovector_pointer(rx_md)[0];

			for (i = 0; i <= end - start; i++)
			{
				if (offs[i] == at)
				{
					end = start + i;
					break;
				}
			}
		}
	}

	/*
	 * parseIncompletePhoneNumber(): '+' only as the very first character.  A
	 * full-width plus (U+FF0B) counts as '+', as in libphonenumber's C++
	 * parser (libphonenumber-js drops it).
	 */
	for (i = start; i < end; i++)
	{
		int			d = digit_value(cp[i]);

		if (d >= 0)
			out[o++] = (char) ('0' + d);
		else if ((cp[i] == '+' || cp[i] == 0xFF0B) && o == 0)
			out[o++] = '+';
	}
	out[o] = '\0';
	*outlen = o;
	return E164_OK;
}

/* ---------------------------------------------------------------------
 * Number level: libphonenumber-js extractCountryCallingCode(),
 * extractNationalNumber(), getCountryByCallingCode(), checkNumberLength()
 * ---------------------------------------------------------------------
 */
typedef enum LenResult
{
	LEN_POSSIBLE,
	LEN_TOO_SHORT,
	LEN_TOO_LONG,
	LEN_INVALID
} LenResult;

static LenResult
check_length(uint32_t mask, int len)
{
	int			min,
				max;

	if (mask == 0)
		return LEN_POSSIBLE;
	min = __builtin_ctz(mask);
	max = 31 - __builtin_clz(mask);
	if (len == min)
		return LEN_POSSIBLE;
	if (len < min)
		return LEN_TOO_SHORT;
	if (len > max)
		return LEN_TOO_LONG;
	return (mask & (UINT32_C(1) << len)) ? LEN_POSSIBLE : LEN_INVALID;
}

static const E164Plan *
cc_main(int cc)
{
	E164CallingCode c;

	if (cc < 1 || cc > 999)
		return NULL;
	c = e164_calling_codes[cc];
	return c.count ? &e164_plans[e164_cc_members[c.first]] : NULL;
}

/* libphonenumber-js getNumberType() != undefined */
static bool
has_number_type(const E164Plan *p, const char *nn, int len)
{
	int			t;

	if (p->types == NULL || !rx_full(p->nnp, nn, len))
		return false;
	for (t = 0; t < E164_N_TYPES; t++)
	{
		uint32_t	lengths = p->types[t].lengths ? p->types[t].lengths : p->lengths;

		if (p->types[t].pattern < 0)
			continue;
		if (lengths && (len > 31 || !(lengths & (UINT32_C(1) << len))))
			continue;
		if (rx_full(p->types[t].pattern, nn, len))
			return true;
	}
	return false;
}

/*
 * Length check of national number nn against the plan libphonenumber-js
 * would pick: the country of calling code cc the number belongs to, else
 * sel.  Countries are only told apart when their lengths disagree.
 */
static LenResult
check_length_for(int cc, const char *nn, int len, const E164Plan *sel)
{
	E164CallingCode c = e164_calling_codes[cc];
	LenResult	r = check_length(sel->lengths, len);
	int			i;
	bool		same = true;

	if (c.count <= 1 || c.uniform)
		return r;
	for (i = 0; i < c.count; i++)
		if (check_length(e164_plans[e164_cc_members[c.first + i]].lengths, len) != r)
			same = false;
	if (same)
		return r;
	for (i = 0; i < c.count; i++)
	{
		const E164Plan *p = &e164_plans[e164_cc_members[c.first + i]];

		if (p->leading_digits >= 0)
		{
			if (len > 0 && rx_prefix(p->leading_digits, nn, len) >= 0)
				return check_length(p->lengths, len);
		}
		else if (has_number_type(p, nn, len))
			return check_length(p->lengths, len);
	}
	return r;
}

/* JavaScript String.prototype.replace() "$n" expansion of rule */
static int
expand_rule(const char *rule, const char *subj, int subjlen, int matchlen,
			int ncap, char *out, int cap)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx_md);
	int			o = 0;
	const char *r = rule;

#define PUT(ptr, n) do { \
		if (o + (n) > cap) return -1; \
		memcpy(out + o, (ptr), (n)); o += (n); \
	} while (0)

	while (*r)
	{
		int			g = -1,
					adv = 1;

		if (r[0] == '$' && r[1] >= '0' && r[1] <= '9')
		{
			if (r[2] >= '0' && r[2] <= '9' &&
				(r[1] - '0') * 10 + (r[2] - '0') >= 1 &&
				(r[1] - '0') * 10 + (r[2] - '0') <= ncap)
			{
				g = (r[1] - '0') * 10 + (r[2] - '0');
				adv = 3;
			}
			else if (r[1] - '0' >= 1 && r[1] - '0' <= ncap)
			{
				g = r[1] - '0';
				adv = 2;
			}
		}
		else if (r[0] == '$' && r[1] == '$')
		{
			PUT("$", 1);
			r += 2;
			continue;
		}
		else if (r[0] == '$' && r[1] == '&')
		{
			PUT(subj, matchlen);
			r += 2;
			continue;
		}
		else if (r[0] == '$' && r[1] == '`')
		{
			r += 2;
			continue;
		}
		else if (r[0] == '$' && r[1] == '\'')
		{
			PUT(subj + matchlen, subjlen - matchlen);
			r += 2;
			continue;
		}
		if (g > 0)
		{
			if (ov[2 * g] != PCRE2_UNSET)
				PUT(subj + ov[2 * g], (int) (ov[2 * g + 1] - ov[2 * g]));
		}
		else
			PUT(r, 1);
		r += adv;
	}
#undef PUT
	return o;
}

/*
 * libphonenumber-js extractNationalNumber(): strip the national prefix (and
 * carrier code) of plan sel from num unless that breaks the number.
 */
static void
extract_national(const E164Plan *sel, const char *num, int len,
				 char *out, int *outlen)
{
	char		after[NUMBUF];
	int			alen = -1,
				m,
				ncap;

	/*
	 * A match that cannot start with num[0] is empty or absent; either way
	 * the number stays as it is, so the regex need not run.
	 */
	if (len > 0 &&
		!(sel->npfp_kind == E164_PAT_REGEX &&
		  !(sel->npfp_first & (1u << (num[0] - '0')))))
	{
		m = pattern_prefix(sel->npfp_kind, sel->npfp, num, len, &ncap);
		if (m >= 0)
		{
			PCRE2_SIZE *ov = ncap > 0 ? pcre2_get_ovector_pointer(rx_md) : NULL;
			bool		hascap = ncap > 0 && ov[2 * ncap] != PCRE2_UNSET &&
				ov[2 * ncap + 1] > ov[2 * ncap];

			if (sel->transform && hascap)
			{
				int			t = expand_rule(sel->transform, num, len, m, ncap,
											after, NUMBUF - 1);

				if (t >= 0 && t + (len - m) < NUMBUF)
				{
					memcpy(after + t, num + m, len - m);
					alen = t + (len - m);
				}
			}
			else
			{
				memcpy(after, num + m, len - m);
				alen = len - m;
			}
		}
	}

	if (alen >= 0 && !(alen == len && same_bytes(after, num, len)))
	{
		bool		keep = false;

		if (rx_full(sel->nnp, num, len) && !rx_full(sel->nnp, after, alen))
			keep = true;
		else if (sel->lengths)
		{
			LenResult	r = check_length_for(sel->cc, after, alen, sel);

			if (r == LEN_TOO_SHORT || r == LEN_INVALID)
				keep = true;
		}
		if (!keep)
		{
			memcpy(out, after, alen);
			*outlen = alen;
			return;
		}
	}
	memcpy(out, num, len);
	*outlen = len;
}

static int
format_cc(int cc, char *buf)
{
	if (cc >= 100)
	{
		buf[0] = '0' + cc / 100;
		buf[1] = '0' + cc / 10 % 10;
		buf[2] = '0' + cc % 10;
		return 3;
	}
	if (cc >= 10)
	{
		buf[0] = '0' + cc / 10;
		buf[1] = '0' + cc % 10;
		return 2;
	}
	buf[0] = '0' + cc;
	return 1;
}

/*
 * libphonenumber-js extractCountryCallingCodeFromInternationalNumberWithout
 * PlusSign(): the region's own calling code typed without '+'.  Returns the
 * number of leading digits to drop, or 0, or -1 when d does not start with
 * the code.  Otherwise nn gets extract_national() of the digits kept, with
 * plan r, so that the caller need not compute it again.
 */
static int
own_code_without_plus(const E164Plan *r, const char *d, int len,
					  char *nn, int *nlen)
{
	char		ccs[3];
	int			cl = format_cc(r->cc, ccs);
	char		shortnn[NUMBUF];
	int			sl;

	if (len < cl || !same_bytes(d, ccs, cl))
		return -1;
	extract_national(r, d + cl, len - cl, shortnn, &sl);
	extract_national(r, d, len, nn, nlen);
	if ((!rx_full(r->nnp, nn, *nlen) && rx_full(r->nnp, shortnn, sl)) ||
		check_length(r->lengths, *nlen) == LEN_TOO_LONG)
	{
		memcpy(nn, shortnn, sl);
		*nlen = sl;
		return cl;
	}
	return 0;
}

/* Leading calling code of s (1-3 digits, first match wins), or 0 */
static int
leading_calling_code(const char *s, int len, int *cclen)
{
	int			i,
				cc = 0;

	if (len == 0 || s[0] == '0')
		return 0;
	for (i = 0; i < 3 && i < len; i++)
	{
		cc = cc * 10 + (s[i] - '0');
		if (e164_calling_codes[cc].count)
		{
			*cclen = i + 1;
			return cc;
		}
	}
	return 0;
}

static int
region_plan_index(const char *region)
{
	int			a,
				b;

	if (region == NULL)
		return -1;
	a = (unsigned char) region[0] | 0x20;
	if (a < 'a' || a > 'z')
		return -1;
	b = (unsigned char) region[1] | 0x20;
	if (b < 'a' || b > 'z' || region[2] != '\0')
		return -1;
	return e164_region_plan[(a - 'a') * 26 + (b - 'a')];
}

bool
e164_region_is_known(const char *region)
{
	return region_plan_index(region) >= 0;
}

const char *
e164_metadata_version(void)
{
	return e164_metadata_version_string;
}

/*
 * Is national number nn of calling code cc possible?  The lengths are those
 * of cc's country for these digits, whatever the default region.
 */
static E164Result
check_national_length(int cc, const char *nn, int nlen)
{
	if (nlen < 2)
		return E164_TOO_SHORT;
	if (nlen > 17)
		return E164_TOO_LONG;
	switch (check_length_for(cc, nn, nlen, cc_main(cc)))
	{
		case LEN_POSSIBLE:
			break;
		case LEN_TOO_SHORT:
			return E164_TOO_SHORT;
		case LEN_TOO_LONG:
			return E164_TOO_LONG;
		case LEN_INVALID:
			return E164_INVALID_LENGTH;
	}
	return E164_OK;
}

E164Result
e164_normalize(const char *raw, size_t len, const char *region, int flags,
			   char out[E164_BUFSIZE])
{
	char		digits[NUMBUF];
	char		nn[NUMBUF];
	int			ndig = 0,
				nlen,
				cc = 0,
				cclen = 0,
				natoff,
				o;
	const char *d;
	const E164Plan *rplan = NULL;
	const E164Plan *sel;
	E164Result	res;
	bool		have_nn = false;
	int			round;

	out[0] = '\0';
	/* at most E164_MAX_INPUT characters; the byte bound comes first */
	if (len > E164_MAX_INPUT_BYTES ||
		(len > E164_MAX_INPUT &&
		 decode_utf8((const unsigned char *) raw, len, NULL) > E164_MAX_INPUT))
		return E164_TOO_LONG_INPUT;
	if (region != NULL && region[0] != '\0')
	{
		int			idx = region_plan_index(region);

		if (idx < 0)
			return E164_UNKNOWN_REGION;
		rplan = &e164_plans[idx];
	}

	{
		int			fast = extract_digits_ascii(raw, len, digits, &ndig);

		res = fast >= 0 ? (E164Result) fast : extract_digits(raw, len, digits, &ndig);
	}
	if (res != E164_OK)
		return res;

	if (digits[0] == '+')
	{
		d = digits + 1;
		ndig--;
		if (ndig > 0 && d[0] == '0')
			return E164_INVALID_COUNTRY_CODE;
		cc = leading_calling_code(d, ndig, &cclen);
		if (cc == 0)
			return E164_INVALID_COUNTRY_CODE;
		sel = cc_main(cc);
		natoff = cclen;
	}
	else
	{
		int			m = -1,
					ncap;

		d = digits;
		if (rplan != NULL)
			m = pattern_prefix(rplan->idd_kind, rplan->idd, d, ndig, &ncap);
		if (m > 0 && m < ndig && d[m] != '0')
		{
			/* international prefix: the rest is read as after '+' */
			d += m;
			ndig -= m;
			cc = leading_calling_code(d, ndig, &cclen);
			if (cc == 0)
				return E164_INVALID_COUNTRY_CODE;
			sel = cc_main(cc);
			natoff = cclen;
		}
		else if (rplan != NULL)
		{
			natoff = own_code_without_plus(rplan, d, ndig, nn, &nlen);
			cc = rplan->cc;
			sel = natoff > 0 ? cc_main(cc) : rplan;
			if (natoff >= 0 && sel == rplan)
				have_nn = true;
			else if (natoff < 0)
				natoff = 0;
		}
		else if ((flags & E164_FLAG_BARE_DIGITS_INTERNATIONAL) &&
				 e164_policy_bare_digits(raw, len) &&
				 (cc = leading_calling_code(d, ndig, &cclen)) != 0)
		{
			sel = cc_main(cc);
			natoff = cclen;
		}
		else
			return E164_MISSING_REGION;
	}
	if (sel == NULL)
		return E164_INVALID_COUNTRY_CODE;
	if (ndig - natoff <= 0)
		return E164_TOO_SHORT;

	if (!have_nn)
		extract_national(sel, d + natoff, ndig - natoff, nn, &nlen);

	/*
	 * A result must normalise to itself.  Read again as "+cc nn", the digits
	 * go through extract_national() with the calling code's main plan, which
	 * can strip a national prefix left at their start: "00 220 844 7021"
	 * with region BR is "+55 02208447021" for libphonenumber, and that
	 * number "+55 2208447021".  So a possible number takes that step again
	 * (with the project's policy) until nothing changes, each new form
	 * checked as the first; rounds are
	 * bounded in case a transform rule ever turned two forms into each other.
	 */
	for (round = 0;; round++)
	{
		char		again[NUMBUF];
		int			alen;

		e164_policy_national(cc, nn, &nlen);
		if ((res = check_national_length(cc, nn, nlen)) != E164_OK)
			return res;
		extract_national(cc_main(cc), nn, nlen, again, &alen);
		if (alen == nlen && same_bytes(again, nn, nlen))
			break;
		if (round == E164_MAX_ROUNDS)
			return E164_NOT_A_NUMBER;
		memcpy(nn, again, alen);
		nlen = alen;
	}

	/* E.164: at most 15 digits; the buffer holds '+', 15 digits and NUL */
	if ((cc >= 100 ? 3 : cc >= 10 ? 2 : 1) + nlen > E164_BUFSIZE - 2)
		return E164_TOO_LONG;
	out[0] = '+';
	o = 1 + format_cc(cc, out + 1);
	memcpy(out + o, nn, nlen);
	out[o + nlen] = '\0';
	return E164_OK;
}

const char *
e164_result_detail(E164Result r)
{
	switch (r)
	{
		case E164_OK:
			return "ok";
		case E164_NOT_A_NUMBER:
			return "not a phone number";
		case E164_MISSING_REGION:
			return "national number without default region";
		case E164_INVALID_COUNTRY_CODE:
			return "invalid country code";
		case E164_TOO_SHORT:
			return "too short";
		case E164_TOO_LONG:
			return "too long";
		case E164_INVALID_LENGTH:
			return "invalid length";
		case E164_LOCAL_ONLY:
			return "only diallable locally";
		case E164_UNKNOWN_REGION:
			return "unknown region";
		case E164_TOO_LONG_INPUT:
			return "input too long";
	}
	return "unknown error";
}
