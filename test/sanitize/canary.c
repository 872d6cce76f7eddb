/*-------------------------------------------------------------------------
 *
 * canary.c
 *	  Three deliberate bugs for make test-sanitize to catch.
 *
 * Before the suites run, test/sanitize/run.sh builds this module with the
 * sanitizer flags of the library, loads it into a throwaway server started
 * the way the suites' servers are, and calls each function: each must kill
 * its backend and leave a report in the run's report directory.  That
 * proves, on the machine at hand, that the server really runs with the
 * sanitizer runtimes, that a report in a backend reaches the directory the
 * run checks, and which kinds of memory the sanitizers can see in a server
 * that is not itself instrumented.  Never part of the extension.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;

/*
 * canary_stack_read(int) returns int: reads byte $1 of an 8-byte array on
 * the stack, through a pointer (AddressSanitizer: stack-buffer-overflow for
 * $1 = 8; indexed directly, UBSan's bounds check would catch it first).
 */
PG_FUNCTION_INFO_V1(canary_stack_read);
Datum
canary_stack_read(PG_FUNCTION_ARGS)
{
	char		buf[8] = {0};
	volatile char *p = buf;

	PG_RETURN_INT32(p[PG_GETARG_INT32(0)]);
}

/*
 * canary_palloc_read(int) returns int: pallocs 64 kB and reads byte $1 of
 * it (AddressSanitizer: heap-buffer-overflow for $1 = 65536).  A chunk this
 * big gets a malloc block of its own, whose end AddressSanitizer sees; a
 * small chunk shares its block with its neighbours, so an overflow into
 * the next chunk goes unseen (the server's allocator is not instrumented).
 */
PG_FUNCTION_INFO_V1(canary_palloc_read);
Datum
canary_palloc_read(PG_FUNCTION_ARGS)
{
	volatile char *chunk = palloc0(65536);

	PG_RETURN_INT32(chunk[PG_GETARG_INT32(0)]);
}

/*
 * canary_shift(int) returns int: 1 << $1 (UndefinedBehaviorSanitizer:
 * shift exponent too large for $1 = 40).
 */
PG_FUNCTION_INFO_V1(canary_shift);
Datum
canary_shift(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(1 << PG_GETARG_INT32(0));
}
