-- Tenant resolution: which hotel is a guest writing to?
--
-- tenant_user_identifiers.identifier holds normalised keys only (E.164 for
-- phones, canonical lower case for e-mails), enforced by a trigger, so that
-- "+54 9 11 1234-5678" and "5491112345678" are one guest. Lookups normalise
-- the raw input the same way and probe the unique index (src/tenant.c).

-- Comments and privileges of the native functions declared in
-- sql/src/c/30_tenant.sql (each build binds its own implementation).
COMMENT ON FUNCTION hotel_agent.normalize_identifier_trigger() IS
'Trigger on tenant_user_identifiers: stores normalize_identifier(identifier); rejects invalid identifiers and reports a key that already belongs to a tenant (23505, naming the tenant)';
REVOKE EXECUTE ON FUNCTION hotel_agent.normalize_identifier_trigger() FROM PUBLIC;
COMMENT ON FUNCTION hotel_agent.resolve_tenant(text, text) IS
'Slug (tenants.tenant_id) of the active tenant owning a raw phone number or e-mail; NULL when unknown, inactive or not a valid identifier';
COMMENT ON FUNCTION hotel_agent.resolve_tenant_info(text, text) IS
'The active tenant owning a raw phone number or e-mail, with its business hours, whether it is open now and the key that matched; no row when resolve_tenant() returns NULL';
COMMENT ON FUNCTION hotel_agent.tenant_is_open(text, timestamptz) IS
'Whether a tenant is within its business hours at a given time (hours 0-23 in business_hours_timezone, NULL hours: around the clock, NULL zone: UTC)';
COMMENT ON FUNCTION hotel_agent.is_valid_time_zone(text) IS
'Whether name is a time zone the server loads (an IANA name such as America/Argentina/Buenos_Aires, or UTC)';

-- @once
CREATE TRIGGER hotel_agent_normalize_identifier
    BEFORE INSERT OR UPDATE ON @extschema@.tenant_user_identifiers
    FOR EACH ROW
    EXECUTE FUNCTION hotel_agent.normalize_identifier_trigger();
-- @end-once

-- Diagnosis: what resolve_tenant() does with an input, step by step. It
-- follows the same rules as src/tenant.c (the first key with a row
-- decides) and reports resolve_tenant()'s own answer next to its reasoning,
-- so a disagreement would show. It catches the normaliser's error, which
-- needs a subtransaction: PARALLEL UNSAFE.
CREATE OR REPLACE FUNCTION hotel_agent.explain_resolution(identifier text, default_region text DEFAULT NULL,
    OUT input text,
    OUT region text,
    OUT normalized text,
    OUT normalization_error text,
    OUT keys_tried text[],
    OUT matched_key text,
    OUT identifier_id integer,
    OUT identifier_created_at timestamp,
    OUT tenant_pk integer,
    OUT tenant_id text,
    OUT tenant_status text,
    OUT resolves_to text,
    OUT verdict text)
RETURNS record
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    k text;
    bad_region boolean := false;
    err_detail text;
    t_slug text;
    t_status text;
