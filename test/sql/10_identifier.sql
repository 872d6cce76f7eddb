-- Phone and e-mail normalisation: the documented examples, the policy cases,
-- every error reason with its SQLSTATE, and hostile input.
SET TimeZone = 'UTC';
\set VERBOSITY default
-- The pure-SQL build runs this file too: errors raised from PL/pgSQL carry
-- a CONTEXT line that C errors do not have.
\set SHOW_CONTEXT never

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

-- Every kind of identifier (README, "Identifier kinds"). A WhatsApp user
-- JID carries the full international number whatever the default region;
-- device JIDs are the same phone; @lid is a kind of its own.
SELECT raw, region, hotel_agent.normalize_identifier(raw, region) AS key
FROM (VALUES
	('16502530000@s.whatsapp.net', 'AR'),
	('16502530000@s.whatsapp.net', NULL),
	('5491112345678@c.us', 'US'),
	('5491112345678:12@s.whatsapp.net', 'AR'),
	('5491112345678.0:12@s.whatsapp.net', NULL),
	('  5491112345678:3@S.WHATSAPP.NET  ', 'MX'),
	('5215512345678@s.whatsapp.net', 'AR'),
	('123456789012345@lid', NULL),
	('123456789012345:7@lid', 'AR'),
	(' 123456789012345.1:7@LID ', NULL),
	('mailto:Guest.Name@Example.COM', NULL),
	('MAILTO:guest@example.com', 'AR'),
	('＋1 650 253 0000', 'AR'),
	('＋５４ ９ １１ １２３４ ５６７８', NULL)
) AS t(raw, region)
ORDER BY raw, region;

-- Group, broadcast and channel JIDs are not a person; malformed JIDs are
-- not e-mails: 22P02, in try_ NULL.
SELECT raw, pg_temp.outcome(format('SELECT hotel_agent.normalize_identifier(%L, %L)', raw, 'AR')) AS outcome,
       hotel_agent.try_normalize_identifier(raw, 'AR') AS try
FROM (VALUES
	('120363025246125486@g.us'),
	('5491112345678-1596729327@g.us'),
	('status@broadcast'),
	('1596729327@broadcast'),
	('120363144038483540@newsletter'),
	('guest@s.whatsapp.net'),
	('+5491112345678@s.whatsapp.net'),
	('5491112345678:@s.whatsapp.net'),
	('abc@lid'),
	('123@s.whatsapp.net'),
	('＋＋54 9 11 1234 5678')
) AS t(raw)
ORDER BY raw;

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
	('+7 12345678901', NULL),
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
SELECT pg_temp.outcome($$SELECT hotel_agent.try_normalize_identifier('16502530000@s.whatsapp.net', 'XX')$$);
SELECT pg_temp.outcome($$SELECT hotel_agent.try_normalize_identifier('123@lid', 'XX')$$);

-- A region is quoted cut at 16 bytes on a character boundary: 'A' and
-- seven 'é' (15 bytes), never half of the eighth.
SELECT pg_temp.outcome(format('SELECT hotel_agent.normalize_e164(%L, %L)', '1', 'A' || repeat('é', 10)));
SELECT pg_temp.outcome(format('SELECT hotel_agent.normalize_e164(%L, %L)', '1', repeat('日', 5)));
SELECT pg_temp.outcome(format('SELECT hotel_agent.normalize_e164(%L, %L)', '1', E'x\ty'));

-- A client whose encoding lacks some characters gets the error itself, the
-- characters of the quoted input that are not ASCII escaped (and not an
-- error about converting the message).
SET client_encoding = 'LATIN1';
SELECT hotel_agent.normalize_e164('1', E'\u65e5\u672c');
SELECT hotel_agent.normalize_e164(E'\u260e \u00e9', 'AR');
SELECT hotel_agent.normalize_identifier(E'\U0001F4DE@g.us');
SELECT hotel_agent.phone_match_keys(E'+54\u00e9');
RESET client_encoding;

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
	('jid without digits', '@s.whatsapp.net'),
	('251 arabic-indic digits', repeat('٥', 251)),
	('250 characters, 499 bytes', '+' || repeat('٥', 249)),
	('251 characters, 1001 bytes', repeat('📞', 250) || '1'),
	('lid without digits', '@lid'),
	('group without user', '@g.us');
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
