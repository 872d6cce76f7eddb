/*-------------------------------------------------------------------------
 *
 * locks.h
 *	  Transaction-level advisory locks on hashed keys (locks.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOTEL_AGENT_LOCKS_H
#define HOTEL_AGENT_LOCKS_H

/*
 * Bounded to HOTEL_AGENT_LOCK_BUCKETS per transaction whatever is written.
 * The tags carry one of the FIELD4 values below in their fourth field, so
 * they never collide with an application's (pg_advisory_lock() uses 1 and
 * 2).
 */
#define HOTEL_AGENT_LOCK_BUCKETS		256
#define HOTEL_AGENT_LOCK_MAX_KEYS		8
#define PASSWORD_HISTORY_LOCK_FIELD4	0x4841	/* "HA" */
#define TENANT_IDENTIFIER_LOCK_FIELD4	0x4849	/* "HI" */

/* Locks the buckets of nhashes (at most HOTEL_AGENT_LOCK_MAX_KEYS) key hashes. */
extern void hotel_agent_lock_keys(const uint64 *hashes, int nhashes, uint16 field4);

#endif							/* HOTEL_AGENT_LOCKS_H */
