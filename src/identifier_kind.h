/*-------------------------------------------------------------------------
 *
 * identifier_kind.h
 *	  Which kind of identifier a raw string is, and its canonical key.
 *
 * Plain C (no postgres.h) so that it can be unit-tested and fuzzed outside
 * the server.  The phone and e-mail parsing is done by e164.c and email.c;
 * this file decides which of them applies, and handles the WhatsApp kinds.
 *
 *-------------------------------------------------------------------------
 */
#ifndef IDENTIFIER_KIND_H
#define IDENTIFIER_KIND_H

#include <stdbool.h>
#include <stddef.h>

#include "e164.h"

/* Digits of the agent or device number of a WhatsApp JID (uint16 range) */
#define IDENTIFIER_JID_MAX_PART 5

/* Digits of an @lid user part (those seen have 14 or 15) */
#define IDENTIFIER_LID_MAX_DIGITS 32

typedef enum IdentifierKind
{
	IDENTIFIER_PHONE,			/* a phone number as written */
	IDENTIFIER_EMAIL,			/* anything else with an '@' */
	IDENTIFIER_WHATSAPP_USER,	/* <digits>@s.whatsapp.net, <digits>@c.us */
	IDENTIFIER_WHATSAPP_LID,	/* <digits>@lid: a privacy ID, not a number */
	IDENTIFIER_WHATSAPP_GROUP,	/* ...@g.us */
	IDENTIFIER_WHATSAPP_BROADCAST,	/* status@broadcast, ...@broadcast */
	IDENTIFIER_WHATSAPP_CHANNEL /* ...@newsletter */
} IdentifierKind;

/*
 * A classified identifier.  user and user_len: for a WhatsApp user or @lid
 * JID, the digits before the agent, device and '@' (surrounding ASCII
 * white space trimmed); for the other kinds, the whole input.  well_formed
 * is false for a WhatsApp user or @lid JID whose user part is not
 * <digits>[.<agent>][:<device>] (each part at most IDENTIFIER_JID_MAX_PART
 * digits, an @lid at most IDENTIFIER_LID_MAX_DIGITS), true otherwise.
 */
typedef struct IdentifierClass
{
	IdentifierKind kind;
	bool		well_formed;
	const char *user;
	size_t		user_len;
} IdentifierClass;

/*
 * Classify raw (len bytes, any content, need not be NUL-terminated).  The
 * WhatsApp kinds are recognised by the server after the last '@' (any case,
 * surrounding ASCII white space allowed); any other input with an '@' is an
 * e-mail, and the rest a phone number.
 */
extern void identifier_classify(const char *raw, size_t len, IdentifierClass *c);

typedef enum IdentifierResult
{
	IDENTIFIER_OK = 0,
	IDENTIFIER_UNKNOWN_REGION,	/* the default region is not in the metadata */
	IDENTIFIER_BAD_PHONE,		/* *reason is the E164Result */
	IDENTIFIER_BAD_EMAIL,		/* *reason is the EmailResult */
	IDENTIFIER_BAD_JID,			/* a user or @lid JID that is not well formed */
	IDENTIFIER_NOT_A_PERSON		/* a group, broadcast or channel JID */
} IdentifierResult;

/* Room normalize needs for input of len bytes */
#define IDENTIFIER_OUT_SIZE(len) ((len) + E164_BUFSIZE)

/*
 * The lookup key of raw (len bytes, any content).  region: as for
 * e164_normalize(); it applies to phone numbers as written only (a
 * WhatsApp user JID always carries the international number), but one the
 * metadata does not know is IDENTIFIER_UNKNOWN_REGION whatever the kind.
 * out must have room for IDENTIFIER_OUT_SIZE(len) bytes; on IDENTIFIER_OK
 * it holds the NUL-terminated key and *outlen its length, otherwise it is
 * an empty string.  *kind is always set; *reason is the E164Result or
 * EmailResult of IDENTIFIER_BAD_PHONE and IDENTIFIER_BAD_EMAIL, else 0.
 *
 *	phone, WhatsApp user JID	E.164 ("+5491112345678")
 *	@lid						"<digits>@lid"
 *	e-mail						trimmed, lower-case, "mailto:" stripped
 */
extern IdentifierResult identifier_normalize(const char *raw, size_t len,
											 const char *region, char *out,
											 size_t *outlen, IdentifierKind *kind,
											 int *reason);

/* Short lower-case name of a kind, e.g. "whatsapp group" */
extern const char *identifier_kind_name(IdentifierKind kind);

#endif							/* IDENTIFIER_KIND_H */
