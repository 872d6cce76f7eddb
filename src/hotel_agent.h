/*-------------------------------------------------------------------------
 *
 * hotel_agent.h
 *	  Declarations shared by the fmgr-facing files of the hotel_agent library.
 *
 * The pure-C cores (e164.h, email.h) do not include this file: they are
 * built and fuzzed outside the server.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOTEL_AGENT_H
#define HOTEL_AGENT_H

#include "executor/spi.h"
#include "storage/lockdefs.h"
#include "utils/relcache.h"

/* default_version of hotel_agent.control, passed by the Makefile */
#ifndef HOTEL_AGENT_VERSION
#error "HOTEL_AGENT_VERSION must be defined (the Makefile reads it from hotel_agent.control)"
#endif

/*
 * identifier.c: normalisation of a raw identifier (phone number or e-mail)
 * for C callers.  region is NULL (no default region) or a NUL-terminated
 * ISO 3166 alpha-2 code; an unknown region always raises 22023 (check it once
 * with identifier_region_or_error when it comes from SQL).
 */
/* Checks a default region (len bytes, any case); returns it upper-cased in buf, or raises 22023. */
extern const char *identifier_region_or_error(const char *region, size_t len, char buf[3]);
/* Returns the palloc'd canonical key, or NULL when raw is not a valid identifier. */
extern char *identifier_try_normalize(const char *raw, size_t len, const char *region);
/* Returns the palloc'd canonical key; raises 22P02 when raw is invalid. */
extern char *identifier_normalize_or_error(const char *raw, size_t len, const char *region);

/*
 * extschema.c: the schema holding the extension's tables (the schema given
 * to CREATE EXTENSION, usually public).  C code must never assume public.
 *
 * hotel_agent_tables_schema() returns the schema's name, already quoted for
 * use in SQL; it is looked up once per backend and forgotten whenever any
 * schema changes (so DROP/CREATE EXTENSION is noticed).  Raises 55000 when
 * the extension is not installed in the current database.
 *
 * hotel_agent_qualified_table("users") returns a palloc'd, quoted
 * "schema"."users" for building SPI queries.
 *
 * hotel_agent_schema_generation() changes whenever the cached schema is
 * forgotten: code that keeps SPI plans built from qualified names
 * (SPI_keepplan) compares it with the value seen when preparing and
 * re-prepares when it differs.  Call hotel_agent_tables_schema() first.
 */
extern const char *hotel_agent_tables_schema(void);
extern char *hotel_agent_qualified_table(const char *relname);
extern uint64 hotel_agent_schema_generation(void);

/*
 * Resolving the tables' parts for direct access, by name (extschema.c); each
 * raises a clear error when the canonical object is missing.
 * hotel_agent_column: the attribute number of a column.
 * hotel_agent_btree_index: a valid btree index on exactly the one column
 * attnum (opclass input type keytype, collation collation unless that is
 * InvalidOid, no predicate, no expression), unique and immediate when unique
 * is true; InvalidOid when there is none and missing_ok.  rel must be open.
 */
extern AttrNumber hotel_agent_column(Oid relid, const char *attname);
extern Oid	hotel_agent_btree_index(Relation rel, AttrNumber attnum, Oid keytype,
									Oid collation, bool unique, bool missing_ok);

/*
 * A per-backend cache of where some of the extension's tables are, for
 * direct access (extschema.c).  The owner names the tables and gives a fill
 * callback; hotel_agent_tables_ensure() opens every table by name (with
 * AccessShareLock) and calls fill, which reads what the owner needs (index
 * OIDs, attribute numbers, whether the column types are the ones the code
 * reads) and passes every index it relied on to hotel_agent_tables_watch().
 * The cache is forgotten when the extension's schema changes or a relcache
 * invalidation names one of the tables or watched indexes, and is filled
 * again (repeatedly, if an invalidation arrives while filling) on the next
 * ensure.
 *
 * A cached OID is only safe to open once the table is locked and the cache
 * checked again, since the lock is what brings in the invalidations of a
 * concurrent ALTER TABLE or DROP INDEX: hotel_agent_tables_lock() does both.
 */
#define EXT_TABLES_MAX	2
#define EXT_WATCH_MAX	8

typedef struct ExtTables ExtTables;
typedef void (*ExtTablesFill) (ExtTables *cache, Relation *rels);

struct ExtTables
{
	/* set by the owner (a static initializer) */
	int			ntables;
	const char *names[EXT_TABLES_MAX];
	ExtTablesFill fill;

	/* kept by extschema.c */
	bool		valid;
	bool		registered;
	uint64		generation;
	Oid			relids[EXT_TABLES_MAX];
	int			nwatched;
	Oid			watched[EXT_WATCH_MAX];
	ExtTables  *next;
};

extern void hotel_agent_tables_ensure(ExtTables *cache);
extern void hotel_agent_tables_lock(ExtTables *cache, LOCKMODE lockmode);
extern void hotel_agent_tables_watch(ExtTables *cache, Oid relid);

/*
 * Column types the direct paths read: text for text and varchar (binary
 * compatible), int4.  Anything else (an enum, a domain, bigint) sends the
 * caller to its SPI path, whose queries cast.
 */
extern bool hotel_agent_column_is_text(Relation rel, AttrNumber attnum);
extern bool hotel_agent_column_is_int4(Relation rel, AttrNumber attnum);

/*
 * A trigger function of the extension fired where it must not be: on
 * another table, on a column of another type, at the wrong time.  One
 * SQLSTATE for all of them (39P01, trigger protocol violated).
 */
extern void hotel_agent_trigger_misuse(const char *function, Relation rel,
									   const char *detail);

/*
 * Caller input quoted in a message: at most HOTEL_AGENT_QUOTE_MAX bytes cut
 * on a character boundary, "..." appended when cut, control characters
 * shown as '?'.  Returns a palloc'd string.
 */
#define HOTEL_AGENT_QUOTE_MAX 64
extern char *hotel_agent_quote_input(const char *input, size_t len);

/*
 * locks.c: transaction-level advisory locks on hashed keys, bounded to
 * HOTEL_AGENT_LOCK_BUCKETS per transaction whatever is written.  The tags
 * carry one of the FIELD4 values below in their fourth field, so they never
 * collide with an application's (pg_advisory_lock() uses 1 and 2).
 */
#define HOTEL_AGENT_LOCK_BUCKETS		256
#define HOTEL_AGENT_LOCK_MAX_KEYS		8
#define PASSWORD_HISTORY_LOCK_FIELD4	0x4841	/* "HA" */
#define TENANT_IDENTIFIER_LOCK_FIELD4	0x4849	/* "HI" */

/* Locks the buckets of nhashes (at most HOTEL_AGENT_LOCK_MAX_KEYS) key hashes. */
extern void hotel_agent_lock_keys(const uint64 *hashes, int nhashes, uint16 field4);

/*
 * A kept SPI plan over the extension's tables (extschema.c).  The query is
 * written with @extschema@ where the tables' schema goes, as in the
 * extension scripts; hotel_agent_schema_plan() prepares it on first use and
 * again whenever the schema changes.  Caller must be connected to SPI.
 */
typedef struct ExtSchemaPlan
{
	SPIPlanPtr	plan;
	uint64		generation;
} ExtSchemaPlan;

extern SPIPlanPtr hotel_agent_schema_plan(ExtSchemaPlan *cache, const char *query,
										  int nargs, Oid *argtypes);

/* Each concern that registers settings does it from here (hotel_agent.c). */
extern void password_history_define_gucs(void);

#endif							/* HOTEL_AGENT_H */
