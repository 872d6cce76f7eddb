-- make supabase-create-role (tools/supabase.sh): the backend's own login
-- role, with exactly what hotel_agent.grant_backend_access() gives it.
-- Run with psql -1: one transaction.
--
-- The password is made here, by the server (gen_random_uuid(), from
-- pg_strong_random: 244 random bits, written as 64 hexadecimal digits, so
-- it goes into a URL as it is). The role gets it as a SCRAM-SHA-256
-- verifier (RFC 5802, 7677) computed in the same statement, the form
-- psql's \password sends: the statements that reach the server never hold
-- the password, so no log, audit or pg_stat_statements line can show it.
-- It leaves only as this transaction's last result, which psql writes to
-- a file of mode 0600 (ROLE_PASSWORD_FILE).
--
-- On Supabase the six tables have row level security with no policy (see
-- sql/src/95_supabase.sql), and only a superuser may create a BYPASSRLS
-- role on PostgreSQL 15: the role gets one policy per table letting it
-- reach every row; its table privileges still decide what it may do.
\getenv role BACKEND_ROLE
\getenv rotate ROTATE
\getenv password_file ROLE_PASSWORD_FILE

SET LOCAL search_path = pg_catalog, pg_temp;
CREATE TEMPORARY TABLE role_report (n serial, line text NOT NULL) ON COMMIT DROP;
SELECT pg_catalog.set_config('hotel_agent_role.name', :'role', true),
       pg_catalog.set_config('hotel_agent_role.rotate', :'rotate', true)
\g /dev/null

DO $role$
DECLARE
    role_name text := pg_catalog.current_setting('hotel_agent_role.name');
    rotate boolean := pg_catalog.current_setting('hotel_agent_role.rotate') = '1';
    exists_already boolean;
    pw bytea;
    salt bytea;
    ipad bytea;
    opad bytea;
    u bytea;
    t bit(256);
    salted bytea;
    key bytea;
    verifier text;
    tbl text;
    policy text := 'hotel_agent_backend_' || role_name;
    i integer;
