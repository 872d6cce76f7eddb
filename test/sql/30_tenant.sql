-- Tenant resolution: normalisation on write (trigger), resolve_tenant(),
-- resolve_tenant_info(), explain_resolution(), add/remove_tenant_identifier().
-- Business hours are in 31_tenant_hours.sql.
SET TimeZone = 'UTC';
\set VERBOSITY default

\set ECHO none
\i test/include/outcome.sql
\i test/include/error_of.sql
\set ECHO all

-- Tenant hotel-mars has a time zone the server does not know: since 1.1.0
-- the table refuses it (31_tenant_hours.sql), so this test drops that
-- constraint, as data written before 1.1.0 could hold one, and restores it
-- at its end.
SELECT string_agg(format('ALTER TABLE public.tenants ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)), '; ') AS restore_checks
FROM pg_constraint WHERE conrelid = 'public.tenants'::regclass AND conname IN ('tenants_business_hours_timezone_check') \gset
ALTER TABLE public.tenants DROP CONSTRAINT tenants_business_hours_timezone_check;

CREATE VIEW pg_temp.stored AS
SELECT t.tenant_id AS tenant, i.identifier
FROM public.tenant_user_identifiers i JOIN public.tenants t ON t.id = i.tenant_id;

INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone) VALUES
	('hotel-ba', 'Hotel Buenos Aires', 'active', 8, 20, 'America/Argentina/Buenos_Aires'),
	('hotel-mx', 'Hotel Ciudad de México', 'active', NULL, NULL, NULL),
	('hotel-br', 'Hotel São Paulo', 'active', 0, 0, 'America/Sao_Paulo'),
	('hotel-closed', 'Hotel Cerrado', 'suspended', NULL, NULL, NULL),
	('hotel-new', 'Hotel en alta', 'inactive', NULL, NULL, NULL),
	('hotel-mars', 'Hotel Marte', 'active', 9, 17, 'Mars/Olympus_Mons');

-- 1. Normalised on write -------------------------------------------------

INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT t.id, v.raw FROM (VALUES
	('hotel-ba', '+54 9 11 1234-5678'),
	('hotel-ba', 'Reservas@Hotel-BA.com.AR'),
	('hotel-ba', '+54 11 4321-8765'),
	('hotel-mx', '5215512345678@s.whatsapp.net'),
	('hotel-mx', '+52 55 8765 4321'),
	('hotel-br', '+55 11 91234-5678'),
	('hotel-closed', 'tel:+54-9-351-555-0101'),
	('hotel-closed', '  Closed@Example.COM '),
	('hotel-new', '+1 (650) 253-0000')
) AS v(tenant, raw) JOIN public.tenants t ON t.tenant_id = v.tenant;
SELECT * FROM pg_temp.stored ORDER BY tenant, identifier;

-- Invalid identifiers: the normaliser's error, nothing written (a
-- multi-row insert with one bad row writes none).
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, 'not a phone' FROM public.tenants WHERE tenant_id = 'hotel-ba'$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '011 15-2222-3333' FROM public.tenants WHERE tenant_id = 'hotel-ba'$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, x FROM public.tenants, (VALUES ('+54 9 11 2222-3333'), ('ana@@example.com')) v(x)
	WHERE tenant_id = 'hotel-ba'$$);
SELECT split_part(pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, NULL FROM public.tenants WHERE tenant_id = 'hotel-ba'$$), ' | ', 1) AS outcome;
SELECT count(*) AS identifiers FROM public.tenant_user_identifiers;

-- Two spellings of one number (or two cases of one e-mail) collide on
-- uq_identifier, and the message names the tenant that has it.
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '5491112345678' FROM public.tenants WHERE tenant_id = 'hotel-mx'$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '+5491112345678' FROM public.tenants WHERE tenant_id = 'hotel-ba'$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, 'RESERVAS@hotel-ba.com.ar' FROM public.tenants WHERE tenant_id = 'hotel-br'$$);
-- Two spellings inside one statement: the unique index catches the second.
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, x FROM public.tenants, (VALUES ('+54 9 11 7777-0000'), ('5491177770000')) v(x)
	WHERE tenant_id = 'hotel-ba'$$);
