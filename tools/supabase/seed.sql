-- make supabase-seed (tools/supabase.sh): one tenant and, optionally, its
-- admin user, created or brought up to date; run again with the same
-- input, it changes nothing (no row is written: test/t/065 compares xmin).
-- Run with psql -1: one transaction.
--
-- The inputs come from the environment (\getenv), never from psql's
-- command line. The admin's password arrives as one base64 line on psql's
-- stdin and is read with \copy: COPY data, unlike a statement's text, is
-- never shown by log_statement, pg_stat_statements, pg_stat_activity or an
-- error's LINE excerpt. It is hashed with pgcrypto's bcrypt
-- (crypt(password, gen_salt('bf', 12)), the hash format of the backend's
-- hashed_password), in whichever schema pgcrypto is (extensions on
-- Supabase).
\getenv tenant_id SEED_TENANT_ID
\getenv tenant_name SEED_TENANT_NAME
\getenv admin_username SEED_ADMIN_USERNAME
\getenv admin_email SEED_ADMIN_EMAIL
\getenv admin_full_name SEED_ADMIN_FULL_NAME
\getenv force_password SEED_FORCE_PASSWORD

SET LOCAL search_path = pg_catalog, pg_temp;
CREATE TEMPORARY TABLE seed_secret (b64 text NOT NULL) ON COMMIT DROP;
CREATE TEMPORARY TABLE seed_report (n serial, line text NOT NULL) ON COMMIT DROP;
\copy pg_temp.seed_secret FROM pstdin
SELECT pg_catalog.set_config('hotel_agent_seed.tenant_id', :'tenant_id', true),
       pg_catalog.set_config('hotel_agent_seed.tenant_name', :'tenant_name', true),
       pg_catalog.set_config('hotel_agent_seed.admin_username', :'admin_username', true),
       pg_catalog.set_config('hotel_agent_seed.admin_email', :'admin_email', true),
       pg_catalog.set_config('hotel_agent_seed.admin_full_name', :'admin_full_name', true),
       pg_catalog.set_config('hotel_agent_seed.force_password', :'force_password', true)
\g /dev/null

DO $seed$
<<seed>>
DECLARE
    slug text := pg_catalog.current_setting('hotel_agent_seed.tenant_id');
    tenant_name text := pg_catalog.current_setting('hotel_agent_seed.tenant_name');
    username text := NULLIF(pg_catalog.current_setting('hotel_agent_seed.admin_username'), '');
    email text := pg_catalog.current_setting('hotel_agent_seed.admin_email');
    full_name text := NULLIF(pg_catalog.current_setting('hotel_agent_seed.admin_full_name'), '');
    force boolean := pg_catalog.current_setting('hotel_agent_seed.force_password') = '1';
    crypto text;
    tid integer;
    old_name text;
    u record;
    pw text;
    n_secret bigint;
    same_password boolean;
    new_hash text;
    changed text[] := '{}';
