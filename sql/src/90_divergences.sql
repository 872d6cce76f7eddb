-- Divergences from the canonical DDL, made in 1.1.0 (README, "Divergences
-- from schema.sql"). A fresh install runs this file right after the
-- canonical tables of 00_schema.sql; the upgrade from 1.0.0 includes it, so
-- both end with the same catalog. No column is renamed or retyped: the
-- backend's ORM depends on them.
--
-- Existing rows are checked first, all of them, and every violation is
-- reported in one error before anything changes: on an upgrade nothing is
-- half done (and ALTER EXTENSION runs in one transaction anyway).

-- @once
DO $check$
DECLARE
    problems text[] := ARRAY[]::text[];
    r record;
BEGIN
    -- Identifiers that 25_identifier_keys.sql could not normalise.
    IF pg_catalog.to_regclass('pg_temp.hotel_agent_row_problems') IS NOT NULL THEN
        SELECT pg_catalog.array_agg(p.problem ORDER BY p.n) INTO problems FROM pg_temp.hotel_agent_row_problems p;
    END IF;

    -- E-mails that differ only in case become duplicates.
    FOR r IN
        SELECT pg_catalog.lower(u.email::text) AS email,
               pg_catalog.string_agg(pg_catalog.format('%s (%s)', u.id, u.email), ', ' ORDER BY u.id) AS users
        FROM @extschema@.users u
        GROUP BY pg_catalog.lower(u.email::text)
        HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1
        ORDER BY 1 LIMIT 20
    LOOP
        problems := problems || pg_catalog.format('users with e-mail %s in different case: %s', r.email, r.users);
    END LOOP;

    FOR r IN
        SELECT t.tenant_id, t.status, t.business_hours_start AS s, t.business_hours_end AS e,
               t.business_hours_timezone AS tz
        FROM @extschema@.tenants t
        WHERE t.status::text NOT IN ('active', 'inactive', 'suspended')
           OR t.business_hours_start NOT BETWEEN 0 AND 23
           OR t.business_hours_end NOT BETWEEN 0 AND 23
           OR NOT hotel_agent.is_valid_time_zone(t.business_hours_timezone::text)
        ORDER BY t.id LIMIT 20
    LOOP
        problems := problems || pg_catalog.format(
            'tenant %s: status %L, business hours %s to %s, time zone %L',
            r.tenant_id, r.status, coalesce(r.s::text, 'NULL'), coalesce(r.e::text, 'NULL'), r.tz);
    END LOOP;

    FOR r IN
        SELECT a.event_type, pg_catalog.count(*) AS n, pg_catalog.min(a.id) AS first_id
        FROM @extschema@.lock_audit a
        WHERE a.event_type::text NOT IN ('acquired', 'extended', 'released', 'expired', 'failed')
        GROUP BY a.event_type ORDER BY 1 LIMIT 20
    LOOP
        problems := problems || pg_catalog.format('%s lock_audit rows with event_type %L (first id %s)',
                                                  r.n, r.event_type, r.first_id);
    END LOOP;

    IF pg_catalog.cardinality(problems) OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION USING ERRCODE = '23514',
            MESSAGE = 'hotel_agent cannot be installed or updated: existing rows violate its constraints',
            DETAIL = pg_catalog.array_to_string(problems, E'\n'),
            HINT = 'Fix or delete the rows listed (each check lists at most 20, identifiers at most 50), keeping one identifier row per guest, then run the command again. Nothing was changed.';
    END IF;
END;
$check$;

-- Five indexes duplicate the indexes of UNIQUE constraints: each write
-- paid for two identical B-trees.
DROP INDEX @extschema@.idx_users_username;
DROP INDEX @extschema@.idx_users_email;
DROP INDEX @extschema@.idx_user_sessions_token_jti;
DROP INDEX @extschema@.idx_tenants_tenant_id;
DROP INDEX @extschema@.idx_tenant_identifiers_identifier;

-- One account per e-mail address, whatever its case (the login looks it up
-- case-insensitively with lower(email) = lower($1), which this index serves).
CREATE UNIQUE INDEX uq_users_email_lower ON @extschema@.users (pg_catalog.lower(email::text));

-- Values the functions and the backend already assume.
ALTER TABLE @extschema@.tenants
    ADD CONSTRAINT tenants_status_check
        CHECK (status::text IN ('active', 'inactive', 'suspended')),
    ADD CONSTRAINT tenants_business_hours_start_check
        CHECK (business_hours_start BETWEEN 0 AND 23),
    ADD CONSTRAINT tenants_business_hours_end_check
        CHECK (business_hours_end BETWEEN 0 AND 23),
    ADD CONSTRAINT tenants_business_hours_timezone_check
        CHECK (hotel_agent.is_valid_time_zone(business_hours_timezone::text));
ALTER TABLE @extschema@.lock_audit
    ADD CONSTRAINT lock_audit_event_type_check
        CHECK (event_type::text IN ('acquired', 'extended', 'released', 'expired', 'failed'));
-- The normalising trigger stores canonical keys; this holds them so even
-- when triggers are bypassed (session_replication_role = replica).
ALTER TABLE @extschema@.tenant_user_identifiers
    ADD CONSTRAINT tenant_user_identifiers_identifier_check
        CHECK (hotel_agent.try_normalize_identifier(identifier::text) IS NOT DISTINCT FROM identifier::text);

-- Timestamps are UTC wall-clock times whatever the writer's TimeZone (the
-- columns stay timestamp without time zone).
ALTER TABLE @extschema@.users
    ALTER COLUMN password_last_changed SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now()),
    ALTER COLUMN created_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now()),
    ALTER COLUMN updated_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now());
ALTER TABLE @extschema@.user_sessions
    ALTER COLUMN created_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now());
ALTER TABLE @extschema@.password_history
    ALTER COLUMN created_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now());
ALTER TABLE @extschema@.tenants
    ALTER COLUMN created_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now()),
    ALTER COLUMN updated_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now());
ALTER TABLE @extschema@.tenant_user_identifiers
    ALTER COLUMN created_at SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now());
ALTER TABLE @extschema@.lock_audit
    ALTER COLUMN "timestamp" SET DEFAULT pg_catalog.timezone('UTC'::text, pg_catalog.now());

-- The canonical trigger function called NOW() unqualified, without a
-- search_path: a function now() in a schema listed before pg_catalog in the
-- search_path of whoever updates users or tenants ran with that role's
-- rights. Every name is qualified and the search_path pinned; the time is
-- UTC like the defaults.
CREATE OR REPLACE FUNCTION @extschema@.update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.updated_at = pg_catalog.timezone('UTC'::pg_catalog.text, pg_catalog.now());
    RETURN NEW;
END;
$$;

-- Trigger functions and functions that change data are executable by the
-- extension's owner and by the roles it grants them to (README,
-- "Privileges"), not by PUBLIC. Triggers already created on the tables keep
-- firing for everyone: PostgreSQL checks EXECUTE on a trigger function only
-- when a trigger is created, so no other role can attach these to a table.
REVOKE EXECUTE ON FUNCTION @extschema@.update_updated_at_column() FROM PUBLIC;
-- @end-once