SELECT count(*) AS identifiers FROM public.tenant_user_identifiers;

-- Updates are normalised too; a row may keep (or respell) its own key and
-- move to another tenant; an invalid or taken key is refused.
UPDATE public.tenant_user_identifiers SET identifier = '+54 9 (11) 1234 5678'
WHERE identifier = '+5491112345678';
UPDATE public.tenant_user_identifiers SET identifier = 'NEW@Hotel-BR.com'
WHERE identifier = '+5511912345678';
UPDATE public.tenant_user_identifiers SET tenant_id = (SELECT id FROM public.tenants WHERE tenant_id = 'hotel-br')
WHERE identifier = 'new@hotel-br.com';
SELECT pg_temp.outcome($$UPDATE public.tenant_user_identifiers SET identifier = 'garbage!'
	WHERE identifier = 'new@hotel-br.com'$$);
SELECT pg_temp.outcome($$UPDATE public.tenant_user_identifiers SET identifier = '+54 9 11 1234 5678'
	WHERE identifier = 'new@hotel-br.com'$$);
UPDATE public.tenant_user_identifiers SET identifier = '+55 11 91234-5678'
WHERE identifier = 'new@hotel-br.com';
SELECT * FROM pg_temp.stored ORDER BY tenant, identifier;

-- The trigger function is in schema hotel_agent and refuses other uses.
SELECT tgname, tgfoid::regprocedure, pg_catalog.pg_get_triggerdef(oid) LIKE '%BEFORE INSERT OR UPDATE%FOR EACH ROW%' AS before_row
FROM pg_catalog.pg_trigger WHERE tgrelid = 'public.tenant_user_identifiers'::regclass AND NOT tgisinternal;
SELECT pg_temp.outcome('SELECT hotel_agent.normalize_identifier_trigger()');
CREATE TEMP TABLE not_identifiers (id int, identifier text);
CREATE TRIGGER wrong AFTER INSERT ON not_identifiers FOR EACH ROW
EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger();
SELECT pg_temp.outcome($$INSERT INTO not_identifiers VALUES (1, '+54 9 11 1234-5678')$$);
DROP TABLE not_identifiers;

-- 2. resolve_tenant --------------------------------------------------------

-- Every spelling of a stored number or e-mail resolves; strangers, garbage,
-- NULL and inactive tenants give NULL without an error.
SELECT n, CASE WHEN length(raw) > 40 THEN left(raw, 20) || '... (' || length(raw) || ' chars)' ELSE raw END AS raw,
	   region, hotel_agent.resolve_tenant(raw, region) AS tenant
FROM (VALUES
	(1, '+5491112345678', NULL),
	(2, '+54 9 11 1234-5678', NULL),
	(3, '5491112345678', NULL),
	(4, '5491112345678@s.whatsapp.net', NULL),
	(5, '5491112345678@c.us', NULL),
	(6, 'whatsapp:+5491112345678', NULL),
	(7, '011 15-1234-5678', 'AR'),
	(8, '11 1234-5678', 'AR'),
	(9, 'reservas@hotel-ba.com.ar', NULL),
	(10, '  RESERVAS@Hotel-BA.com.ar ', NULL),
	(11, '+52 55 1234 5678', NULL),
	(12, '+5215512345678', NULL),
	(13, '+55 11 91234-5678', NULL),
	(14, 'tel:+54-9-351-555-0101', NULL),
	(15, 'closed@example.com', NULL),
	(16, '+1 650-253-0000', NULL),
	(17, '+54 9 11 9999-0000', NULL),
	(18, 'stranger@example.com', NULL),
	(19, 'hello', NULL),
	(20, '', NULL),
	(21, '   ', NULL),
	(22, '@', NULL),
	(23, '011 15-1234-5678', NULL),
	(24, '+', NULL),
	(25, NULL, NULL),
	(26, NULL, 'AR'),
	(27, E'\\x00\\xff', NULL),
	(28, repeat('9', 100000), NULL),
	(29, repeat('a', 300) || '@example.com', NULL),
	(30, '+54 9 11 1234-5678' || repeat(' ', 300), NULL)
) AS t(n, raw, region)
ORDER BY n;

