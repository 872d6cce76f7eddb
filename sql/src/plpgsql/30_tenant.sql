-- Tenant resolution, pure-SQL build: the same rules as src/tenant.c, as
-- plain queries (where the C code probes the indexes directly).
--
-- Differences from the extension:
-- * the identifier trigger checks other spellings with the privileges of
--   the role that writes (the C code checks as the table's owner): a role
--   that may INSERT but not SELECT cannot have the check made for it, and
--   gets the unique index's 23505 for an exact duplicate only;
-- * in REPEATABLE READ or SERIALIZABLE, a spelling committed by another
--   transaction after this one's snapshot is not seen by that check (the C
--   code reads the latest committed rows).

-- The rule of pg_tzset(), which tenant_is_open() applies: a zone the
-- server loads by name (any case), or a POSIX zone specification; an
-- abbreviation that is not also the name of a zone is not one.
CREATE OR REPLACE FUNCTION hotel_agent.is_valid_time_zone(name text) RETURNS boolean
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
    IF name = '' OR octet_length(name) > 255 THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_timezone_abbrevs a WHERE lower(a.abbrev) = lower(name)) THEN
        RETURN EXISTS (SELECT FROM pg_catalog.pg_timezone_names n WHERE lower(n.name) = lower(is_valid_time_zone.name));
    END IF;
    PERFORM pg_catalog.timezone(name, pg_catalog.now());
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END;
$$;

CREATE OR REPLACE FUNCTION hotel_agent.tenant_is_open(tenant_slug text, at timestamptz DEFAULT pg_catalog.now())
RETURNS boolean
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    t record;
    tzname text;
    slug text;
    local_hour integer;
BEGIN
    SELECT x.tenant_id::text AS slug, x.business_hours_start AS s, x.business_hours_end AS e,
           x.business_hours_timezone::text AS tz
      INTO t
      FROM @extschema@.tenants x
     WHERE x.tenant_id = tenant_slug;
    IF NOT FOUND THEN
        slug := hotel_agent.quote_input(tenant_slug);
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('tenant "%s" does not exist', slug),
            DETAIL = format('No row of tenants has tenant_id "%s".', slug),
            HINT = 'Pass the tenant''s slug (tenants.tenant_id), not its numeric id.';
    END IF;

    slug := hotel_agent.quote_input(t.slug);
    IF t.s NOT BETWEEN 0 AND 23 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('business hours of tenant "%s" are out of range', slug),
            DETAIL = format('business_hours_start is %s; hours are whole hours from 0 to 23.', t.s),
            HINT = 'Set business_hours_start to an hour from 0 to 23, or to NULL for around the clock.';
    END IF;
    IF t.e NOT BETWEEN 0 AND 23 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('business hours of tenant "%s" are out of range', slug),
            DETAIL = format('business_hours_end is %s; hours are whole hours from 0 to 23.', t.e),
            HINT = 'Set business_hours_end to an hour from 0 to 23, or to NULL for around the clock.';
    END IF;

    -- the zone is checked even for a tenant open around the clock
    tzname := coalesce(t.tz, 'UTC');
    IF NOT hotel_agent.is_valid_time_zone(tzname) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('time zone "%s" of tenant "%s" is not recognized', hotel_agent.quote_input(tzname), slug),
            DETAIL = 'business_hours_timezone must be an IANA time zone name, such as "America/Argentina/Buenos_Aires", or NULL for UTC.',
            HINT = 'See the view pg_catalog.pg_timezone_names for the names this server knows.';
    END IF;

    IF t.s IS NULL OR t.e IS NULL OR t.s = t.e THEN
        RETURN true;
    END IF;
    IF NOT isfinite(at) THEN
        RAISE EXCEPTION USING ERRCODE = '22008',
            MESSAGE = 'timestamp out of range',
            DETAIL = 'Business hours are only defined for finite timestamps.',
            HINT = 'Pass a finite time, or omit it for now().';
    END IF;

    local_hour := extract(hour FROM pg_catalog.timezone(tzname, at));
    IF t.s < t.e THEN
        RETURN local_hour >= t.s AND local_hour < t.e;
    END IF;
    RETURN local_hour >= t.s OR local_hour < t.e;
END;
$$;

