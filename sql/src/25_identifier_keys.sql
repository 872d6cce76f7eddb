-- Stored identifiers in the canonical form of this version's normaliser.
-- Two kinds of database reach this point with identifiers in other forms:
--   * one built from schema.sql and being adopted (see 00_schema.sql): its
--     identifiers were written by hand or by the original backend, in any
--     spelling;
--   * one being updated (included by the upgrade scripts): the normaliser
--     of the new library reads some inputs differently (1.1.0: WhatsApp
--     JIDs are international whatever the region, device JIDs are the
--     phone, @lid identifiers are their own kind).
-- They are normalised in place. An identifier that cannot be normalised,
-- or two that become one key, stop the command (in 90_divergences.sql,
-- together with every other problem of the existing rows) with a report
-- of the rows and tenants concerned: nothing is merged or dropped
-- silently, and nothing is changed. On a fresh install the table is empty.
--
-- Two spellings of one guest under two tenants (phone_match_keys()) that
-- an older version let in are kept as they are: identifier_conflicts()
-- lists them. The normalising trigger, which refuses them, is therefore
-- not fired by the rewrite.

-- @once
DO $keys$
DECLARE
    problems text[] := ARRAY[]::text[];
    r record;
    has_trigger boolean;
BEGIN
    CREATE TEMPORARY TABLE hotel_agent_identifier_keys ON COMMIT DROP AS
    SELECT i.id, i.identifier::text AS raw, t.tenant_id::text AS tenant,
           hotel_agent.try_normalize_identifier(i.identifier::text) AS key
    FROM @extschema@.tenant_user_identifiers i
    LEFT JOIN @extschema@.tenants t ON t.id OPERATOR(pg_catalog.=) i.tenant_id;

    FOR r IN
        SELECT k.id, k.raw, k.tenant FROM hotel_agent_identifier_keys k
        WHERE k.key IS NULL ORDER BY k.id LIMIT 50
    LOOP
        problems := problems OPERATOR(pg_catalog.||) pg_catalog.format(
            'identifier id %s %L of tenant %s is not a valid phone number or e-mail address',
            r.id, r.raw, r.tenant);
    END LOOP;
    FOR r IN
        SELECT k.key, pg_catalog.string_agg(pg_catalog.format('id %s %L of tenant %s', k.id, k.raw, k.tenant),
                                            ', ' ORDER BY k.id) AS rows
        FROM hotel_agent_identifier_keys k
        WHERE k.key IS NOT NULL
        GROUP BY k.key HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1
        ORDER BY k.key LIMIT 50
    LOOP
        problems := problems OPERATOR(pg_catalog.||) pg_catalog.format(
            'identifiers that are one key once normalised (%s): %s', r.key, r.rows);
    END LOOP;
    -- Reported with every other problem of the existing rows by the check
    -- at the start of 90_divergences.sql, which stops the command.
    IF pg_catalog.cardinality(problems) OPERATOR(pg_catalog.>) 0 THEN
        CREATE TEMPORARY TABLE hotel_agent_row_problems ON COMMIT DROP AS
        SELECT p.problem, p.n FROM pg_catalog.unnest(problems) WITH ORDINALITY AS p(problem, n);
        DROP TABLE hotel_agent_identifier_keys;
        RETURN;
    END IF;

    has_trigger := EXISTS (
        SELECT FROM pg_catalog.pg_trigger tg
        WHERE tg.tgrelid OPERATOR(pg_catalog.=) '@extschema@.tenant_user_identifiers'::pg_catalog.regclass
          AND tg.tgname OPERATOR(pg_catalog.=) 'hotel_agent_normalize_identifier');
    IF has_trigger THEN
        ALTER TABLE @extschema@.tenant_user_identifiers DISABLE TRIGGER hotel_agent_normalize_identifier;
    END IF;
    UPDATE @extschema@.tenant_user_identifiers i
    SET identifier = k.key
    FROM hotel_agent_identifier_keys k
    WHERE k.id OPERATOR(pg_catalog.=) i.id AND k.key OPERATOR(pg_catalog.<>) k.raw;
    IF has_trigger THEN
        ALTER TABLE @extschema@.tenant_user_identifiers ENABLE TRIGGER hotel_agent_normalize_identifier;
    END IF;
    DROP TABLE hotel_agent_identifier_keys;
END;
$keys$;
-- @end-once