-- Alias forms (phone_match_keys): an Argentine mobile stored without the 9
-- resolves from the WhatsApp form with it, and the other way round.
SELECT hotel_agent.phone_match_keys('+5491143218765') AS keys;
SELECT hotel_agent.resolve_tenant('+54 9 11 4321-8765') AS from_whatsapp_form,
	   hotel_agent.resolve_tenant('5491143218765@s.whatsapp.net') AS from_jid,
	   hotel_agent.resolve_tenant('+54 11 1234-5678') AS stored_with_9;
-- One guest, one tenant: a spelling whose match keys reach another
-- tenant's identifier is refused (23505, naming the stored key and its
-- tenant); so is a second spelling for the same tenant.
SELECT hotel_agent.add_tenant_identifier('hotel-closed', '+54 9 11 5555-0000') AS suspended_key;
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-ba', '+54 11 5555-0000')$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '+54 11 5555-0000' FROM public.tenants WHERE tenant_id = 'hotel-closed' RETURNING identifier$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '+55 21 8888-7777' FROM public.tenants WHERE tenant_id = 'hotel-br' RETURNING identifier$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '+55 21 98888-7777' FROM public.tenants WHERE tenant_id = 'hotel-ba' RETURNING identifier$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '+52 1 55 4444 3333' FROM public.tenants WHERE tenant_id = 'hotel-mx' RETURNING identifier$$);
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '+52 55 4444 3333' FROM public.tenants WHERE tenant_id = 'hotel-br' RETURNING identifier$$);
-- Two spellings of one guest in one statement: the second is refused.
SELECT pg_temp.outcome($$INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
	SELECT t.id, v.raw FROM (VALUES ('hotel-ba', '+54 9 351 444-0000'), ('hotel-mx', '+54 351 444-0000')) v(slug, raw)
	JOIN public.tenants t ON t.tenant_id = v.slug RETURNING identifier$$);
DELETE FROM public.tenant_user_identifiers WHERE identifier IN ('+552188887777', '+5215544443333');
-- A database written before 1.1.0 may already hold two spellings of one
-- guest for two tenants (written here with the triggers off). The first key with a row
-- decides: when the canonical key belongs to a suspended tenant, an alias
-- owned by an active tenant is not used.
SET session_replication_role = replica;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+541155550000' FROM public.tenants WHERE tenant_id = 'hotel-ba';
RESET session_replication_role;
SELECT hotel_agent.resolve_tenant('5491155550000') AS canonical_suspended,
	   hotel_agent.resolve_tenant('+54 11 5555-0000') AS alias_is_canonical_here;
-- identifier_conflicts() lists such pairs once, with both tenants, and
-- explain_resolution() names the other spelling in its verdict.
SELECT * FROM hotel_agent.identifier_conflicts();
SELECT verdict FROM hotel_agent.explain_resolution('+54 11 5555-0000');
-- add_tenant_identifier() returns the stored key when the tenant already
-- has the guest under another spelling (here: Brazil's ninth digit).
SELECT hotel_agent.add_tenant_identifier('hotel-br', '+55 11 1234-5678') AS other_spelling_same_tenant;
SELECT count(*) AS hotel_br_rows FROM public.tenant_user_identifiers i
JOIN public.tenants t ON t.id = i.tenant_id WHERE t.tenant_id = 'hotel-br';
-- An unknown slug is echoed at most 64 bytes long, cut on a character
-- boundary, with control characters shown as '?'.
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier(repeat('ñ', 40) || E'\n' || repeat('x', 100000), '+55 11 1234-5678')$$);

-- The default region reads national numbers; an unknown region is the
-- caller's mistake (22023), not the stranger's.
SELECT region, pg_temp.outcome(format('SELECT hotel_agent.resolve_tenant(%L, %L)', raw, region)) AS outcome
FROM (VALUES ('+54 9 11 1234-5678', 'XX'), ('reservas@hotel-ba.com.ar', 'XX'), ('+54 9 11 1234-5678', ''),
			 ('+54 9 11 1234-5678', 'ARG'), ('011 15-1234-5678', 'ar'), (NULL, 'XX')) AS t(raw, region)
