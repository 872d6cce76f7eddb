-- make test-load: the database the mixed load runs against (test/load/run.sh).
-- Everything is derived from generate_series, so every run starts from the
-- same rows; only the timestamps follow the clock.
--
-- Roles: load_backend is set up like the backend's role
-- (grant_backend_access), load_ops like an operator's (include_operations).
-- The schema load holds what the pgbench scripts need besides the extension:
-- the guests with their spellings and expected tenants, and load.expect(),
-- which turns a wrong answer into an error that stops the run.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- hotel_agent itself is installed by test/load/run.sh: the extension, or
-- the pure-SQL build with LOAD_BUILD=script.

CREATE ROLE load_backend LOGIN PASSWORD :'password';
CREATE ROLE load_ops LOGIN PASSWORD :'password';
ALTER ROLE load_backend SET TimeZone = 'UTC';
ALTER ROLE load_ops SET TimeZone = 'UTC';
SELECT count(*) AS backend_grants FROM hotel_agent.grant_backend_access('load_backend');
SELECT count(*) AS ops_grants FROM hotel_agent.grant_backend_access('load_ops', include_operations => true);

-- 60 tenants: every tenth suspended and every fifteenth inactive (their
-- guests resolve to NULL), two thirds with business hours in a zone.
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end,
                            business_hours_timezone)
SELECT 'hotel-' || lpad(t::text, 2, '0'), 'Hotel ' || t,
       CASE WHEN t % 10 = 0 THEN 'suspended' WHEN t % 15 = 7 THEN 'inactive' ELSE 'active' END,
       CASE WHEN t % 3 = 0 THEN NULL ELSE 8 END, CASE WHEN t % 3 = 0 THEN NULL ELSE 22 END,
       (ARRAY['America/Argentina/Buenos_Aires', 'America/Mexico_City', 'Europe/Madrid', NULL])[1 + t % 4]
FROM generate_series(1, 60) t;

CREATE SCHEMA load;

-- One row per guest: the spelling it was registered with (NULL: a stranger,
-- never registered), the spellings it writes from, and what resolve_tenant()
-- must answer for each of them.
CREATE TABLE load.guest (
    n integer PRIMARY KEY,
    tenant_id text NOT NULL,
    region text,
    registered text,
    stored text,
    spellings text[] NOT NULL,
    expected text
);

-- Six kinds, by n % 6; d is a number of n's own, so no two guests share a key
-- or a match key (phone_match_keys: Argentina's 9, Mexico's 1, Brazil's
-- ninth digit). Every spelling of a kind is one the backend receives.
INSERT INTO load.guest (n, tenant_id, region, registered, stored, spellings)
SELECT n, 'hotel-' || lpad((1 + n % 60)::text, 2, '0'), g.region, g.registered, g.stored, g.spellings
FROM generate_series(1, :guests) n,
     LATERAL (SELECT (10000000 + n)::text AS d8, '9' || substr((10000000 + n)::text, 2) AS e8,
                     (1000000 + n)::text AS d7) d,
     LATERAL (
        SELECT * FROM (VALUES
        -- Argentina mobile: registered nationally, written from WhatsApp
        -- (JID, device JID), bare digits, and the alias without the 9.
        (0, 'AR', '011 15-' || substr(d8, 1, 4) || '-' || substr(d8, 5), '+54911' || d8,
         ARRAY['54911' || d8 || '@s.whatsapp.net', '54911' || d8 || ':7@s.whatsapp.net',
               '54911' || d8, '+54 11 ' || substr(d8, 1, 4) || '-' || substr(d8, 5),
               'whatsapp:+54911' || d8]),
        -- Mexico: WhatsApp still sends the legacy 1 after 52.
        (1, NULL, '+52 55 ' || substr(d8, 1, 4) || ' ' || substr(d8, 5), '+5255' || d8,
         ARRAY['52155' || d8 || '@s.whatsapp.net', '+52 1 55 ' || d8, '5255' || d8 || '@c.us',
               '5255' || d8 || '.0:12@s.whatsapp.net']),
        -- Spain: international spellings.
        (2, NULL, '+34 6' || substr(d8, 1, 2) || ' ' || substr(d8, 3, 3) || ' ' || substr(d8, 6),
         '+346' || d8,
         ARRAY['346' || d8 || '@s.whatsapp.net', '+34 6' || substr(d8, 1, 2) || ' ' || substr(d8, 3, 2)
               || ' ' || substr(d8, 5, 2) || ' ' || substr(d8, 7), 'tel:+346' || d8, '346' || d8]),
        -- Brazil mobile: registered nationally with the ninth digit, written
        -- from an old JID without it.
        (3, 'BR', '(11) 9' || substr(e8, 1, 4) || '-' || substr(e8, 5), '+55119' || e8,
         ARRAY['55119' || e8 || '@s.whatsapp.net', '5511' || e8 || '@s.whatsapp.net', '+55 11 9' || e8]),
        -- United States: registered nationally.
        (4, 'US', '(650) 5' || substr(d7, 2, 2) || '-' || substr(d7, 4), '+16505' || substr(d7, 2),
         ARRAY['16505' || substr(d7, 2) || '@s.whatsapp.net', '+1 650-5' || substr(d7, 2, 2) || '-' || substr(d7, 4),
               '16505' || substr(d7, 2) || ':3@s.whatsapp.net']),
        -- WhatsApp privacy IDs and e-mails.
        (5, NULL, '7' || d8 || '0042:9@lid', '7' || d8 || '0042@lid',
         ARRAY['7' || d8 || '0042@lid', ' 7' || d8 || '0042.1:3@LID ']),
        (6, NULL, 'Guest.' || n || '@Example.COM', 'guest.' || n || '@example.com',
         ARRAY['mailto:guest.' || n || '@example.com', '  GUEST.' || n || '@EXAMPLE.com'])
        ) k(kind, region, registered, stored, spellings)
        WHERE k.kind = CASE WHEN n % 6 = 5 AND n % 12 = 11 THEN 6 ELSE n % 6 END
     ) g;
