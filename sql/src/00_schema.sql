-- The canonical schema of the hotel agent (test/data/schema.sql), object for
-- object: the backend's ORM depends on every name, type, default, index and
-- comment below. Differences from the canonical DDL, all required by
-- extension scripts and none visible in the catalog:
--   * no IF NOT EXISTS (an extension script must not take over objects it
--     has not checked: see the adoption below);
--   * every object is qualified with the schema given to CREATE EXTENSION
--     (@extschema@, by default public), written {{schema}} in the DDL text;
--   * the validation queries, sample data and role creation are left out.
-- Version 1.0.0 is this DDL exactly; 90_divergences.sql makes 1.1.0's
-- changes (README, "Divergences from schema.sql").
--
-- A database built from schema.sql by hand already has the six tables.
-- CREATE EXTENSION then adopts them instead of failing on "relation already
-- exists": it builds the canonical DDL in a scratch schema, compares the
-- existing tables with it (columns, types, defaults, constraints, indexes,
-- triggers, comments, the trigger function) and either stops with a report
-- of every difference, changing nothing, or takes the tables, their
-- sequences and the trigger function into the extension. Their identifiers
-- are normalised later (25_identifier_keys.sql), once the normaliser exists; the
-- rest of the script then treats them as freshly created tables.

-- @if supabase
-- The pure-SQL build installs once per database, and never next to the
-- extension: both would own the same tables. Checked before anything
-- changes.
-- @once
DO $guard$
DECLARE
    installed text := 'unknown';
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'hotel_agent') THEN
        RAISE EXCEPTION USING ERRCODE = '42710',
            MESSAGE = 'hotel_agent is installed in this database as an extension',
            DETAIL = 'The pure-SQL build and the extension cannot both own the tables.',
            HINT = 'Use ALTER EXTENSION hotel_agent UPDATE to update the extension.';
    END IF;
    IF pg_catalog.to_regnamespace('hotel_agent') IS NOT NULL THEN
        IF pg_catalog.to_regprocedure('hotel_agent.version()') IS NOT NULL THEN
            EXECUTE 'SELECT hotel_agent.version()' INTO installed;
        END IF;
        RAISE EXCEPTION USING ERRCODE = '42710',
            MESSAGE = 'hotel_agent is already installed in this database',
            DETAIL = pg_catalog.format('Schema hotel_agent exists (version %s).', installed),
            HINT = pg_catalog.format('Apply the upgrade script sql/supabase/hotel_agent--%s--@hotel_agent_version@.sql instead.', installed);
    END IF;
END;
$guard$;
-- @end-once
-- @endif

-- @once
-- Functions of the extension live in their own schema.
CREATE SCHEMA hotel_agent;
COMMENT ON SCHEMA hotel_agent IS 'Functions of the hotel_agent extension';
GRANT USAGE ON SCHEMA hotel_agent TO PUBLIC;

DO $schema$
DECLARE
    canonical_ddl constant text := $ddl$
-- 1. users
CREATE TABLE {{schema}}.users (
    id VARCHAR(255) PRIMARY KEY,
    username VARCHAR(255) UNIQUE NOT NULL,
    email VARCHAR(255) UNIQUE NOT NULL,
    hashed_password VARCHAR(255) NOT NULL,
    full_name VARCHAR(255),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    tenant_id VARCHAR(255),
    password_last_changed TIMESTAMP NOT NULL DEFAULT NOW(),
    password_must_change BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_users_username ON {{schema}}.users(username);
CREATE INDEX idx_users_email ON {{schema}}.users(email);
CREATE INDEX idx_users_tenant_id ON {{schema}}.users(tenant_id);

COMMENT ON TABLE {{schema}}.users IS 'Usuarios del sistema con autenticación JWT custom';
COMMENT ON COLUMN {{schema}}.users.tenant_id IS 'Referencia lógica a tenants.tenant_id (slug)';
COMMENT ON COLUMN {{schema}}.users.password_must_change IS 'Forzar cambio de password en próximo login';

-- 2. user_sessions
CREATE TABLE {{schema}}.user_sessions (
    id VARCHAR(255) PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    token_jti VARCHAR(255) UNIQUE NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    is_revoked BOOLEAN NOT NULL DEFAULT FALSE,
    user_agent TEXT,
    ip_address VARCHAR(45),
    FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id) ON DELETE CASCADE
);

