-- Phone and e-mail normalisation: the documented examples, the policy cases,
-- every error reason with its SQLSTATE, and hostile input.
SET TimeZone = 'UTC';
\set VERBOSITY default

\set ECHO none
\i test/include/outcome.sql
\set ECHO all

-- WhatsApp sender IDs and hand-typed numbers reach one key.
SELECT raw, region, hotel_agent.normalize_e164(raw, region) AS e164
FROM (VALUES
	('+5491112345678', NULL),
	('whatsapp:+5491112345678', NULL),
	('tel:+54-9-11-1234-5678', NULL),
	('+54 9 11 1234-5678', NULL),
	('011 15-1234-5678', 'AR'),
	('011 15-1234-5678', 'ar'),
	('5491112345678', 'AR'),
	('+44 (0)20 7946 0958', NULL),
	('020 7946 0958', 'GB'),
	('(650) 253-0000 ext. 12', 'US'),
	('650.253.0000', 'US'),
	('011 44 20 7946 0958', 'US'),
	('00 54 9 11 1234 5678', 'MX'),
	('+39 06 6988 1234', NULL),
	('06 6988 1234', 'IT'),
	('+52 1 55 1234 5678', NULL),
	('+52 55 1234 5678', NULL),
	('+55 11 91234-5678', NULL),
	('(11) 91234-5678', 'BR')
) AS t(raw, region)
ORDER BY raw, region;

-- normalize_identifier: WhatsApp JIDs, prefixes, bare international digits,
-- e-mails in any case.
SELECT raw, region, hotel_agent.normalize_identifier(raw, region) AS key
FROM (VALUES
	('5491112345678@s.whatsapp.net', NULL),
	('5491112345678@c.us', NULL),
	('5491112345678', NULL),
	('whatsapp:+5491112345678', NULL),
	('tel:+5491112345678', NULL),
	('  Guest.Name@Example.COM  ', NULL),
	('reservas@Hotel-ABC.com.ar', 'AR'),
	('011 15-1234-5678', 'AR'),
	('447946095800', NULL),
	('whatsapp:5491112345678', NULL)
) AS t(raw, region)
ORDER BY raw, region;

-- Only bare digit strings are read as international without a region: a
-- formatted national number needs its region.
SELECT pg_temp.outcome($$SELECT hotel_agent.normalize_identifier('(11) 97777-6666')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.normalize_identifier('54 9 11 1234 5678')$$);
SELECT hotel_agent.normalize_identifier('(11) 97777-6666', 'BR');

-- Every error reason: 22P02 with a detail naming it, and a hint.
SELECT raw, region, pg_temp.outcome(format('SELECT hotel_agent.normalize_e164(%L, %L)', raw, region)) AS outcome
FROM (VALUES
	('hello', NULL),
	('1234 5678', NULL),
	('+999 1234 5678', NULL),
	('+54 11', NULL),
	('+54 9 11 1234 5678 9999', NULL),
	('+49 1234', NULL),
	('(403) 948-431', 'CA'),
	('+54 9 11 1234 567', NULL),
	('253-0000', 'US'),
	('', NULL),
	('+', NULL),
	('---', NULL),
	('()..-- ', 'AR')
) AS t(raw, region)
ORDER BY raw, region;

-- Unknown or malformed regions are the caller's mistake: 22023.
SELECT region, pg_temp.outcome(format('SELECT hotel_agent.normalize_e164(%L, %L)', '011 15-1234-5678', region)) AS outcome
FROM (VALUES ('XX'), ('ARG'), (''), ('A')) AS t(region)
ORDER BY region;
SELECT pg_temp.outcome($$SELECT hotel_agent.try_normalize_e164('011 15-1234-5678', 'XX')$$);

-- Hostile input never crashes; each gets its error, or NULL from try_.
CREATE TEMP TABLE hostile (label text, raw text);
INSERT INTO hostile VALUES
	('null', NULL),
	('empty', ''),
	('10000 digits', repeat('5', 10000)),
	('10000 chars with plus', '+' || repeat('54 9 ', 2000)),
	('punctuation only', '()-.-/ ,;'),
	('letters', 'call me maybe'),
	('vanity letters', '+1 800 FLOWERS'),
	('emoji', '📞 +54 9 11 1234 5678 📞'),
	('emoji only', '📞📞📞'),
	('lone plus', '+'),
	('plus plus', '++5491112345678'),
	('16 digits', '+5491112345678901'),
	('20 digits', '+12345678901234567890'),
	('control characters', E'+54\t9\n11\x011234\x7f5678'),
	('mixed scripts', '+54 ９ 11 ١٢٣٤ 5678'),
	('cyrillic', '+7 ЖЖЖ 123 45 67'),
	('at only', '@'),
	('jid without digits', '@s.whatsapp.net');
SELECT label, pg_temp.outcome(format('SELECT hotel_agent.normalize_e164(%L, %L)', raw, 'AR')) AS normalize_e164,
       hotel_agent.try_normalize_e164(raw, 'AR') AS try_e164,
       hotel_agent.try_normalize_identifier(raw) AS try_identifier
FROM hostile ORDER BY label;
SELECT label, pg_temp.outcome(format('SELECT hotel_agent.normalize_identifier(%L)', raw)) AS normalize_identifier
FROM hostile ORDER BY label;

-- E-mail shape errors.
SELECT raw, pg_temp.outcome(format('SELECT hotel_agent.normalize_identifier(%L)', raw)) AS outcome
FROM (VALUES
	('a@b@example.com'),
	('@example.com'),
	('guest@localhost'),
	('guest@example..com'),
	('guest@.example.com'),
	('guest@example.com.'),
	('gu est@example.com'),
	(repeat('a', 250) || '@example.com')
) AS t(raw)
ORDER BY raw;

-- phone_match_keys: canonical first, then the known variants.
SELECT e164, hotel_agent.phone_match_keys(e164) AS keys
FROM (VALUES
	('+5491112345678'),
	('+541112345678'),
	('+525512345678'),
	('+5215512345678'),
	('+5511912345678'),
	('+5511987654321'),
	('+551187654321'),
	('+551132345678'),
	('+442079460958'),
	('+16502530000')
) AS t(e164)
ORDER BY e164;
SELECT pg_temp.outcome($$SELECT hotel_agent.phone_match_keys('5491112345678')::text$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.phone_match_keys('+54911123456789012')::text$$);
SELECT hotel_agent.phone_match_keys(NULL) IS NULL AS strict_null;

-- Metadata provenance.
SELECT hotel_agent.e164_metadata_version() ~ 'libphonenumber' AS names_its_source;

-- The declared properties the planner relies on.
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'hotel_agent'::regnamespace
  AND p.proname IN ('normalize_e164', 'try_normalize_e164', 'normalize_identifier',
                    'try_normalize_identifier', 'phone_match_keys', 'e164_metadata_version')
ORDER BY 1;

-- Usable in an expression index (IMMUTABLE).
CREATE TEMP TABLE guests (raw text);
CREATE INDEX ON guests (hotel_agent.try_normalize_identifier(raw, 'AR'));
INSERT INTO guests VALUES ('011 15-1234-5678'), ('+54 9 11 1234-5678'), ('junk');
SELECT count(*) FROM guests WHERE hotel_agent.try_normalize_identifier(raw, 'AR') = '+5491112345678';
