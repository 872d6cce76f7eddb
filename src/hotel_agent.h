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
 * hotel_agent_table_oid: the OID of the extension's table relname.
 * hotel_agent_column: the attribute number of a column.
 * hotel_agent_btree_index: a valid btree index on exactly the one column
 * attnum (opclass input type keytype, collation collation unless that is
 * InvalidOid, no predicate, no expression), unique and immediate when unique
 * is true; InvalidOid when there is none and missing_ok.  rel must be open.
 */
extern Oid	hotel_agent_table_oid(const char *relname);
extern AttrNumber hotel_agent_column(Oid relid, const char *attname);
extern Oid	hotel_agent_btree_index(Relation rel, AttrNumber attnum, Oid keytype,
									Oid collation, bool unique, bool missing_ok);

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