CREATE INDEX idx_user_sessions_user_id ON {{schema}}.user_sessions(user_id);
CREATE INDEX idx_user_sessions_token_jti ON {{schema}}.user_sessions(token_jti);
CREATE INDEX idx_user_sessions_expires_at ON {{schema}}.user_sessions(expires_at);

COMMENT ON TABLE {{schema}}.user_sessions IS 'Sesiones JWT activas para soporte de revocación';
COMMENT ON COLUMN {{schema}}.user_sessions.token_jti IS 'JWT ID (jti claim) para identificación única';
COMMENT ON COLUMN {{schema}}.user_sessions.is_revoked IS 'Marcado true en logout manual o por admin';

-- 3. password_history
CREATE TABLE {{schema}}.password_history (
    id SERIAL PRIMARY KEY,
    user_id VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id) ON DELETE CASCADE
);

CREATE INDEX idx_password_history_user_id ON {{schema}}.password_history(user_id);
CREATE INDEX idx_password_history_created_at ON {{schema}}.password_history(created_at);

COMMENT ON TABLE {{schema}}.password_history IS 'Historial de contraseñas para prevenir reutilización';
COMMENT ON COLUMN {{schema}}.password_history.password_hash IS 'Hash bcrypt del password anterior';

-- 4. tenants
CREATE TABLE {{schema}}.tenants (
    id SERIAL PRIMARY KEY,
    tenant_id VARCHAR(255) UNIQUE NOT NULL,
    name VARCHAR(255) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    business_hours_start INTEGER,
    business_hours_end INTEGER,
    business_hours_timezone VARCHAR(50),
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_tenants_tenant_id ON {{schema}}.tenants(tenant_id);
CREATE INDEX idx_tenants_status ON {{schema}}.tenants(status);

COMMENT ON TABLE {{schema}}.tenants IS 'Configuración multi-tenant (por hotel/cliente)';
COMMENT ON COLUMN {{schema}}.tenants.tenant_id IS 'Slug legible usado en código como clave lógica principal (ej: "hotel-abc")';
COMMENT ON COLUMN {{schema}}.tenants.id IS 'PK numérica autoincrementada (usada en FKs de tenant_user_identifiers)';
COMMENT ON COLUMN {{schema}}.tenants.business_hours_start IS 'Hora de inicio (0-23), NULL = 24/7';

-- 5. tenant_user_identifiers
CREATE TABLE {{schema}}.tenant_user_identifiers (
    id SERIAL PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    identifier VARCHAR(255) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE,
    CONSTRAINT uq_identifier UNIQUE (identifier)
);

CREATE INDEX idx_tenant_identifiers_tenant_id ON {{schema}}.tenant_user_identifiers(tenant_id);
CREATE INDEX idx_tenant_identifiers_identifier ON {{schema}}.tenant_user_identifiers(identifier);

COMMENT ON TABLE {{schema}}.tenant_user_identifiers IS 'Mapeo phone/email → tenant para resolución dinámica';
COMMENT ON COLUMN {{schema}}.tenant_user_identifiers.identifier IS 'Formato normalizado: E.164 para phones';
COMMENT ON CONSTRAINT uq_identifier ON {{schema}}.tenant_user_identifiers IS 'Un identifier solo puede pertenecer a un tenant';

-- 6. lock_audit
CREATE TABLE {{schema}}.lock_audit (
    id SERIAL PRIMARY KEY,
    lock_key VARCHAR(255) NOT NULL,
    event_type VARCHAR(50) NOT NULL,
    timestamp TIMESTAMP NOT NULL DEFAULT NOW(),
    details JSONB
);

CREATE INDEX idx_lock_audit_lock_key ON {{schema}}.lock_audit(lock_key);
CREATE INDEX idx_lock_audit_timestamp ON {{schema}}.lock_audit(timestamp);
CREATE INDEX idx_lock_audit_event_type ON {{schema}}.lock_audit(event_type);

COMMENT ON TABLE {{schema}}.lock_audit IS 'Auditoría de locks distribuidos Redis para debugging';
COMMENT ON COLUMN {{schema}}.lock_audit.details IS 'JSON: {"holder_id": "worker-1", "ttl": 30, "reason": "timeout"}';

-- The updated_at trigger. The body is the canonical one (it runs no query,
-- so it needs no search_path).
CREATE FUNCTION {{schema}}.update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ language 'plpgsql';

CREATE TRIGGER update_users_updated_at
    BEFORE UPDATE ON {{schema}}.users
    FOR EACH ROW
    EXECUTE FUNCTION {{schema}}.update_updated_at_column();

CREATE TRIGGER update_tenants_updated_at
    BEFORE UPDATE ON {{schema}}.tenants
    FOR EACH ROW
    EXECUTE FUNCTION {{schema}}.update_updated_at_column();

COMMENT ON FUNCTION {{schema}}.update_updated_at_column() IS 'Actualiza automáticamente updated_at en UPDATEs';
$ddl$;
    tables constant text[] := ARRAY['users', 'user_sessions', 'password_history', 'tenants',
                                    'tenant_user_identifiers', 'lock_audit'];
    probe constant text := 'hotel_agent_adoption_probe';
    -- What defines the canonical objects of a schema, with the schema's
    -- name taken out of every line so that two schemas compare.
    facts_query constant text := $facts$
        WITH s AS (SELECT n.oid AS nsp, pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.' AS prefix
                   FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1),
        rels AS (
            SELECT c.oid, c.relname FROM pg_catalog.pg_class c, s
            WHERE c.relnamespace OPERATOR(pg_catalog.=) s.nsp AND c.relkind IN ('r', 'p')
              AND c.relname OPERATOR(pg_catalog.=) ANY ($2)
        ), facts AS (
            SELECT pg_catalog.format('table %s', r.relname) AS line FROM rels r
            UNION ALL
            SELECT pg_catalog.format('column %s.%s #%s %s %s default=%s', r.relname, a.attname, a.attnum,
                       pg_catalog.format_type(a.atttypid, a.atttypmod),
                       CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
                       pg_catalog.pg_get_expr(d.adbin, d.adrelid))
            FROM rels r
            JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) r.oid
             AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid
             AND d.adnum OPERATOR(pg_catalog.=) a.attnum
            UNION ALL
            SELECT pg_catalog.format('constraint %s.%s %s', r.relname, con.conname,
                       pg_catalog.pg_get_constraintdef(con.oid))
            FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid OPERATOR(pg_catalog.=) r.oid
            UNION ALL
            SELECT pg_catalog.format('index %s', pg_catalog.pg_get_indexdef(i.indexrelid))
            FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid OPERATOR(pg_catalog.=) r.oid
            UNION ALL
            SELECT pg_catalog.format('trigger %s', pg_catalog.pg_get_triggerdef(tg.oid))
            FROM rels r JOIN pg_catalog.pg_trigger tg ON tg.tgrelid OPERATOR(pg_catalog.=) r.oid
             AND NOT tg.tgisinternal
            UNION ALL
            SELECT pg_catalog.format('comment on %s: %s', r.relname, pg_catalog.obj_description(r.oid, 'pg_class'))
            FROM rels r WHERE pg_catalog.obj_description(r.oid, 'pg_class') IS NOT NULL
            UNION ALL
            SELECT pg_catalog.format('comment on column %s.%s: %s', r.relname, a.attname,
                       pg_catalog.col_description(r.oid, a.attnum))
            FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) r.oid
            WHERE pg_catalog.col_description(r.oid, a.attnum) IS NOT NULL
            UNION ALL
            SELECT pg_catalog.format('comment on constraint %s.%s: %s', r.relname, con.conname,
                       pg_catalog.obj_description(con.oid, 'pg_constraint'))
            FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid OPERATOR(pg_catalog.=) r.oid
            WHERE pg_catalog.obj_description(con.oid, 'pg_constraint') IS NOT NULL
            UNION ALL
            SELECT pg_catalog.format('function %s comment=%s', pg_catalog.pg_get_functiondef(p.oid),
                       pg_catalog.obj_description(p.oid, 'pg_proc'))
            FROM pg_catalog.pg_proc p, s
            WHERE p.pronamespace OPERATOR(pg_catalog.=) s.nsp
              AND p.proname OPERATOR(pg_catalog.=) 'update_updated_at_column'
        )
        SELECT pg_catalog.array_agg(pg_catalog.replace(f.line, s.prefix, '') ORDER BY 1)
        FROM facts f, s
    $facts$;
    target text;
    present text[];
    expected text[];
    existing text[];
    differences text[];
    seq text;