BEGIN
    input := explain_resolution.identifier;
    region := explain_resolution.default_region;
    keys_tried := ARRAY[]::text[];

    IF input IS NULL THEN
        verdict := 'no identifier given: resolve_tenant returns NULL';
        RETURN;
    END IF;

    BEGIN
        normalized := hotel_agent.normalize_identifier(input, region);
    EXCEPTION WHEN invalid_text_representation OR invalid_parameter_value THEN
        GET STACKED DIAGNOSTICS err_detail = PG_EXCEPTION_DETAIL;
        normalization_error := SQLERRM
            || CASE WHEN err_detail <> '' THEN ' (' || rtrim(err_detail, '.') || ')' ELSE '' END;
        bad_region := (SQLSTATE = '22023');
    END;
    IF bad_region THEN
        verdict := format('the default region is not valid: resolve_tenant raises this error; %s',
                          normalization_error);
        RETURN;
    ELSIF normalized IS NULL THEN
        verdict := format('not a valid identifier: resolve_tenant returns NULL; %s',
                          coalesce(normalization_error, 'the normaliser returned NULL'));
        RETURN;
    END IF;

    IF left(normalized, 1) = '+' THEN
        keys_tried := hotel_agent.phone_match_keys(normalized);
    END IF;
    IF coalesce(cardinality(keys_tried), 0) = 0 THEN
        keys_tried := ARRAY[normalized];
    END IF;

    -- The first key with a row decides, like resolve_tenant().
    FOREACH k IN ARRAY keys_tried LOOP
        SELECT i.id, i.identifier, i.created_at, i.tenant_id
          INTO identifier_id, matched_key, identifier_created_at, tenant_pk
          FROM @extschema@.tenant_user_identifiers i
         WHERE i.identifier OPERATOR(pg_catalog.=) k;
        EXIT WHEN FOUND;
    END LOOP;

    resolves_to := hotel_agent.resolve_tenant(input, region);

    IF identifier_id IS NULL THEN
        verdict := format('unknown identifier: no row for %s: resolve_tenant returns NULL',
                          CASE WHEN cardinality(keys_tried) = 1 THEN 'key ' || keys_tried[1]
                               ELSE 'any of the keys ' || array_to_string(keys_tried, ', ') END);
    ELSE
        SELECT t.tenant_id, t.status INTO t_slug, t_status
          FROM @extschema@.tenants t
         WHERE t.id OPERATOR(pg_catalog.=) tenant_pk;
        tenant_id := t_slug;
        tenant_status := t_status;
        IF t_slug IS NULL THEN
            verdict := format('identifier %s points to tenant id %s, which does not exist: resolve_tenant returns NULL',
                              matched_key, tenant_pk);
        ELSIF t_status IS DISTINCT FROM 'active' THEN
            verdict := format('identifier %s belongs to tenant "%s", whose status is "%s", not "active": resolve_tenant returns NULL',
                              matched_key, t_slug, t_status);
        ELSIF matched_key = normalized THEN
            verdict := format('resolves to tenant "%s" (exact match on %s)', t_slug, matched_key);
        ELSE
            verdict := format('resolves to tenant "%s" through the alias %s of %s (the number is stored in another form)',
                              t_slug, matched_key, normalized);
        END IF;
    END IF;

    -- A database written before 1.1.0 may hold two spellings of one guest
    -- (README, "One guest, one tenant"): say so, and which one decides.
    IF matched_key IS NOT NULL AND left(matched_key, 1) = '+' THEN
        SELECT string_agg(format('%s (tenant "%s")', o.identifier, ot.tenant_id), ', ' ORDER BY o.identifier)
          INTO err_detail
          FROM unnest(hotel_agent.phone_match_keys(matched_key)) AS k(key)
          JOIN @extschema@.tenant_user_identifiers o ON o.identifier OPERATOR(pg_catalog.=) k.key
          JOIN @extschema@.tenants ot ON ot.id OPERATOR(pg_catalog.=) o.tenant_id
         WHERE o.identifier OPERATOR(pg_catalog.<>) matched_key;
        IF err_detail IS NOT NULL THEN
            verdict := verdict || format('; CONFLICT: the same guest is also stored as %s (see hotel_agent.identifier_conflicts()); the first key in phone_match_keys order decides',
                                         err_detail);
        END IF;
    END IF;

    IF resolves_to IS DISTINCT FROM
       (CASE WHEN t_status = 'active' THEN t_slug END) THEN
        verdict := format('INCONSISTENT: resolve_tenant returns %s but the steps above say %s; report this as a bug',
                          coalesce(quote_literal(resolves_to), 'NULL'),
                          coalesce(quote_literal(CASE WHEN t_status = 'active' THEN t_slug END), 'NULL'));
    END IF;
END;
$$;
COMMENT ON FUNCTION hotel_agent.explain_resolution(text, text) IS
'Diagnosis of resolve_tenant() for one input: normalised form or normalisation error, keys tried, matched identifier row, tenant status and a one-line verdict';