ORDER BY 1, 2;

-- A status other than 'active' is inactive. Since 1.1.0 the table holds
-- only active, inactive and suspended: another spelling is refused.
SELECT pg_temp.error_of($$UPDATE public.tenants SET status = 'Active' WHERE tenant_id = 'hotel-mx'$$) AS capitalised_status;
UPDATE public.tenants SET status = 'inactive' WHERE tenant_id = 'hotel-mx';
SELECT hotel_agent.resolve_tenant('+52 55 8765 4321') AS inactive_status;
UPDATE public.tenants SET status = 'active' WHERE tenant_id = 'hotel-mx';
SELECT hotel_agent.resolve_tenant('+52 55 8765 4321') AS active_again;

-- Suspending and re-activating is seen by the next statement.
BEGIN;
SELECT hotel_agent.resolve_tenant('5491112345678') AS before_suspension;
UPDATE public.tenants SET status = 'suspended' WHERE tenant_id = 'hotel-ba';
SELECT hotel_agent.resolve_tenant('5491112345678') AS suspended;
ROLLBACK;
SELECT hotel_agent.resolve_tenant('5491112345678') AS after_rollback;

-- Over a table (the rows in, answers out), and in a parallel worker.
SELECT i.identifier, hotel_agent.resolve_tenant(i.identifier) AS tenant
FROM public.tenant_user_identifiers i ORDER BY 1;
-- PostgreSQL 16 renamed force_parallel_mode to debug_parallel_query.
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS parallel_guc \gset
SET :parallel_guc = on;
SELECT hotel_agent.resolve_tenant('5491112345678') AS in_worker;
EXPLAIN (COSTS OFF) SELECT hotel_agent.resolve_tenant('5491112345678');
RESET :parallel_guc;

-- Volatility, strictness and parallel safety as declared.
-- search_path: the C functions qualify every name they use; the PL/pgSQL
-- ones (pure-SQL build) pin it to '' (only pg_catalog, and pg_temp for
-- relations and types: every other name they use is qualified).
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel,
	   p.prosecdef,
	   p.prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'c')
	   OR p.proconfig = '{"search_path=\"\""}' AS names_safe
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'hotel_agent'::regnamespace
  AND p.proname IN ('resolve_tenant', 'resolve_tenant_info', 'explain_resolution',
					'add_tenant_identifier', 'remove_tenant_identifier', 'tenant_is_open',
					'normalize_identifier_trigger')
ORDER BY 1::text;

-- 3. resolve_tenant_info -------------------------------------------------

SELECT raw, i.tenant_pk = t.id AS pk_matches, i.tenant_id, i.name, i.status,
	   i.business_hours_start, i.business_hours_end, i.business_hours_timezone,
	   i.open_now IS NOT DISTINCT FROM hotel_agent.tenant_is_open(i.tenant_id) AS open_now_consistent,
	   i.matched_key
FROM (VALUES ('5491112345678@s.whatsapp.net'), ('+54 9 11 4321-8765'), ('Reservas@Hotel-BA.com.ar'),
			 ('+52 55 8765 4321'), ('+55 11 91234-5678')) AS v(raw)
CROSS JOIN LATERAL hotel_agent.resolve_tenant_info(v.raw) AS i
JOIN public.tenants t ON t.tenant_id = i.tenant_id
ORDER BY raw;
-- open_now is fixed for tenants open around the clock.
SELECT tenant_id, open_now FROM hotel_agent.resolve_tenant_info('+52 55 8765 4321');
SELECT tenant_id, open_now FROM hotel_agent.resolve_tenant_info('+55 11 91234-5678');
-- No row: inactive, unknown, garbage, NULL.
SELECT count(*) AS rows FROM hotel_agent.resolve_tenant_info('closed@example.com');
SELECT count(*) AS rows FROM hotel_agent.resolve_tenant_info('+1 650 253 0000');
SELECT count(*) AS rows FROM hotel_agent.resolve_tenant_info('+54 9 11 9999-0000');
SELECT count(*) AS rows FROM hotel_agent.resolve_tenant_info('hello');
SELECT count(*) AS rows FROM hotel_agent.resolve_tenant_info(NULL);
SELECT count(*) AS rows FROM hotel_agent.resolve_tenant_info('011 15-1234-5678', 'AR');
-- A tenant with a time zone the server does not know: a clear error.
SELECT hotel_agent.add_tenant_identifier('hotel-mars', 'olympus@mars.example') AS mars_key;
SELECT pg_temp.outcome($$SELECT open_now FROM hotel_agent.resolve_tenant_info('olympus@mars.example')$$);
SELECT hotel_agent.resolve_tenant('olympus@mars.example') AS plain_resolution_still_works;