BEGIN
    IF pg_catalog.to_regprocedure('hotel_agent.version()') IS NULL OR pg_catalog.to_regclass('public.tenants') IS NULL THEN
        RAISE EXCEPTION 'hotel_agent is not installed in this database'
            USING HINT = 'Run make supabase-apply first.';
    END IF;

    -- The tenant: created, renamed, or left alone.
    INSERT INTO public.tenants (tenant_id, name) VALUES (slug, tenant_name)
    ON CONFLICT (tenant_id) DO NOTHING
    RETURNING id INTO tid;
    IF tid IS NOT NULL THEN
        INSERT INTO pg_temp.seed_report (line) VALUES (pg_catalog.format('tenant %s: created (%s)', slug, tenant_name));
    ELSE
        SELECT t.id, t.name INTO tid, old_name FROM public.tenants t WHERE t.tenant_id = slug FOR UPDATE;
        IF old_name IS DISTINCT FROM tenant_name THEN
            UPDATE public.tenants t SET name = tenant_name WHERE t.id = tid;
            INSERT INTO pg_temp.seed_report (line) VALUES (pg_catalog.format('tenant %s: updated (name %s, was %s)', slug, tenant_name, old_name));
        ELSE
            INSERT INTO pg_temp.seed_report (line) VALUES (pg_catalog.format('tenant %s: unchanged', slug));
        END IF;
    END IF;

    IF username IS NULL THEN
        INSERT INTO pg_temp.seed_report (line) VALUES ('admin: none asked for (SEED_ADMIN_USERNAME is not set)');
        RETURN;
    END IF;

    SELECT pg_catalog.count(*), pg_catalog.min(pg_catalog.convert_from(pg_catalog.decode(s.b64, 'base64'), 'UTF8'))
    INTO n_secret, pw FROM pg_temp.seed_secret s;
    IF n_secret <> 1 OR pw IS NULL OR pw = '' THEN
        RAISE EXCEPTION 'no admin password was given'
            USING HINT = 'Set SEED_ADMIN_PASSWORD in the environment of make supabase-seed.';
    END IF;
    SELECT pg_catalog.quote_ident(n.nspname) INTO crypto
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pgcrypto';
    IF crypto IS NULL THEN
        RAISE EXCEPTION 'pgcrypto is not installed in this database'
            USING HINT = 'CREATE EXTENSION pgcrypto SCHEMA extensions (on Supabase: Database > Extensions > pgcrypto).';
    END IF;

    SELECT x.id, x.email, x.full_name, x.tenant_id, x.is_active, x.is_superuser, x.hashed_password
    INTO u FROM public.users x WHERE x.username = seed.username FOR UPDATE;
    IF NOT FOUND THEN
        EXECUTE pg_catalog.format('SELECT %1$s.crypt($1, %1$s.gen_salt(''bf'', 12))', crypto) INTO new_hash USING pw;
        INSERT INTO public.users (id, username, email, hashed_password, full_name, is_active, is_superuser, tenant_id)
        VALUES (pg_catalog.gen_random_uuid()::text, username, email, new_hash, full_name, true, true, slug);
        INSERT INTO pg_temp.seed_report (line)
        VALUES (pg_catalog.format('admin %s: created (%s, superuser of tenant %s, bcrypt cost 12)', username, email, slug));
        RETURN;
    END IF;

    IF u.email IS DISTINCT FROM email THEN changed := changed || 'email'::text; END IF;
    IF full_name IS NOT NULL AND u.full_name IS DISTINCT FROM full_name THEN changed := changed || 'full_name'::text; END IF;
    IF u.tenant_id IS DISTINCT FROM slug THEN changed := changed || 'tenant_id'::text; END IF;
    IF NOT u.is_active THEN changed := changed || 'is_active'::text; END IF;
    IF NOT u.is_superuser THEN changed := changed || 'is_superuser'::text; END IF;
    BEGIN
        EXECUTE pg_catalog.format('SELECT %s.crypt($1, $2) = $2', crypto) INTO same_password USING pw, u.hashed_password;
    EXCEPTION WHEN OTHERS THEN
        same_password := false;     -- not a hash crypt() reads
    END;
    IF NOT same_password AND force THEN
        EXECUTE pg_catalog.format('SELECT %1$s.crypt($1, %1$s.gen_salt(''bf'', 12))', crypto) INTO new_hash USING pw;
        changed := changed || 'password'::text;
    END IF;
    IF pg_catalog.cardinality(changed) > 0 THEN
        UPDATE public.users x
        SET email = seed.email,
            full_name = coalesce(seed.full_name, x.full_name),
            tenant_id = slug,
            is_active = true,
            is_superuser = true,
            hashed_password = coalesce(new_hash, x.hashed_password),
            password_last_changed = CASE WHEN new_hash IS NULL THEN x.password_last_changed
                                         ELSE pg_catalog.timezone('UTC', pg_catalog.now()) END
        WHERE x.id = u.id;
        IF new_hash IS NOT NULL THEN
            -- As the backend does on a password change: the old hash is history.
            INSERT INTO public.password_history (user_id, password_hash) VALUES (u.id, u.hashed_password);
        END IF;
        INSERT INTO pg_temp.seed_report (line)
        VALUES (pg_catalog.format('admin %s: updated (%s)', username, pg_catalog.array_to_string(changed, ', ')));
    ELSE
        INSERT INTO pg_temp.seed_report (line) VALUES (pg_catalog.format('admin %s: unchanged', username));
    END IF;
    IF NOT same_password AND NOT force THEN
        INSERT INTO pg_temp.seed_report (line)
        VALUES (pg_catalog.format('admin %s: the stored password is another one and was kept (SEED_FORCE_PASSWORD=1 replaces it)', username));
    END IF;
END;
$seed$;

SELECT r.line FROM pg_temp.seed_report r ORDER BY r.n;
