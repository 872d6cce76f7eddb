/*-------------------------------------------------------------------------
 *
 * e164_metadata.h
 *	  Types of the phone numbering-plan tables generated into e164_metadata.c
 *	  by tools/gen_e164_metadata.js.
 *
 * Plain C, no postgres.h: included by the E.164 core, its unit tests and
 * its fuzz harness.
 *
 *-------------------------------------------------------------------------
 */
#ifndef E164_METADATA_H
#define E164_METADATA_H

#include <stddef.h>
#include <stdint.h>

/* How a pattern is matched cheaply, decided by the generator */
#define E164_PAT_NONE		0	/* no pattern */
#define E164_PAT_LITERALS	1	/* "d+(|d+)*": compared without a regex */
#define E164_PAT_REGEX		2	/* anything else: PCRE2 */

/* Bound on the pattern table, checked by the generator and at run time */
#define E164_MAX_PATTERNS	1024

/* Number types, in the order libphonenumber-js stores them */
#define E164_N_TYPES		10

typedef struct E164Type
{
	int16_t		pattern;		/* index into e164_patterns, -1 if absent */
	uint32_t	lengths;		/* bit n set: n digits possible; 0 = plan's */
} E164Type;

typedef struct E164Plan
{
	char		region[4];		/* ISO 3166 alpha-2, "" for non-geographic */
	uint16_t	cc;				/* country calling code */
	uint8_t		idd_kind;		/* E164_PAT_* of idd */
	uint8_t		npfp_kind;		/* E164_PAT_* of npfp */
	int16_t		idd;			/* international prefix pattern */
	int16_t		nnp;			/* national number pattern */
	int16_t		npfp;			/* national prefix for parsing (or the
								 * national prefix when none is given) */
	int16_t		leading_digits; /* pattern, -1 if absent */
	const char *transform;		/* national prefix transform rule or NULL */
	uint32_t	lengths;		/* general possible lengths, bit n = n digits */
	uint16_t	npfp_first;		/* bit d: a non-empty npfp match can start
								 * with digit d (a superset) */
	const E164Type *types;		/* E164_N_TYPES entries, or NULL when never
								 * needed (single-country calling code) */
} E164Plan;

typedef struct E164CallingCode
{
	int16_t		first;			/* index into e164_cc_members */
	uint8_t		count;			/* plans sharing the code, main one first;
								 * 0 = unknown calling code */
	uint8_t		uniform;		/* all plans have the same possible lengths */
} E164CallingCode;

extern const char *const e164_metadata_version_string;
extern const int e164_n_patterns;
extern const char *const e164_patterns[];
extern const int e164_n_plans;
extern const E164Plan e164_plans[];
extern const int16_t e164_cc_members[];
extern const E164CallingCode e164_calling_codes[1000];
extern const int16_t e164_region_plan[26 * 26];

#endif							/* E164_METADATA_H */