-- 4. explain_resolution ----------------------------------------------------

CREATE TEMP TABLE explained AS
SELECT v.n, e.*
FROM (VALUES
	(1, '5491112345678@s.whatsapp.net', NULL),
	(2, '+54 9 11 4321-8765', NULL),
	(3, '  RESERVAS@Hotel-BA.com.ar', NULL),
	(4, 'closed@example.com', NULL),
	(5, '+1 650 253 0000', NULL),
	(6, '5491155550000', NULL),
	(7, '+54 9 11 9999-0000', NULL),
	(8, 'stranger@example.com', NULL),
	(9, 'hello', NULL),
	(10, '011 15-1234-5678', NULL),
	(11, '011 15-1234-5678', 'AR'),
	(12, '011 15-1234-5678', 'XX'),
	(13, NULL, NULL)
) AS v(n, raw, region)
CROSS JOIN LATERAL hotel_agent.explain_resolution(v.raw, v.region) AS e;
-- What was tried.
SELECT n, input, region, normalized, normalization_error, keys_tried, matched_key
FROM explained ORDER BY n;
-- What was found, and the verdict.
SELECT e.n, e.identifier_id = i.id AS row_matches, e.identifier_created_at = i.created_at AS created_at_matches,
	   e.tenant_pk = t.id AS pk_matches, e.tenant_id, e.tenant_status, e.resolves_to
FROM explained e
LEFT JOIN public.tenant_user_identifiers i ON i.identifier = e.matched_key
LEFT JOIN public.tenants t ON t.tenant_id = e.tenant_id
ORDER BY e.n;
SELECT n, verdict FROM explained ORDER BY n;
DROP TABLE explained;
-- It agrees with resolve_tenant() on every stored row and on the variants.
SELECT count(*) AS explained, count(*) FILTER (WHERE e.verdict LIKE 'INCONSISTENT%') AS inconsistent
FROM public.tenant_user_identifiers i
CROSS JOIN LATERAL hotel_agent.explain_resolution(i.identifier) AS e;
-- Both read the statement's snapshot: a status change made earlier in the
-- same transaction is seen alike.
BEGIN;
UPDATE public.tenants SET status = 'active' WHERE tenant_id = 'hotel-closed';
SELECT resolves_to, verdict FROM hotel_agent.explain_resolution('closed@example.com');
ROLLBACK;

-- 5. add_tenant_identifier / remove_tenant_identifier ------------------------

SELECT hotel_agent.add_tenant_identifier('hotel-br', '(11) 98888-7777', 'BR') AS national_with_region;
SELECT hotel_agent.add_tenant_identifier('hotel-br', '+55 11 98888-7777') AS again_same_tenant;
SELECT hotel_agent.add_tenant_identifier('hotel-br', 'Recepcao@Hotel-SP.com.BR') AS email;
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-ba', '5511988887777')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-nowhere', '+55 11 98888-7777')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('1', '+55 11 98888-7777')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-br', 'not a phone')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-ba', '(011) 15 7777-6666')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-br', '(11) 97777-6666', 'XX')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier(NULL, '+55 11 98888-7777')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.add_tenant_identifier('hotel-br', NULL)$$);
SELECT hotel_agent.resolve_tenant('5511988887777@s.whatsapp.net') AS added_resolves;