-- Every 25th guest is a stranger: never registered, resolves to NULL.
UPDATE load.guest SET registered = NULL, stored = NULL WHERE n % 25 = 13;

SELECT count(hotel_agent.add_tenant_identifier(tenant_id, registered, region)) AS registered
FROM load.guest WHERE registered IS NOT NULL;
UPDATE load.guest g SET expected = CASE WHEN t.status = 'active' THEN g.tenant_id END
FROM public.tenants t WHERE t.tenant_id = g.tenant_id AND g.registered IS NOT NULL;

-- The keys were stored as load.guest says, and every spelling resolves as
-- expected before the load starts (the scripts check it again under load).
SELECT count(*) AS wrong_keys
FROM load.guest g
LEFT JOIN public.tenant_user_identifiers i ON i.identifier = g.stored
WHERE g.stored IS NOT NULL AND i.id IS NULL;
SELECT count(*) AS wrong_answers
FROM load.guest g, unnest(g.spellings) s
WHERE hotel_agent.resolve_tenant(s) IS DISTINCT FROM g.expected;

-- New guests the load registers: numbers of a range of their own (Spanish
-- 7xx, Argentine 11 5xxx-xxxx, Mexican 81), one per value of the sequence,
-- so two clients never add the same key, nor two spellings of one guest.
CREATE SEQUENCE load.new_guest START 1;

-- What the writing scripts committed, one row per transaction, written in
-- the script's own transaction. pgbench can stop a client when the time is
-- up with its COMMIT sent and unanswered: that transaction commits and is
-- not in pgbench's count. The checks compare the tables with this journal
-- exactly, and the journal with pgbench's count within one transaction per
-- client.
CREATE TABLE load.committed (script text NOT NULL, client int NOT NULL);

-- Users: 1..400 change passwords under load (each with two sessions that
-- the change revokes) and start 25 hashes over a limit of 10, as after a
-- raise of the setting; 401..600 have the same backlog and no load (only the
-- maintenance prunes them); 601..2600 own the sessions the load checks.
INSERT INTO public.users (id, username, email, hashed_password, tenant_id)
SELECT 'u' || lpad(u::text, 4, '0'), 'user' || u, 'user' || u || '@hotel.example',
       '$2b$12$seed' || u, 'hotel-' || lpad((1 + u % 60)::text, 2, '0')
FROM generate_series(1, 2600) u;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u' || lpad(u::text, 4, '0'), '$2b$12$old' || u || '.' || h,
       timezone('UTC', now()) - interval '400 days' + h * interval '1 day'
FROM generate_series(1, 600) u, generate_series(1, 25) h;
RESET hotel_agent.password_history_keep;

-- Sessions: per checked user, one live, one revoked, one expired within the
-- 7 days of grace (kept by the maintenance), one expired long ago (deleted
-- by it); two live ones per password-changing user.
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, is_revoked)
SELECT k || '-' || u, 'u' || lpad(u::text, 4, '0'), 'jti-' || k || '-' || u,
       timezone('UTC', now()) + CASE k WHEN 'live' THEN interval '30 days' WHEN 'revoked' THEN interval '30 days'
                                       WHEN 'recent' THEN interval '-2 days' ELSE interval '-40 days' END,
       k = 'revoked'
FROM generate_series(601, 2600) u, unnest(ARRAY['live', 'revoked', 'recent', 'old']) k;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
SELECT 'pw' || s || '-' || u, 'u' || lpad(u::text, 4, '0'), 'jti-pw' || s || '-' || u,
       timezone('UTC', now()) + interval '30 days'
FROM generate_series(1, 400) u, generate_series(1, 2) s;

-- Lock events: 5,000 older than 30 days (the maintenance purges them) and
-- 5,000 of the last week (kept).
INSERT INTO public.lock_audit (lock_key, event_type, timestamp, details)
SELECT 'seed:room:' || l, (ARRAY['acquired', 'extended', 'released', 'expired'])[1 + l % 4],
       timezone('UTC', now()) - CASE WHEN l <= 5000 THEN interval '40 days' ELSE interval '3 days' END
                                - l * interval '1 second',
       jsonb_build_object('holder_id', 'seed-' || l % 7)
FROM generate_series(1, 10000) l;

-- A wrong answer is an error (SQLSTATE P0001, not retryable): pgbench stops
-- that client and test/load/run.sh fails, naming the call.
CREATE FUNCTION load.expect(ok boolean, call text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A NULL verdict is as wrong as false.
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'wrong answer under load: %', call;
    END IF;
END;
$$;

GRANT USAGE ON SCHEMA load TO load_backend;
GRANT SELECT ON load.guest TO load_backend;
GRANT USAGE ON SEQUENCE load.new_guest TO load_backend;
GRANT INSERT ON load.committed TO load_backend;
GRANT EXECUTE ON FUNCTION load.expect(boolean, text) TO load_backend;

VACUUM ANALYZE;
