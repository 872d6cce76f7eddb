/*-------------------------------------------------------------------------
 *
 * locks.c
 *	  Transaction-level locks of our own, bounded in number.
 *
 * Writers that must not interleave (two spellings of one guest added at
 * once, two pruners of one user's password history) serialize on advisory
 * locks held until the end of the transaction.  A lock per key would make
 * a bulk write take one lock per row: 180,000 identifiers loaded in one
 * INSERT ran the server out of lock table space ("out of shared memory").
 * So keys are hashed into HOTEL_AGENT_LOCK_BUCKETS buckets, one lock each:
 * a transaction holds at most that many, whatever it writes, at the price
 * of two unrelated keys sharing a bucket now and then (their writers wait
 * for each other, which is harmless).  Buckets are taken in ascending order
 * so that two writers never wait for each other in a cycle.
 *
 * The fourth field of each tag is a value of our own (hotel_agent.h), so
 * the locks never collide with an application's advisory locks
 * (pg_advisory_lock() uses 1 and 2); they show in pg_locks as locktype
 * 'advisory' with that objsubid.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/lock.h"

#include "hotel_agent.h"

static int
compare_bucket(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

void
hotel_agent_lock_keys(const uint64 *hashes, int nhashes, uint16 field4)
{
	uint32		buckets[HOTEL_AGENT_LOCK_MAX_KEYS];

	Assert(nhashes <= HOTEL_AGENT_LOCK_MAX_KEYS);
	for (int i = 0; i < nhashes; i++)
		buckets[i] = (uint32) (hashes[i] % HOTEL_AGENT_LOCK_BUCKETS);
	qsort(buckets, nhashes, sizeof(uint32), compare_bucket);
	for (int i = 0; i < nhashes; i++)
	{
		LOCKTAG		tag;

		if (i > 0 && buckets[i] == buckets[i - 1])
			continue;
		SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, 0, buckets[i], field4);
		(void) LockAcquire(&tag, ExclusiveLock, false, false);
	}
}
