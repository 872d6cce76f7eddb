/*-------------------------------------------------------------------------
 *
 * e164_policy.h
 *	  The project's own rules on top of the libphonenumber port (e164.c).
 *
 * Plain C (no postgres.h).  Only e164.c calls these; the public API stays
 * in e164.h (e164_match_keys() is defined in e164_policy.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef E164_POLICY_H
#define E164_POLICY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Is raw (len bytes) a bare digit string, the shape of a WhatsApp sender ID,
 * to be read as international under E164_FLAG_BARE_DIGITS_INTERNATIONAL?
 */
extern bool e164_policy_bare_digits(const char *raw, size_t len);

/*
 * Rewrite national number nn (*nlen digits, room for at least *nlen) of
 * calling code cc where our policy and libphonenumber differ.
 */
extern void e164_policy_national(int cc, char *nn, int *nlen);

#endif							/* E164_POLICY_H */