BEGIN
    SELECT n.nspname INTO target FROM pg_catalog.pg_namespace n
    WHERE n.oid OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace;
    SELECT pg_catalog.array_agg(c.relname::text ORDER BY c.relname) INTO present
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
      AND c.relname OPERATOR(pg_catalog.=) ANY (tables);

    IF present IS NULL THEN
        -- A fresh install.
        EXECUTE pg_catalog.replace(canonical_ddl, '{{schema}}', '@extschema@');
        RETURN;
    END IF;

    IF pg_catalog.cardinality(present) OPERATOR(pg_catalog.<>) pg_catalog.cardinality(tables) THEN
        RAISE EXCEPTION USING ERRCODE = '42P07',
            MESSAGE = pg_catalog.format('schema %s has some of the tables of hotel_agent but not all', target),
            DETAIL = pg_catalog.format('Found %s; an existing database is adopted only with all six tables of schema.sql.',
                                       pg_catalog.array_to_string(present, ', ')),
            HINT = 'Create the missing tables from schema.sql, or drop or rename the ones found, then run CREATE EXTENSION again. Nothing was changed.';
    END IF;

    -- Adoption: compare with the canonical DDL built in a scratch schema.
    EXECUTE pg_catalog.format('CREATE SCHEMA %I', probe);
    EXECUTE pg_catalog.replace(canonical_ddl, '{{schema}}', pg_catalog.quote_ident(probe));
    EXECUTE facts_query INTO expected USING probe, tables;
    EXECUTE facts_query INTO existing USING target, tables;
    EXECUTE pg_catalog.format('DROP SCHEMA %I CASCADE', probe);

    SELECT pg_catalog.array_agg(d ORDER BY d) INTO differences FROM (
        SELECT 'missing: ' OPERATOR(pg_catalog.||) x AS d
        FROM (SELECT pg_catalog.unnest(expected) EXCEPT SELECT pg_catalog.unnest(existing)) m(x)
        UNION ALL
        SELECT 'not in schema.sql: ' OPERATOR(pg_catalog.||) x
        FROM (SELECT pg_catalog.unnest(existing) EXCEPT SELECT pg_catalog.unnest(expected)) m(x)
    ) diff;
    IF differences IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '42P07',
            MESSAGE = pg_catalog.format('the tables in schema %s differ from the canonical schema.sql: hotel_agent cannot adopt them', target),
            DETAIL = pg_catalog.array_to_string(differences, E'\n'),
            HINT = 'Make the tables match schema.sql (or move them to another schema), then run CREATE EXTENSION again. Nothing was changed.';
    END IF;

-- @if extension
    EXECUTE pg_catalog.format('ALTER EXTENSION hotel_agent ADD FUNCTION %I.update_updated_at_column()', target);
    FOR i IN 1 .. pg_catalog.cardinality(tables) LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION hotel_agent ADD TABLE %I.%I', target, tables[i]);
    END LOOP;
    FOREACH seq IN ARRAY ARRAY['password_history_id_seq', 'tenants_id_seq',
                               'tenant_user_identifiers_id_seq', 'lock_audit_id_seq'] LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION hotel_agent ADD SEQUENCE %I.%I', target, seq);
    END LOOP;
-- @endif
END;
$schema$;

-- pg_dump must keep the rows (and the sequences' positions): the tables are
-- members of the extension, which pg_dump would otherwise skip.
-- @if extension
SELECT pg_catalog.pg_extension_config_dump('@extschema@.users', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.user_sessions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.password_history', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenants', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_user_identifiers', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lock_audit', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.password_history_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenants_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_user_identifiers_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lock_audit_id_seq', '');
-- @endif
-- @end-once