BEGIN
    IF pg_catalog.to_regprocedure('hotel_agent.grant_backend_access(name, boolean)') IS NULL THEN
        RAISE EXCEPTION 'hotel_agent is not installed in this database'
            USING HINT = 'Run make supabase-apply first.';
    END IF;
    SELECT true INTO exists_already FROM pg_catalog.pg_roles r WHERE r.rolname = role_name;
    IF exists_already AND NOT rotate THEN
        RAISE EXCEPTION 'role "%" exists already', role_name
            USING HINT = 'Its password is kept. ROTATE=1 gives it a new one (the backend must then use the new DATABASE_URL); another BACKEND_ROLE makes a new role.';
    END IF;

    -- The password, and the SCRAM verifier: SaltedPassword is PBKDF2 with
    -- HMAC-SHA-256 over 4096 iterations; ClientKey and ServerKey are
    -- HMACs of it; the verifier keeps SHA-256(ClientKey) and ServerKey.
    -- HMAC(k, m) = H(k xor opad || H(k xor ipad || m)), k padded to 64 bytes.
    pw := pg_catalog.convert_to(pg_catalog.replace(pg_catalog.gen_random_uuid()::text || pg_catalog.gen_random_uuid()::text, '-', ''), 'UTF8');
    salt := pg_catalog.decode(pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 'hex');
    ipad := pg_catalog.decode(pg_catalog.repeat('36', 64), 'hex');
    opad := pg_catalog.decode(pg_catalog.repeat('5c', 64), 'hex');
    FOR i IN 0 .. pg_catalog.length(pw) - 1 LOOP
        ipad := pg_catalog.set_byte(ipad, i, pg_catalog.get_byte(pw, i) # 54);
        opad := pg_catalog.set_byte(opad, i, pg_catalog.get_byte(pw, i) # 92);
    END LOOP;
    u := pg_catalog.sha256(opad || pg_catalog.sha256(ipad || salt || '\x00000001'::bytea));
    t := ('x' || pg_catalog.encode(u, 'hex'))::bit(256);
    FOR i IN 2 .. 4096 LOOP
        u := pg_catalog.sha256(opad || pg_catalog.sha256(ipad || u));
        t := t # ('x' || pg_catalog.encode(u, 'hex'))::bit(256);
    END LOOP;
    salted := ''::bytea;
    FOR i IN 0 .. 7 LOOP
        salted := salted || pg_catalog.decode(pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.substring(t, i * 32 + 1, 32)::bit(32)::integer), 8, '0'), 'hex');
    END LOOP;
    ipad := pg_catalog.decode(pg_catalog.repeat('36', 64), 'hex');
    opad := pg_catalog.decode(pg_catalog.repeat('5c', 64), 'hex');
    FOR i IN 0 .. 31 LOOP
        ipad := pg_catalog.set_byte(ipad, i, pg_catalog.get_byte(salted, i) # 54);
        opad := pg_catalog.set_byte(opad, i, pg_catalog.get_byte(salted, i) # 92);
    END LOOP;
    key := pg_catalog.sha256(opad || pg_catalog.sha256(ipad || pg_catalog.convert_to('Client Key', 'UTF8')));
    verifier := 'SCRAM-SHA-256$4096:' || pg_catalog.encode(salt, 'base64') || '$'
                || pg_catalog.encode(pg_catalog.sha256(key), 'base64') || ':'
                || pg_catalog.encode(pg_catalog.sha256(opad || pg_catalog.sha256(ipad || pg_catalog.convert_to('Server Key', 'UTF8'))), 'base64');

    IF exists_already THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD %L', role_name, verifier);
        INSERT INTO pg_temp.role_report (line) VALUES (pg_catalog.format('role %s: new password (ROTATE=1)', role_name));
    ELSE
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L',
                                  role_name, verifier);
        INSERT INTO pg_temp.role_report (line) VALUES (pg_catalog.format('role %s: created (LOGIN, nothing else)', role_name));
    END IF;
    EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', role_name,
                              'The hotel agent backend''s role: hotel_agent.grant_backend_access() (make supabase-create-role)');
    -- Timestamps: the canonical columns hold UTC (README, "Connecting your backend").
    EXECUTE pg_catalog.format('ALTER ROLE %I SET TimeZone = ''UTC''', role_name);
    PERFORM hotel_agent.grant_backend_access(role_name::name);
    INSERT INTO pg_temp.role_report (line)
    SELECT pg_catalog.format('granted: %s ON %s %s', p.privileges, pg_catalog.upper(p.object_type), p.object_name)
    FROM hotel_agent.backend_access_privileges(false) p;

    FOR tbl IN
        SELECT c.relname::text FROM pg_catalog.pg_class c
        WHERE c.relnamespace = 'public'::pg_catalog.regnamespace AND c.relrowsecurity
          AND c.relname IN ('users', 'user_sessions', 'password_history', 'tenants', 'tenant_user_identifiers', 'lock_audit')
        ORDER BY 1
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_policy p
                       WHERE p.polrelid = ('public.' || pg_catalog.quote_ident(tbl))::pg_catalog.regclass
                         AND p.polname = policy) THEN
            EXECUTE pg_catalog.format('CREATE POLICY %I ON public.%I TO %I USING (true) WITH CHECK (true)', policy, tbl, role_name);
        END IF;
        INSERT INTO pg_temp.role_report (line) VALUES (pg_catalog.format('row level security: policy %s on public.%s', policy, tbl));
    END LOOP;

    PERFORM pg_catalog.set_config('hotel_agent_role.password', pg_catalog.convert_from(pw, 'UTF8'), true);
END;
$role$;

SELECT r.line FROM pg_temp.role_report r ORDER BY r.n;
SELECT pg_catalog.current_setting('hotel_agent_role.password') \g :password_file
SELECT pg_catalog.set_config('hotel_agent_role.password', '', true) \g /dev/null
