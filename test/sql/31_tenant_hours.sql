-- Business hours: tenant_is_open(tenant_slug, at). Hours are whole local
-- hours 0-23 in business_hours_timezone (NULL: UTC); start <= hour < end,
-- wrapping past midnight when start > end; a NULL bound, or start = end,
-- means around the clock. Every "at" is explicit, with its offset.
SET TimeZone = 'UTC';
\set VERBOSITY default
\set ECHO none
\i test/include/outcome.sql
\set ECHO all

-- Since 1.1.0 the table refuses hours outside 0-23 and zones the server does
-- not load (README, "Divergences from schema.sql"), by the same rule that
-- tenant_is_open() applies: hotel_agent.is_valid_time_zone().
SELECT v.hours_and_zone, split_part(pg_temp.outcome(pg_catalog.format(
	$$INSERT INTO public.tenants (tenant_id, name, business_hours_start, business_hours_end, business_hours_timezone,
	                             created_at, updated_at)
	  VALUES ('h-rejected', 'Rejected', %s, %s, %L, '2025-01-01', '2025-01-01') RETURNING tenant_id$$, v.s, v.e, v.tz)), ' | ', 1) AS outcome
FROM (VALUES ('24-6 UTC', '24', '6', 'UTC'), ('9-(-1) UTC', '9', '-1', 'UTC'),
			 ('9-17 Mars', '9', '17', 'Mars/Olympus_Mons'), ('9-17 empty zone', '9', '17', ''),
			 ('9-17 ART', '9', '17', 'ART'), ('0-23 lower-case zone', '0', '23', 'america/new_york'))
	AS v(hours_and_zone, s, e, tz);
DELETE FROM public.tenants WHERE tenant_id = 'h-rejected';
SELECT left(name, 30) AS name, hotel_agent.is_valid_time_zone(name) AS valid
FROM (VALUES ('UTC'), ('America/Argentina/Buenos_Aires'), ('america/new_york'), ('Mars/Olympus_Mons'),
			 (''), ('ART'), (repeat('x', 300))) AS v(name);