SELECT hotel_agent.remove_tenant_identifier('5511988887777@s.whatsapp.net') AS removed_by_other_spelling;
SELECT hotel_agent.remove_tenant_identifier('+55 11 98888-7777') AS removed_again;
SELECT hotel_agent.remove_tenant_identifier('RECEPCAO@hotel-sp.com.br') AS removed_email;
SELECT hotel_agent.remove_tenant_identifier('stranger@example.com') AS removed_unknown;
SELECT hotel_agent.remove_tenant_identifier(NULL) AS removed_null;
SELECT pg_temp.outcome($$SELECT hotel_agent.remove_tenant_identifier('not a phone')$$);
SELECT hotel_agent.resolve_tenant('5511988887777') AS removed_resolves_to;
-- Moving an identifier: remove, then add to the other tenant.
-- (hotel-ba's legacy alias of the number goes too: one guest, one tenant.)
SELECT hotel_agent.remove_tenant_identifier('+54 9 11 5555-0000') AS removed,
	   hotel_agent.remove_tenant_identifier('+54 11 5555-0000') AS removed_alias,
	   hotel_agent.add_tenant_identifier('hotel-mx', '5491155550000') AS added;
SELECT hotel_agent.resolve_tenant('+54 9 11 5555-0000') AS moved_to;

-- 6. Privileges and row level security ----------------------------------------
-- The fast path reads the indexes directly; it must not let anyone see
-- more than a SELECT would. This part starts with row level security off
-- on both tables (the pure-SQL build enables it, with no policy) and puts
-- it back as installed at its end.
CREATE TEMP TABLE rls_as_installed AS
SELECT oid::regclass AS rel, relrowsecurity FROM pg_catalog.pg_class
WHERE oid IN ('public.tenants'::regclass, 'public.tenant_user_identifiers'::regclass);
ALTER TABLE public.tenants DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenant_user_identifiers DISABLE ROW LEVEL SECURITY;
CREATE ROLE regress_tenant_reader;
CREATE ROLE regress_tenant_nobody;
GRANT SELECT ON public.tenants, public.tenant_user_identifiers TO regress_tenant_reader;
SET ROLE regress_tenant_nobody;
SELECT pg_temp.outcome($$SELECT hotel_agent.resolve_tenant('5491112345678')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.tenant_is_open('hotel-ba', '2025-01-01 12:00+00')$$);
RESET ROLE;
SET ROLE regress_tenant_reader;
SELECT hotel_agent.resolve_tenant('5491112345678') AS reader_sees;
RESET ROLE;
-- A role that may insert but not read: its rows are normalised. (What it
-- gets for a taken key depends on the build: 80_hostile_ddl.sql.)
GRANT INSERT ON public.tenant_user_identifiers TO regress_tenant_nobody;
GRANT USAGE ON SEQUENCE public.tenant_user_identifiers_id_seq TO regress_tenant_nobody;
SELECT id AS mx_pk FROM public.tenants WHERE tenant_id = 'hotel-mx' \gset
SET ROLE regress_tenant_nobody;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier) VALUES (:mx_pk, 'Writer@Example.COM');
RESET ROLE;
SELECT identifier FROM public.tenant_user_identifiers WHERE identifier LIKE 'writer%';
REVOKE ALL ON public.tenant_user_identifiers FROM regress_tenant_nobody;
REVOKE ALL ON SEQUENCE public.tenant_user_identifiers_id_seq FROM regress_tenant_nobody;
-- A policy hiding the identifiers of hotel-mx from the reader.
ALTER TABLE public.tenant_user_identifiers ENABLE ROW LEVEL SECURITY;
CREATE POLICY regress_not_mx ON public.tenant_user_identifiers FOR SELECT TO regress_tenant_reader
	USING (tenant_id <> (SELECT id FROM public.tenants WHERE tenant_id = 'hotel-mx'));
SET ROLE regress_tenant_reader;
SELECT hotel_agent.resolve_tenant('5491112345678') AS visible_row,
	   hotel_agent.resolve_tenant('+52 55 8765 4321') AS hidden_row;
SELECT count(*) AS info_rows FROM hotel_agent.resolve_tenant_info('+52 55 8765 4321');
RESET ROLE;
SELECT hotel_agent.resolve_tenant('+52 55 8765 4321') AS owner_sees;
DROP POLICY regress_not_mx ON public.tenant_user_identifiers;
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM rls_as_installed LOOP
		EXECUTE format('ALTER TABLE %s %s ROW LEVEL SECURITY', r.rel,
					   CASE WHEN r.relrowsecurity THEN 'ENABLE' ELSE 'DISABLE' END);
	END LOOP;