-- The identifier row and tenant a raw identifier resolves to: the first of
-- its keys (phone_match_keys() order) with a row decides (resolve_tenant_row
-- below).  resolve_tenant(), called on every message, makes the same
-- lookup itself instead of calling resolve_tenant_row(): a set-returning
-- function is a query of its own (executor, tuple store) on every call,
-- and one query reads the identifier and its tenant together.
CREATE OR REPLACE FUNCTION hotel_agent.resolve_tenant(identifier text, default_region text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    region text;
    key text;
    keys text[];
    k text;
    n integer;
    slug text;
    tenant_status text;
BEGIN
    IF resolve_tenant.identifier IS NULL THEN
        RETURN NULL;
    END IF;
    -- a bad region raises 22023, an invalid identifier gives NULL: what
    -- try_normalize_identifier() does, written out (nested calls less on
    -- the backend's hottest path).  Without '@' the identifier is a phone
    -- number, which e164_parse_identifier() hands to e164_parse() as is.
    region := CASE WHEN resolve_tenant.default_region IS NOT NULL
                   THEN hotel_agent.e164_parse_region(resolve_tenant.default_region) END;
    IF strpos(resolve_tenant.identifier, '@') = 0 THEN
        key := hotel_agent.e164_parse(resolve_tenant.identifier, region, true);
    ELSE
        key := hotel_agent.e164_parse_identifier(resolve_tenant.identifier, region);
    END IF;
    IF starts_with(key, chr(1)) THEN
        RETURN NULL;
    END IF;
    -- The keys in phone_match_keys() order, which lists the key itself
    -- first: most lookups stop at it, and the other spellings are computed
    -- only when it has no row.
    k := key;
    n := 1;
    LOOP
        SELECT t.tenant_id::text, t.status::text INTO slug, tenant_status
          FROM @extschema@.tenant_user_identifiers i
          LEFT JOIN @extschema@.tenants t ON t.id = i.tenant_id
         WHERE i.identifier = k;
        IF FOUND THEN
            -- no tenant row (the key's tenant is gone) or not active: NULL
            RETURN CASE WHEN tenant_status = 'active' THEN slug END;
        END IF;
        IF keys IS NULL THEN
            keys := CASE WHEN left(key, 1) = '+' THEN hotel_agent.phone_match_keys(key) ELSE ARRAY[key] END;
        END IF;
        n := n + 1;
        EXIT WHEN n > cardinality(keys);
        k := keys[n];
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION hotel_agent.resolve_tenant_info(identifier text, default_region text DEFAULT NULL,
    OUT tenant_pk integer,
    OUT tenant_id text,
    OUT name text,
    OUT status text,
    OUT business_hours_start integer,
    OUT business_hours_end integer,
    OUT business_hours_timezone text,
    OUT open_now boolean,
    OUT matched_key text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = ''
AS $$
BEGIN
    RETURN QUERY
        SELECT r.tenant_pk, r.tenant_id, r.name, r.status, r.business_hours_start, r.business_hours_end,
               r.business_hours_timezone, r.open_now, r.matched_key
          FROM hotel_agent.resolve_tenant_row(resolve_tenant_info.identifier,
                                              resolve_tenant_info.default_region, true) r;
END;
$$;

-- The one implementation behind both (internal to this build): with_hours
-- false skips the business hours, which resolve_tenant() does not read.
CREATE OR REPLACE FUNCTION hotel_agent.resolve_tenant_row(identifier text, default_region text, with_hours boolean,
    OUT tenant_pk integer,
    OUT tenant_id text,
    OUT name text,
    OUT status text,
    OUT business_hours_start integer,
    OUT business_hours_end integer,
    OUT business_hours_timezone text,
    OUT open_now boolean,
    OUT matched_key text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = ''
AS $$
DECLARE
    key text;
    keys text[];
    k text;
    ident_tenant integer;
    found_key text;
BEGIN
    IF resolve_tenant_row.identifier IS NULL THEN
        RETURN;
    END IF;
    -- a bad region raises 22023, an invalid identifier gives NULL
    key := hotel_agent.try_normalize_identifier(resolve_tenant_row.identifier,
                                                resolve_tenant_row.default_region);
    IF key IS NULL THEN
        RETURN;
    END IF;
    keys := CASE WHEN left(key, 1) = '+' THEN hotel_agent.phone_match_keys(key) ELSE ARRAY[key] END;
    FOREACH k IN ARRAY keys LOOP
        SELECT i.tenant_id, i.identifier::text INTO ident_tenant, found_key
          FROM @extschema@.tenant_user_identifiers i
         WHERE i.identifier = k;
        EXIT WHEN FOUND;
    END LOOP;
    IF found_key IS NULL THEN
        RETURN;
    END IF;

    SELECT t.id, t.tenant_id::text, t.name::text, t.status::text, t.business_hours_start,
           t.business_hours_end, t.business_hours_timezone::text
      INTO tenant_pk, tenant_id, name, status, business_hours_start, business_hours_end,
           business_hours_timezone
      FROM @extschema@.tenants t
     WHERE t.id = ident_tenant;
    IF NOT FOUND OR status <> 'active' THEN
        RETURN;
    END IF;
    IF with_hours THEN
        open_now := hotel_agent.tenant_is_open(tenant_id, transaction_timestamp());
    END IF;
    matched_key := found_key;
    RETURN NEXT;
END;
$$;

CREATE OR REPLACE FUNCTION hotel_agent.normalize_identifier_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    key text;
    keys text[];
    k text;
    existing_key text;
    existing_tenant integer;
    owner_slug text;
    quoted text;
BEGIN
    IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
        RAISE EXCEPTION USING ERRCODE = '39P01',
            MESSAGE = 'hotel_agent.normalize_identifier_trigger() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW';
    END IF;
    IF TG_RELID <> '@extschema@.tenant_user_identifiers'::regclass THEN
        RAISE EXCEPTION USING ERRCODE = '39P01',
            MESSAGE = format('trigger function hotel_agent.normalize_identifier_trigger() cannot run on relation "%s"', TG_TABLE_NAME),
            DETAIL = 'The function maintains the table @extschema@.tenant_user_identifiers only.',
            HINT = 'Only the triggers that CREATE EXTENSION hotel_agent creates may call this function.';
    END IF;
    IF NEW.identifier IS NULL THEN
        RETURN NEW;     -- NOT NULL rejects it
    END IF;

    key := hotel_agent.normalize_identifier(NEW.identifier::text);
    keys := CASE WHEN left(key, 1) = '+' THEN hotel_agent.phone_match_keys(key) ELSE ARRAY[key] END;

    -- One guest, one tenant, under concurrency: every spelling of a guest
    -- shares a key, and so a lock bucket: 256 buckets, the low 8 bits of
    -- the key's hash, as src/locks.c (the hash is signed: % 256 would give
    -- 511 buckets).
    PERFORM pg_advisory_xact_lock(x'4849'::integer, b)
       FROM (SELECT DISTINCT (hashtextextended(x, 0) & 255)::integer AS b
               FROM unnest(keys) AS x ORDER BY 1) buckets;

    -- A role that may not read both tables gets the unique index's 23505
    -- for an exact duplicate only (the C code checks as the owner).
    IF NOT (has_table_privilege('@extschema@.tenant_user_identifiers', 'SELECT')
            AND has_table_privilege('@extschema@.tenants', 'SELECT')) THEN
        NEW.identifier := key;
        RETURN NEW;
    END IF;
    FOREACH k IN ARRAY keys LOOP
        SELECT i.identifier::text, i.tenant_id INTO existing_key, existing_tenant
          FROM @extschema@.tenant_user_identifiers i
         WHERE i.identifier = k
           AND (TG_OP = 'INSERT' OR i.ctid <> OLD.ctid);
        EXIT WHEN FOUND;
    END LOOP;

    IF existing_key IS NOT NULL THEN
        SELECT t.tenant_id::text INTO owner_slug FROM @extschema@.tenants t WHERE t.id = existing_tenant;
        owner_slug := hotel_agent.quote_input(owner_slug);
        quoted := hotel_agent.quote_input(NEW.identifier::text);
        IF existing_key = key THEN
            IF key = NEW.identifier::text THEN
                RAISE EXCEPTION USING ERRCODE = '23505', CONSTRAINT = 'uq_identifier', TABLE = TG_TABLE_NAME,
                    SCHEMA = TG_TABLE_SCHEMA,
                    MESSAGE = format('identifier "%s" already belongs to tenant "%s"', key, owner_slug),
                    DETAIL = format('Key (identifier)=(%s) already exists.', key),
                    HINT = 'Remove it first with hotel_agent.remove_tenant_identifier() to move it to another tenant.';
            END IF;
            RAISE EXCEPTION USING ERRCODE = '23505', CONSTRAINT = 'uq_identifier', TABLE = TG_TABLE_NAME,
                SCHEMA = TG_TABLE_SCHEMA,
                MESSAGE = format('identifier "%s" already belongs to tenant "%s"', key, owner_slug),
                DETAIL = format('Key (identifier)=(%s) already exists; "%s" is the same identifier once normalised.', key, quoted),
                HINT = 'Remove it first with hotel_agent.remove_tenant_identifier() to move it to another tenant.';
        ELSIF existing_tenant = NEW.tenant_id THEN
            RAISE EXCEPTION USING ERRCODE = '23505', CONSTRAINT = 'uq_identifier', TABLE = TG_TABLE_NAME,
                SCHEMA = TG_TABLE_SCHEMA,
                MESSAGE = format('the same guest is already registered for tenant "%s" under key "%s"', owner_slug, existing_key),
                DETAIL = format('"%s" (key %s) is another spelling of the phone number %s (see hotel_agent.phone_match_keys()).',
                                quoted, key, existing_key),
                HINT = 'Nothing to add: resolve_tenant() finds the guest under either spelling.';
        ELSE
            RAISE EXCEPTION USING ERRCODE = '23505', CONSTRAINT = 'uq_identifier', TABLE = TG_TABLE_NAME,
                SCHEMA = TG_TABLE_SCHEMA,
                MESSAGE = format('identifier "%s" is the same guest as "%s", which belongs to tenant "%s"',
                                 key, existing_key, owner_slug),
                DETAIL = format('"%s" (key %s) is another spelling of the phone number %s (see hotel_agent.phone_match_keys()); one guest belongs to one tenant.',
                                quoted, key, existing_key),
                HINT = 'Remove it first with hotel_agent.remove_tenant_identifier() to move the guest to another tenant.';
        END IF;
    END IF;

    NEW.identifier := key;
    RETURN NEW;
END;
$$;