-- Management.
CREATE OR REPLACE FUNCTION hotel_agent.add_tenant_identifier(tenant_slug text, identifier text,
                                                  default_region text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    pk integer;
    key text;
    found_key text;
    shown text;
BEGIN
    IF tenant_slug IS NULL OR identifier IS NULL THEN
        RAISE EXCEPTION 'tenant slug and identifier must not be null'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'add_tenant_identifier() maps one identifier to one tenant.',
                  HINT = 'Pass the tenant''s slug (tenants.tenant_id) and a phone number or e-mail.';
    END IF;

    SELECT t.id INTO pk FROM @extschema@.tenants t
     WHERE t.tenant_id OPERATOR(pg_catalog.=) add_tenant_identifier.tenant_slug;
    IF NOT FOUND THEN
        -- echoed as every function echoes caller input (quote_input())
        shown := hotel_agent.quote_input(tenant_slug);
        RAISE EXCEPTION 'tenant "%" does not exist', shown
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('No row of tenants has tenant_id "%s".', shown),
                  HINT = 'Pass the tenant''s slug (tenants.tenant_id), not its numeric id.';
    END IF;

    -- Normalised here for the default region; the trigger finds it canonical.
    key := hotel_agent.normalize_identifier(add_tenant_identifier.identifier,
                                            add_tenant_identifier.default_region);

    -- Adding a guest the tenant already has, under this spelling or another
    -- one of phone_match_keys(), is not an error: the stored key is returned.
    SELECT i.identifier INTO found_key
      FROM unnest(CASE WHEN left(key, 1) = '+' THEN hotel_agent.phone_match_keys(key) ELSE ARRAY[key] END)
           WITH ORDINALITY AS k(key, n)
      JOIN @extschema@.tenant_user_identifiers i ON i.identifier OPERATOR(pg_catalog.=) k.key
     WHERE i.tenant_id OPERATOR(pg_catalog.=) pk
     ORDER BY k.n LIMIT 1;
    IF FOUND THEN
        RETURN found_key;
    END IF;

    -- Another tenant's guest: the trigger raises 23505 naming that tenant.
    INSERT INTO @extschema@.tenant_user_identifiers (tenant_id, identifier)
    VALUES (pk, key)
    RETURNING tenant_user_identifiers.identifier INTO key;
    RETURN key;
END;
$$;
COMMENT ON FUNCTION hotel_agent.add_tenant_identifier(text, text, text) IS
'Maps a phone number or e-mail (normalised, national numbers read in default_region) to a tenant given by slug; returns the stored key, also when the tenant has the guest under another spelling';
REVOKE EXECUTE ON FUNCTION hotel_agent.add_tenant_identifier(text, text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION hotel_agent.remove_tenant_identifier(identifier text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = ''
AS $$
DECLARE
    key text := hotel_agent.normalize_identifier(remove_tenant_identifier.identifier);
BEGIN
    DELETE FROM @extschema@.tenant_user_identifiers i
     WHERE i.identifier OPERATOR(pg_catalog.=) key;
    RETURN FOUND;
END;
$$;
COMMENT ON FUNCTION hotel_agent.remove_tenant_identifier(text) IS
'Removes the mapping of a phone number or e-mail (any spelling of it) to its tenant; false when there was none';
REVOKE EXECUTE ON FUNCTION hotel_agent.remove_tenant_identifier(text) FROM PUBLIC;

-- Databases written before 1.1.0 may hold two spellings of one guest
-- (phone_match_keys()), under two tenants or twice under one; since 1.1.0
-- the trigger refuses the second. Each pair is listed once.
CREATE OR REPLACE FUNCTION hotel_agent.identifier_conflicts(
    OUT identifier text, OUT tenant_id text, OUT other_identifier text, OUT other_tenant_id text)
RETURNS SETOF record
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT i.identifier::text, t.tenant_id::text, o.identifier::text, ot.tenant_id::text
    FROM @extschema@.tenant_user_identifiers i
    CROSS JOIN LATERAL pg_catalog.unnest(
        CASE WHEN pg_catalog.left(i.identifier::text, 1) OPERATOR(pg_catalog.=) '+'
             THEN hotel_agent.phone_match_keys(i.identifier::text) END) AS k(key)
    JOIN @extschema@.tenant_user_identifiers o ON o.identifier::text OPERATOR(pg_catalog.=) k.key
    JOIN @extschema@.tenants t ON t.id OPERATOR(pg_catalog.=) i.tenant_id
    JOIN @extschema@.tenants ot ON ot.id OPERATOR(pg_catalog.=) o.tenant_id
    WHERE i.identifier::text OPERATOR(pg_catalog.<) o.identifier::text
    ORDER BY 1, 3
$$;
COMMENT ON FUNCTION hotel_agent.identifier_conflicts() IS
'Pairs of stored identifiers that are spellings of one guest (phone_match_keys), with both tenants: written before 1.1.0, refused since';