-- Rows written before 1.1.0 may hold such values, and tenant_is_open()
-- refuses them at run time. To store them, this test drops the three
-- constraints; it restores them, as they were, at its end.
SELECT string_agg(format('ALTER TABLE public.tenants ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)), '; ') AS restore_checks
FROM pg_constraint WHERE conrelid = 'public.tenants'::regclass AND conname IN ('tenants_business_hours_start_check', 'tenants_business_hours_end_check', 'tenants_business_hours_timezone_check') \gset
ALTER TABLE public.tenants
	DROP CONSTRAINT tenants_business_hours_start_check,
	DROP CONSTRAINT tenants_business_hours_end_check,
	DROP CONSTRAINT tenants_business_hours_timezone_check;

INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone) VALUES
	('h-utc', 'UTC 8-20', 'active', 8, 20, NULL),
	('h-ny', 'New York 9-17', 'active', 9, 17, 'America/New_York'),
	('h-ny-gap', 'New York 2-3', 'active', 2, 3, 'America/New_York'),
	('h-ny-fold', 'New York 1-2', 'active', 1, 2, 'America/New_York'),
	('h-madrid-night', 'Madrid 22-6', 'active', 22, 6, 'Europe/Madrid'),
	('h-santiago', 'Santiago 8-20', 'active', 8, 20, 'America/Santiago'),
	('h-24-7', 'Around the clock', 'active', NULL, NULL, NULL),
	('h-half-null', 'Only a start', 'active', 9, NULL, 'Europe/Madrid'),
	('h-same', 'Start = end', 'active', 7, 7, 'Europe/Madrid'),
	('h-lower-zone', 'Zone in lower case', 'active', 9, 17, 'america/new_york'),
	('h-suspended', 'Suspended 9-17', 'suspended', 9, 17, 'UTC'),
	('h-mars', 'Unknown zone', 'active', 9, 17, 'Mars/Olympus_Mons'),
	('h-empty-zone', 'Empty zone', 'active', 9, 17, ''),
	('h-abbrev', 'An abbreviation, not a zone', 'active', 9, 17, 'ART'),
	('h-24-7-mars', 'Around the clock, unknown zone', 'active', NULL, NULL, 'Mars/Olympus_Mons'),
	('h-start-24', 'Start out of range', 'active', 24, 6, NULL),
	('h-end-neg', 'End out of range', 'active', 9, -1, NULL);

SELECT slug, at, hotel_agent.tenant_is_open(slug, at::timestamptz) AS open, why
FROM (VALUES
	-- bounds: start inclusive, end exclusive
	(1, 'h-utc', '2025-06-02 07:59:59+00', 'before 8'),
	(2, 'h-utc', '2025-06-02 08:00:00+00', 'at 8'),
	(3, 'h-utc', '2025-06-02 19:59:59+00', 'just before 20'),
	(4, 'h-utc', '2025-06-02 20:00:00+00', 'at 20'),
	(5, 'h-utc', '2025-06-02 10:00:00-05', '15:00 UTC given in another offset'),
	-- New York, spring forward on 2025-03-09 (02:00 EST -> 03:00 EDT)
	(10, 'h-ny', '2025-03-08 13:30:00+00', '08:30 EST the day before'),
	(11, 'h-ny', '2025-03-09 13:30:00+00', '09:30 EDT: a fixed -05 would say 08:30'),
	(12, 'h-ny', '2025-03-09 20:59:59+00', '16:59 EDT'),
	(13, 'h-ny', '2025-03-09 21:00:00+00', '17:00 EDT'),
	(14, 'h-ny-gap', '2025-03-09 06:59:59+00', '01:59:59 EST'),
	(15, 'h-ny-gap', '2025-03-09 07:00:00+00', '03:00 EDT: the 2 o''clock hour does not exist'),
	(16, 'h-ny-gap', '2025-03-10 07:30:00+00', '03:30 EDT the next day'),
	(17, 'h-ny-gap', '2025-03-10 06:30:00+00', '02:30 EDT the next day'),
	-- New York, fall back on 2025-11-02 (02:00 EDT -> 01:00 EST)
	(20, 'h-ny', '2025-11-01 13:30:00+00', '09:30 EDT the day before'),
	(21, 'h-ny', '2025-11-02 13:30:00+00', '08:30 EST: a fixed -04 would say 09:30'),
	(22, 'h-ny', '2025-11-02 14:00:00+00', '09:00 EST'),
	(23, 'h-ny-fold', '2025-11-02 04:59:59+00', '00:59:59 EDT'),
	(24, 'h-ny-fold', '2025-11-02 05:30:00+00', '01:30 EDT, first time'),
	(25, 'h-ny-fold', '2025-11-02 06:30:00+00', '01:30 EST, second time'),
	(26, 'h-ny-fold', '2025-11-02 07:00:00+00', '02:00 EST'),
	-- Madrid 22-6 wraps past midnight; summer time starts 2025-03-30 01:00 UTC
	(30, 'h-madrid-night', '2025-03-29 20:59:59+00', '21:59:59 CET'),
	(31, 'h-madrid-night', '2025-03-29 21:00:00+00', '22:00 CET'),
	(32, 'h-madrid-night', '2025-03-29 23:30:00+00', '00:30 CET'),
	(33, 'h-madrid-night', '2025-03-30 00:59:59+00', '01:59:59 CET'),
	(34, 'h-madrid-night', '2025-03-30 01:00:00+00', '03:00 CEST'),
	(35, 'h-madrid-night', '2025-03-30 03:59:59+00', '05:59:59 CEST'),
	(36, 'h-madrid-night', '2025-03-30 04:00:00+00', '06:00 CEST'),
	(37, 'h-madrid-night', '2025-03-30 04:30:00+00', '06:30 CEST: a fixed +01 would say 05:30'),
	(38, 'h-madrid-night', '2025-03-30 12:00:00+00', '14:00 CEST'),
	-- Santiago (southern hemisphere): summer time ends 2025-04-06, starts 2025-09-07
	(40, 'h-santiago', '2025-04-05 11:30:00+00', '08:30 -03'),
	(41, 'h-santiago', '2025-04-06 11:30:00+00', '07:30 -04'),
	(42, 'h-santiago', '2025-09-06 11:30:00+00', '07:30 -04'),
	(43, 'h-santiago', '2025-09-07 11:30:00+00', '08:30 -03'),
	-- around the clock, whatever the time
	(50, 'h-24-7', '2025-06-02 03:00:00+00', 'NULL hours'),
	(51, 'h-half-null', '2025-06-02 03:00:00+00', 'NULL end'),
	(52, 'h-same', '2025-06-02 03:00:00+00', 'start = end'),
	(53, 'h-24-7', 'infinity', 'no hours to compare'),
	-- zone names as the server knows them; status does not matter here
	(60, 'h-lower-zone', '2025-06-02 13:30:00+00', '09:30 EDT, zone in lower case'),
	(62, 'h-suspended', '2025-06-02 12:00:00+00', 'hours only, not status')
) AS t(n, slug, at, why)
ORDER BY n;

-- The session's time zone plays no part.
SET TimeZone = 'Asia/Tokyo';
SELECT hotel_agent.tenant_is_open('h-ny', '2025-03-09 13:30:00+00') AS ny_0930_edt,
	   hotel_agent.tenant_is_open('h-utc', '2025-06-02 07:59:59+00') AS utc_before_8,
	   hotel_agent.tenant_is_open('h-madrid-night', '2025-03-30 04:30:00+00') AS madrid_0630;
SET TimeZone = 'UTC';

-- The default is now(): a boolean, the same within a transaction.
BEGIN;
SELECT hotel_agent.tenant_is_open('h-24-7') AS open_now,
	   hotel_agent.tenant_is_open('h-utc') = hotel_agent.tenant_is_open('h-utc', now()) AS default_is_now;
COMMIT;

-- NULL in, NULL out; errors for an unknown tenant (slugs are case
-- sensitive), an unknown zone (checked even around the clock; an
-- abbreviation is not a zone), hours out of range and an infinite time
-- with hours to compare.
SELECT hotel_agent.tenant_is_open(NULL) AS null_slug,
	   hotel_agent.tenant_is_open('h-utc', NULL) AS null_at;
SELECT slug, at, pg_temp.outcome(format('SELECT hotel_agent.tenant_is_open(%L, %L)', slug, at)) AS outcome
FROM (VALUES
	(1, 'hotel-nowhere', '2025-06-02 12:00+00'),
	(2, 'H-UTC', '2025-06-02 12:00+00'),
	(3, 'h-mars', '2025-06-02 12:00+00'),
	(4, 'h-24-7-mars', '2025-06-02 12:00+00'),
	(5, 'h-empty-zone', '2025-06-02 12:00+00'),
	(6, 'h-abbrev', '2025-06-02 12:00+00'),
	(7, 'h-start-24', '2025-06-02 12:00+00'),
	(8, 'h-end-neg', '2025-06-02 12:00+00'),
	(9, 'h-utc', 'infinity'),
	(10, 'h-utc', '-infinity')
) AS t(n, slug, at)
ORDER BY n;

DELETE FROM public.tenants;
SELECT count(*) AS tenants FROM public.tenants;

-- The constraints dropped above, restored as they were.
SELECT :'restore_checks' \gexec
SELECT conname FROM pg_constraint WHERE conrelid = 'public.tenants'::regclass AND contype = 'c' ORDER BY 1;