END $$;
DROP TABLE rls_as_installed;
REVOKE ALL ON public.tenants, public.tenant_user_identifiers FROM regress_tenant_reader;
DROP ROLE regress_tenant_reader;
DROP ROLE regress_tenant_nobody;

-- 7. The tables' schema is found at run time ---------------------------------
-- A database with the extension's tables in another schema, and decoy
-- tables of the same names in public that must never be read.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS hotel_agent_tenant_schema;
CREATE DATABASE hotel_agent_tenant_schema;
RESET client_min_messages;
CREATE ROLE regress_tenant_checked;
\c hotel_agent_tenant_schema
SET TimeZone = 'UTC';
\set ECHO none
\i test/include/outcome.sql
\set ECHO all
CREATE SCHEMA agent_data;
CREATE EXTENSION hotel_agent SCHEMA agent_data;
GRANT USAGE ON SCHEMA agent_data TO regress_tenant_checked;
CREATE TABLE public.tenants (id int PRIMARY KEY, tenant_id text UNIQUE, status text);
CREATE TABLE public.tenant_user_identifiers (id int, tenant_id int, identifier text UNIQUE);
INSERT INTO public.tenants VALUES (1, 'decoy', 'active');
INSERT INTO public.tenant_user_identifiers VALUES (1, 1, '+5491112345678');
INSERT INTO agent_data.tenants (tenant_id, name, business_hours_start, business_hours_end)
VALUES ('hotel-real', 'Real', 9, 17);
SELECT hotel_agent.add_tenant_identifier('hotel-real', '+54 9 11 1234-5678') AS key;
SELECT identifier FROM agent_data.tenant_user_identifiers;
SELECT hotel_agent.resolve_tenant('5491112345678') AS resolved,
	   (SELECT tenant_id FROM hotel_agent.resolve_tenant_info('5491112345678')) AS info,
	   (SELECT tenant_id FROM hotel_agent.explain_resolution('5491112345678')) AS explained,
	   hotel_agent.tenant_is_open('hotel-real', '2025-06-02 10:00+00') AS open_at_10_utc;
SELECT pg_temp.outcome($$INSERT INTO agent_data.tenant_user_identifiers (tenant_id, identifier)
	SELECT id, '5491112345678' FROM agent_data.tenants$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.tenant_is_open('decoy')$$);
-- The checked (SPI) path prepares its plans against agent_data...
SET ROLE regress_tenant_checked;
SELECT pg_temp.outcome($$SELECT hotel_agent.resolve_tenant('5491112345678')$$);
RESET ROLE;
-- ...and both paths forget them when the extension is dropped and created
-- again in the same session, now in public.
DROP TABLE public.tenants, public.tenant_user_identifiers;
DROP EXTENSION hotel_agent;
CREATE EXTENSION hotel_agent;
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-again', 'Again');
SELECT hotel_agent.add_tenant_identifier('hotel-again', '5491112345678') AS key;
SELECT hotel_agent.resolve_tenant('+54 9 11 1234-5678') AS resolved_after_recreate;
GRANT SELECT ON public.tenants, public.tenant_user_identifiers TO regress_tenant_checked;
ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON public.tenants FOR SELECT USING (true);
SET ROLE regress_tenant_checked;
SELECT hotel_agent.resolve_tenant('+54 9 11 1234-5678') AS checked_path_after_recreate;
RESET ROLE;
\c contrib_regression
DROP DATABASE hotel_agent_tenant_schema;
DROP ROLE regress_tenant_checked;
SET TimeZone = 'UTC';

-- Clean up: the next test finds the tables empty.
DELETE FROM public.tenants;
SELECT (SELECT count(*) FROM public.tenants) AS tenants,
	   (SELECT count(*) FROM public.tenant_user_identifiers) AS identifiers;

-- The constraint dropped at the start, restored as it was.
SELECT :'restore_checks' \gexec
SELECT conname FROM pg_constraint WHERE conrelid = 'public.tenants'::regclass AND contype = 'c' ORDER BY 1;
