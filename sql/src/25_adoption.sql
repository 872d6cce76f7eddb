-- Adopting a database built from schema.sql (see 00_schema.sql): its
-- identifiers were written by hand or by the original backend, in any
-- spelling. They are normalised in place here, before the normalising
-- trigger exists. An identifier that cannot be normalised, or two that
-- become one key, stop CREATE EXTENSION with a report of the rows and
-- tenants concerned: nothing is merged or dropped silently, and nothing is
-- changed. On a fresh install the table is empty and this does nothing.

-- @once
DO $adopt$
DECLARE
    problems text[] := ARRAY[]::text[];
    r record;
BEGIN
    CREATE TEMPORARY TABLE hotel_agent_adoption_keys ON COMMIT DROP AS
    SELECT i.id, i.identifier::text AS raw, t.tenant_id::text AS tenant,
           hotel_agent.try_normalize_identifier(i.identifier::text) AS key
    FROM @extschema@.tenant_user_identifiers i
    LEFT JOIN @extschema@.tenants t ON t.id OPERATOR(pg_catalog.=) i.tenant_id;

    FOR r IN
        SELECT k.id, k.raw, k.tenant FROM hotel_agent_adoption_keys k
        WHERE k.key IS NULL ORDER BY k.id LIMIT 50
    LOOP
        problems := problems OPERATOR(pg_catalog.||) pg_catalog.format(
            'identifier id %s %L of tenant %s is not a valid phone number or e-mail address',
            r.id, r.raw, r.tenant);
    END LOOP;
    FOR r IN
        SELECT k.key, pg_catalog.string_agg(pg_catalog.format('id %s %L of tenant %s', k.id, k.raw, k.tenant),
                                            ', ' ORDER BY k.id) AS rows
        FROM hotel_agent_adoption_keys k
        WHERE k.key IS NOT NULL
        GROUP BY k.key HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1
        ORDER BY k.key LIMIT 50
    LOOP
        problems := problems OPERATOR(pg_catalog.||) pg_catalog.format(
            'identifiers that are one key once normalised (%s): %s', r.key, r.rows);
    END LOOP;
    IF pg_catalog.cardinality(problems) OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION USING ERRCODE = '23505',
            MESSAGE = 'hotel_agent cannot adopt tenant_user_identifiers: some identifiers cannot be normalised or collide once normalised',
            DETAIL = pg_catalog.array_to_string(problems, E'\n'),
            HINT = 'Correct or delete the rows listed (at most 50 of each kind), keeping one row per guest, then run CREATE EXTENSION again. Nothing was changed.';
    END IF;

    UPDATE @extschema@.tenant_user_identifiers i
    SET identifier = k.key
    FROM hotel_agent_adoption_keys k
    WHERE k.id OPERATOR(pg_catalog.=) i.id AND k.key OPERATOR(pg_catalog.<>) k.raw;
    DROP TABLE hotel_agent_adoption_keys;
END;
$adopt$;
-- @end-once
